"""Forwarding one request to one endpoint over HTTP/1.1, streaming the response back.

A reverse proxy must forward the request as the client sent it (method, raw path and query, headers
with Host unmodified, body) minus the hop-by-hop fields that describe only the client's connection
(RFC 9110 7.6.1), and add ``X-Forwarded-For`` / ``X-Forwarded-Proto``. Errors become short gateway
answers: 503 when the endpoint cannot be reached, 502 when it breaks the exchange, 504 when it is silent.

:class:`Outgoing` is what filters (header modifiers, rewrites; a later issue) will transform between
routing and forwarding.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_dataplane as F
from conformance.local.gateway.config import Endpoint
from conformance.local.gateway.upstream import ClientConnection
from conformance.local.messages import (
    DEFAULT_TIMEOUTS,
    ConnectionAbort,
    PeerProtocolError,
    Request,
    Response,
    Timeouts,
    text_response,
)

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
    }
)

#: How long an upstream may take to send its response head. Route timeouts (a later issue) will
#: override it per rule; without them the gateway waits this long, well past any client's patience.
DEFAULT_UPSTREAM_TIMEOUT = 300.0


@dataclass(slots=True)
class Outgoing:
    """The request as it will be sent upstream."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    chunked: bool


@dataclass(slots=True)
class FailureResponse(Response):
    """An answer the gateway made up because the exchange with the upstream failed (retries tell it apart
    from the same status sent by the upstream)."""

    cause: str = "reset"
    """``connect`` (never reached), ``reset`` (broke the exchange) or ``timeout`` (silent)."""


def _failure(status: int, cause: str, text: str) -> FailureResponse:
    plain = text_response(status, text)
    return FailureResponse(plain.status, plain.headers, plain.body, cause=cause)


def strip_hop_by_hop(headers: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Drop hop-by-hop fields, including any the Connection header names."""
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
        if token.strip()
    }
    return [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP and n.lower() not in named]


def outgoing_request(request: Request, scheme: str = "http") -> Outgoing:
    headers = strip_hop_by_hop(request.headers)
    forwarded_for = [v for n, v in headers if n.lower() == "x-forwarded-for"]
    headers = [(n, v) for n, v in headers if n.lower() not in ("x-forwarded-for", "x-forwarded-proto")]
    client = request.client[0]
    headers.append(("X-Forwarded-For", ", ".join([*forwarded_for, client])))
    headers.append(("X-Forwarded-Proto", scheme))
    target = request.target
    if not target.startswith("/") and "://" in target:
        # Absolute-form from a client talking to us as a proxy: send origin-form upstream.
        rest = target.split("://", 1)[1]
        target = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return Outgoing(request.method, target, headers, request.body, request.chunked)


def _retarget_host(outgoing: Outgoing, endpoint: Endpoint) -> None:
    headers = [(n, v) for n, v in outgoing.headers if n.lower() != "host"]
    outgoing.headers = [("Host", f"{endpoint.address}:{endpoint.port}"), *headers]


class _UpstreamBody:
    """The upstream response body, relayed chunk by chunk; closing it always closes the upstream
    connection, even when the server never started reading (an async generator would not)."""

    def __init__(self, upstream: ClientConnection) -> None:
        self._upstream = upstream
        self._chunks = upstream.iter_body()

    def __aiter__(self) -> _UpstreamBody:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self._chunks.__anext__()
        except (OSError, TimeoutError, PeerProtocolError):
            # The response head is already on its way: the only honest signal left is to drop the client.
            raise ConnectionAbort(reset=True) from None

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self._chunks.aclose()
        await self._upstream.aclose()


async def forward(
    outgoing: Outgoing,
    endpoint: Endpoint,
    faults: ActiveFaults,
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    response_timeout: float = DEFAULT_UPSTREAM_TIMEOUT,
    opener: Callable[[], Awaitable[ClientConnection]] | None = None,
) -> Response:
    """Send ``outgoing`` to ``endpoint``; the response body is streamed as the endpoint sends it.

    ``opener`` connects instead of a plain TCP connection (TLS to the backend); its OSError (an
    ``ssl.SSLError`` for a certificate the gateway does not accept) is answered like a refused connect.
    """
    # HTTP/1.0 clients may omit Host; HTTP/1.1 upstreams require one.
    if faults.on(F.HOST_HEADER_NOT_PRESERVED) or not any(n.lower() == "host" for n, _ in outgoing.headers):
        _retarget_host(outgoing, endpoint)
    try:
        if opener is not None:
            upstream = await opener()
        else:
            upstream = await ClientConnection.open(endpoint.address, endpoint.port, timeouts)
    except (OSError, TimeoutError) as exc:
        return _failure(503, "connect", f"upstream connect error: {endpoint.address}:{endpoint.port}: {exc}\n")
    try:
        await upstream.send_request(
            outgoing.method, outgoing.target, outgoing.headers, outgoing.body, chunked=outgoing.chunked
        )
        head = await upstream.receive_response(response_timeout)
    except TimeoutError:
        upstream.abort()
        return _failure(504, "timeout", "upstream request timeout\n")
    except (OSError, PeerProtocolError) as exc:
        upstream.abort()
        return _failure(502, "reset", f"upstream reset before response headers: {exc or type(exc).__name__}\n")
    except asyncio.CancelledError:
        upstream.abort()
        raise
    headers = strip_hop_by_hop(list(head.headers))
    if outgoing.method == "HEAD" or head.status in (204, 304):
        with contextlib.suppress(OSError, TimeoutError):
            await upstream.aclose()
        return Response(head.status, headers, b"", head.reason)
    return Response(head.status, headers, _UpstreamBody(upstream), head.reason)
