"""How the data plane talks to the backend a request was routed to.

* A Service port targeted by a BackendTLSPolicy (:class:`~conformance.local.gateway.config.BackendTLS`)
  is reached over TLS: SNI = the policy's hostname; the certificate must chain to the policy's CA
  certificates and match its ``subjectAltNames`` (any one; ``Hostname`` entries as DNS names with the
  usual left-most wildcard, ``URI`` entries exactly) or, without them, the hostname. The Gateway's
  ``spec.tls.backend`` client certificate is presented when the backend asks. A policy without a valid
  CA certificate, or a backend certificate that fails these checks, gets the client a 5xx.
* ``appProtocol: kubernetes.io/h2c`` ports are spoken to with HTTP/2 prior knowledge.
* A WebSocket handshake (``Upgrade: websocket``) to an HTTP/1.1 backend (``kubernetes.io/ws``, ``http``
  or no appProtocol) is forwarded with its upgrade headers; after the backend's 101 the two connections
  are relayed byte for byte until either side closes.
* Everything else goes through :func:`conformance.local.gateway.proxy.forward` (HTTP/1.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import ssl
import tempfile
from collections.abc import Awaitable, Callable

import h11
from cryptography import x509

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway import proxy
from conformance.local.gateway.balancer import Target
from conformance.local.gateway.config import BackendTLS, Endpoint, TLSConfig
from conformance.local.gateway.tls import tls_digest
from conformance.local.gateway.upstream import ClientConnection
from conformance.local.http2 import http2_request
from conformance.local.http11 import next_event
from conformance.local.messages import (
    DEFAULT_TIMEOUTS,
    PeerProtocolError,
    Request,
    Response,
    Timeouts,
    decode_headers,
    encode_headers,
    text_response,
)

H2C = "kubernetes.io/h2c"
_UPGRADE_PROTOCOLS = frozenset({"", "http", "kubernetes.io/ws"})


def dns_name_matches(pattern: str, host: str) -> bool:
    """RFC 6125 matching of one DNS SAN: exact, or ``*`` as the whole left-most label (one label)."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if not pattern or not host:
        return False
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


def certificate_problem(der: bytes | None, tls: BackendTLS, faults: ActiveFaults) -> str | None:
    """Why the backend certificate ``der`` does not identify the backend the policy describes."""
    if faults.on(ft.BACKEND_TLS_NOT_VERIFIED):
        return None
    if not der:
        return "the backend presented no certificate"
    try:
        san = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(x509.SubjectAlternativeName)
        dns = san.value.get_values_for_type(x509.DNSName)
        uris = san.value.get_values_for_type(x509.UniformResourceIdentifier)
    except x509.ExtensionNotFound:
        dns, uris = [], []
    except ValueError as exc:
        return f"the backend certificate cannot be read: {exc}"
    wanted = tls.subject_alt_names if not faults.on(ft.BACKEND_TLS_SANS_IGNORED) else ()
    if wanted:
        for kind, value in wanted:
            if kind == "Hostname" and any(dns_name_matches(p, value) for p in dns):
                return None
            if kind == "URI" and value in uris:
                return None
        shown = ", ".join(f"{kind} {value}" for kind, value in wanted)
        return f"the backend certificate carries none of the subjectAltNames {shown}"
    if any(dns_name_matches(p, tls.hostname) for p in dns):
        return None
    return f"the backend certificate is not valid for {tls.hostname}"


class UpstreamTLS:
    """Client contexts for TLS to backends, built once per (CA bundle, client certificate)."""

    def __init__(self, faults: ActiveFaults) -> None:
        self.faults = faults
        self._contexts: dict[tuple[bytes, str], ssl.SSLContext] = {}

    def context(self, tls: BackendTLS, client: TLSConfig | None) -> ssl.SSLContext:
        if self.faults.on(ft.BACKEND_CLIENT_CERT_NOT_SENT):
            client = None
        key = (tls.ca_pem, tls_digest(client) if client else "")
        context = self._contexts.get(key)
        if context is None:
            context = self._build(tls, client)
            self._contexts[key] = context
        return context

    def _build(self, tls: BackendTLS, client: TLSConfig | None) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False  # names are checked against the policy by certificate_problem
        if self.faults.on(ft.BACKEND_TLS_NOT_VERIFIED):
            context.verify_mode = ssl.CERT_NONE
        else:
            context.load_verify_locations(cadata=tls.ca_pem.decode("ascii", errors="replace"))
        context.set_alpn_protocols(["http/1.1"])
        if client is not None:
            directory = tempfile.mkdtemp(prefix="gwconf-client-")  # mode 0700, removed at once
            try:
                paths = []
                for name, data in (("crt", client.certificate_pem), ("key", client.key_pem)):
                    path = os.path.join(directory, name)
                    with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as handle:
                        handle.write(data)
                    paths.append(path)
                context.load_cert_chain(paths[0], paths[1])
            finally:
                shutil.rmtree(directory, ignore_errors=True)
        return context

    def opener(
        self, tls: BackendTLS, client: TLSConfig | None, endpoint: Endpoint, timeouts: Timeouts
    ) -> Callable[[], Awaitable[ClientConnection]]:
        async def open_tls() -> ClientConnection:
            server_hostname = "" if self.faults.on(ft.BACKEND_TLS_NO_SNI) else tls.hostname
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    endpoint.address, endpoint.port, ssl=self.context(tls, client), server_hostname=server_hostname
                ),
                timeouts.connect,
            )
            tls_object = writer.get_extra_info("ssl_object")
            der = tls_object.getpeercert(binary_form=True) if isinstance(tls_object, ssl.SSLObject) else None
            problem = certificate_problem(der, tls, self.faults)
            if problem is not None:
                writer.transport.abort()
                raise ssl.SSLCertVerificationError(f"BackendTLSPolicy {tls.policy}: {problem}")
            return ClientConnection(reader, writer, timeouts)

        return open_tls


