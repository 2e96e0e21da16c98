"""The HTTP message types every local server and client shares, whatever the protocol.

``Request`` and ``Response`` are what handlers see and return over HTTP/1.1 (http11.py), HTTP/2
(http2.py) and WebSocket upgrades; ``Timeouts`` bounds every socket operation. Nothing here does I/O.
"""

from __future__ import annotations

import asyncio
import http
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Headers = tuple[tuple[str, str], ...]
Body = bytes | AsyncIterator[bytes]
Upgrade = Callable[[asyncio.StreamReader, asyncio.StreamWriter, bytes], Awaitable[None]]
"""Runs a switched protocol on a connection: (reader, writer, bytes already read past the request)."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Every socket operation is bounded; these are the bounds (seconds)."""

    idle: float = 120.0
    """Waiting for the next request on a kept-alive connection."""
    read: float = 60.0
    """Each read while a request or response is in progress."""
    write: float = 60.0
    """Each flush of written data."""
    connect: float = 5.0
    """Client side: establishing the TCP connection."""


DEFAULT_TIMEOUTS = Timeouts()


class ConnectionAbort(Exception):
    """Raised by a handler or a streaming body: drop the connection instead of (finishing) answering."""

    def __init__(self, reset: bool = True) -> None:
        super().__init__("connection aborted" + (" with RST" if reset else ""))
        self.reset = reset


class PeerProtocolError(ConnectionError):
    """The peer broke HTTP/1.1 (malformed message, closed mid-message)."""


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str
    """The raw request-target exactly as received (latin-1 decoded, so it round-trips to the same bytes)."""
    headers: Headers
    """Header fields as received: original name casing and order, latin-1 decoded."""
    body: bytes
    http_version: str
    """``"1.1"`` or ``"1.0"``."""
    client: tuple[str, int]
    server: tuple[str, int]
    chunked: bool = False
    """The body came with ``Transfer-Encoding: chunked`` (a proxy keeps that framing)."""
    scheme: str = "http"
    extra: dict[str, Any] = field(default_factory=dict)
    """Transport facts for later modes (TLS version, SNI, peer certificates) without changing this type."""

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]

    def header_values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def header(self, name: str) -> str | None:
        values = self.header_values(name)
        return values[0] if values else None


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body = b""
    """Whole body, or an async iterator of chunks streamed as they come (then framed chunked if no length)."""
    reason: str | None = None
    upgrade: Upgrade | None = None
    """With status 101: takes the connection over once the 101 is sent (WebSocket, h2c)."""


Handler = Callable[[Request], Awaitable[Response]]


def text_response(status: int, text: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A short plain-text answer (errors of the gateway, simple echo endpoints)."""
    return Response(status, [("Content-Type", "text/plain; charset=utf-8"), *headers], text.encode())


def reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def encode_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]


def decode_headers(raw: Iterable[tuple[bytes, bytes]]) -> Headers:
    return tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in raw)
