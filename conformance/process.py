"""The only way the harness runs external tools (kind, kubectl, helm, docker, cloud-provider-kind).

Why one wrapper: every tool failure must read the same way, whichever step hit it. A command is always
an argv list (never a shell string, so no quoting bugs and no injection through names or values), and:

- a tool that is not installed raises ``ToolMissing`` naming the tool and how to get it;
- a command that fails raises ``CommandFailed`` with the shell-quoted command, its exit code and the
  tail of its stderr (the part that says why).

Tool locations can be pinned (``Tools.paths``, e.g. ``--kind-bin``); otherwise they come from PATH.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

STDERR_TAIL_LINES = 20

HOW_TO_GET: Mapping[str, str] = {
    "kind": (
        "install kind v0.32.0 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), pass --kind-bin=PATH, "
        "or pip install 'gateway-conformance[kind]' so that the harness can download it"
    ),
    "kubectl": "install kubectl (https://kubernetes.io/docs/tasks/tools/)",
    "helm": "install helm v3.8 or later (https://helm.sh/docs/intro/install/)",
    "docker": "install Docker and start its daemon (https://docs.docker.com/engine/install/)",
    "cloud-provider-kind": (
        "go install sigs.k8s.io/cloud-provider-kind@v0.11.1 "
        "(or use --load-balancer=metallb, which needs no host process)"
    ),
    "cilium": "install cilium-cli (https://github.com/cilium/cilium-cli/releases)",
}


class ProcessError(RuntimeError):
    """An external tool could not be run or failed; the message says which and what to do."""


class ToolMissing(ProcessError):
    def __init__(self, tool: str, where: str = "PATH") -> None:
        self.tool = tool
        hint = HOW_TO_GET.get(tool, f"install {tool}")
        super().__init__(f"program {tool} not found on {where}; {hint}")


class CommandFailed(ProcessError):
    def __init__(self, argv: Sequence[str], returncode: int, stderr: str, *, why: str = "") -> None:
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr = stderr
        tail = "\n".join(stderr.rstrip().splitlines()[-STDERR_TAIL_LINES:]) or "(no output on stderr)"
        lead = f"{why}: " if why else ""
        super().__init__(
            f"{lead}command failed with exit code {returncode}: {shlex.join(argv)}\n"
            + "\n".join("  | " + line for line in tail.splitlines())
        )


class CommandTimeout(ProcessError):
    def __init__(self, argv: Sequence[str], timeout: float) -> None:
        self.argv = tuple(argv)
        super().__init__(f"command did not finish within {timeout:g}s: {shlex.join(argv)}")


@dataclass(frozen=True, slots=True)
class Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration: float


@dataclass(slots=True)
class Tools:
    """Where each tool lives, and the commands run so far (for logs and tests).

    Usage::

        tools = Tools({"kind": Path("/opt/kind-v0.32.0")})
        tools.run(["kind", "get", "clusters"]).stdout
    """

    paths: dict[str, Path] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment for every command (e.g. KIND_EXPERIMENTAL_DOCKER_NETWORK)."""
    history: list[tuple[str, ...]] = field(default_factory=list)

    def locate(self, tool: str) -> str:
        pinned = self.paths.get(tool)
        if pinned is not None:
            if not (pinned.is_file() and os.access(pinned, os.X_OK)):
                raise ToolMissing(tool, where=f"{pinned} (not an executable file)")
            return str(pinned)
        found = shutil.which(tool)
        if found is None:
            raise ToolMissing(tool)
        return found

    def available(self, tool: str) -> bool:
        try:
            self.locate(tool)
        except ToolMissing:
            return False
        return True

    def run(
        self,
        argv: Sequence[str],
        *,
        stdin: str | None = None,
        timeout: float | None = None,
        check: bool = True,
        why: str = "",
    ) -> Result:
        """Run ``argv`` (its first item is a tool name or path); returns the captured output."""
        if isinstance(argv, str):  # a shell string is always a bug here
            raise TypeError("Tools.run takes an argv list, not a string")
        resolved = [self.locate(argv[0]), *argv[1:]]
        self.history.append(tuple(argv))
        log.info("running %s", shlex.join(argv))
        started = time.monotonic()
        try:
            done = subprocess.run(
                resolved,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env={**os.environ, **self.env},
            )
        except subprocess.TimeoutExpired:
            raise CommandTimeout(argv, timeout or 0.0) from None
        except OSError as err:
            raise ProcessError(f"cannot run {shlex.join(argv)}: {err.strerror}") from None
        result = Result(tuple(argv), done.returncode, done.stdout, done.stderr, time.monotonic() - started)
        if check and done.returncode != 0:
            raise CommandFailed(argv, done.returncode, done.stderr or done.stdout, why=why)
        return result

    def run_until_ok(
        self, argv: Sequence[str], *, stdin: str | None = None, within: float, interval: float = 2.0, why: str = ""
    ) -> Result:
        """Retry a command until it succeeds (e.g. a webhook that is not serving yet); the last failure is raised."""
        deadline = time.monotonic() + within
        while True:
            try:
                return self.run(argv, stdin=stdin, why=why)
            except CommandFailed:
                if time.monotonic() + interval > deadline:
                    raise
                time.sleep(interval)

    def start(self, argv: Sequence[str], *, log_path: Path) -> Background:
        """Start a long-running host process (cloud-provider-kind); its output goes to ``log_path``."""
        resolved = [self.locate(argv[0]), *argv[1:]]
        self.history.append(tuple(argv))
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as out:
            process = subprocess.Popen(
                resolved,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                start_new_session=True,
            )
        return Background(tuple(argv), process, log_path)


@dataclass(slots=True)
class Background:
    argv: tuple[str, ...]
    process: subprocess.Popen[bytes]
    log_path: Path

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
