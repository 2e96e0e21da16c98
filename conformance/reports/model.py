"""The ConformanceReport value objects, mirroring upstream's ``conformance/apis/v1`` types field for field.

Why a model of our own instead of dicts: the report is built by rules (which blocks exist, which lists
are omitted) and read back by ``gwconf compare``; typed values make both sides check the same shape.
``to_json`` yields exactly the mapping upstream's ``encoding/json`` would (JSON names, ``omitempty``
applied, the capitalised ``Statistics`` keys); ``from_json`` reads that mapping back. Serialising it to
YAML is :mod:`conformance.reports.conformance_report`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

API_VERSION = "gateway.networking.k8s.io/v1"
KIND = "ConformanceReport"


class Result(StrEnum):
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"


@dataclass(frozen=True, slots=True)
class Implementation:
    organization: str = ""
    project: str = ""
    url: str = ""
    version: str = ""
    contact: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        # ``contact`` has no omitempty upstream: an empty list is still written.
        return {
            "organization": self.organization,
            "project": self.project,
            "url": self.url,
            "version": self.version,
            "contact": list(self.contact),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Implementation:
        contact = data.get("contact") or ()
        if isinstance(contact, str):
            contact = (contact,)
        return cls(
            organization=_text(data.get("organization")),
            project=_text(data.get("project")),
            url=_text(data.get("url")),
            # Some published reports carry a YAML number here (``version: 1.22`` unquoted).
            version=_text(data.get("version")),
            contact=tuple(_text(c) for c in contact),
        )


@dataclass(frozen=True, slots=True)
class Statistics:
    """Upstream's struct has no JSON tags, hence the capitalised keys in every report."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"Failed": self.failed, "Passed": self.passed, "Skipped": self.skipped}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Statistics:
        return cls(passed=int(data["Passed"]), failed=int(data["Failed"]), skipped=int(data["Skipped"]))


@dataclass(frozen=True, slots=True)
class Status:
    result: Result
    statistics: Statistics
    skipped_tests: tuple[str, ...] = ()
    failed_tests: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"result": self.result.value, "statistics": self.statistics.to_json()}
        _put_list(data, "skippedTests", self.skipped_tests)
        _put_list(data, "failedTests", self.failed_tests)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Status:
        return cls(**_status_fields(data))


@dataclass(frozen=True, slots=True)
class ExtendedStatus(Status):
    """Status inlined (Go embedding) plus the profile's extended features split by support."""

    supported_features: tuple[str, ...] = ()
    unsupported_features: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = Status.to_json(self)
        _put_list(data, "supportedFeatures", self.supported_features)
        _put_list(data, "unsupportedFeatures", self.unsupported_features)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExtendedStatus:
        return cls(
            **_status_fields(data),
            supported_features=_names(data.get("supportedFeatures")),
            unsupported_features=_names(data.get("unsupportedFeatures")),
        )


@dataclass(frozen=True, slots=True)
class ProfileReport:
    name: str
    summary: str
    core: Status
    extended: ExtendedStatus | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "summary": self.summary, "core": self.core.to_json()}
        if self.extended is not None:
            data["extended"] = self.extended.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProfileReport:
        extended = data.get("extended")
        return cls(
            name=_text(data["name"]),
            summary=_text(data.get("summary")),
            core=Status.from_json(data["core"]),
            extended=ExtendedStatus.from_json(extended) if extended else None,
        )


@dataclass(frozen=True, slots=True)
class ConformanceReport:
    implementation: Implementation
    date: str
    gateway_api_version: str
    gateway_api_channel: str
    mode: str
    profiles: tuple[ProfileReport, ...]
    """In output order: build_report sorts them by name; parsed reports keep the file's order."""
    succeeded_provisional_tests: tuple[str, ...] = ()
    api_version: str = API_VERSION
    kind: str = KIND

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "date": self.date,
            "gatewayAPIVersion": self.gateway_api_version,
            "gatewayAPIChannel": self.gateway_api_channel,
            "mode": self.mode,
            "implementation": self.implementation.to_json(),
            "profiles": [p.to_json() for p in self.profiles],
        }
        _put_list(data, "succeededProvisionalTests", self.succeeded_provisional_tests)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConformanceReport:
        """Read the v1 schema (also the v1alpha1 files of v1.1, which share it)."""
        return cls(
            implementation=Implementation.from_json(data.get("implementation") or {}),
            date=_text(data.get("date")),
            gateway_api_version=_text(data.get("gatewayAPIVersion")),
            gateway_api_channel=_text(data.get("gatewayAPIChannel")),
            mode=_text(data.get("mode")),
            profiles=tuple(ProfileReport.from_json(p) for p in data.get("profiles") or ()),
            succeeded_provisional_tests=_names(data.get("succeededProvisionalTests")),
            api_version=_text(data.get("apiVersion")) or API_VERSION,
            kind=_text(data.get("kind")) or KIND,
        )


def _put_list(data: dict[str, Any], key: str, values: Sequence[str]) -> None:
    """``omitempty``: an empty list is left out of the output altogether."""
    if values:
        data[key] = list(values)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _names(value: object) -> tuple[str, ...]:
    if not value:
        return ()
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of names, got {value!r}")
    return tuple(_text(v) for v in value)


def _status_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "result": Result(data["result"]),
        "statistics": Statistics.from_json(data["statistics"]),
        "skipped_tests": _names(data.get("skippedTests")),
        "failed_tests": _names(data.get("failedTests")),
    }
