"""The echo-basic backend, re-implemented for local pods (HTTP mode).

Every conformance backend runs ``echo-basic``: it answers each request with a JSON description of what
it received (raw request URI, Host, headers, which pod answered), and the suite compares that JSON with
what the route should have done (spec/infra.md b.1, b.4-b.6). Field names, header canonicalisation,
special endpoints (/health, /status/NNN, /retry/...), the ``X-Echo-Set-Header`` and ``?delay=``
controls and the log line the mirror tests grep are reproduced from the documented behaviour.

One :class:`EchoContainer` is one container: the set of servers echo-basic's ``main`` would start
from the environment: HTTP on ``HTTP_PORT``, h2c on ``H2C_PORT`` (HTTP/2 with prior knowledge or an
``Upgrade: h2c``; anything else gets 400 "Expected h2c request"), and HTTPS on ``HTTPS_PORT`` when
``TLS_SERVER_CERT`` and ``TLS_SERVER_PRIVKEY`` name the mounted certificate and key (with
``TLS_CLIENT_CACERTS`` client certificates are requested and, when given, verified against that CA);
answers on the HTTPS port carry the ``tls`` block (version, SNI, ALPN, cipher, peer certificates).
``/ws`` is a WebSocket echo on every port. gRPC, TCP and UDP modes slot in as further servers of the
set (see :meth:`EchoContainer._plan`).
"""

from __future__ import annotations

import asyncio
import re
import ssl
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from conformance.local.http11 import HTTPServer
from conformance.local.messages import DEFAULT_TIMEOUTS, ConnectionAbort, Request, Response, Timeouts, text_response
from conformance.local.pods.goisms import (
    atoi,
    canonical_header_key,
    clean_path,
    json_dumps,
    parse_duration,
    valid_header_name,
)
from conformance.local.pods.logs import ContainerLog
from conformance.local.websocket import echo_upgrade

_STATUS_URI = re.compile(r"/status/([0-9]{3})")
_JSON_HEADERS = (("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff"))
#: Request headers Go's server does not expose to handlers (Host moves to r.Host, chunking is undone).
_HIDDEN_REQUEST_HEADERS = frozenset({"host", "transfer-encoding"})


@dataclass(frozen=True, slots=True)
class EchoSettings:
    """What echo-basic reads from its environment."""

    http_port: str = "3000"
    h2c_port: str = "3001"
    https_port: str = "8443"
    namespace: str = ""
    ingress: str = ""
    service: str = ""
    pod: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    client_ca: str = ""
    grpc: bool = False
    tcp: bool = False
    udp: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> EchoSettings:
        return cls(
            http_port=env.get("HTTP_PORT") or "3000",
            h2c_port=env.get("H2C_PORT") or "3001",
            https_port=env.get("HTTPS_PORT") or "8443",
            namespace=env.get("NAMESPACE", ""),
            ingress=env.get("INGRESS_NAME", ""),
            service=env.get("SERVICE_NAME", ""),
            pod=env.get("POD_NAME", ""),
            tls_cert=env.get("TLS_SERVER_CERT", ""),
            tls_key=env.get("TLS_SERVER_PRIVKEY", ""),
            client_ca=env.get("TLS_CLIENT_CACERTS", ""),
            grpc=bool(env.get("GRPC_ECHO_SERVER")),
            tcp=bool(env.get("TCP_ECHO_SERVER")),
            udp=bool(env.get("UDP_ECHO_SERVER")),
        )


def _utf8(text: str) -> str:
    # Requests arrive as latin-1-decoded bytes; Go puts the raw bytes in JSON, replacing invalid UTF-8.
    return text.encode("latin-1").decode("utf-8", errors="replace")


def _first_query_value(query: str, key: str) -> str:
    """url.Values.Get: the first value of ``key`` in the raw query, "" if absent."""
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == key:
            return value
    return ""


