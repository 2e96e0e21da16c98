"""The ``local`` provider: runs the built-in local environment in a child process.

The environment (API endpoint, local pods, reference gateway) lives in its own process so that its
threads never compete with the test process for the GIL, so that several pytest-xdist workers can share
it, and so that a crash on either side is contained. The child writes a kubeconfig and a ``ready.json``
into a private state directory; from then on everything talks to it as to any cluster.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from conformance.clusters.protocol import Cluster, ClusterError
from conformance.probes.connect import file_source

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class LocalSettings:
    faults: tuple[str, ...] = ()
    latency: float = 0.0
    jitter: float = 0.0
    crds: Path | None = None
    keep_log: Path | None = None
    """Where to copy the environment's log when it stops (e.g. the run's report directory)."""


class LocalCluster:
    name = "local"

    def __init__(self, settings: LocalSettings) -> None:
        self._settings = settings
        self._process: subprocess.Popen[bytes] | None = None
        self._state: Path | None = None

    def command(self, state: Path) -> list[str]:
        s = self._settings
        cmd = [sys.executable, "-m", "conformance.local", "serve", "--state-dir", str(state)]
        if s.faults:
            cmd += ["--faults", ",".join(s.faults)]
        if s.latency:
            cmd += ["--latency", str(s.latency)]
        if s.jitter:
            cmd += ["--jitter", str(s.jitter)]
        if s.crds:
            cmd += ["--crds", str(s.crds)]
        return cmd

    def start(self) -> Cluster:
        state = Path(tempfile.mkdtemp(prefix="gwconf-local-"))
        self._state = state
        log = (state / "environment.log").open("wb")
        # The child writes one line to this pipe when it is ready; if it dies first, the pipe closes.
        # Waiting on the pipe sees either at once (no polling).
        ready_read, ready_write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [*self.command(state), "--ready-fd", str(ready_write)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(ready_write,),
                # Its own process group: a Ctrl-C in the terminal reaches pytest, which then stops the
                # environment after cleaning up through it, instead of both dying at once.
                start_new_session=True,
            )
        finally:
            log.close()
            os.close(ready_write)
        try:
            readable, _, _ = select.select([ready_read], [], [], START_TIMEOUT)
            signal = os.read(ready_read, 4096) if readable else None
        finally:
            os.close(ready_read)
        if signal is None:
            self.stop()
            raise ClusterError(f"the local environment did not start within {START_TIMEOUT:g}s:\n{self._log_tail()}")
        if not signal:
            code = self._process.wait(10)
            raise ClusterError(f"the local environment exited with code {code} while starting:\n{self._log_tail()}")
        ready = state / "ready.json"
        info = json.loads(ready.read_text(encoding="utf-8"))
        return Cluster(
            kubeconfig=state / "kubeconfig",
            description=f"local environment (pid {self._process.pid}, API {info.get('api')})",
            connect_to=file_source(state / "connect-to.json"),
            details={**{str(k): str(v) for k, v in info.items()}, "connect_to_file": str(state / "connect-to.json")},
        )

    def _log_tail(self, lines: int = 30) -> str:
        if self._state is None:
            return ""
        try:
            text = (self._state / "environment.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        state, self._state = self._state, None
        if state is None:
            return
        if self._settings.keep_log is not None:
            target = self._settings.keep_log
            target.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                shutil.copyfile(state / "environment.log", target)
        # The state directory holds materialised Secret volumes (private keys): never leave it behind.
        shutil.rmtree(state, ignore_errors=True)
