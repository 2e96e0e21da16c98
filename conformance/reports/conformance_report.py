"""RunRecord -> ConformanceReport (upstream's roll-up rules) -> YAML text byte-compatible with upstream's files.

Upstream builds the report in ``conformance/utils/suite/reports.go`` and writes it with sigs.k8s.io/yaml;
both halves are reproduced here so that a report from this harness can be uploaded next to the Go suite's
and diffed against them. The rules are spelled out in spec/report-schema.md §1-§5 and infra.md e.3.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from conformance.features import FEATURES, LEGACY_ALIASES, FeatureName, resolve_feature
from conformance.profiles import PROFILES, ConformanceProfile, ProfileName, resolve_profiles
from conformance.reports.goyaml import dump
from conformance.reports.model import (
    ConformanceReport,
    ExtendedStatus,
    Implementation,
    ProfileReport,
    Result,
    Statistics,
    Status,
)
from conformance.results import Outcome, RunRecord, TestRecord

_COUNTED = frozenset({Outcome.SUCCEEDED, Outcome.FAILED, Outcome.SKIPPED, Outcome.INTERRUPTED})
"""Outcomes that make a level's block exist; NOT_SUPPORTED / PROVISIONAL_SKIPPED only make the profile appear."""


@dataclass(slots=True)
class _Level:
    """Counters for one profile level while tests are folded in."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_tests: list[str] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)
    interrupted: int = 0

    def add(self, test: TestRecord) -> None:
        if test.outcome is Outcome.SUCCEEDED:
            self.passed += 1
        elif test.outcome is Outcome.FAILED:
            self.failed += 1
            self.failed_tests.append(test.short_name)
        elif test.outcome is Outcome.SKIPPED:
            self.skipped += 1
            self.skipped_tests.append(test.short_name)
        elif test.outcome is Outcome.INTERRUPTED:
            # Listed with the skipped tests (the only schema field for tests without a verdict) but not counted.
            self.interrupted += 1
            self.skipped_tests.append(test.short_name)

    def result(self) -> Result:
        if self.failed:
            return Result.FAILURE
        if self.skipped or self.interrupted:
            return Result.PARTIAL
        return Result.SUCCESS

    def status(self) -> Status:
        return Status(self.result(), self._statistics(), *self._lists())

    def extended_status(self, supported: tuple[str, ...], unsupported: tuple[str, ...]) -> ExtendedStatus:
        return ExtendedStatus(self.result(), self._statistics(), *self._lists(), supported, unsupported)

    def _statistics(self) -> Statistics:
        return Statistics(passed=self.passed, failed=self.failed, skipped=self.skipped)

    def _lists(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(sorted(self.skipped_tests)), tuple(sorted(self.failed_tests))


@dataclass(slots=True)
class _Profile:
    core: _Level = field(default_factory=_Level)
    extended: _Level | None = None


def build_report(run: RunRecord) -> ConformanceReport:
    """The ConformanceReport upstream's suite would write for this run.

    A test counts in every profile of ``run.profiles`` whose core and extended features contain all of its
    features, as *extended* there when any of its features is not a core feature of that profile.
    SUCCEEDED adds to Passed, FAILED to Failed (and ``failedTests``), SKIPPED to Skipped (and
    ``skippedTests``); NOT_SUPPORTED and PROVISIONAL_SKIPPED count nowhere but still make the profile
    appear, as upstream.

    INTERRUPTED (ours: the run was stopped while the test ran) counts in no statistic, because it has no
    verdict and counting it as Skipped would claim it was skipped on purpose. It is listed in
    ``skippedTests`` of its level, since the schema has no other place to name a test without a verdict
    and YAML comments would break byte-compatibility. It also creates the ``extended`` block like any
    other listed test. A level with an interrupted test is never ``success``: it is ``partial`` unless a
    failure makes it ``failure``, because a run cut short cannot claim that everything passed; its summary
    then counts the listed tests (``with N test skips`` where N = len(skippedTests)), which is upstream's
    sentence whenever nothing was interrupted.

    Profiles are sorted by name (upstream's order is random). Feature and test lists are sorted.
    """
    supported = supported_features(run)
    profiles = [PROFILES[p] for p in resolve_profiles(run.profiles, where="results.json profiles")]
    folded: dict[ProfileName, _Profile] = {}
    provisional: set[str] = set()
    # Sorted input: the lists come out in name order and the result does not depend on the record's order.
    for test in sorted(run.tests, key=lambda t: (t.short_name, t.outcome.value)):
        if test.provisional and test.outcome is Outcome.SUCCEEDED:
            provisional.add(test.short_name)
        features = _test_features(test)
        for profile in profiles:
            if not profile.covers(features):
                continue
            entry = folded.setdefault(profile.name, _Profile())
            if profile.is_extended(features):
                if test.outcome in _COUNTED and entry.extended is None:
                    entry.extended = _Level()
                if entry.extended is not None:
                    entry.extended.add(test)
            else:
                entry.core.add(test)
    reports = tuple(_profile_report(PROFILES[name], folded[name], supported) for name in sorted(folded, key=str))
    return ConformanceReport(
        implementation=implementation_of(run),
        date=run.started,
        gateway_api_version=run.gateway_api_version,
        gateway_api_channel=run.gateway_api_channel,
        mode=run.mode,
        profiles=reports,
        succeeded_provisional_tests=tuple(sorted(provisional)),
    )


def to_yaml(report: ConformanceReport) -> str:
    """The report as sigs.k8s.io/yaml writes it (sorted keys, flush sequences, YAML 1.1 quoting, 80-column folding)."""
    return dump(report.to_json())


def summary(core: Status, extended: Status | None) -> str:
    """Upstream's generated sentence, e.g. ``Core tests succeeded. Extended tests failed with 2 test failures.``"""
    text = f"Core tests {_level_summary(core)}."
    if extended is not None:
        text += f" Extended tests {_level_summary(extended)}."
    return text


def _level_summary(status: Status) -> str:
    if status.result is Result.FAILURE:
        return f"failed with {status.statistics.failed} test failures"
    if status.result is Result.PARTIAL:
        # len(skipped_tests) == Skipped except for interrupted tests, which are listed but not counted.
        return f"partially succeeded with {len(status.skipped_tests)} test skips"
    return "succeeded"


def _profile_report(profile: ConformanceProfile, folded: _Profile, supported: frozenset[FeatureName]) -> ProfileReport:
    core = folded.core.status()
    extended = None
    if folded.extended is not None:
        extended = folded.extended.extended_status(
            tuple(sorted(str(f) for f in profile.extended & supported)),
            tuple(sorted(str(f) for f in profile.extended - supported)),
        )
    return ProfileReport(name=str(profile.name), summary=summary(core, extended), core=core, extended=extended)


def supported_features(run: RunRecord) -> frozenset[FeatureName]:
    """Declared features (legacy names resolved) plus every enabled profile's core features, as upstream's
    suite computes its supported set.

    Names that are not features are ignored: they can be in no profile's extended set and gate no test.
    """
    names: set[FeatureName] = set()
    for name in run.supported_features:
        if name in FEATURES:
            names.add(FeatureName(name))
        elif name in LEGACY_ALIASES:
            names.add(LEGACY_ALIASES[name])
    for profile in resolve_profiles(run.profiles, where="results.json profiles"):
        names |= PROFILES[profile].core
    return frozenset(names)


def _test_features(test: TestRecord) -> frozenset[FeatureName]:
    return frozenset(resolve_feature(f, where=f"results.json test {test.short_name}") for f in test.features)


def implementation_of(run: RunRecord) -> Implementation:
    """The report's implementation block; a contact given as one comma-separated string is split."""
    data = run.implementation
    contact = data.get("contact") or ()
    return Implementation(
        organization=str(data.get("organization", "")),
        project=str(data.get("project", "")),
        url=str(data.get("url", "")),
        version=str(data.get("version", "")),
        contact=tuple(str(c) for c in _as_list(contact)),
    )


def _as_list(value: object) -> Iterable[object]:
    if isinstance(value, str):
        return [c for c in (part.strip() for part in value.split(",")) if c]
    if isinstance(value, Iterable):
        return value
    return [value]
