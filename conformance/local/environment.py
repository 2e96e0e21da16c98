"""Wires the local environment together and runs it until told to stop.

    Store  <- ApiServer (HTTP, for everything outside this process)
      ^  ^
      |  +-- Kubelet: Deployments -> Pods running echo servers        (asyncio loop "pods")
      +----- ControllerRuntime: Gateway API objects -> status + config
                     |
                     v
                 DataPlane: serves Gateway listeners on loopback       (asyncio loop "dataplane")

The process writes into its state directory: ``kubeconfig`` (how to reach the API), ``connect-to.json``
(Gateway sockets that had to move to other ports, e.g. when run unprivileged) and, last, ``ready.json``.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from conformance.implementations.local import CONTROLLER_NAME
from conformance.local.addresses import UNUSABLE_ADDRESS, LoopbackAddresses, reserve_second_octet
from conformance.local.api.server import ApiServer
from conformance.local.api.store import Store
from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_misbehaviour as fm
from conformance.local.gateway.dataplane import DataPlane
from conformance.local.gateway.runtime import ControllerRuntime
from conformance.local.loop import BackgroundLoop
from conformance.local.metrics import METRICS, METRICS_PATH
from conformance.local.pods.kubelet import Kubelet

if TYPE_CHECKING:
    from conformance.local.gateway.config import ApplyResult, DataPlaneConfig

log = logging.getLogger(__name__)

LATENCY_FOREVER = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Settings:
    state_dir: Path
    faults: ActiveFaults = field(default_factory=ActiveFaults)
    latency: float = 0.0
    jitter: float = 0.0
    crds: Path | None = None
    api_port: int = 0
    ready_fd: int | None = None
    """A pipe to write one line to once ready (the provider waits on it)."""


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def kubeconfig(server: str) -> str:
    """A kubeconfig for the local API: plain HTTP on loopback, no credentials (there is nothing to protect)."""
    return yaml.safe_dump(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "gwconf-local", "cluster": {"server": server}}],
            "users": [{"name": "gwconf-local", "user": {}}],
            "contexts": [{"name": "gwconf-local", "context": {"cluster": "gwconf-local", "user": "gwconf-local"}}],
            "current-context": "gwconf-local",
        },
        sort_keys=False,
    )


class _PublishingDataPlane:
    """The data plane, plus publishing where each Gateway socket really listens (connect-to.json)."""

    def __init__(self, inner: DataPlane, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._last: str | None = None

    def apply(self, config: DataPlaneConfig) -> ApplyResult:
        result = self._inner.apply(config)
        entries = [
            {"from": f"{src[0]}:{src[1]}", "to": f"{dst[0]}:{dst[1]}"} for src, dst in sorted(result.connect_to.items())
        ]
        text = json.dumps(entries, indent=1)
        if text != self._last:
            write_atomic(self._path, text)
            self._last = text
        return result


class LocalEnvironment:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        crds = [settings.crds] if settings.crds else None
        self.store = Store(crds)
        octet, self._reservation = reserve_second_octet()
        self.addresses = LoopbackAddresses(octet)
        self.pods_loop = BackgroundLoop("pods")
        self.dataplane_loop = BackgroundLoop("dataplane")
        self.kubelet = Kubelet(self.store, self.addresses, self.pods_loop, settings.faults)
        self.dataplane = DataPlane(self.dataplane_loop, settings.faults)
        self.controller = ControllerRuntime(
            self.store,
            _PublishingDataPlane(self.dataplane, settings.state_dir / "connect-to.json"),
            self.addresses,
            settings.faults,
            CONTROLLER_NAME,
            # A controller that never converges in time is a latency longer than any run.
            latency=LATENCY_FOREVER if settings.faults.on(fm.CONVERGENCE_AFTER_TIMEOUTS) else settings.latency,
            jitter=settings.jitter,
        )
        self.api = ApiServer(
            self.store, port=settings.api_port, log_source=self._logs, extensions={METRICS_PATH: METRICS.snapshot}
        )

    def _logs(
        self, namespace: str, pod: str, container: str | None, since_seconds: int | None, tail_lines: int | None
    ) -> str | None:
        return self.kubelet.logs(namespace, pod, container, since_seconds, tail_lines)

    def start(self) -> None:
        state = self.settings.state_dir
        state.mkdir(parents=True, exist_ok=True)
        write_atomic(state / "connect-to.json", "[]")
        self.pods_loop.start()
        self.dataplane_loop.start()
        self.kubelet.start()
        self.controller.start()
        self.api.start()
        if self.settings.faults.on(fm.API_GOES_AWAY):
            self._api_timer = threading.Timer(fm.API_LIFETIME, self.api.stop)
            self._api_timer.daemon = True
            self._api_timer.start()
        write_atomic(state / "kubeconfig", kubeconfig(self.api.url))
        ready = {
            "pid": os.getpid(),
            "api": self.api.url,
            "addresses": self.addresses.network,
            # Defaults for --usable-address / --unusable-address (GatewayStaticAddresses).
            "usableAddress": self.addresses.static_usable,
            "unusableAddress": UNUSABLE_ADDRESS,
            "controllerName": CONTROLLER_NAME,
            "faults": sorted(self.settings.faults.names),
            "latency": self.settings.latency,
            "jitter": self.settings.jitter,
        }
        write_atomic(state / "ready.json", json.dumps(ready, indent=1))
        if self.settings.ready_fd is not None:
            os.write(self.settings.ready_fd, b"ready\n")
            os.close(self.settings.ready_fd)
        log.info("local environment ready: %s", ready)

    def stop(self) -> None:
        # Reverse order of start: stop taking requests first, then the parts that act on state.
        for step in (self.api.stop, self.controller.stop, self.kubelet.stop, self.dataplane.stop):
            try:
                step()
            except Exception:  # one part failing to stop must not keep the others running
                log.exception("stopping %s failed", step)
        self.dataplane_loop.stop()
        self.pods_loop.stop()
        self._reservation.close()


def serve(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT, or until the parent process goes away."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    environment = LocalEnvironment(settings)
    environment.start()
    parent = os.getppid()
    try:
        # Orphan guard: if the test process dies without stopping us, do not linger holding ports.
        while not stop.wait(1.0):
            if os.getppid() != parent:
                log.warning("parent process %s went away; stopping", parent)
                break
    finally:
        environment.stop()
    return 0
