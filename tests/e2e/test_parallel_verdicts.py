"""pytest-xdist: -n 2 against one shared local environment gives the same verdicts as a serial run."""

from __future__ import annotations


def test_two_workers_give_the_same_verdicts_as_one(run_suite) -> None:  # type: ignore[no-untyped-def]
    serial = run_suite(run_id="serial")
    parallel = run_suite("-n", "2", run_id="parallel")
    assert serial.returncode == 0, serial.output[-3000:]
    assert parallel.returncode == 0, parallel.output[-3000:]
    assert parallel.outcomes == serial.outcomes
    assert len(parallel.outcomes) >= 17
    # One report directory: the controller recorded everything; workers wrote none of their own.
    assert sorted(p.name for p in parallel.report_dir.parent.iterdir()) == ["parallel", "serial"]
