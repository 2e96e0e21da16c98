"""Read anyone's ConformanceReport, with every quirk published reports have, or say why a file is not one.

Published reports (upstream's ``conformance/reports/``) span v0.7.1 to today and were written by several
suite versions, re-serialised by hand or built from scratch (report-schema.md §6-§9). This reader accepts
all of them and turns each into the current :class:`~conformance.reports.model.ConformanceReport`, listing
what it had to repair as *quirks*: ``profileReports`` for ``profiles``, lowercase statistics keys, an
``extended`` block nested under ``status`` or ``null``, a summary inside ``core``, ``date: -``, a stray
prefix before a key (``<Right>apiVersion``), and unquoted versions (``version: 1.20``, which a plain YAML
loader turns into the float 1.2: numbers are kept as the text that was written). Anything else that does
not fit the schema is a :class:`ReportError` naming the file and the field.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conformance.reports.model import ConformanceReport, Result

KIND = "ConformanceReport"
API_VERSIONS = ("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1alpha1")
_TOP_KEYS = (
    "apiVersion",
    "kind",
    "date",
    "gatewayAPIVersion",
    "gatewayAPIChannel",
    "mode",
    "implementation",
    "profiles",
    "profileReports",
    "succeededProvisionalTests",
)
_STAT_KEYS = ("Passed", "Failed", "Skipped")


class ReportError(ValueError):
    """The file is not a ConformanceReport (or not one this reader can make sense of)."""


@dataclass(frozen=True, slots=True)
class ParsedReport:
    path: str
    report: ConformanceReport
    quirks: tuple[str, ...] = ()
    """What was repaired to read the file, one sentence each, naming the field."""


class _Number(str):
    """A YAML int or float kept as the text that was written (``1.20`` stays ``1.20``)."""

    is_float = False


class _Float(_Number):
    is_float = True


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps numbers and timestamps as written: reports hold versions, not quantities."""


