"""The kill-matrix logic of ``gwconf selfcheck`` on hand-made outcomes."""

from __future__ import annotations

from conformance.selfcheck import CLEAN, SelfCheck


def check(outcomes: dict[str, dict[str, str]]) -> SelfCheck:
    faults = [k for k in outcomes if k != CLEAN]
    result = SelfCheck("r", faults)
    result.outcomes = outcomes
    return result


def test_a_fault_kills_tests_that_pass_clean_and_fail_with_it() -> None:
    c = check(
        {
            CLEAN: {"A": "SUCCEEDED", "B": "SUCCEEDED", "C": "NOT_SUPPORTED"},
            "f1": {"A": "FAILED", "B": "SUCCEEDED", "C": "NOT_SUPPORTED"},
            "f2": {"A": "SUCCEEDED", "B": "FAILED", "C": "NOT_SUPPORTED"},
        }
    )
    assert c.killed("f1") == ["A"]
    assert c.killed("f2") == ["B"]
    assert c.problems() == []
    assert "x" in c.render()


def test_unkilled_tests_and_clean_failures_are_problems() -> None:
    c = check(
        {
            CLEAN: {"A": "SUCCEEDED", "B": "FAILED"},
            "f1": {"A": "SUCCEEDED", "B": "FAILED"},
        }
    )
    assert c.problems() == ["B does not pass on the clean reference gateway (FAILED)", "A is killed by no fault"]


def test_weak_faults_are_warnings_unless_strict() -> None:
    outcomes = {CLEAN: {t: "SUCCEEDED" for t in "ABCDE"}}
    outcomes["broad"] = {t: "FAILED" for t in "ABCDE"}
    outcomes["idle"] = {t: "SUCCEEDED" for t in "ABCDE"}
    c = check(outcomes)
    assert c.problems() == []
    assert c.fault_warnings() == ["fault broad kills 5 of 5 tests (more than a quarter)", "fault idle kills no test"]
    assert c.problems(strict=True) == c.fault_warnings()


def test_a_test_skipped_under_a_fault_is_not_killed() -> None:
    c = check({CLEAN: {"A": "SUCCEEDED"}, "f": {"A": "SKIPPED"}})
    assert c.killed("f") == []


def test_robustness_faults_are_not_in_the_default_kill_matrix() -> None:
    from conformance.local.faults import catalog

    robustness = {name for name, fault in catalog().items() if fault.robustness}
    assert {"status-flapping", "dataplane-hangs", "api-goes-away"} <= robustness
    spec = {name for name, fault in catalog().items() if not fault.robustness}
    assert spec and not spec & robustness


def test_the_default_matrix_leaves_out_robustness_faults_and_faults_awaiting_tests() -> None:
    from conformance.local.faults import catalog
    from conformance.selfcheck import default_faults, left_out

    chosen = set(default_faults())
    for name, fault in catalog().items():
        assert (name in chosen) == (not fault.robustness and not fault.awaiting), name
    awaiting = [name for name, fault in catalog().items() if fault.awaiting]
    assert len(left_out()) == len(awaiting)
    assert all(any(name in line for line in left_out()) for name in awaiting)
