"""Stopping a run with Ctrl-C or SIGTERM: cleanup happens, reports are still written, the exit code says so."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from e2e_support import REPO, checkout_env

# Slow enough (simulated latency) that a signal lands in the middle of a test.
SELECTION = "HTTPRouteSimpleSameNamespace or HTTPRouteReferenceGrant or HTTPRouteWeight"


def environment_of(run: subprocess.Popen[str]) -> set[int]:
    """The local environment processes the run started (its children running ``conformance.local serve``)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == run.pid and b"conformance.local" in cmdline and b"serve" in cmdline:
                found.add(int(entry.name))
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def start(tmp_path: Path) -> subprocess.Popen[str]:
    cmd = [
        sys.executable, "-m", "pytest", str(REPO / "suites"), "-p", "no:cacheprovider", "-q",
        f"--reports-dir={tmp_path}", "--run-id=run", "--local-latency=1.5", "-k", SELECTION,
    ]  # fmt: skip
    return subprocess.Popen(
        cmd, cwd=tmp_path, env=checkout_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def wait_for_first_result(tmp_path: Path, process: subprocess.Popen[str], timeout: float = 120) -> None:
    results = tmp_path / "run" / "results.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if results.exists() and json.loads(results.read_text())["tests"]:
            return
        assert process.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.1)
    pytest.fail("no test finished in time")


def finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_mid_test_cleans_up_and_still_reports(tmp_path: Path, sig: signal.Signals) -> None:
    process = start(tmp_path)
    wait_for_first_result(tmp_path, process)
    environment = environment_of(process)
    assert environment, "the run's local environment was not found"
    time.sleep(0.5)  # into the next test, which waits for the simulated latency
    os.kill(process.pid, sig)
    code, output = finish(process)
    assert code == pytest.ExitCode.INTERRUPTED, output[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["interrupted"] is True
    outcomes = [t["outcome"] for t in results["tests"]]
    assert outcomes[0] == "SUCCEEDED"
    assert "INTERRUPTED" in outcomes, outcomes
    report = (tmp_path / "run" / "conformance-report.yaml").read_text()
    assert "kind: ConformanceReport" in report
    assert not alive(environment), "the local environment was left running"


def test_a_second_ctrl_c_aborts_cleanup_but_keeps_the_results(tmp_path: Path) -> None:
    process = start(tmp_path)
    wait_for_first_result(tmp_path, process)
    environment = environment_of(process)
    os.kill(process.pid, signal.SIGINT)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGINT)
    code, output = finish(process)
    assert code != 0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["interrupted"] is True, output[-3000:]
    assert (tmp_path / "run" / "conformance-report.yaml").exists(), output[-3000:]
    # Even when cleanup is cut short, the environment notices its parent is gone and stops itself.
    deadline = time.monotonic() + 15
    while alive(environment) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(environment), "the local environment outlived the run"