def _wants_websocket(request: Request) -> bool:
    tokens = {t.strip().lower() for v in request.header_values("Connection") for t in v.split(",")}
    return request.http_version == "1.1" and "upgrade" in tokens and bool(request.header("Upgrade"))


async def send(
    request: Request,
    outgoing: proxy.Outgoing,
    target: Target,
    faults: ActiveFaults,
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    client: TLSConfig | None = None,
    tls: UpstreamTLS | None = None,
    response_timeout: float | None = None,
) -> Response:
    """Forward ``outgoing`` to the chosen backend endpoint in the protocol the backend speaks.

    ``response_timeout`` bounds the wait for the response head (the rule's timeouts); None: the default.
    """
    wait = proxy.DEFAULT_UPSTREAM_TIMEOUT if response_timeout is None else response_timeout
    backend, endpoint = target.backend, target.endpoint
    app_protocol = (backend.app_protocol or "").lower()
    if backend.tls is not None and backend.tls.invalid is not None:
        return text_response(502, f"backend TLS is not possible: {backend.tls.invalid}\n")
    opener = None
    if backend.tls is not None:
        opener = (tls or UpstreamTLS(faults)).opener(backend.tls, client, endpoint, timeouts)
    if app_protocol == H2C and not faults.on(ft.H2C_BACKEND_HTTP11):
        return await _forward_h2c(outgoing, endpoint, timeouts, wait)
    if (
        _wants_websocket(request)
        and app_protocol in _UPGRADE_PROTOCOLS
        and not faults.on(ft.WEBSOCKET_UPGRADE_DROPPED)
        and opener is None
    ):
        return await _forward_upgrade(request, outgoing, endpoint, timeouts)
    return await proxy.forward(outgoing, endpoint, faults, timeouts=timeouts, response_timeout=wait, opener=opener)


async def _forward_h2c(
    outgoing: proxy.Outgoing, endpoint: Endpoint, timeouts: Timeouts, response_timeout: float
) -> Response:
    try:
        answer = await http2_request(
            endpoint.address,
            endpoint.port,
            outgoing.method,
            outgoing.target,
            outgoing.headers,
            outgoing.body,
            timeouts=timeouts,
            response_timeout=response_timeout,
        )
    except TimeoutError:
        return text_response(504, "upstream request timeout\n")
    except PeerProtocolError as exc:
        return text_response(502, f"upstream HTTP/2 error: {exc}\n")
    except OSError as exc:
        return text_response(503, f"upstream connect error: {endpoint.address}:{endpoint.port}: {exc}\n")
    return Response(answer.status, proxy.strip_hop_by_hop(answer.headers), answer.body)


async def _forward_upgrade(
    request: Request, outgoing: proxy.Outgoing, endpoint: Endpoint, timeouts: Timeouts
) -> Response:
    """Forward a protocol-upgrade request; a 101 hands both connections to a byte relay."""
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(endpoint.address, endpoint.port), timeouts.connect
        )
    except (OSError, TimeoutError) as exc:
        return text_response(503, f"upstream connect error: {endpoint.address}:{endpoint.port}: {exc}\n")
    conn = h11.Connection(h11.CLIENT)
    headers = [*outgoing.headers, ("Connection", "Upgrade"), ("Upgrade", request.header("Upgrade") or "")]
    try:
        writer.write(
            conn.send(h11.Request(method=outgoing.method, target=outgoing.target, headers=encode_headers(headers)))
            + conn.send(h11.EndOfMessage())
        )
        await asyncio.wait_for(writer.drain(), timeouts.write)
        event = await next_event(conn, reader, proxy.DEFAULT_UPSTREAM_TIMEOUT)
        if isinstance(event, h11.InformationalResponse) and event.status_code == 101:
            relayed = list(decode_headers(event.headers.raw_items()))
            return Response(101, relayed, upgrade=_relay(reader, writer, bytes(conn.trailing_data[0])))
        if not isinstance(event, h11.Response):
            raise PeerProtocolError("no response to the upgrade request")
        chunks: list[bytes] = []
        while True:
            part = await next_event(conn, reader, timeouts.read)
            if isinstance(part, h11.Data):
                chunks.append(bytes(part.data))
            elif isinstance(part, h11.EndOfMessage):
                break
            else:
                raise PeerProtocolError("connection closed inside the response")
    except TimeoutError:
        writer.transport.abort()
        return text_response(504, "upstream request timeout\n")
    except (OSError, PeerProtocolError, h11.LocalProtocolError) as exc:
        writer.transport.abort()
        return text_response(502, f"upstream error during the upgrade: {exc}\n")
    writer.transport.abort()
    headers_back = proxy.strip_hop_by_hop(list(decode_headers(event.headers.raw_items())))
    return Response(event.status_code, headers_back, b"".join(chunks))


def _relay(
    upstream_reader: asyncio.StreamReader, upstream_writer: asyncio.StreamWriter, upstream_early: bytes
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter, bytes], Awaitable[None]]:
    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, early: bytes) -> None:
        async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter, first: bytes) -> None:
            data = first
            while True:
                if data:
                    sink.write(data)
                    await sink.drain()
                data = await source.read(65536)
                if not data:
                    return

        tasks = [
            asyncio.create_task(copy(reader, upstream_writer, early)),
            asyncio.create_task(copy(upstream_reader, writer, upstream_early)),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            with contextlib.suppress(Exception):
                upstream_writer.transport.abort()

    return run
