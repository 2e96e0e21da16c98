"""gwconf merge: shards join into one run; disagreements are refused naming the field and the files."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from conformance.reports.conformance_report import build_report, to_yaml
from conformance.reports.merge import MergeError, merge_runs
from conformance.results import Outcome, RunRecord
from conformance.results import TestRecord as Record

RunFactory = Callable[..., RunRecord]
S, F, K = Outcome.SUCCEEDED, Outcome.FAILED, Outcome.SKIPPED
HTTP = ("Gateway", "HTTPRoute")


def shard(make_run: RunFactory, run_id: str, outcomes: dict[str, Outcome], **fields: Any) -> RunRecord:
    tests = [Record(n, o, HTTP, False) for n, o in outcomes.items()]
    catalogue = {n: {"features": list(HTTP), "provisional": False} for n in outcomes}
    return make_run(tests, run_id=run_id, catalogue=catalogue, **fields)


def test_shards_join_into_one_run_whatever_the_order(make_run: RunFactory) -> None:
    a = shard(make_run, "a", {"HTTPRouteWeight": S}, started="2026-03-02T09:15:00+01:00", finished="x1")
    b = shard(
        make_run,
        "b",
        {"HTTPRouteMatching": F, "GatewayObservedGenerationBump": S},
        started="2026-03-02T09:10:00+01:00",
        finished="x2",
        profiles=["GATEWAY-TLS"],
        supported_features=["Gateway", "HTTPRoute", "ReferenceGrant", "TLSRoute"],
    )
    merged = [merge_runs(list(order)) for order in itertools.permutations([("a.json", a), ("b.json", b)])]
    assert merged[0] == merged[1]
    run = merged[0]
    assert [t.short_name for t in run.tests] == [
        "GatewayObservedGenerationBump",
        "HTTPRouteMatching",
        "HTTPRouteWeight",
    ]
    assert run.profiles == ["GATEWAY-HTTP", "GATEWAY-TLS"]
    assert "TLSRoute" in run.supported_features
    assert run.started == "2026-03-02T09:10:00+01:00"
    assert run.finished == "x2"
    assert run.run_id.startswith("merged-")
    assert set(run.catalogue) == {t.short_name for t in run.tests}
    assert "failedTests:\n    - HTTPRouteMatching" in to_yaml(build_report(run))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("implementation", {"organization": "other", "project": "p", "url": "", "version": "v2", "contact": []}),
        ("gateway_api_version", "v1.5.0"),
        ("gateway_api_channel", "standard"),
        ("mode", "gateway-namespace-mode"),
        ("gateway_class", "another-class"),
    ],
)
def test_disagreeing_shards_are_refused_naming_the_field(make_run: RunFactory, field: str, value: object) -> None:
    a = shard(make_run, "a", {"HTTPRouteWeight": S})
    b = shard(make_run, "b", {"HTTPRouteMatching": S}, **{field: value})
    with pytest.raises(MergeError, match=rf"cannot merge: field {field} differs: a\.json has .*, b\.json has"):
        merge_runs([("a.json", a), ("b.json", b)])


def test_same_test_with_different_outcomes_is_refused(make_run: RunFactory) -> None:
    a = shard(make_run, "a", {"HTTPRouteWeight": S})
    b = shard(make_run, "b", {"HTTPRouteWeight": F})
    with pytest.raises(
        MergeError, match=r"test HTTPRouteWeight has outcome SUCCEEDED in a\.json but FAILED in b\.json"
    ):
        merge_runs([("b.json", b), ("a.json", a)])


def test_same_outcome_twice_is_kept_once_and_a_deliberate_skip_yields(make_run: RunFactory) -> None:
    a = shard(make_run, "a", {"HTTPRouteWeight": S, "HTTPRouteMatching": K}, skip_tests=["HTTPRouteMatching"])
    b = shard(make_run, "b", {"HTTPRouteWeight": S, "HTTPRouteMatching": F})
    run = merge_runs([("a.json", a), ("b.json", b)])
    assert {t.short_name: t.outcome for t in run.tests} == {"HTTPRouteWeight": S, "HTTPRouteMatching": F}
    assert run.skip_tests == []


def test_nothing_to_merge() -> None:
    with pytest.raises(MergeError, match=r"give at least one results\.json"):
        merge_runs([])
