"""A minimal HTTP/1.1 server on asyncio streams and h11 (sans-IO), and the pieces its client shares.

The echo servers and the reference gateway's data plane need exact control that higher-level servers
normalise away: the raw request-target (``//`` and percent-escapes kept), header names with their
casing, aborting a connection with a TCP RST (the echo ``/retry`` endpoint), and timing. h11 parses and
frames; this module only moves bytes, applies timeouts, and keeps connections alive.

Handlers are ``async (Request) -> Response`` (types in :mod:`conformance.local.messages`). A handler
drops the connection instead of answering by raising :class:`ConnectionAbort` (``reset=True`` sends an
RST, as Go's ``SetLinger(0)`` + ``Close``).
The client side (one upstream connection of the gateway) is :mod:`conformance.local.gateway.upstream`.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import socket
import ssl
import struct
from typing import Any

import h11

from conformance.local.messages import (
    DEFAULT_TIMEOUTS,
    ConnectionAbort,
    Handler,
    PeerProtocolError,
    Request,
    Response,
    Timeouts,
    decode_headers,
    encode_headers,
    reason_phrase,
    text_response,
)

log = logging.getLogger(__name__)

_READ_CHUNK = 65536
#: Request bodies are read whole before the handler runs; conformance bodies are tiny, this is a guard.
MAX_REQUEST_BODY = 16 * 1024 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})


def abort_transport(writer: asyncio.StreamWriter, reset: bool) -> None:
    """Close at once; with ``reset`` the kernel sends an RST instead of a FIN (SO_LINGER 0)."""
    if reset:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def close_writer(writer: asyncio.StreamWriter, timeout: float) -> None:
    writer.close()
    with contextlib.suppress(OSError, TimeoutError, asyncio.CancelledError):
        await asyncio.wait_for(writer.wait_closed(), timeout)


async def _aclose(body: object) -> None:
    closer = getattr(body, "aclose", None)
    if closer is not None:
        with contextlib.suppress(Exception):
            await closer()


async def next_event(
    conn: h11.Connection, reader: asyncio.StreamReader, timeout: float
) -> Any:  # an h11 event or sentinel; h11 has no type hints
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise PeerProtocolError(str(exc)) from exc
        if event is not h11.NEED_DATA:
            return event
        data = await asyncio.wait_for(reader.read(_READ_CHUNK), timeout)
        conn.receive_data(data)


def _transport_facts(writer: asyncio.StreamWriter) -> dict[str, Any]:
    """TLS facts of a connection for :attr:`Request.extra` (empty for plain TCP)."""
    tls = writer.get_extra_info("ssl_object")
    if not isinstance(tls, ssl.SSLObject):
        return {}
    return {"ssl_object": tls, "tls_version": tls.version(), "alpn_protocol": tls.selected_alpn_protocol()}


class HTTPServer:
    """Serves one listening socket; each connection handles requests one after another (keep-alive)."""

    def __init__(
        self,
        handler: Handler,
        *,
        host: str | None = None,
        port: int = 0,
        sock: socket.socket | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        name: str = "http",
        ssl_context: ssl.SSLContext | None = None,
        http2: bool = False,
    ) -> None:
        """With ``ssl_context`` every connection is TLS (handshake bounded by ``timeouts.read``) and
        requests have scheme ``https`` and the TLS facts in :attr:`Request.extra`. A TLS connection
        whose ALPN chose ``h2`` speaks HTTP/2 (:mod:`conformance.local.http2`); with ``http2`` a
        cleartext connection that opens with the HTTP/2 preface does too (prior knowledge)."""
        if (sock is None) == (host is None):
            raise ValueError("give either host (and port) or an already bound sock")
        self.handler = handler
        self.name = name
        self._host, self._port, self._sock = host, port, sock
        self._timeouts = timeouts
        self._ssl = ssl_context
        self._http2 = http2
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def sockname(self) -> tuple[str, int]:
        if self._server is None or not self._server.sockets:
            raise RuntimeError(f"{self.name}: not listening")
        host, port = self._server.sockets[0].getsockname()[:2]
        return str(host), int(port)

    async def start(self) -> None:
        tls: dict[str, Any] = {}
        if self._ssl is not None:
            timeouts = self._timeouts
            tls = {"ssl": self._ssl, "ssl_handshake_timeout": timeouts.read, "ssl_shutdown_timeout": timeouts.write}
        if self._sock is not None:
            self._server = await asyncio.start_server(self._serve, sock=self._sock, **tls)
        else:
            self._server = await asyncio.start_server(
                self._serve, host=self._host, port=self._port, reuse_address=True, **tls
            )

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        connections = list(self._connections)
        for task in connections:
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)
        if server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), self._timeouts.write)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        # Responses go out as a head and body writes: without NODELAY, Nagle's algorithm holds the body
        # back until the client's delayed ACK (40 ms) on kept-alive connections.
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await self._serve_connection(reader, writer)
        except ConnectionAbort as abort:
            abort_transport(writer, abort.reset)
        except asyncio.CancelledError:
            writer.transport.abort()
            raise
        except (OSError, TimeoutError, PeerProtocolError, h11.LocalProtocolError):
            writer.transport.abort()
        finally:
            self._connections.discard(task)
            if writer.transport.is_closing():
                writer.close()  # already aborted; this only marks the stream closed
            else:
                await close_writer(writer, self._timeouts.write)

    async def _sniff_preface(self, reader: asyncio.StreamReader) -> bytes:
        """Read until the first bytes can no longer be the HTTP/2 preface (or are all of it)."""
        from conformance.local.http2 import PREFACE, might_be_preface

        data = b""
        while len(data) < len(PREFACE) and might_be_preface(data):
            chunk = await asyncio.wait_for(reader.read(_READ_CHUNK), self._timeouts.idle)
            if not chunk:
                break
            data += chunk
        return data

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        client = writer.get_extra_info("peername") or ("", 0)
        server = writer.get_extra_info("sockname") or ("", 0)
        transport = _transport_facts(writer)
        initial = b""
        if transport.get("alpn_protocol") == "h2" or (self._http2 and not transport):
            from conformance.local.http2 import PREFACE, HTTP2ServerConnection

            if not transport:
                try:
                    initial = await self._sniff_preface(reader)
                except TimeoutError:
                    return
            if transport or initial.startswith(PREFACE):
                h2conn = HTTP2ServerConnection(
                    self.handler,
                    reader,
                    writer,
                    client=(client[0], client[1]),
                    server=(server[0], server[1]),
                    scheme="https" if transport else "http",
                    extra=transport,
                    timeouts=self._timeouts,
                    name=self.name,
                )
                await h2conn.serve(initial)
                return
        if initial:
            conn.receive_data(initial)  # (b"" would tell h11 the peer closed)
        while True:
            try:
                request = await self._read_request(conn, reader, writer, (client[0], client[1]), server, transport)
            except PeerProtocolError:
                await self._answer_bad_request(conn, writer)
                return
            except TimeoutError:
                return  # idle keep-alive connection or a stalled client: just close
            if request is None:
                return
            try:
                response = await self.handler(request)
            except ConnectionAbort:
                raise
            except Exception:
                log.exception("%s: handler failed for %s %s", self.name, request.method, request.target)
                response = text_response(500, "internal error\n")
            await self._send_response(conn, writer, request, response)
            if response.status == 101:
                if conn.our_state is h11.SWITCHED_PROTOCOL and response.upgrade is not None:
                    await response.upgrade(reader, writer, bytes(conn.trailing_data[0]))
                return
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()

    async def _read_request(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        client: tuple[str, int],
        server: tuple[str, int],
        transport: dict[str, Any],
    ) -> Request | None:
        event = await next_event(conn, reader, self._timeouts.idle)
        if not isinstance(event, h11.Request):
            return None  # ConnectionClosed (or PAUSED after a protocol switch we never accept)
        if conn.they_are_waiting_for_100_continue:
            writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
        chunks: list[bytes] = []
        size = 0
        while True:
            part = await next_event(conn, reader, self._timeouts.read)
            if isinstance(part, h11.Data):
                size += len(part.data)
                if size > MAX_REQUEST_BODY:
                    raise PeerProtocolError("request body too large")
                chunks.append(bytes(part.data))
            elif isinstance(part, h11.EndOfMessage):
                break
            else:
                raise PeerProtocolError(f"unexpected {type(part).__name__} inside a request")
        headers = decode_headers(event.headers.raw_items())
        chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in headers)
        return Request(
            method=event.method.decode("latin-1"),
            target=event.target.decode("latin-1"),
            headers=headers,
            body=b"".join(chunks),
            http_version=event.http_version.decode("latin-1"),
            client=client,
            server=(server[0], server[1]),
            chunked=chunked,
            scheme="https" if transport else "http",
            extra=dict(transport),
        )

    async def _answer_bad_request(self, conn: h11.Connection, writer: asyncio.StreamWriter) -> None:
        # h11 still lets the server answer after the client broke the protocol, as Go answers 400.
        if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            with contextlib.suppress(h11.LocalProtocolError, OSError, TimeoutError):
                body = b"400 Bad Request"
                head = h11.Response(
                    status_code=400,
                    reason=b"Bad Request",
                    headers=[
                        (b"Content-Type", b"text/plain; charset=utf-8"),
                        (b"Connection", b"close"),
                        (b"Content-Length", str(len(body)).encode()),
                    ],
                )
                writer.write(conn.send(head) + conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage()))
                await asyncio.wait_for(writer.drain(), self._timeouts.write)

    async def _send_response(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, request: Request, response: Response
    ) -> None:
        body = response.body
        if response.status == 101:
            # Switching protocols: an informational head only; the upgrade callback owns what follows.
            head = h11.InformationalResponse(
                status_code=101, headers=encode_headers(response.headers), reason=b"Switching Protocols"
            )
            writer.write(conn.send(head))
            await asyncio.wait_for(writer.drain(), self._timeouts.write)
            return
        has_body = request.method != "HEAD" and response.status not in _NO_BODY_STATUSES
        try:
            head = self._response_head(response, has_body)
            try:
                data = conn.send(head)
            except h11.LocalProtocolError:
                log.exception("%s: invalid response head %r", self.name, response)
                head = self._response_head(text_response(500, "invalid response\n"), has_body)
                data = conn.send(head)
                body = b"invalid response\n"
            writer.write(data)
            if has_body:
                if isinstance(body, bytes):
                    if body:
                        writer.write(conn.send(h11.Data(data=body)))
                else:
                    async for chunk in body:
                        if chunk:
                            writer.write(conn.send(h11.Data(data=chunk)))
                            await asyncio.wait_for(writer.drain(), self._timeouts.write)
            writer.write(conn.send(h11.EndOfMessage()))
            await asyncio.wait_for(writer.drain(), self._timeouts.write)
        finally:
            if not isinstance(body, bytes):
                await _aclose(body)

    def _response_head(self, response: Response, has_body: bool) -> Any:
        headers = list(response.headers)
        names = {name.lower() for name, _ in headers}
        if (
            has_body
            and isinstance(response.body, bytes)
            and "content-length" not in names
            and "transfer-encoding" not in names
        ):
            headers.append(("Content-Length", str(len(response.body))))
        if "date" not in names:
            headers.append(("Date", email.utils.formatdate(usegmt=True)))
        reason = response.reason if response.reason is not None else reason_phrase(response.status)
        return h11.Response(
            status_code=response.status, headers=encode_headers(headers), reason=reason.encode("latin-1")
        )
