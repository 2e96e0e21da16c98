"""Join the results.json files of shards (CI matrix jobs, several machines) into one run record.

Shards of one conformance run must describe the same thing, so the merge refuses, naming the field and the
two files, when they disagree on what was tested (implementation, Gateway API version and channel, mode,
GatewayClass, controller) or when two shards hold the same test with different outcomes. What may
legitimately differ is combined: profiles and supported features are united (a job per profile is a
common split), the run spans from the earliest start to the latest finish, and a test that one shard
skipped on purpose (``--skip-tests``, or every other test under ``--run-test``) yields to the shard that ran
it. The result does not depend on the order of the inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from conformance.results import Outcome, RunRecord, TestRecord

MUST_AGREE = (
    "implementation",
    "gateway_api_version",
    "gateway_api_channel",
    "mode",
    "gateway_class",
    "controller_name",
)


class MergeError(ValueError):
    """The shards cannot be one run; the message names the field and the files."""


def merge_runs(shards: Sequence[tuple[str, RunRecord]]) -> RunRecord:
    """Merge ``(name, record)`` pairs, where ``name`` (usually the file path) is used in error messages."""
    if not shards:
        raise MergeError("nothing to merge: give at least one results.json")
    shards = sorted(shards, key=lambda s: (s[1].run_id, s[0]))
    first_name, first = shards[0]
    for name, run in shards[1:]:
        for field in MUST_AGREE:
            mine, theirs = getattr(first, field), getattr(run, field)
            if mine != theirs:
                raise MergeError(
                    f"cannot merge: field {field} differs: {first_name} has {mine!r}, {name} has {theirs!r}"
                )
    specific = _agreeing(shards, "implementation_specific")
    tests = _merge_tests(shards)
    catalogue: dict[str, dict[str, object]] = {}
    for name, run in shards:
        for test, entry in run.catalogue.items():
            if test in catalogue and catalogue[test] != entry:
                raise MergeError(
                    f"cannot merge: catalogue entry {test} differs in {name}: {entry} vs {catalogue[test]}"
                )
            catalogue[test] = entry
    runs = [run for _, run in shards]
    digest = hashlib.sha256("\n".join(r.run_id for r in runs).encode()).hexdigest()[:8]
    return replace(
        first,
        run_id=f"merged-{digest}",
        started=min(r.started for r in runs),
        finished=max(r.finished for r in runs),
        cluster=_joined(r.cluster for r in runs),
        profiles=sorted({p for r in runs for p in r.profiles}),
        supported_features=sorted({f for r in runs for f in r.supported_features}),
        features_source=_joined(r.features_source for r in runs),
        exempt_features=sorted({f for r in runs for f in r.exempt_features}),
        skip_tests=sorted(set.intersection(*(set(r.skip_tests) for r in runs))),
        run_test=_joined(r.run_test for r in runs),
        harness_version=_joined(r.harness_version for r in runs),
        interrupted=any(r.interrupted for r in runs),
        implementation_specific=specific,
        catalogue=dict(sorted(catalogue.items())),
        tests=tests,
    )


def _merge_tests(shards: Sequence[tuple[str, RunRecord]]) -> list[TestRecord]:
    chosen: dict[str, tuple[str, RunRecord, TestRecord]] = {}
    for name, run in shards:
        for test in run.tests:
            seen = chosen.get(test.short_name)
            if seen is None or (_skipped_on_purpose(seen[1], seen[2]) and not _skipped_on_purpose(run, test)):
                chosen[test.short_name] = (name, run, test)
            elif _skipped_on_purpose(run, test) or seen[2].outcome is test.outcome:
                continue
            else:
                raise MergeError(
                    f"cannot merge: test {test.short_name} has outcome {seen[2].outcome} in {seen[0]} "
                    f"but {test.outcome} in {name}"
                )
    return [chosen[n][2] for n in sorted(chosen)]


def _skipped_on_purpose(run: RunRecord, test: TestRecord) -> bool:
    if test.outcome is not Outcome.SKIPPED:
        return False
    return test.short_name in run.skip_tests or bool(run.run_test and run.run_test != test.short_name)


def _agreeing(shards: Sequence[tuple[str, RunRecord]], field: str) -> dict[str, dict[str, list[str]]]:
    """A field that is optional per shard: the shards that set it must agree."""
    value: dict[str, dict[str, list[str]]] = {}
    source = ""
    for name, run in shards:
        mine = getattr(run, field)
        if not mine:
            continue
        if value and mine != value:
            raise MergeError(f"cannot merge: field {field} differs: {source} has {value!r}, {name} has {mine!r}")
        value, source = mine, name
    return value


def _joined(values: Iterable[str]) -> str:
    """One value when all shards agree, else every distinct value, comma separated and sorted."""
    return ",".join(sorted({v for v in values if v}))
