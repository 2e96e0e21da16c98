"""The reference gateway's data plane: serves the listeners of a compiled DataPlaneConfig.

The controller compiles Gateway API objects into a :class:`DataPlaneConfig` and calls :meth:`apply`
from its own thread; the data plane binds one socket per (Gateway address, port) -- listeners that
share a port share it -- and answers requests from the config it holds. A new config swaps in
atomically for requests that start after it: each request reads one snapshot of the port's listeners.

Unprivileged runs cannot bind ports below 1024; the data plane then binds an ephemeral port on the
same address and reports the mapping in :attr:`ApplyResult.connect_to`, so the environment can send
the suite's connections for ``address:80`` to where the listener really is.

HTTPS listeners terminate TLS (:mod:`conformance.local.gateway.tls`): the HTTPS listeners of one port
share its socket, the SNI picks the certificate, and the requests inside the TLS stream are routed by
their Host header among the port's listeners exactly as on an HTTP port; a Host that belongs to
another listener than the SNI's is answered 421 (misdirected). HTTP and HTTPS listeners on one port
conflict (the controller reports it); such a port is not served. Clients may speak HTTP/2 (ALPN ``h2``,
or prior knowledge on HTTP ports); backends are reached as :mod:`conformance.local.gateway.upstreams`
says (TLS per BackendTLSPolicy, h2c, WebSocket upgrades).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import client_auth, filters, misbehaviour, proxy, routing, upstreams
from conformance.local.gateway.balancer import Balancers, Target
from conformance.local.gateway.config import (
    ApplyResult,
    DataPlaneConfig,
    ListenerConfig,
    ListenerKey,
    TLSConfig,
)
from conformance.local.gateway.faults_tls import MISDIRECTED_NOT_DETECTED
from conformance.local.gateway.retries import Send
from conformance.local.gateway.tls import CertificateError, CertificateStore, TLSListener, TLSPort
from conformance.local.http11 import HTTPServer
from conformance.local.loop import BackgroundLoop
from conformance.local.messages import DEFAULT_TIMEOUTS, Request, Response, Timeouts, text_response
from conformance.local.metrics import METRICS

log = logging.getLogger(__name__)

#: (address, port) -> a bound, listening socket. Injectable so tests can simulate an unprivileged user.
BindFunction = Callable[[str, int], socket.socket]

SERVED_PROTOCOLS = frozenset({"HTTP", "HTTPS"})
_PRIVILEGED_PORTS = 1024


def bind_listening_socket(address: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


@dataclass(frozen=True, slots=True)
class _PortPlan:
    """What one (address, port) serves after an apply."""

    keys: tuple[ListenerKey, ...]
    listeners: tuple[ListenerConfig, ...]
    tls: tuple[TLSListener, ...] | None = None
    """The HTTPS listeners with their loaded certificates; None on an HTTP port."""
    backend_client: TLSConfig | None = None
    """The Gateway's client certificate for TLS to backends."""


