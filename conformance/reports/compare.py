"""Many ConformanceReports -> per Gateway API version and profile, an implementation x feature table.

Upstream's site generates such comparison pages from its reports folder; its generator depends on the
order it reads files in (the last report of an implementation wins), shows the v1.0 page all red (those
reports use the short profile names ``HTTP``/``TLS``/``MESH`` and pre-v1.0 feature names) and does not mark
partial reports (support-matrix.md §8). The choices here, each deterministic, so that the same files in
any order give the same page:

* **Grouping**: by the ``major.minor`` of ``gatewayAPIVersion`` (``unknown`` when it is not a version,
  e.g. ``TODO`` or a commit), then by profile under its current name (``HTTP`` -> ``GATEWAY-HTTP``).
* **One row per implementation, mode and channel**: the organization and project compared without case
  (``Kong`` = ``kong``). When several reports share a row, the newest wins: latest ``date``, then the
  higher implementation version, then the path; the others are listed as superseded under the table.
* **Columns**: the core result, then every extended feature any row lists for that profile, under its
  current name (legacy names are aliased).
* **Cells**: ``✅`` declared supported, ``⚠️`` declared but a failed or skipped extended test needs it (the
  suite's catalogue says which tests need which feature), ``❌`` listed as unsupported, ``·`` not listed
  (no extended block, or the feature did not exist in that suite).
* **Partial reports are kept and marked**: the core cell says ``partial`` or ``failure`` with its counts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from conformance.features import LEGACY_ALIASES
from conformance.reports import suite_catalogue
from conformance.reports.catalog import is_extended_feature
from conformance.reports.model import ConformanceReport, ProfileReport, Result
from conformance.reports.reader import ParsedReport


class Mark(StrEnum):
    SUPPORTED = "✅"
    FAILING = "⚠️"
    UNSUPPORTED = "❌"
    NOT_LISTED = "·"


@dataclass(frozen=True, slots=True)
class CompareRow:
    organization: str
    project: str
    version: str
    mode: str
    channel: str
    source: str
    core: str
    """``success (33 passed)``, ``partial (1 skipped)``, ``failure (2 failed)``."""
    core_result: Result
    marks: tuple[tuple[str, Mark], ...]
    failing: tuple[str, ...] = ()
    """Failed or skipped extended tests of this profile, with the features they need."""


@dataclass(frozen=True, slots=True)
class CompareTable:
    version: str
    profile: str
    features: tuple[str, ...]
    rows: tuple[CompareRow, ...]
    superseded: tuple[tuple[str, str], ...] = ()
    """(path of a report left out, path of the report that replaced it)."""


@dataclass(frozen=True, slots=True)
class Comparison:
    tables: tuple[CompareTable, ...]
    reading_notes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(path, quirks) for every file that needed repairs to be read."""


def compare(reports: Sequence[ParsedReport]) -> Comparison:
    unique = {p.path: p for p in reports}  # the same file given twice counts once
    groups: dict[tuple[str, str], dict[tuple[str, str, str, str], list[tuple[ParsedReport, ProfileReport]]]]
    groups = defaultdict(lambda: defaultdict(list))
    aliases = suite_catalogue.profile_aliases()
    for parsed in unique.values():
        report = parsed.report
        version = _minor(report.gateway_api_version)
        for profile in report.profiles:
            key = (_identity(report, "organization"), _identity(report, "project"), report.mode or "default")
            groups[version, aliases.get(profile.name, profile.name)][(*key, report.gateway_api_channel)].append(
                (parsed, profile)
            )
    tables = []
    for (version, profile_name), rows in sorted(groups.items(), key=lambda g: (_version_key(g[0][0]), g[0][1])):
        chosen, superseded = [], []
        for candidates in rows.values():
            ordered = sorted(candidates, key=_recency, reverse=True)
            chosen.append(ordered[0])
            superseded += [(p.path, ordered[0][0].path) for p, _ in ordered[1:]]
        built = [_row(parsed, profile) for parsed, profile in chosen]
        built.sort(key=lambda r: (r.project.casefold(), r.organization.casefold(), r.mode, r.channel, r.source))
        features = sorted({name for row in built for name, _ in row.marks})
        tables.append(CompareTable(version, profile_name, tuple(features), tuple(built), tuple(sorted(superseded))))
    notes = tuple(sorted((p.path, p.quirks) for p in unique.values() if p.quirks))
    return Comparison(tuple(tables), notes)


