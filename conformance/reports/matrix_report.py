"""Anyone's ConformanceReport + the test catalogue of its suite -> the support-level matrix.

A report names failed and skipped tests and the provisional tests that passed, but not the other passes;
the catalogue says which tests each enabled profile must have recorded, so the rest are inferred as passed
(support-matrix.md §1, §4). The grading itself is shared with per-test results
(:func:`conformance.reports.matrix.grade`), so a report of our own run grades exactly as the run does.

Choices beyond the spec, each visible in the matrix notes:

* passes are inferred as the spec says, and a profile level that counts fewer passes than it has
  candidate tests is named in the notes: the catalogue of an older suite is approximated and may list
  tests that suite did not have yet. ``strict=True`` (``--strict-attribution``) leaves such a level's
  candidates ``unattributed`` instead, unless another enabled profile that records the same test is
  unambiguous: the right reading for a partial run of our own harness (``-k``), where deselected tests
  leave no trace;
* the statistics are reconciled with the catalogue per profile and level, and a mismatch is listed;
* a test named as failed or skipped ran, so its features count as supported, like those of a provisional
  test that passed (the spec's rule);
* feature names the harness does not know (``GatewayClassObservedGenerationBump`` of v0.7) are listed and
  ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from conformance.features import FeatureName, UnknownFeatureError, resolve_feature
from conformance.profiles import PROFILES, ProfileName
from conformance.reports import suite_catalogue
from conformance.reports.catalog import CatalogueEntry
from conformance.reports.matrix import Evidence, ImplementationSpecific, Inputs, SupportMatrix, grade
from conformance.reports.model import ConformanceReport, ProfileReport, Status


@dataclass(frozen=True, slots=True)
class _Enabled:
    name: ProfileName
    report: ProfileReport

    def status(self, extended: bool) -> Status | None:
        return self.report.extended if extended else self.report.core


def matrix_from_report(
    report: ConformanceReport,
    *,
    catalogue: suite_catalogue.SuiteCatalogue | None = None,
    suite_version: str | None = None,
    implementation_specific: ImplementationSpecific | None = None,
    strict: bool = False,
) -> SupportMatrix:
    """Grade a report against ``catalogue`` (default: the one of its suite version, see ``version_for``)."""
    notes: list[str] = []
    if catalogue is None:
        if suite_version is None:
            suite_version, why = suite_catalogue.version_for(
                report.gateway_api_version, (p.name for p in report.profiles)
            )
        else:
            why = "chosen by the caller"
        catalogue = suite_catalogue.load(suite_version)
        notes.append(f"test catalogue: suite {catalogue.version} ({why})")
    enabled = _enabled(report, catalogue, notes)
    unknown: set[str] = set()
    declared = _features(
        (f for p in enabled if p.report.extended for f in p.report.extended.supported_features), unknown
    )
    unsupported = _features(
        (f for p in enabled if p.report.extended for f in p.report.extended.unsupported_features), unknown
    )
    provisional_passed = set(report.succeeded_provisional_tests)
    supported = set(declared)
    for profile in enabled:
        supported |= PROFILES[profile.name].core
    failed = {t for p in enabled for s in _statuses(p) for t in s.failed_tests}
    skipped = {t for p in enabled for s in _statuses(p) for t in s.skipped_tests}
    for name in (provisional_passed | failed | skipped) & set(catalogue.tests):
        supported |= catalogue.tests[name].features  # it ran, so the run supported its features
    evidence: dict[str, Evidence] = {}
    candidates: dict[tuple[ProfileName, bool], list[str]] = defaultdict(list)
    recorded: dict[tuple[ProfileName, bool], list[str]] = defaultdict(list)
    for name, entry in sorted(catalogue.tests.items()):
        if not entry.features <= supported:
            evidence[name] = Evidence.NOT_APPLICABLE
            continue
        recorders = [(p.name, PROFILES[p.name].is_extended(entry.features)) for p in enabled if _records(p, entry)]
        for where in recorders:
            if not entry.provisional or name in failed | skipped | provisional_passed:
                recorded[where].append(name)
        if name in failed:
            evidence[name] = Evidence.FAILED
        elif name in skipped:
            evidence[name] = Evidence.SKIPPED
        elif name in provisional_passed:
            evidence[name] = Evidence.PASSED
            for where in recorders:
                candidates[where].append(name)
        elif recorders and not entry.provisional:
            evidence[name] = Evidence.UNATTRIBUTED
            for where in recorders:
                candidates[where].append(name)
        elif entry.provisional or any(PROFILES[p].covers(entry.features) for p in catalogue.profiles):
            evidence[name] = Evidence.INVISIBLE
        else:
            evidence[name] = Evidence.UNRECORDABLE
    _attribute_passes(enabled, candidates, evidence, notes, strict=strict)
    notes.append(_reconcile(enabled, recorded))
    for name in sorted(set(report.succeeded_provisional_tests) | failed | skipped):
        evidence.setdefault(name, Evidence.PASSED if name in provisional_passed else _listed(name, failed))
    outside = sorted((failed | skipped | provisional_passed) - set(catalogue.tests))
    if outside:
        notes.append(f"test names not in the catalogue (cannot attribute): {', '.join(outside)}")
    unrecordable = sorted(n for n, e in evidence.items() if e is Evidence.UNRECORDABLE)
    if unrecordable:
        notes.append(f"applicable tests that no profile can record (ignored): {', '.join(unrecordable)}")
    if unknown:
        notes.append(f"feature names the harness does not know (ignored): {', '.join(sorted(unknown))}")
    return grade(
        Inputs(
            entries=catalogue.tests,
            evidence=evidence,
            supported=frozenset(supported),
            listed_unsupported=frozenset(unsupported - supported),
            implementation=report.implementation,
            gateway_api_version=report.gateway_api_version,
            gateway_api_channel=report.gateway_api_channel,
            mode=report.mode,
            source=f"ConformanceReport + test catalogue of suite {catalogue.version}",
            unassessable=_unassessable(catalogue.tests, evidence, frozenset(supported), notes),
            notes=tuple(notes),
            features_complete=False,
        ),
        implementation_specific,
    )


def _enabled(report: ConformanceReport, catalogue: suite_catalogue.SuiteCatalogue, notes: list[str]) -> list[_Enabled]:
    aliases = suite_catalogue.profile_aliases()
    enabled = []
    for profile in report.profiles:
        name = aliases.get(profile.name, profile.name)
        if name not in PROFILES:
            notes.append(f"profile {profile.name!r} is not a known conformance profile; ignored")
            continue
        if name != profile.name:
            notes.append(f"profile {profile.name} read as {name}")
        enabled.append(_Enabled(ProfileName(name), profile))
    return enabled


def _records(profile: _Enabled, entry: CatalogueEntry) -> bool:
    """The profile recorded this test: it covers the test's features and has a block for its level."""
    definition = PROFILES[profile.name]
    return definition.covers(entry.features) and profile.status(definition.is_extended(entry.features)) is not None