class _PortServer:
    def __init__(
        self,
        address: str,
        port: int,
        sock: socket.socket,
        plan: _PortPlan,
        faults: ActiveFaults,
        timeouts: Timeouts,
    ) -> None:
        self.address, self.port = address, port
        self.bound_port = int(sock.getsockname()[1])
        self.listeners = plan.listeners
        """Replaced whole on apply (never mutated), so each request reads one consistent snapshot."""
        self.balancers = Balancers()
        self.faults = faults
        self.timeouts = timeouts
        self.tls = TLSPort(plan.tls, faults) if plan.tls is not None else None
        self.backend_client = plan.backend_client
        self.upstream_tls = upstreams.UpstreamTLS(faults)
        self.server = HTTPServer(
            self.handle,
            sock=sock,
            timeouts=timeouts,
            name=f"gateway {address}:{port}",
            ssl_context=self.tls.server_context if self.tls is not None else None,
            http2=True,
        )

    def update(self, plan: _PortPlan) -> None:
        if self.tls is not None and plan.tls is not None:
            self.tls.listeners = plan.tls  # handshakes from now on choose among these
        self.listeners = plan.listeners
        self.backend_client = plan.backend_client
        self.balancers.retain(plan.listeners)

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        try:
            return await self._handle(request)
        finally:
            METRICS.add("dataplane", time.perf_counter() - started)

    async def _handle(self, request: Request) -> Response:
        listeners = self.listeners  # one snapshot for the whole request
        faults = self.faults
        unreliable = await misbehaviour.intercept(faults)
        if unreliable is not None:
            return unreliable
        facts = routing.request_facts(request.method, request.target, request.headers, faults)
        # On an HTTPS port too, the Host header picks the listener among all listeners of the port.
        listener = routing.select_listener(listeners, facts.host, faults)
        misdirected = self.misdirected(request, listener)
        if misdirected is not None:
            return misdirected
        if listener is None:
            return text_response(404, f"no listener on port {self.port} matches host {facts.host!r}\n")
        selection = routing.select(listener.routes, facts, faults)
        if selection is None:
            return text_response(404, "no route matches the request\n")

        # Filters, backend choice, timeouts and retries: filters.py; each try reaches the backend in
        # its own protocol (TLS, h2c, WebSocket): upstreams.py.
        def sender(target: Target) -> Send:
            async def send(outgoing: proxy.Outgoing, response_timeout: float | None) -> Response:
                return await upstreams.send(
                    request,
                    outgoing,
                    target,
                    faults,
                    timeouts=self.timeouts,
                    client=self.backend_client,
                    tls=self.upstream_tls,
                    response_timeout=response_timeout,
                )

            return send

        return await filters.serve(
            request, facts, listener, selection, self.balancers, faults, timeouts=self.timeouts, sender=sender
        )

    def misdirected(self, request: Request, listener: ListenerConfig | None) -> Response | None:
        """The answer to a request the TLS connection was not meant for, or None to route it.

        Seam for misdirected-request detection (Gateway ``listeners.hostname``, HTTPS): the listener the
        SNI chose is ``self.tls.session_of(request.extra.get("ssl_object")).listener``, ``listener`` the
        one the Host header chose (None: 404). When the Host belongs to another listener than the SNI's,
        the Gateway SHOULD answer 421 Misdirected Request.
        """
        if self.tls is None or listener is None or self.faults.on(MISDIRECTED_NOT_DETECTED):
            return None
        session = self.tls.session_of(request.extra.get("ssl_object"))
        if session is None or session.sni is None or session.listener.name == listener.name:
            return None  # (a client that sent no SNI bound its connection to no name: route by Host)
        message = f"misdirected request: this connection is for listener {session.listener.name!r}, "
        return text_response(421, message + f"the Host belongs to listener {listener.name!r}\n")