def _request_url(request: Request) -> tuple[str, str, str]:
    """(decoded path, raw query, host) as Go's server derives r.URL.Path, r.URL.RawQuery and r.Host."""
    target = request.target
    host = request.header("Host") or ""
    if target.startswith("/"):
        raw_path, _, query = target.partition("?")
    else:
        # Absolute-form (proxy style) request-target: Go takes the path, and the host from the URI.
        parts = urlsplit(target)
        raw_path, query = parts.path or "/", parts.query
        host = parts.netloc or host
    return unquote(raw_path, errors="replace"), query, host


def _json_error(status: int, message: str) -> Response:
    return Response(status, list(_JSON_HEADERS), json_dumps({"message": message}, indent=False))


def _redirect(path: str, query: str) -> Response:
    # net/http's ServeMux answers an unclean path (or a subtree root without its slash) with a 301.
    location = quote(path, safe="/:@!$&'()*+,;=-._~") + (f"?{query}" if query else "")
    body = f'<a href="{location}">Moved Permanently</a>.\n\n'.encode()
    headers = [("Location", location), ("Content-Type", "text/html; charset=utf-8")]
    return Response(301, headers, body)


def _sanitised(value: str) -> str:
    # Go's header writer turns line breaks into spaces and trims; other control bytes cannot be sent.
    value = value.replace("\r", " ").replace("\n", " ").strip(" \t")
    return "".join(ch for ch in value if ch == "\t" or ord(ch) >= 0x20)


