"""HTTP/2 for the local environment, on asyncio streams and the sans-IO ``h2`` library.

Three places speak HTTP/2: the reference gateway's listeners (``h2`` chosen by ALPN on HTTPS, and
prior-knowledge cleartext HTTP/2 on HTTP ports), the echo backend's h2c port, and the gateway's
connections to backends whose Service port says ``appProtocol: kubernetes.io/h2c``. The server side
turns every stream into the same :class:`~conformance.local.messages.Request` the HTTP/1.1 server
produces (``http_version`` ``"2.0"``, the ``:authority`` as a ``Host`` header) and sends the handler's
:class:`~conformance.local.messages.Response` back, so handlers never know which protocol carried them.
The client side sends one request per connection (the gateway's upstream connections are not pooled).

``h2`` only frames and keeps state; this module moves bytes, honours flow control and bounds every
wait with the same :class:`~conformance.local.messages.Timeouts` as HTTP/1.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

from conformance.local.http11 import MAX_REQUEST_BODY
from conformance.local.messages import (
    DEFAULT_TIMEOUTS,
    ConnectionAbort,
    Handler,
    Headers,
    PeerProtocolError,
    Request,
    Response,
    Timeouts,
    text_response,
)

log = logging.getLogger(__name__)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
"""What an HTTP/2 client sends first (RFC 9113 3.4); prior-knowledge detection looks for it."""

_READ_CHUNK = 65536
#: Connection-specific fields that HTTP/2 forbids (RFC 9113 8.2.2); dropped when converting.
_CONNECTION_FIELDS = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host", "te"}
)


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _pairs(headers: Iterable[tuple[bytes | str, bytes | str]]) -> list[tuple[str, str]]:
    return [(_text(name), _text(value)) for name, value in headers]


def might_be_preface(data: bytes) -> bool:
    """True while ``data`` could still be the start of the HTTP/2 client preface."""
    return PREFACE.startswith(data[: len(PREFACE)]) or data.startswith(PREFACE)


class _Sender:
    """Writes frames out and waits for flow-control credit; shared by server and client."""

    def __init__(self, conn: h2.connection.H2Connection, writer: asyncio.StreamWriter, timeouts: Timeouts) -> None:
        self.conn = conn
        self.writer = writer
        self.timeouts = timeouts
        self.window_open = asyncio.Event()

    async def flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.writer.write(data)
            await asyncio.wait_for(self.writer.drain(), self.timeouts.write)

    async def send_body(self, stream_id: int, data: bytes, *, end: bool) -> None:
        view = memoryview(data)
        while view:
            window = min(self.conn.local_flow_control_window(stream_id), self.conn.max_outbound_frame_size)
            if window <= 0:
                self.window_open.clear()
                await asyncio.wait_for(self.window_open.wait(), self.timeouts.write)
                continue
            chunk, view = view[:window], view[window:]
            self.conn.send_data(stream_id, bytes(chunk), end_stream=end and not view)
            await self.flush()
        if end and not data:
            self.conn.end_stream(stream_id)
            await self.flush()


@dataclass(slots=True)
class _Stream:
    headers: list[tuple[str, str]]
    body: list[bytes] = field(default_factory=list)
    size: int = 0
    task: asyncio.Task[None] | None = None


class HTTP2ServerConnection:
    """Serves one HTTP/2 connection: every stream is a request for ``handler``."""

    def __init__(
        self,
        handler: Handler,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        client: tuple[str, int],
        server: tuple[str, int],
        scheme: str,
        extra: dict[str, Any],
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        name: str = "http2",
    ) -> None:
        config = h2.config.H2Configuration(client_side=False, header_encoding=None, validate_inbound_headers=False)
        self.conn = h2.connection.H2Connection(config=config)
        self.handler = handler
        self.reader = reader
        self.sender = _Sender(self.conn, writer, timeouts)
        self.client, self.server, self.scheme, self.extra = client, server, scheme, extra
        self.timeouts = timeouts
        self.name = name
        self._streams: dict[int, _Stream] = {}

    async def serve(self, initial: bytes = b"", *, upgraded: Request | None = None, settings: str = "") -> None:
        """Run until the peer closes. ``upgraded`` is the HTTP/1.1 request of an ``Upgrade: h2c``
        exchange (already answered with 101); it becomes stream 1 as RFC 7540 3.2 says."""
        if upgraded is not None:
            self.conn.initiate_upgrade_connection(settings.encode("latin-1") if settings else None)
        else:
            self.conn.initiate_connection()
        await self.sender.flush()
        if upgraded is not None:
            self._start(1, upgraded)
        try:
            data = initial
            while True:
                if data:
                    try:
                        events = self.conn.receive_data(data)
                    except h2.exceptions.ProtocolError as exc:
                        await self.sender.flush()
                        raise PeerProtocolError(f"HTTP/2 protocol error: {exc}") from exc
                    for event in events:
                        self._on_event(event)
                    await self.sender.flush()
                    if any(isinstance(e, h2.events.ConnectionTerminated) for e in events):
                        return
                idle = not self._streams
                data = await asyncio.wait_for(
                    self.reader.read(_READ_CHUNK), self.timeouts.idle if idle else self.timeouts.read
                )
                if not data:
                    return
        finally:
            tasks = [s.task for s in self._streams.values() if s.task is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _on_event(self, event: Any) -> None:
        if isinstance(event, h2.events.RequestReceived):
            self._streams[event.stream_id] = _Stream(_pairs(event.headers))
        elif isinstance(event, h2.events.DataReceived):
            stream = self._streams.get(event.stream_id)
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if stream is not None:
                stream.size += len(event.data)
                if stream.size > MAX_REQUEST_BODY:
                    self.conn.reset_stream(event.stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
                    self._streams.pop(event.stream_id, None)
                else:
                    stream.body.append(bytes(event.data))
        elif isinstance(event, h2.events.StreamEnded):
            stream = self._streams.get(event.stream_id)
            if stream is not None and stream.task is None:
                self._start(event.stream_id, self._request(stream))
        elif isinstance(event, h2.events.StreamReset):
            stream = self._streams.pop(event.stream_id, None)
            if stream is not None and stream.task is not None:
                stream.task.cancel()
        elif isinstance(event, h2.events.WindowUpdated | h2.events.RemoteSettingsChanged):
            self.sender.window_open.set()

    def _request(self, stream: _Stream) -> Request:
        pseudo = {name: value for name, value in stream.headers if name.startswith(":")}
        headers: list[tuple[str, str]] = []
        if pseudo.get(":authority"):
            headers.append(("Host", pseudo[":authority"]))
        headers.extend((name, value) for name, value in stream.headers if not name.startswith(":"))
        return Request(
            method=pseudo.get(":method", "GET"),
            target=pseudo.get(":path", "/"),
            headers=tuple(headers),
            body=b"".join(stream.body),
            http_version="2.0",
            client=self.client,
            server=self.server,
            scheme=self.scheme,
            extra=dict(self.extra),
        )

    def _start(self, stream_id: int, request: Request) -> None:
        stream = self._streams.setdefault(stream_id, _Stream([]))
        stream.task = asyncio.create_task(self._respond(stream_id, request))

    async def _respond(self, stream_id: int, request: Request) -> None:
        try:
            try:
                response = await self.handler(request)
            except ConnectionAbort:
                self.conn.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
                await self.sender.flush()
                return
            except Exception:
                log.exception("%s: handler failed for %s %s", self.name, request.method, request.target)
                response = text_response(500, "internal error\n")
            await self._send_response(stream_id, request, response)
        except (OSError, TimeoutError, h2.exceptions.ProtocolError, PeerProtocolError) as exc:
            log.debug("%s: stream %d ended early: %s", self.name, stream_id, exc)
            with contextlib.suppress(Exception):
                self.conn.reset_stream(stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)
                await self.sender.flush()
        finally:
            self._streams.pop(stream_id, None)

    async def _send_response(self, stream_id: int, request: Request, response: Response) -> None:
        body = response.body
        headers = [(":status", str(response.status))]
        headers += [(n.lower(), v) for n, v in response.headers if n.lower() not in _CONNECTION_FIELDS]
        no_body = request.method == "HEAD" or response.status in (204, 304)
        if isinstance(body, bytes) and not no_body and not any(n == "content-length" for n, _ in headers):
            headers.append(("content-length", str(len(body))))
        try:
            if isinstance(body, bytes):
                ends = no_body or not body
                self.conn.send_headers(stream_id, headers, end_stream=ends)
                await self.sender.flush()
                if not ends:
                    await self.sender.send_body(stream_id, body, end=True)
                return
            self.conn.send_headers(stream_id, headers, end_stream=no_body)
            await self.sender.flush()
            if no_body:
                return
            async for chunk in body:
                if chunk:
                    await self.sender.send_body(stream_id, chunk, end=False)
            await self.sender.send_body(stream_id, b"", end=True)
        finally:
            closer = getattr(body, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()


@dataclass(frozen=True, slots=True)
class HTTP2Response:
    status: int
    headers: Headers
    body: bytes


def request_headers(method: str, target: str, scheme: str, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """An HTTP/1-style header list as HTTP/2 fields: Host becomes ``:authority``, connection fields go."""
    items = list(headers)
    authority = next((v for n, v in items if n.lower() == "host"), "")
    out = [(":method", method), (":scheme", scheme), (":path", target)]
    if authority:
        out.append((":authority", authority))
    out += [(n.lower(), v) for n, v in items if n.lower() not in _CONNECTION_FIELDS]
    return out


async def http2_request(
    host: str,
    port: int,
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    body: bytes = b"",
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    response_timeout: float | None = None,
    ssl_context: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
) -> HTTP2Response:
    """One request on a new HTTP/2 connection (prior knowledge without TLS), the whole response read.

    Raises OSError / TimeoutError when the peer cannot be reached or stays silent, PeerProtocolError
    when it does not speak HTTP/2 (an HTTP/1.1-only server answers the preface with an error or closes).
    """
    tls: dict[str, Any] = {"ssl": ssl_context, "server_hostname": server_hostname} if ssl_context else {}
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, **tls), timeouts.connect)
    try:
        config = h2.config.H2Configuration(client_side=True, header_encoding=None)
        conn = h2.connection.H2Connection(config=config)
        conn.initiate_connection()
        sender = _Sender(conn, writer, timeouts)
        stream_id = conn.get_next_available_stream_id()
        scheme = "https" if ssl_context else "http"
        conn.send_headers(stream_id, request_headers(method, target, scheme, headers), end_stream=not body)
        await sender.flush()
        if body:
            await sender.send_body(stream_id, body, end=True)
        status = 0
        response_headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        wait = timeouts.read if response_timeout is None else response_timeout
        while True:
            data = await asyncio.wait_for(reader.read(_READ_CHUNK), wait)
            if not data:
                raise PeerProtocolError("connection closed before the HTTP/2 response ended")
            try:
                events = conn.receive_data(data)
            except h2.exceptions.ProtocolError as exc:
                raise PeerProtocolError(f"the upstream does not speak HTTP/2: {exc}") from exc
            for event in events:
                if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream_id:
                    pairs = _pairs(event.headers)
                    status = int(next((v for n, v in pairs if n == ":status"), "0"))
                    response_headers = [(n, v) for n, v in pairs if not n.startswith(":")]
                    wait = timeouts.read
                elif isinstance(event, h2.events.DataReceived) and event.stream_id == stream_id:
                    conn.acknowledge_received_data(event.flow_controlled_length, stream_id)
                    chunks.append(bytes(event.data))
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream_id:
                    return HTTP2Response(status, tuple(response_headers), b"".join(chunks))
                elif isinstance(event, h2.events.StreamReset) and event.stream_id == stream_id:
                    raise PeerProtocolError(f"the upstream reset the stream ({event.error_code})")
                elif isinstance(event, h2.events.ConnectionTerminated):
                    raise PeerProtocolError(f"the upstream closed the HTTP/2 connection ({event.error_code})")
                elif isinstance(event, h2.events.WindowUpdated):
                    sender.window_open.set()
            await sender.flush()
    finally:
        writer.transport.abort()


def settings_header(request: Request) -> str:
    """The ``HTTP2-Settings`` value of an ``Upgrade: h2c`` request ("" when absent)."""
    return request.header("HTTP2-Settings") or ""


__all__ = [
    "PREFACE",
    "HTTP2Response",
    "HTTP2ServerConnection",
    "http2_request",
    "might_be_preface",
    "request_headers",
    "settings_header",
]
