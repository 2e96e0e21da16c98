"""An implementation that misbehaves makes tests fail with clear messages, within the timeouts, never
crashing the run, and the reports are still written (issue 7, part 2)."""

from __future__ import annotations

import time

import pytest

SIMPLE = "HTTPRouteSimpleSameNamespace"
FAST = ("--timeout-scale=0.02",)


def run_with(run_suite, fault: str, selection: str = SIMPLE, *extra: str):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    run = run_suite(f"--local-faults={fault}", *FAST, *extra, "-k", selection, timeout=300)
    elapsed = time.monotonic() - started
    assert "Traceback" not in run.output.split("= FAILURES =")[0], run.output[-3000:]
    assert (run.report_dir / "results.json").exists(), run.output[-3000:]
    assert (run.report_dir / "conformance-report.yaml").exists()
    return run, elapsed


def reason(run, name: str = SIMPLE) -> str:  # type: ignore[no-untyped-def]
    return next(t["reason"] for t in run.results["tests"] if t["short_name"] == name)


def test_status_that_flaps(run_suite) -> None:  # type: ignore[no-untyped-def]
    run, elapsed = run_with(run_suite, "status-flapping")
    assert run.returncode in (0, 1)  # flapping may or may not be caught in a given window; never a crash
    assert elapsed < 120
    if run.outcomes[SIMPLE] == "FAILED":
        assert "last seen" in reason(run) or "last result" in reason(run)


def test_convergence_slower_than_the_timeouts(run_suite) -> None:  # type: ignore[no-untyped-def]
    run, elapsed = run_with(run_suite, "convergence-slower-than-timeouts")
    assert run.returncode == 1
    # Setup waits for the GatewayClass first: the run fails there, naming it and what was last seen.
    assert "GatewayClass gateway-conformance never became Accepted" in reason(run)
    assert "last seen" in reason(run)
    assert elapsed < 60


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("connections-reset", "request failed"),
        ("dataplane-hangs", "ReadTimeout"),
    ],
)
def test_a_data_plane_that_resets_or_hangs(run_suite, fault: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    run, elapsed = run_with(run_suite, fault)
    assert run.returncode == 1
    assert run.outcomes[SIMPLE] == "FAILED"
    assert expected in reason(run)
    assert "GET http://" in reason(run)  # what was sent
    assert elapsed < 90


def test_bursts_of_server_errors(run_suite) -> None:  # type: ignore[no-untyped-def]
    run, elapsed = run_with(run_suite, "server-error-bursts", f"{SIMPLE} or HTTPRouteExactPathMatching")
    assert run.returncode in (0, 1)
    assert elapsed < 120
    for name, outcome in run.outcomes.items():
        if outcome == "FAILED":
            assert "503" in reason(run, name)


def test_the_api_endpoint_going_away_mid_run(run_suite) -> None:  # type: ignore[no-untyped-def]
    # The whole suite: the API disappears (12 s after start) while it runs.
    run, elapsed = run_with(run_suite, "api-goes-away", "HTTPRoute or Gateway or ListenerSet", "--all-features")
    assert run.returncode == 1
    failed = [t for t in run.results["tests"] if t["outcome"] == "FAILED"]
    assert failed, "tests after the API went away must fail"
    assert any("no answer from the Kubernetes API" in t["reason"] for t in failed)
    assert elapsed < 240