class EchoHandler:
    """The HTTP handler of one echo-basic process (all its HTTP-speaking servers share it)."""

    def __init__(self, settings: EchoSettings, log: ContainerLog) -> None:
        self.settings = settings
        self.log = log
        self.server_names: weakref.WeakKeyDictionary[ssl.SSLObject, str] = weakref.WeakKeyDictionary()
        """The SNI of each TLS connection of the HTTPS server (recorded during its handshake)."""
        # echo-basic keeps retry attempts per uuid in memory, behind one mutex held for the whole attempt.
        self._retry_attempts: dict[str, int] = {}
        self._retry_lock = asyncio.Lock()

    async def __call__(self, request: Request) -> Response:
        path, query, _ = _request_url(request)
        # echo-basic collapses "//" before routing (so rewritten paths still reach the echo handler).
        path = path.replace("//", "/")
        cleaned = clean_path(path)
        if cleaned != path and request.method != "CONNECT":
            return _redirect(cleaned, query)
        if path == "/health":
            return text_response(200, "OK")
        if path == "/ws":
            return self._websocket(request)
        if path in ("/status", "/retry"):
            return _redirect(path + "/", query)
        if path.startswith("/status/"):
            return self._status(request)
        if path.startswith("/retry/"):
            return await self._retry(request, query)
        return await self._echo(request)

    def _websocket(self, request: Request) -> Response:
        if request.http_version != "1.1":
            return text_response(400, "Bad Request")
        return echo_upgrade(request)

    async def h2c(self, request: Request) -> Response:
        """The h2c port: HTTP/2 only; an HTTP/1.1 ``Upgrade: h2c`` switches, anything else is refused."""
        if request.http_version == "2.0":
            return await self(request)
        tokens = {t.strip().lower() for v in request.header_values("Connection") for t in v.split(",")}
        if (request.header("Upgrade") or "").lower() == "h2c" and "upgrade" in tokens:
            return Response(101, [("Connection", "Upgrade"), ("Upgrade", "h2c")], upgrade=self._h2c_upgrade(request))
        return text_response(400, "Expected h2c request")

    def _h2c_upgrade(self, request: Request) -> Any:
        from conformance.local.http2 import HTTP2ServerConnection, settings_header

        async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, initial: bytes) -> None:
            upgraded = Request(
                request.method,
                request.target,
                request.headers,
                request.body,
                "2.0",
                request.client,
                request.server,
                scheme=request.scheme,
                extra=request.extra,
            )
            connection = HTTP2ServerConnection(
                self, reader, writer, client=request.client, server=request.server, scheme="http", extra={}
            )
            await connection.serve(initial, upgraded=upgraded, settings=settings_header(request))

        return run

    def tls_facts(self, request: Request) -> dict[str, Any] | None:
        """echo-basic's ``tls`` block for a request that came over TLS (None otherwise)."""
        tls = request.extra.get("ssl_object")
        if not isinstance(tls, ssl.SSLObject):
            return None
        facts: dict[str, Any] = {"version": tls.version() or ""}
        peer = tls.getpeercert(binary_form=True)
        if peer:
            facts["peerCertificates"] = [ssl.DER_cert_to_PEM_cert(peer)]
        facts["serverName"] = self.server_names.get(tls, "")
        if tls.selected_alpn_protocol():
            facts["negotiatedProtocol"] = tls.selected_alpn_protocol()
        cipher = tls.cipher()
        facts["cipherSuite"] = cipher[0] if cipher else ""
        return facts

    def _status(self, request: Request) -> Response:
        # Matched against the raw request URI, so a query string makes it a 400 as in echo-basic.
        match = _STATUS_URI.fullmatch(request.target)
        if match is None:
            return Response(400)
        code = int(match.group(1))
        if code < 100:
            raise ConnectionAbort(reset=False)  # Go panics on such a code; the server drops the connection
        if code < 200:
            return Response(200)  # an informational code, then Go's implicit final 200
        return Response(code)

    async def _retry(self, request: Request, query: str) -> Response:
        uuid = _first_query_value(query, "uuid")
        if not uuid:
            return text_response(400, "uuid is required")
        succeed_after = atoi(_first_query_value(query, "succeedAfter"))
        if succeed_after is None:
            return text_response(400, "succeedAfter is required")
        response_code = atoi(_first_query_value(query, "responseCode"))
        async with self._retry_lock:
            if self._retry_attempts.get(uuid, 0) < succeed_after:
                self._retry_attempts[uuid] = self._retry_attempts.get(uuid, 0) + 1
                delay = _first_query_value(query, "delayRetry")
                if delay:
                    try:
                        await asyncio.sleep(max(0.0, parse_duration(delay)))
                    except ValueError as exc:
                        return _json_error(500, str(exc))
                if response_code is None:
                    raise ConnectionAbort(reset=True)
                if not 100 <= response_code <= 999:
                    raise ConnectionAbort(reset=False)
                return Response(200 if response_code < 200 else response_code)
            return await self._echo(request)

    async def _echo(self, request: Request) -> Response:
        _, query, host = _request_url(request)
        client = f"[{request.client[0]}]" if ":" in request.client[0] else request.client[0]
        self.log.write(f"Echoing back request made to {request.target} to client ({client}:{request.client[1]})")
        delay = _first_query_value(query, "delay")
        if delay:
            try:
                await asyncio.sleep(max(0.0, parse_duration(delay)))
            except ValueError as exc:
                return _json_error(500, str(exc))
        headers: dict[str, list[str]] = {}
        for name, value in request.headers:
            if name.lower() in _HIDDEN_REQUEST_HEADERS:
                continue
            headers.setdefault(canonical_header_key(name), []).append(_utf8(value))
        settings = self.settings
        body = {
            "path": _utf8(request.target),
            "host": _utf8(host),
            "method": request.method,
            "proto": f"HTTP/{request.http_version}",
            "headers": dict(sorted(headers.items())),
            "httpPort": settings.http_port,
            "namespace": settings.namespace,
            "ingress": settings.ingress,
            "service": settings.service,
            "pod": settings.pod,
        }
        tls = self.tls_facts(request)
        if tls is not None:
            body["tls"] = tls
        response_headers = self._echo_set_headers(request.header_values("X-Echo-Set-Header"))
        for name, value in _JSON_HEADERS:
            response_headers[name] = [value]
        flat = [
            (name, _sanitised(value))
            for name, values in sorted(response_headers.items())
            if valid_header_name(name)
            for value in values
        ]
        return Response(200, flat, json_dumps(body))

    @staticmethod
    def _echo_set_headers(items: list[str]) -> dict[str, list[str]]:
        """``X-Echo-Set-Header: Name:Value, Other:Value``: set each, keeping the name's casing."""
        out: dict[str, list[str]] = {}
        for item_list in items:
            for item in item_list.split(","):
                name, _, value = item.strip().partition(":")
                if name not in out:
                    out[name] = [value]
                else:
                    out[name][0] += "," + value.strip()
        return out


