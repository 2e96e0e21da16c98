"""Per-test results -> a per-resource support-level matrix -> Markdown (APISIX docs style) and JSON.

Upstream's comparison pages grade profiles from what implementers declare; this matrix grades each API
resource from test *evidence*, so that every cell can be reproduced and explained (support-matrix.md
§2-§5 give the algorithm). Each cell keeps the tests and features behind its grade, so the Markdown
notes, the JSON and the HTML page later all tell the same story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeAlias

from conformance.features import FEATURES, Channel, FeatureName, resolve_feature
from conformance.reports.api_versions import api_version
from conformance.reports.catalog import (
    GATES,
    CatalogueEntry,
    CatalogueSource,
    Level,
    Resource,
    attribute,
    is_extended_feature,
    normalise_catalogue,
    resource_of,
    with_run,
)
from conformance.reports.conformance_report import build_report, implementation_of, supported_features
from conformance.reports.model import Implementation
from conformance.results import Outcome, RunRecord
from conformance.suggest import did_you_mean

JSON_SCHEMA_VERSION = 1


class Grade(StrEnum):
    SUPPORTED = "Supported"
    PARTIAL = "Partially supported"
    NOT_SUPPORTED = "Not supported"
    NOT_APPLICABLE = "N/A"


class Evidence(StrEnum):
    """What one test says about its cells."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    INTERRUPTED = "interrupted"
    NOT_RUN = "not-run"
    """Applicable but absent from the run, provisional-skipped, or recorded as not supported."""
    NOT_APPLICABLE = "not-applicable"
    """Needs a feature the run does not support: evidence for nothing."""
    INVISIBLE = "invisible"
    """Report mode: applicable, but no enabled profile records it (or provisional and not listed as passed)."""
    UNATTRIBUTED = "unattributed"
    """Report mode: a profile counts fewer passes than it has candidate tests, so which passed is unknown."""
    UNRECORDABLE = "unrecordable"
    """Report mode: no profile of that suite can ever record the test; ignored, like a not-applicable one."""


class FeatureGrade(StrEnum):
    PASS = "pass"
    PARTIAL = "partial"
    NOT_PASSED = "not-passed"
    UNSUPPORTED = "unsupported"
    NOT_RECORDED = "not-recorded"
    """Report mode: neither listed as supported nor as unsupported by any profile of the report."""


_EVIDENCE = {
    Outcome.SUCCEEDED: Evidence.PASSED,
    Outcome.FAILED: Evidence.FAILED,
    Outcome.SKIPPED: Evidence.SKIPPED,
    Outcome.INTERRUPTED: Evidence.INTERRUPTED,
}

ImplementationSpecific: TypeAlias = Mapping[str, Mapping[str, Sequence[str]]]
"""Resource name -> capability name -> the short names of the tests (in the run) that evidence it."""


