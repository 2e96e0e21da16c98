"""Per-test outcomes and the ``results.json`` record every report is derived from.

``results.json`` is the run's record of truth: the ConformanceReport, the support matrix and any later
comparison are pure functions of it, so they can be regenerated or merged without a cluster. It is
written atomically (temp file + rename) after every test, so a run that crashes leaves a valid file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


class Outcome(StrEnum):
    """Upstream's result kinds (``utils/suite/reports.go``), plus our own for runs cut short."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"
    """Skipped on purpose (--skip-tests, --run-test, or the test skipped itself)."""
    NOT_SUPPORTED = "NOT_SUPPORTED"
    """A required feature is not supported; counted nowhere in the ConformanceReport."""
    PROVISIONAL_SKIPPED = "PROVISIONAL_SKIPPED"
    INTERRUPTED = "INTERRUPTED"
    """The run was stopped while this test ran; it is reported as neither passed nor failed."""


@dataclass(frozen=True, slots=True)
class TestRecord:
    short_name: str
    outcome: Outcome
    features: tuple[str, ...]
    provisional: bool
    description: str = ""
    reason: str = ""
    """Skip text, or the failure message's first lines."""
    duration: float = 0.0
    """Seconds spent in setup, the test body and teardown."""
    nodeid: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["features"] = list(self.features)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TestRecord:
        return cls(
            short_name=str(data["short_name"]),
            outcome=Outcome(data["outcome"]),
            features=tuple(data.get("features", ())),
            provisional=bool(data.get("provisional", False)),
            description=str(data.get("description", "")),
            reason=str(data.get("reason", "")),
            duration=float(data.get("duration", 0.0)),
            nodeid=str(data.get("nodeid", "")),
        )


@dataclass(slots=True)
class RunRecord:
    """Everything about the run a report needs, plus one record per test."""

    run_id: str
    started: str
    """RFC 3339 with the local offset, like upstream's report date."""
    finished: str = ""
    implementation: dict[str, Any] = field(default_factory=dict)
    """organization, project, url, version, contact (list)."""
    gateway_class: str = ""
    controller_name: str = ""
    gateway_api_version: str = "UNDEFINED"
    gateway_api_channel: str = "UNDEFINED"
    mode: str = "default"
    cluster: str = ""
    profiles: list[str] = field(default_factory=list)
    supported_features: list[str] = field(default_factory=list)
    features_source: str = ""
    """How the supported set was decided: manual, all-features, inferred, profiles."""
    exempt_features: list[str] = field(default_factory=list)
    skip_tests: list[str] = field(default_factory=list)
    run_test: str = ""
    harness_version: str = ""
    interrupted: bool = False
    implementation_specific: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Optional: resource -> implementation-specific capability -> the tests that evidence it, as the
    implementation declares (``--implementation-specific``); the matrix's third column."""
    catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every test the suite knew at run time (short name -> features, provisional), run or not: the matrix
    needs the tests that did not run too, and results.json must be enough to rebuild every report."""
    tests: list[TestRecord] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schemaVersion": SCHEMA_VERSION}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            data[name] = [t.to_json() for t in value] if name == "tests" else value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], *, where: str = "results.json") -> RunRecord:
        version = data.get("schemaVersion")
        if version != SCHEMA_VERSION:
            raise ValueError(
                f"{where}: schemaVersion {version!r} is not supported by this gateway-conformance "
                f"(it reads version {SCHEMA_VERSION}); regenerate the results with a matching version"
            )
        known = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known and k != "tests"}
        return cls(**values, tests=[TestRecord.from_json(t) for t in data.get("tests", [])])


def write_json_atomic(path: Path, data: Any, *, mode: int = 0o644) -> None:
    """Write JSON so that readers see either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=False)
            handle.write("\n")
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> RunRecord:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path} is not JSON: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object with run metadata and tests")
    return RunRecord.from_json(data, where=str(path))