class DataPlane:
    def __init__(
        self,
        loop: BackgroundLoop,
        faults: ActiveFaults | None = None,
        *,
        bind: BindFunction = bind_listening_socket,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
    ) -> None:
        self.loop = loop
        self.faults = faults or ActiveFaults()
        self._bind = bind
        self._timeouts = timeouts
        self._ports: dict[tuple[str, int], _PortServer] = {}
        self._certificates = CertificateStore(self.faults)
        self._lock = threading.Lock()

    def apply(self, config: DataPlaneConfig) -> ApplyResult:
        """Serve exactly ``config``; returns once sockets are bound (and removed ones closed)."""
        with self._lock:
            return self.loop.run(self._apply(config))

    def stop(self) -> None:
        with self._lock:
            if self.loop.running:
                self.loop.run(self._close_all())
            self._certificates.close()

    def _bind_port(self, address: str, port: int) -> socket.socket:
        try:
            return self._bind(address, port)
        except PermissionError:
            if port >= _PRIVILEGED_PORTS:
                raise
            # Not allowed to bind a privileged port: serve on an ephemeral one and report where.
            return self._bind(address, 0)

    def _plan(self, config: DataPlaneConfig, errors: dict[ListenerKey, str]) -> dict[tuple[str, int], _PortPlan]:
        desired: dict[tuple[str, int], list[tuple[ListenerKey, ListenerConfig]]] = {}
        clients = {gateway.address: gateway.backend_client_certificate for gateway in config.gateways}
        for gateway in config.gateways:
            for listener in gateway.listeners:
                # The controller only sends HTTPS listeners whose certificate resolved.
                if listener.protocol not in SERVED_PROTOCOLS or (listener.protocol == "HTTPS" and not listener.tls):
                    continue
                key = ListenerKey(gateway.namespace, gateway.name, listener.name)
                desired.setdefault((gateway.address, listener.port), []).append((key, listener))
        plans: dict[tuple[str, int], _PortPlan] = {}
        for (address, port), entries in desired.items():
            if len({listener.protocol for _, listener in entries}) > 1:
                reason = f"HTTP and HTTPS listeners conflict on {address}:{port}; the port is not served"
                errors.update((key, reason) for key, _ in entries)
                continue
            if entries[0][1].protocol == "HTTP":
                http_keys, served = tuple(k for k, _ in entries), tuple(li for _, li in entries)
                plans[(address, port)] = _PortPlan(http_keys, served, backend_client=clients.get(address))
                continue
            keys: list[ListenerKey] = []
            loaded: list[TLSListener] = []
            for key, listener in entries:
                assert listener.tls is not None
                try:
                    loaded.append(TLSListener(listener, self._certificates.context_for(listener.tls)))
                except CertificateError as exc:
                    errors[key] = f"listener {listener.name}: {exc}"
                    continue
                keys.append(key)
            if loaded:
                served = tuple(t.listener for t in loaded)
                plans[(address, port)] = _PortPlan(tuple(keys), served, tuple(loaded), clients.get(address))
        return plans

    async def _apply(self, config: DataPlaneConfig) -> ApplyResult:
        errors: dict[ListenerKey, str] = {}
        plans = self._plan(config, errors)
        for where, server in list(self._ports.items()):
            plan = plans.get(where)
            if plan is None or (plan.tls is None) != (server.tls is None) or self._validation_changed(server, plan):
                await self._ports.pop(where).server.stop()
        for (address, port), plan in plans.items():
            existing = self._ports.get((address, port))
            if existing is not None:
                existing.update(plan)
                continue
            try:
                sock = self._bind_port(address, port)
            except OSError as exc:
                reason = f"cannot listen on {address}:{port}: {exc.strerror or exc}"
                log.warning("local data plane: %s", reason)
                errors.update((key, reason) for key in plan.keys)
                continue
            server = _PortServer(address, port, sock, plan, self.faults, self._timeouts)
            try:
                await server.server.start()
            except OSError as exc:
                sock.close()
                errors.update((key, f"cannot serve {address}:{port}: {exc}") for key in plan.keys)
                continue
            self._ports[(address, port)] = server
        self._certificates.retain(
            listener.tls for plan in plans.values() for listener in plan.listeners if listener.tls
        )
        connect_to = {
            where: (server.address, server.bound_port)
            for where, server in self._ports.items()
            if server.bound_port != where[1]
        }
        return ApplyResult(errors=errors, connect_to=connect_to)

    def _validation_changed(self, server: _PortServer, plan: _PortPlan) -> bool:
        """The port's client-certificate validation changed: its server context must be rebuilt."""
        if server.tls is None or not plan.tls:
            return False
        return client_auth.validation_of(plan.tls[0].listener.tls, self.faults) != server.tls.validation

    async def _close_all(self) -> None:
        ports, self._ports = self._ports, {}
        for server in ports.values():
            await server.server.stop()