def _number(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return _Number(loader.construct_scalar(node))  # type: ignore[arg-type]


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return _Float(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:int", _number)
_Loader.add_constructor("tag:yaml.org,2002:float", _float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _number)


def read_report(path: Path) -> ParsedReport:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not a ConformanceReport: the file is not UTF-8 text") from None
    except OSError as err:
        raise ReportError(f"{path}: cannot read: {err.strerror or err}") from None
    return parse_report(text, where=str(path))


def parse_report(text: str, *, where: str) -> ParsedReport:
    try:
        documents = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError as err:
        raise ReportError(f"{where}: not a ConformanceReport: not valid YAML: {_one_line(err)}") from None
    if not documents:
        raise ReportError(f"{where}: not a ConformanceReport: the file is empty")
    if len(documents) > 1:
        count = len(documents)
        raise ReportError(f"{where}: not a ConformanceReport: it holds {count} YAML documents, a report is one")
    normaliser = _Normaliser(where)
    data = normaliser.document(documents[0])
    return ParsedReport(where, ConformanceReport.from_json(data), tuple(normaliser.quirks))


def find_reports(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders walked for ``*.yaml``/``*.yml`` without following symlinked folders.

    Upstream's reports folder links ``v1.5.0 -> v1.5``; following the links would read those files twice.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(_walk(path))
        elif path.exists():
            found.append(path)
        else:
            raise ReportError(f"{path}: no such file or folder")
    return found


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                yield Path(root) / name


class _Normaliser:
    """Checks one parsed document against the schema and rewrites it to the current JSON shape."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.quirks: list[str] = []

    def fail(self, field: str, problem: str) -> ReportError:
        return ReportError(f"{self.where}: field {field}: {problem}")

    def document(self, doc: object) -> dict[str, Any]:
        if not isinstance(doc, dict):
            raise ReportError(
                f"{self.where}: not a ConformanceReport: the document is a YAML {_kind(doc)}, not a mapping"
            )
        doc = self._strip_prefixes(doc)
        kind = doc.get("kind")
        if kind is not None and kind != KIND:
            raise ReportError(f"{self.where}: not a ConformanceReport: field kind is {kind!r} (expected {KIND})")
        api_version = doc.get("apiVersion")
        if api_version is not None and api_version not in API_VERSIONS:
            raise ReportError(
                f"{self.where}: not a ConformanceReport: field apiVersion is {api_version!r} "
                f"(expected {' or '.join(API_VERSIONS)})"
            )
        if "profiles" not in doc and "profileReports" not in doc:
            missing = "kind, apiVersion and profiles" if kind is None and api_version is None else "profiles"
            raise ReportError(f"{self.where}: not a ConformanceReport: no field {missing}")
        if kind is None:
            self.quirks.append("kind: missing (ConformanceReport assumed)")
        if api_version is None:
            self.quirks.append("apiVersion: missing (gateway.networking.k8s.io/v1 assumed)")
        profiles = doc.get("profiles")
        if profiles is None and "profileReports" in doc:
            self.quirks.append("profileReports: the Go field name used instead of profiles")
            profiles = doc["profileReports"]
        date = self._text(doc.get("date"), "date")
        if date in ("-", ""):
            self.quirks.append(f"date: {date!r} is not a date")
        version = self._text(doc.get("gatewayAPIVersion"), "gatewayAPIVersion")
        if not version[:1].isdigit() and not (version.startswith("v") and version[1:2].isdigit()):
            self.quirks.append(f"gatewayAPIVersion: {version!r} is not a release version")
        elif not version.startswith("v"):
            self.quirks.append(f"gatewayAPIVersion: {version!r} lacks the leading v")
        data: dict[str, Any] = {
            "apiVersion": api_version or API_VERSIONS[0],
            "kind": KIND,
            "date": date,
            "gatewayAPIVersion": version,
            "gatewayAPIChannel": self._text(doc.get("gatewayAPIChannel"), "gatewayAPIChannel"),
            "mode": self._text(doc.get("mode"), "mode"),
            "implementation": self._implementation(doc.get("implementation")),
            "profiles": [self._profile(p, f"profiles[{i}]") for i, p in enumerate(self._seq(profiles, "profiles"))],
            "succeededProvisionalTests": self._names(doc.get("succeededProvisionalTests"), "succeededProvisionalTests"),
        }
        return data

    def _strip_prefixes(self, doc: dict[Any, Any]) -> dict[str, Any]:
        """``<Right>apiVersion`` (an editor artefact) -> ``apiVersion``, when the real key is absent."""
        fixed: dict[str, Any] = {}
        for key, value in doc.items():
            name = str(key)
            if name not in _TOP_KEYS:
                real = next((k for k in _TOP_KEYS if name.endswith(k) and k not in doc), None)
                if real is not None:
                    self.quirks.append(f"{real}: written with a stray prefix as {name!r}")
                    name = real
            fixed[name] = value
        return fixed

    def _implementation(self, value: object) -> dict[str, Any]:
        if value is None:
            raise self.fail("implementation", "missing")
        impl = self._map(value, "implementation")
        contact = impl.get("contact")
        if isinstance(contact, str):
            self.quirks.append("implementation.contact: a string instead of a list")
            contact = [contact]
        return {
            "organization": self._text(impl.get("organization"), "implementation.organization"),
            "project": self._text(impl.get("project"), "implementation.project"),
            "url": self._text(impl.get("url"), "implementation.url"),
            "version": self._text(impl.get("version"), "implementation.version"),
            "contact": self._names(contact, "implementation.contact"),
        }

    def _profile(self, value: object, field: str) -> dict[str, Any]:
        profile = self._map(value, field)
        name = self._text(profile.get("name"), f"{field}.name")
        if not name:
            raise self.fail(f"{field}.name", "missing (every profile is named, e.g. GATEWAY-HTTP)")
        field = f"profiles[{name}]"
        if "core" not in profile:
            raise self.fail(f"{field}.core", "missing")
        core = self._map(profile["core"], f"{field}.core")
        summary = self._text(profile.get("summary"), f"{field}.summary")
        if "summary" in core:
            self.quirks.append(f"{field}.core.summary: the summary sits inside core (suites before v1.1)")
            summary = summary or self._text(core.get("summary"), f"{field}.core.summary")
        data: dict[str, Any] = {"name": name, "summary": summary, "core": self._status(core, f"{field}.core")}
        if "extended" in profile and profile["extended"] is None:
            self.quirks.append(f"{field}.extended: null instead of absent")
        elif profile.get("extended") is not None:
            data["extended"] = self._extended(self._map(profile["extended"], f"{field}.extended"), f"{field}.extended")
        return data

    def _extended(self, extended: Mapping[str, Any], field: str) -> dict[str, Any]:
        if "result" not in extended and isinstance(extended.get("status"), dict):
            self.quirks.append(f"{field}.status: result and statistics nested under status")
            extended = {**extended["status"], **{k: v for k, v in extended.items() if k != "status"}}
        data = self._status(extended, field)
        supported = self._names(extended.get("supportedFeatures"), f"{field}.supportedFeatures")
        unsupported = self._names(extended.get("unsupportedFeatures"), f"{field}.unsupportedFeatures")
        both = sorted(set(supported) & set(unsupported))
        if both:
            self.quirks.append(f"{field}: listed both as supported and unsupported: {', '.join(both)}")
        data["supportedFeatures"] = supported
        data["unsupportedFeatures"] = unsupported
        return data

    def _status(self, status: Mapping[str, Any], field: str) -> dict[str, Any]:
        result = self._text(status.get("result"), f"{field}.result")
        if result not in {r.value for r in Result}:
            choices = ", ".join(r.value for r in Result)
            raise self.fail(f"{field}.result", f"{result or 'missing'!r} is not a result (valid: {choices})")
        return {
            "result": result,
            "statistics": self._statistics(status.get("statistics"), f"{field}.statistics"),
            "skippedTests": self._names(status.get("skippedTests"), f"{field}.skippedTests"),
            "failedTests": self._names(status.get("failedTests"), f"{field}.failedTests"),
        }

    def _statistics(self, value: object, field: str) -> dict[str, int]:
        stats = self._map(value, field)
        counts: dict[str, int] = {}
        lowered = False
        for key in _STAT_KEYS:
            raw = stats.get(key)
            if raw is None and key.lower() in stats:
                raw, lowered = stats[key.lower()], True
            if raw is None:
                raise self.fail(f"{field}.{key}", f"missing (statistics hold {', '.join(_STAT_KEYS)})")
            text = str(raw)
            if not text.isdigit():
                raise self.fail(f"{field}.{key}", f"expected a count, got {raw!r}")
            counts[key] = int(text)
        if lowered:
            self.quirks.append(f"{field}: lowercase keys (passed/failed/skipped)")
        return counts

    def _map(self, value: object, field: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, f"expected a mapping, got a YAML {_kind(value)}")
        return {str(k): v for k, v in value.items()}

    def _seq(self, value: object, field: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(field, f"expected a list, got a YAML {_kind(value)}")
        return value

    def _names(self, value: object, field: str) -> list[str]:
        names = []
        for i, item in enumerate(self._seq(value, field)):
            if isinstance(item, dict | list) or item is None:
                raise self.fail(f"{field}[{i}]", f"expected a name, got a YAML {_kind(item)}")
            names.append(self._text(item, f"{field}[{i}]"))
        return names

    def _text(self, value: object, field: str) -> str:
        if value is None:
            return ""
        if isinstance(value, dict | list):
            raise self.fail(field, f"expected text, got a YAML {_kind(value)}")
        if isinstance(value, _Float):
            self.quirks.append(f"{field}: unquoted {value} (a YAML number) read as the text written")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    return "text" if isinstance(value, str) else type(value).__name__


def _one_line(err: yaml.YAMLError) -> str:
    return " ".join(str(err).split())