def _statuses(profile: _Enabled) -> list[Status]:
    return [s for s in (profile.report.core, profile.report.extended) if s is not None]


def _attribute_passes(
    enabled: list[_Enabled],
    candidates: dict[tuple[ProfileName, bool], list[str]],
    evidence: dict[str, Evidence],
    notes: list[str],
    *,
    strict: bool,
) -> None:
    """Candidates become passes; when strict, only where their level counts at least as many passes."""
    for profile in enabled:
        for extended in (False, True):
            status = profile.status(extended)
            names = candidates.get((profile.name, extended), [])
            if status is None or not names:
                continue
            level = "extended" if extended else "core"
            passed = status.statistics.passed
            if passed >= len(names) or not strict:
                for name in names:
                    evidence[name] = Evidence.PASSED
            if passed < len(names):
                outcome = "left unattributed" if strict else "all inferred as passed"
                notes.append(
                    f"{profile.name} {level}: the report counts {passed} passes for {len(names)} candidate "
                    f"tests of the catalogue ({outcome})"
                )


def _reconcile(enabled: list[_Enabled], recorded: dict[tuple[ProfileName, bool], list[str]]) -> str:
    mismatches = []
    for profile in enabled:
        for extended in (False, True):
            status = profile.status(extended)
            counted = 0 if status is None else sum(_counted(status))
            expected = len(recorded.get((profile.name, extended), []))
            if counted != expected:
                level = "extended" if extended else "core"
                mismatches.append(f"{profile.name} {level}: {counted} in the report, {expected} in the catalogue")
    if not mismatches:
        return "statistics reconcile exactly with the catalogue"
    return "statistics do NOT reconcile with the catalogue: " + "; ".join(mismatches)


def _counted(status: Status) -> tuple[int, int, int]:
    stats = status.statistics
    return stats.passed, stats.failed, stats.skipped


def _listed(name: str, failed: set[str]) -> Evidence:
    return Evidence.FAILED if name in failed else Evidence.SKIPPED


def _unassessable(
    tests: Mapping[str, CatalogueEntry],
    evidence: dict[str, Evidence],
    supported: frozenset[FeatureName],
    notes: list[str],
) -> frozenset[FeatureName]:
    """Supported features whose every applicable test is unrecordable: a report cannot speak for them."""
    by_feature: dict[FeatureName, list[Evidence]] = defaultdict(list)
    for name, entry in tests.items():
        for feature in entry.features:
            by_feature[feature].append(evidence.get(name, Evidence.NOT_RUN))
    found = frozenset(
        f
        for f in supported
        if by_feature.get(f)
        and all(e in (Evidence.UNRECORDABLE, Evidence.NOT_APPLICABLE) for e in by_feature[f])
        and Evidence.UNRECORDABLE in by_feature[f]
    )
    if found:
        notes.append(
            "features whose tests no profile can record (not assessable from a report): "
            + ", ".join(sorted(map(str, found)))
        )
    return found


def _features(names: Iterable[str], unknown: set[str]) -> set[FeatureName]:
    resolved = set()
    for name in names:
        try:
            resolved.add(resolve_feature(name))
        except UnknownFeatureError:
            unknown.add(name)
    return resolved
