"""The recorder turns pytest reports into upstream outcomes and keeps results.json valid at every step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.options import Options
from conformance.recorder import PROP_FEATURES, PROP_GATE, PROP_PROVISIONAL, PROP_SHORT_NAME, Recorder
from conformance.results import Outcome, load

PROPS = [(PROP_SHORT_NAME, "HTTPRouteX"), (PROP_FEATURES, "Gateway,HTTPRoute"), (PROP_PROVISIONAL, "false")]


def report(
    when: str, outcome: str, *, props: list[tuple[str, object]] | None = None, longrepr: object = None
) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid="suites/x.py::test_x",
        location=("suites/x.py", 1, "test_x"),
        keywords={},
        outcome=outcome,  # type: ignore[arg-type]
        longrepr=longrepr,  # type: ignore[arg-type]
        when=when,  # type: ignore[arg-type]
        user_properties=props if props is not None else PROPS,
        duration=0.5,
    )


@pytest.fixture
def recorder(tmp_path: Path) -> Recorder:
    return Recorder.create(Options(run_id="run1"), tmp_path)


def test_passed_test_is_succeeded_and_written_at_once(recorder: Recorder) -> None:
    for when in ("setup", "call", "teardown"):
        record = recorder.observe(report(when, "passed"))
    assert record is not None
    assert record.outcome is Outcome.SUCCEEDED
    assert record.features == ("Gateway", "HTTPRoute")
    assert record.duration == 1.5
    data = json.loads(recorder.results_path.read_text())
    assert data["tests"][0]["outcome"] == "SUCCEEDED"


def test_subtest_time_is_not_counted_twice(recorder: Recorder) -> None:
    # A subtest runs inside its test's call phase, whose duration already holds it.
    subtest = pytest.SubtestReport(
        nodeid="suites/x.py::test_x",
        location=("suites/x.py", 1, "test_x"),
        keywords={},
        outcome="passed",
        longrepr=None,
        when="call",
        user_properties=PROPS,
        duration=0.4,
    )
    recorder.observe(report("setup", "passed"))
    recorder.observe(subtest)
    recorder.observe(subtest)
    recorder.observe(report("call", "passed"))
    record = recorder.observe(report("teardown", "passed"))
    assert record is not None
    assert record.duration == 1.5


def test_gated_skip_records_the_gate_outcome(recorder: Recorder) -> None:
    skip = ("suites/x.py", 1, "Skipped: Skipping HTTPRouteX: suite does not support HTTPRoute")
    recorder.observe(report("setup", "skipped", props=[*PROPS, (PROP_GATE, "NOT_SUPPORTED")], longrepr=skip))
    record = recorder.observe(report("teardown", "passed"))
    assert record is not None
    assert record.outcome is Outcome.NOT_SUPPORTED
    assert record.reason == "Skipping HTTPRouteX: suite does not support HTTPRoute"


def test_failure_in_any_phase_fails_the_test(recorder: Recorder) -> None:
    recorder.observe(report("setup", "passed"))
    recorder.observe(report("call", "passed"))
    record = recorder.observe(report("teardown", "failed", longrepr="E   cleanup failed: x\n"))
    assert record is not None
    assert record.outcome is Outcome.FAILED
    assert record.reason == "teardown failed: cleanup failed: x"


def test_other_tests_are_ignored(recorder: Recorder) -> None:
    assert recorder.observe(report("setup", "passed", props=[])) is None
    assert not recorder.results_path.exists()


def test_unfinished_tests_are_interrupted_and_the_file_stays_loadable(recorder: Recorder) -> None:
    recorder.observe(report("setup", "passed"))
    recorder.finish(interrupted=True)
    run = load(recorder.results_path)
    assert run.interrupted
    assert [t.outcome for t in run.tests] == [Outcome.INTERRUPTED]


def test_results_from_another_schema_version_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"schemaVersion": 99, "tests": []}))
    with pytest.raises(ValueError, match="schemaVersion 99 is not supported"):
        load(path)
