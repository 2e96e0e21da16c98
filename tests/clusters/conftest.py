"""Fixtures for the real-cluster tests: fake tools on PATH, a local environment as the "kind" cluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.clusters.local import LocalCluster, LocalSettings
from conformance.clusters.protocol import Cluster

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("kind", "kubectl", "helm", "docker", "cloud-provider-kind")


@dataclass
class FakeTools:
    bin: Path
    log: Path
    env: dict[str, str]

    def calls(self, tool: str | None = None) -> list[list[str]]:
        if not self.log.exists():
            return []
        lines = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [c for c in lines if tool is None or c[0] == tool]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make the fakes visible to this process (for in-process tests)."""
        for key, value in self.env.items():
            monkeypatch.setenv(key, value)


@pytest.fixture
def fake_tools(tmp_path: Path) -> FakeTools:
    """kind/kubectl/helm/docker executables that record their argv (see fake_tools.py)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = Path(__file__).with_name("fake_tools.py")
    for tool in TOOLS:
        exe = bin_dir / tool
        exe.write_text(
            f"#!{sys.executable}\nimport sys\nsys.path[:0] = [{str(REPO)!r}, {str(script.parent)!r}]\n"
            f"import fake_tools\nsys.exit(fake_tools.main({tool!r}))\n"
        )
        exe.chmod(0o755)
    state = tmp_path / "fake-state"
    state.mkdir()
    log = tmp_path / "tools.log"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "FAKE_TOOLS_LOG": str(log),
        "FAKE_TOOLS_STATE": str(state),
        "FAKE_CONTROLLER": "gateway-conformance.local/reference-gateway",
        "GWCONF_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": str(REPO) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""),
    }
    return FakeTools(bin_dir, log, env)


@pytest.fixture
def local_api(tmp_path: Path) -> Iterator[Cluster]:
    """A local environment standing in for the kind cluster's API and data plane."""
    provider = LocalCluster(LocalSettings(keep_log=tmp_path / "environment.log"))
    cluster = provider.start()
    try:
        yield cluster
    finally:
        provider.stop()


@dataclass
class Run:
    returncode: int
    output: str
    report_dir: Path

    @property
    def results(self) -> dict[str, Any]:
        return json.loads((self.report_dir / "results.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture
def run_pytest(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``pytest suites ARGS`` in a child process with the given extra environment."""

    def run(*args: str, env: dict[str, str], timeout: float = 300) -> Run:
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
            "--run-id=run",
            *args,
        ]
        full_env = {**os.environ, **env}
        full_env.pop("CI", None)
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=tmp_path, env=full_env, check=False
        )
        return Run(done.returncode, done.stdout + done.stderr, reports / "run")

    return run
