"""End-to-end fixtures: the real local environment in its own process, and a way to run the suite."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_support import REPO, checkout_env

from conformance.clusters.local import LocalCluster, LocalSettings
from conformance.clusters.protocol import Cluster


@dataclass
class SuiteRun:
    returncode: int
    output: str
    report_dir: Path

    @property
    def results(self) -> dict[str, Any]:
        return json.loads((self.report_dir / "results.json").read_text())  # type: ignore[no-any-return]

    @property
    def outcomes(self) -> dict[str, str]:
        return {t["short_name"]: t["outcome"] for t in self.results["tests"]}


@pytest.fixture
def run_suite(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``pytest suites ARGS`` in a child process the way a user would; returns a SuiteRun."""

    def run(*args: str, timeout: float = 600, run_id: str = "run") -> SuiteRun:
        reports = tmp_path / "reports"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            str(REPO / "suites"),
            "-p",
            "no:cacheprovider",
            "-q",
            f"--reports-dir={reports}",
            f"--run-id={run_id}",
            *args,
        ]
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=tmp_path, check=False, env=checkout_env()
        )
        return SuiteRun(done.returncode, done.stdout + done.stderr, reports / run_id)

    return run


@pytest.fixture
def local_cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A local environment started directly, for tests that drive it as an existing cluster."""
    provider = LocalCluster(LocalSettings(keep_log=tmp_path / "environment.log"))
    cluster = provider.start()
    try:
        yield cluster
    finally:
        provider.stop()
