"""Running under pytest-xdist: one cluster, one set of base resources, shared by every worker.

Setting up is expensive (a cluster, an implementation, base Gateways and backends) and must happen once
per run, and tearing down must wait until the last worker is done. So the xdist *controller* owns the
session: it serves a tiny request/response protocol on a Unix socket, and the first worker that needs
the cluster asks for it; the controller sets everything up (once, whoever asks first) and answers every
worker with what it needs to connect: the kubeconfig, the facts learned during setup and the effective
settings. Workers keep only clients; the controller cleans up and stops the cluster at the end of the
run, after all workers have finished, and it records the results (workers' reports reach it anyway).

Nothing here waits with a fixed sleep: the controller thread blocks in ``accept``, workers block on the
reply.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.features import FeatureName
from conformance.kube.apply import Cleanup, Fill
from conformance.kube.client import KubeClient
from conformance.kube.errors import KubeError, Unreachable
from conformance.kube.facade import Kube
from conformance.options import ImplementationInfo, Options
from conformance.probes.connect import ConnectTo, file_source
from conformance.probes.http import HTTPProbe
from conformance.profiles import ProfileName
from conformance.selection import FeaturesSource, SupportedFeatures
from conformance.session import ConformanceSession, RunFacts, SetupError

if TYPE_CHECKING:
    from conformance.implementations.catalog import Entry

log = logging.getLogger(__name__)

WORKERINPUT_SOCKET = "gwconf_session_socket"
WORKERINPUT_RUN_ID = "gwconf_run_id"
WORKERINPUT_GROUPS = "gwconf_groups_file"
SETUP_TIMEOUT = 6 * 3600.0
"""How long a worker waits for the controller's setup (a kind cluster and an install can take many minutes)."""


# --- what travels between controller and workers -----------------------------------------------------


def facts_to_json(facts: RunFacts) -> dict[str, Any]:
    return {
        "cluster": facts.cluster,
        "gateway_class": facts.gateway_class,
        "controller_name": facts.controller_name,
        "gateway_api_version": facts.gateway_api_version,
        "gateway_api_channel": facts.gateway_api_channel,
        "supported": {
            "features": sorted(facts.supported.features),
            "source": str(facts.supported.source),
            "profiles": [str(p) for p in facts.supported.profiles],
            "dropped": sorted(facts.supported.dropped),
        },
        "implementation": {**asdict(facts.implementation), "contact": list(facts.implementation.contact)},
    }


def facts_from_json(data: dict[str, Any]) -> RunFacts:
    supported = data["supported"]
    info = data["implementation"]
    return RunFacts(
        cluster=data["cluster"],
        gateway_class=data["gateway_class"],
        controller_name=data["controller_name"],
        gateway_api_version=data["gateway_api_version"],
        gateway_api_channel=data["gateway_api_channel"],
        supported=SupportedFeatures(
            features=frozenset(FeatureName(f) for f in supported["features"]),
            source=FeaturesSource(supported["source"]),
            profiles=tuple(ProfileName(p) for p in supported["profiles"]),
            dropped=frozenset(supported["dropped"]),
        ),
        implementation=ImplementationInfo(**{**info, "contact": tuple(info["contact"])}),
    )


#: Effective settings the controller may have changed (an implementation profile's defaults) that
#: workers need to apply bundles and reach Gateways exactly as the controller would.
_EFFECTIVE_FIELDS = (
    "gateway_class",
    "namespace_labels",
    "namespace_annotations",
    "usable_address",
    "unusable_address",
    "skip_tests",
)


def effective_to_json(options: Options) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _EFFECTIVE_FIELDS:
        value = getattr(options, name)
        out[name] = sorted(value) if isinstance(value, frozenset) else value
    out["connect_to"] = [[list(k), list(v)] for k, v in options.connect_to.items()]
    return out


def effective_from_json(options: Options, data: dict[str, Any]) -> Options:
    import dataclasses

    changes: dict[str, Any] = {name: data[name] for name in _EFFECTIVE_FIELDS if name in data}
    if "skip_tests" in changes:
        changes["skip_tests"] = frozenset(changes["skip_tests"])
    changes["connect_to"] = {tuple(k): tuple(v) for k, v in data.get("connect_to", [])}
    return dataclasses.replace(options, **changes)


@dataclass(frozen=True, slots=True)
class Request:
    catalogue: dict[str, dict[str, Any]]
    run_test_features: list[str]


def _send(sock: socket.socket, data: dict[str, Any]) -> None:
    sock.sendall(json.dumps(data).encode() + b"\n")


def _receive(sock: socket.socket) -> dict[str, Any]:
    buffer = b""
    while not buffer.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the xdist controller closed the connection without answering")
        buffer += chunk
    data = json.loads(buffer)
    assert isinstance(data, dict)
    return data


# --- controller side ---------------------------------------------------------------------------------


