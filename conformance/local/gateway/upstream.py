"""The client half of HTTP/1.1 on h11: one connection from the gateway to an upstream endpoint.

Send one whole request (the gateway reads request bodies before routing), wait for the response head
within a timeout, then stream the body back as it arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass

import h11

from conformance.local.http11 import MAX_REQUEST_BODY, close_writer, next_event
from conformance.local.messages import (
    DEFAULT_TIMEOUTS,
    Headers,
    PeerProtocolError,
    Timeouts,
    decode_headers,
    encode_headers,
)


@dataclass(frozen=True, slots=True)
class ClientResponse:
    status: int
    reason: str
    headers: Headers
    http_version: str

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


class ClientConnection:
    """One HTTP/1.1 client connection: send a request, read the response head, stream its body."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeouts: Timeouts) -> None:
        self._reader, self._writer = reader, writer
        self._timeouts = timeouts
        self._conn = h11.Connection(h11.CLIENT)

    @classmethod
    async def open(cls, host: str, port: int, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> ClientConnection:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeouts.connect)
        return cls(reader, writer, timeouts)

    @property
    def local_address(self) -> tuple[str, int]:
        host, port = self._writer.get_extra_info("sockname")[:2]
        return str(host), int(port)

    async def send_request(
        self,
        method: str,
        target: str,
        headers: Iterable[tuple[str, str]],
        body: bytes = b"",
        *,
        chunked: bool = False,
    ) -> None:
        """Send a whole request. Framing headers are recomputed: chunked if asked, else a Content-Length
        when there is a body or the caller's headers carried one."""
        kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "transfer-encoding")]
        had_length = any(k.lower() == "content-length" for k, _ in headers)
        if chunked:
            kept.append(("Transfer-Encoding", "chunked"))
        elif body or had_length:
            kept.append(("Content-Length", str(len(body))))
        try:
            data = self._conn.send(
                h11.Request(method=method.encode(), target=target.encode("latin-1"), headers=encode_headers(kept))
            )
            if body:
                data += self._conn.send(h11.Data(data=body))
            data += self._conn.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise PeerProtocolError(f"cannot send request: {exc}") from exc
        self._writer.write(data)
        await asyncio.wait_for(self._writer.drain(), self._timeouts.write)

    async def receive_response(self, timeout: float | None = None) -> ClientResponse:
        """Wait for the final response head (1xx interim responses are skipped)."""
        wait = self._timeouts.read if timeout is None else timeout
        while True:
            event = await next_event(self._conn, self._reader, wait)
            if isinstance(event, h11.InformationalResponse):
                continue
            if isinstance(event, h11.Response):
                return ClientResponse(
                    status=event.status_code,
                    reason=event.reason.decode("latin-1"),
                    headers=decode_headers(event.headers.raw_items()),
                    http_version=event.http_version.decode("latin-1"),
                )
            raise PeerProtocolError("connection closed before a response arrived")

    async def iter_body(self) -> AsyncGenerator[bytes, None]:
        """Yield the response body as it arrives."""
        while True:
            event = await next_event(self._conn, self._reader, self._timeouts.read)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            else:
                raise PeerProtocolError("connection closed inside the response body")

    async def read_body(self, limit: int = MAX_REQUEST_BODY) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in self.iter_body():
            size += len(chunk)
            if size > limit:
                raise PeerProtocolError("response body too large")
            chunks.append(chunk)
        return b"".join(chunks)

    async def aclose(self) -> None:
        await close_writer(self._writer, self._timeouts.write)

    def abort(self) -> None:
        self._writer.transport.abort()