def _port_number(variable: str, value: str) -> int:
    port = atoi(value)
    if port is None or not 0 < port < 65536:
        raise ValueError(f"{variable} {value!r} is not a port number")
    return port


class EchoContainer:
    """The servers one echo-basic container runs on its pod's address, chosen from its environment."""

    def __init__(
        self, address: str, env: Mapping[str, str], log: ContainerLog, timeouts: Timeouts = DEFAULT_TIMEOUTS
    ) -> None:
        self.address = address
        self.settings = EchoSettings.from_env(env)
        self.log = log
        self.handler = EchoHandler(self.settings, log)
        self._timeouts = timeouts
        self._servers: list[HTTPServer] = []
        self.unavailable: list[str] = []
        """Servers echo-basic would start that the local environment cannot run yet (logged at start)."""

    def _plan(self) -> list[tuple[int, str]]:
        """(port, protocol) of each server to start; modes not implemented yet are noted instead."""
        settings = self.settings
        if settings.grpc or settings.tcp or settings.udp:
            mode = "gRPC" if settings.grpc else "TCP" if settings.tcp else "UDP"
            self.unavailable.append(f"{mode} echo mode")
            return []
        plan = [(_port_number("HTTP_PORT", settings.http_port), "http")]
        plan.append((_port_number("H2C_PORT", settings.h2c_port), "h2c"))
        if settings.tls_cert and settings.tls_key:
            plan.append((_port_number("HTTPS_PORT", settings.https_port), "https"))
        return plan

    def _tls_context(self) -> ssl.SSLContext:
        """The HTTPS server's context from the mounted files (as echo-basic loads them at start)."""
        settings = self.settings
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.set_alpn_protocols(["h2", "http/1.1"])
        try:
            context.load_cert_chain(settings.tls_cert, settings.tls_key)
            if settings.client_ca:
                context.load_verify_locations(cafile=settings.client_ca)
                context.verify_mode = ssl.CERT_OPTIONAL  # Go's VerifyClientCertIfGiven
        except ssl.SSLError as exc:
            raise ValueError(f"cannot load the TLS certificate, key or client CAs: {exc.reason or exc}") from None
        names = self.handler.server_names

        def record(tls: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> None:
            names[tls] = server_name or ""

        context.sni_callback = record
        return context

    async def start(self) -> None:
        try:
            for port, protocol in self._plan():
                server = HTTPServer(
                    self.handler.h2c if protocol == "h2c" else self.handler,
                    host=self.address,
                    port=port,
                    timeouts=self._timeouts,
                    name=f"echo {self.settings.pod or self.address}:{port}",
                    ssl_context=self._tls_context() if protocol == "https" else None,
                    http2=protocol == "h2c",
                )
                await server.start()
                self._servers.append(server)
                self.log.write(f"Starting server, listening on port {port} ({protocol})")
        except BaseException:
            await self.stop()
            raise
        for what in self.unavailable:
            self.log.write(f"local environment: {what} is not available yet; nothing listens for it")

    async def stop(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            await server.stop()

    @property
    def ports(self) -> list[int]:
        return [server.sockname[1] for server in self._servers]