class SessionService:
    """Owns the run's ConformanceSession in the xdist controller and hands it out to workers."""

    def __init__(self, factory: Callable[[Request], ConformanceSession], on_started: Callable[[RunFacts], None]):
        self._factory = factory
        self._on_started = on_started
        self._dir = Path(tempfile.mkdtemp(prefix="gwconf-xdist-"))
        self.path = str(self._dir / "session.sock")
        self.groups_path = str(self._dir / "groups.json")
        """Where workers leave each collected test's group for the scheduler (see xdist_plugin)."""
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(64)
        self._lock = threading.Lock()
        self._reply: dict[str, Any] | None = None
        self.session: ConformanceSession | None = None
        self._thread = threading.Thread(target=self._serve, name="gwconf-session-service", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                data = _receive(conn)
                request = Request(dict(data.get("catalogue") or {}), list(data.get("run_test_features") or []))
                _send(conn, self._setup_once(request))
            except (OSError, ValueError) as err:
                log.warning("a worker's session request failed: %s", err)

    def _setup_once(self, request: Request) -> dict[str, Any]:
        with self._lock:  # the first request sets up; the others wait here and get the same answer
            if self._reply is None:
                self._reply = self._setup(request)
            return self._reply

    def _setup(self, request: Request) -> dict[str, Any]:
        session = self._factory(request)
        self.session = session
        try:
            facts = session.start()
        except (SetupError, KubeError, AssertionError, OSError) as err:
            return {"ok": False, "error": f"gateway-conformance setup failed: {err}"}
        self._on_started(facts)
        assert session.cluster is not None and session.fill is not None
        effective = effective_to_json(session.options)
        # The provider may offer static addresses (the local environment does): what the fill uses counts.
        effective["usable_address"] = session.fill.usable_address
        effective["unusable_address"] = session.fill.unusable_address
        return {
            "ok": True,
            "kubeconfig": str(session.cluster.kubeconfig),
            "connect_to_file": session.cluster.details.get("connect_to_file", ""),
            "facts": facts_to_json(facts),
            "effective": effective,
            "entry": session.entry.name if session.entry is not None else "",
        }

    def close(self) -> list[str]:
        """Stop serving, then undo the setup (after every worker is done: xdist calls this at the very end)."""
        self._server.close()
        problems = self.session.close() if self.session is not None else []
        shutil.rmtree(self._dir, ignore_errors=True)
        return problems


# --- worker side -------------------------------------------------------------------------------------


class RemoteSession:
    """A worker's view of the controller's session: clients only; nothing to install or tear down."""

    def __init__(self, options: Options, socket_path: str, request: Request, report_dir: Path) -> None:
        self.options = options
        self.report_dir = report_dir
        self._socket_path = socket_path
        self._request = request
        self.entry: Entry | None = None
        self.client: KubeClient | None = None
        self.kube: Kube | None = None
        self.http: HTTPProbe | None = None
        self.facts: RunFacts | None = None
        self.fill: Fill | None = None

    def start(self) -> RunFacts:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(SETUP_TIMEOUT)
            sock.connect(self._socket_path)
            _send(sock, {"catalogue": self._request.catalogue, "run_test_features": self._request.run_test_features})
            reply = _receive(sock)
        if not reply.get("ok"):
            raise SetupError(str(reply.get("error", "the xdist controller could not set up the run")))
        options = self.options = effective_from_json(self.options, reply["effective"])
        facts = self.facts = facts_from_json(reply["facts"])
        if reply.get("entry"):
            from conformance import realcluster

            self.entry = realcluster.resolve_entry(options)
        try:
            self.client = KubeClient.from_kubeconfig(reply["kubeconfig"])
        except Unreachable as err:
            raise SetupError(str(err)) from err
        kube = Kube(self.client, options.timeout_config, controller_name=facts.controller_name)
        self.kube = kube
        dynamic = file_source(Path(reply["connect_to_file"])) if reply.get("connect_to_file") else None
        self.http = HTTPProbe(options.timeout_config, connect_to=ConnectTo(options.connect_to, dynamic))
        self.fill = Fill(
            gateway_class=options.gateway_class,
            controller_name=facts.controller_name,
            namespace_labels=options.namespace_labels,
            namespace_annotations=options.namespace_annotations,
            usable_address=options.usable_address,
            unusable_address=options.unusable_address,
        )
        return facts

    def new_cleanup(self) -> Cleanup:
        from conformance import interrupts

        assert self.client is not None and self.kube is not None
        kube = self.kube
        client = self.client

        def wait_gone(item: Any, timeout: float) -> None:
            kube.wait_gone(client.resource(item.api_version, item.kind), item.namespace, item.name, timeout)

        return Cleanup(
            client,
            delete_timeout=self.options.timeout_config.delete_timeout,
            wait_gone=wait_gone,
            should_stop=interrupts.cleanup_aborted,
        )

    def close(self) -> list[str]:
        if self.http is not None:
            self.http.close()
        if self.client is not None:
            self.client.close()
        return []


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "")