def _row(parsed: ParsedReport, profile: ProfileReport) -> CompareRow:
    report = parsed.report
    extended = profile.extended
    marks: dict[str, Mark] = {}
    failing: list[str] = []
    if extended is not None:
        needs = _needs(report, [*extended.failed_tests, *extended.skipped_tests])
        troubled = {f for names in needs.values() for f in names}
        for name in extended.unsupported_features:
            marks[_current(name)] = Mark.UNSUPPORTED
        for name in extended.supported_features:  # supported wins when a file lists a feature in both
            feature = _current(name)
            marks[feature] = Mark.FAILING if feature in troubled else Mark.SUPPORTED
        failing = [f"{test} ({', '.join(sorted(names)) or 'not in the catalogue'})" for test, names in needs.items()]
    stats = profile.core.statistics
    counts = {Result.SUCCESS: f"{stats.passed} passed", Result.PARTIAL: f"{stats.skipped} skipped"}
    core = f"{profile.core.result.value} ({counts.get(profile.core.result, f'{stats.failed} failed')})"
    return CompareRow(
        organization=report.implementation.organization,
        project=report.implementation.project,
        version=report.implementation.version,
        mode=report.mode or "default",
        channel=report.gateway_api_channel or "unknown",
        source=parsed.path,
        core=core,
        core_result=profile.core.result,
        marks=tuple(sorted(marks.items())),
        failing=tuple(sorted(failing)),
    )


def _needs(report: ConformanceReport, tests: list[str]) -> dict[str, set[str]]:
    """Extended features each named test needs, from the catalogue of the report's suite version."""
    version, _ = suite_catalogue.version_for(report.gateway_api_version, (p.name for p in report.profiles))
    catalogue = suite_catalogue.load(version).tests
    needs = {}
    for test in sorted(set(tests)):
        entry = catalogue.get(test)
        needs[test] = {str(f) for f in entry.features if is_extended_feature(f)} if entry else set()
    return needs


def _current(feature: str) -> str:
    alias = LEGACY_ALIASES.get(feature)
    return str(alias) if alias is not None else feature


def _identity(report: ConformanceReport, field: str) -> str:
    return str(getattr(report.implementation, field)).strip().casefold()


def _minor(version: str) -> str:
    match = re.match(r"v?(\d+)\.(\d+)", version.strip())
    return f"v{int(match[1])}.{int(match[2])}" if match else "unknown"


def _version_key(version: str) -> tuple[int, ...]:
    match = re.fullmatch(r"v(\d+)\.(\d+)", version)
    return (int(match[1]), int(match[2])) if match else (10**6,)


def _recency(item: tuple[ParsedReport, ProfileReport]) -> tuple[float, tuple[object, ...], str]:
    parsed = item[0]
    return _timestamp(parsed.report.date), _release_key(parsed.report.implementation.version), parsed.path


def _timestamp(date: str) -> float:
    """Seconds since the epoch; a date that is not one (``-``) sorts first."""
    try:
        return dt.datetime.fromisoformat(date).timestamp()
    except ValueError:
        return float("-inf")


def _release_key(version: str) -> tuple[object, ...]:
    """Orders ``v1.10.0`` after ``v1.9.2``; a pre-release (``-rc.1``) before its release."""
    core, _, pre = version.strip().lstrip("vV").partition("-")
    numbers = tuple(int(n) if n.isdigit() else -1 for n in core.split("."))
    return (*numbers, 0 if pre else 1, pre)