@dataclass(frozen=True, slots=True)
class TestEvidence:
    name: str
    evidence: Evidence
    features: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeatureEvidence:
    """An extended feature (or an implementation-specific capability) and the tests that grade it."""

    name: str
    grade: FeatureGrade
    tests: tuple[TestEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Cell:
    grade: Grade
    reason: str
    tests: tuple[TestEvidence, ...] = ()
    features: tuple[FeatureEvidence, ...] = ()
    capped: bool = False
    """Graded Not supported only because the prerequisite core level is not supported."""


@dataclass(frozen=True, slots=True)
class Row:
    resource: Resource
    core: Cell
    extended: Cell
    implementation_specific: Cell
    api_version: str
    excluded_experimental: tuple[str, ...] = ()
    """Experimental-channel features left out of a standard-channel run's grading."""
    untested_features: tuple[str, ...] = ()
    """Supported extended features without any test in the catalogue: not assessable."""


@dataclass(frozen=True, slots=True)
class SupportMatrix:
    implementation: Implementation
    gateway_api_version: str
    gateway_api_channel: str
    mode: str
    rows: tuple[Row, ...]
    uncatalogued_tests: tuple[str, ...] = ()
    """Tests in the run but not in the catalogue, attributed from their recorded features."""
    source: str = "per-test results"
    """Where the evidence came from: a run's per-test results, or a report and the catalogue that grades it."""
    notes: tuple[str, ...] = ()
    """Facts about the evidence as a whole (report mode: suite version, reconciliation, unattributable tests)."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything grading needs, whichever evidence it came from (per-test results, or a report + catalogue)."""

    entries: Mapping[str, CatalogueEntry]
    evidence: Mapping[str, Evidence]
    """Per test name; a catalogue test missing here is NOT_RUN. May name implementation-specific tests too."""
    supported: frozenset[FeatureName]
    listed_unsupported: frozenset[FeatureName]
    implementation: Implementation
    gateway_api_version: str
    gateway_api_channel: str
    mode: str
    source: str
    unassessable: frozenset[FeatureName] = frozenset()
    """Supported features the evidence cannot speak for (report mode §5 (c)): left out of the grading."""
    uncatalogued: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    features_complete: bool = True
    """A run knows its whole supported set; a report only lists the extended features of its profiles."""


def build_matrix(
    run: RunRecord,
    catalogue: CatalogueSource,
    *,
    implementation_specific: ImplementationSpecific | None = None,
) -> SupportMatrix:
    """Grade every resource row from the run's per-test outcomes (support-matrix.md §3-§5).

    ``catalogue`` lists every known test (short name -> features, or CatalogueEntry), so that tests that
    never ran still count as unevidenced; tests of the run missing from it are added from their records.
    """
    entries, uncatalogued = with_run(normalise_catalogue(catalogue), run)
    supported = supported_features(run)
    outcomes = {t.short_name: _EVIDENCE.get(t.outcome, Evidence.NOT_RUN) for t in run.tests}
    evidence = dict(outcomes)
    for name, entry in entries.items():
        if not entry.features <= supported:
            evidence[name] = Evidence.NOT_APPLICABLE
    # What the run's ConformanceReport lists as unsupported: a profile with no extended outcome lists
    # nothing (upstream omits its extended block), so the two derivations see the same features.
    listed_unsupported = {
        resolve_feature(f, where="the run's ConformanceReport")
        for p in build_report(run).profiles
        if p.extended is not None
        for f in p.extended.unsupported_features
    }
    inputs = Inputs(
        entries=entries,
        evidence=evidence,
        supported=supported,
        listed_unsupported=frozenset(listed_unsupported),
        implementation=implementation_of(run),
        gateway_api_version=run.gateway_api_version,
        gateway_api_channel=run.gateway_api_channel,
        mode=run.mode,
        source=f"per-test results of run {run.run_id}" if run.run_id else "per-test results",
        uncatalogued=uncatalogued,
    )
    return grade(inputs, implementation_specific)


def grade(inputs: Inputs, implementation_specific: ImplementationSpecific | None = None) -> SupportMatrix:
    """The matrix for graded evidence: attribute each test to its cells, then grade every row."""
    entries, supported = inputs.entries, inputs.supported
    evidence: dict[tuple[Resource, Level], list[tuple[TestEvidence, FeatureName | None]]] = defaultdict(list)
    for name in sorted(entries):
        features = tuple(sorted(str(f) for f in entries[name].features))
        test = TestEvidence(name, inputs.evidence.get(name, Evidence.NOT_RUN), features)
        for where in attribute(entries[name]):
            evidence[where.resource, where.level].append((test, where.feature))
    declared = _declared(implementation_specific or {})
    core = {r: _core_cell(r, [t for t, _ in evidence[r, Level.CORE]], supported) for r in Resource}
    rows = []
    for resource in Resource:
        # ListenerSet has no core tests of its own: the Gateway's core is its prerequisite.
        prerequisite = Resource.GATEWAY if resource is Resource.LISTENER_SET else resource
        extended, excluded, untested = _extended_cell(resource, evidence[resource, Level.EXTENDED], inputs)
        specific = _specific_cell(resource, declared.get(resource), inputs.evidence)
        rows.append(
            Row(
                resource=resource,
                core=core[resource],
                extended=_cap(extended, prerequisite, core[prerequisite]),
                implementation_specific=_cap(specific, prerequisite, core[prerequisite]),
                api_version=api_version(resource, inputs.gateway_api_version, inputs.gateway_api_channel),
                excluded_experimental=excluded,
                untested_features=untested,
            )
        )
    return SupportMatrix(
        implementation=inputs.implementation,
        gateway_api_version=inputs.gateway_api_version,
        gateway_api_channel=inputs.gateway_api_channel,
        mode=inputs.mode,
        rows=tuple(rows),
        uncatalogued_tests=inputs.uncatalogued,
        source=inputs.source,
        notes=inputs.notes,
    )


def _counts(test: TestEvidence) -> bool:
    """Whether the test is evidence at all (it could have run, and its result could have been seen)."""
    return test.evidence not in (Evidence.NOT_APPLICABLE, Evidence.UNRECORDABLE)


def _core_cell(resource: Resource, tests: list[TestEvidence], supported: frozenset[FeatureName]) -> Cell:
    if not tests:
        return Cell(Grade.NOT_APPLICABLE, f"no test in the catalogue is core evidence for {resource}")
    gate = GATES.get(resource)
    if gate is not None and gate not in supported:
        return Cell(Grade.NOT_SUPPORTED, f"{gate} is not a supported feature", tuple(tests))
    applicable = [t for t in tests if _counts(t)]
    if not applicable:
        return Cell(Grade.NOT_SUPPORTED, "no applicable core test: each needs an unsupported feature", tuple(tests))
    passed = sum(t.evidence is Evidence.PASSED for t in applicable)
    reason = f"{passed} of {len(applicable)} applicable core tests passed"
    return Cell(_grade(passed, len(applicable), partial=0), reason, tuple(tests))


def _extended_cell(
    resource: Resource, attributed: list[tuple[TestEvidence, FeatureName | None]], inputs: Inputs
) -> tuple[Cell, tuple[str, ...], tuple[str, ...]]:
    own = {f for f in FeatureName if resource_of(f) is resource and is_extended_feature(f)}
    by_feature: dict[FeatureName, list[TestEvidence]] = defaultdict(list)
    for test, feature in attributed:
        if feature in own:  # mesh tests also evidence route features; the Mesh row grades only its own
            by_feature[feature].append(test)
    standard = inputs.gateway_api_channel == "standard"
    excluded = {f for f in own if standard and FEATURES[f].channel is Channel.EXPERIMENTAL}
    # An untested feature is unassessable, unless the run's profiles list it as unsupported: then it is
    # known not to be there and must keep the row from "Supported".
    listed = inputs.listed_unsupported
    graded = (set(by_feature) | (own & listed)) - excluded - (inputs.unassessable - listed)
    untested = (own & inputs.supported) - set(by_feature) - excluded
    features = tuple(_feature(str(f), by_feature[f], _support(f, inputs)) for f in sorted(graded, key=str))
    notes = tuple(sorted(map(str, excluded))), tuple(sorted(map(str, untested)))
    if not features:
        return Cell(Grade.NOT_APPLICABLE, f"no extended feature of {resource} has a conformance test"), *notes
    return _graded_cell(features, "extended features"), *notes


def _support(feature: FeatureName, inputs: Inputs) -> FeatureGrade | None:
    """None when supported; otherwise how the evidence says it is not."""
    if feature in inputs.supported:
        return None
    if inputs.features_complete or feature in inputs.listed_unsupported:
        return FeatureGrade.UNSUPPORTED
    return FeatureGrade.NOT_RECORDED


def _specific_cell(
    resource: Resource, capabilities: Mapping[str, Sequence[str]] | None, evidence: Mapping[str, Evidence]
) -> Cell:
    if resource is Resource.REFERENCE_GRANT:
        return Cell(Grade.NOT_APPLICABLE, "the ReferenceGrant API documents no implementation-specific support")
    if not capabilities:
        return Cell(Grade.NOT_SUPPORTED, "no implementation-specific capability declared")
    features = []
    for capability in sorted(capabilities):
        names = sorted(set(capabilities[capability]))
        tests = [TestEvidence(n, evidence.get(n, Evidence.NOT_RUN)) for n in names]
        features.append(_feature(capability, tests, None))
    return _graded_cell(tuple(features), "declared capabilities")


def _feature(name: str, tests: Sequence[TestEvidence], unsupported: FeatureGrade | None) -> FeatureEvidence:
    if unsupported is not None:
        return FeatureEvidence(name, unsupported, tuple(tests))
    applicable = [t for t in tests if _counts(t)]
    passed = sum(t.evidence is Evidence.PASSED for t in applicable)
    if applicable and passed == len(applicable):
        grade = FeatureGrade.PASS
    else:
        grade = FeatureGrade.PARTIAL if passed else FeatureGrade.NOT_PASSED
    return FeatureEvidence(name, grade, tuple(tests))


def _graded_cell(features: tuple[FeatureEvidence, ...], what: str) -> Cell:
    passed = sum(f.grade is FeatureGrade.PASS for f in features)
    partial = sum(f.grade is FeatureGrade.PARTIAL for f in features)
    tests = {t.name: t for f in features for t in f.tests}
    reason = f"{passed} of {len(features)} {what} passed all their tests"
    if partial:
        reason += f", {partial} passed some"
    return Cell(_grade(passed, len(features), partial), reason, tuple(tests[n] for n in sorted(tests)), features)


def _grade(passed: int, total: int, partial: int) -> Grade:
    if total and passed == total:
        return Grade.SUPPORTED
    return Grade.PARTIAL if passed or partial else Grade.NOT_SUPPORTED


def _cap(cell: Cell, prerequisite: Resource, core: Cell) -> Cell:
    """Core is the prerequisite of any claim: with it unsupported, nothing above it is supported."""
    if core.grade is not Grade.NOT_SUPPORTED or cell.grade in (Grade.NOT_APPLICABLE, Grade.NOT_SUPPORTED):
        return cell
    reason = f"{cell.reason}; capped: {prerequisite} core is not supported"
    return replace(cell, grade=Grade.NOT_SUPPORTED, reason=reason, capped=True)


def _declared(declaration: ImplementationSpecific) -> dict[Resource, Mapping[str, Sequence[str]]]:
    valid = [str(r) for r in Resource if r is not Resource.REFERENCE_GRANT]
    declared: dict[Resource, Mapping[str, Sequence[str]]] = {}
    for name, capabilities in declaration.items():
        if name not in valid:
            why = (
                "its API documents no implementation-specific support"
                if name == "ReferenceGrant"
                else "not a resource of the support matrix"
            )
            raise ValueError(
                f"implementation-specific declaration for {name!r}: {why}.{did_you_mean(name, valid)} "
                f"Valid resources: {', '.join(valid)}."
            )
        for capability, tests in capabilities.items():
            if isinstance(tests, str):
                raise ValueError(
                    f"implementation-specific capability {name}/{capability}: expected a list of test names"
                )
        declared[Resource(name)] = capabilities
    return declared
