"""WebSocket (RFC 6455) pieces the local environment needs: the opening handshake and an echo loop.

echo-basic's ``/ws`` endpoint is a WebSocket server that sends every message back as it came (text
stays text, binary stays binary). Only the server half lives here; the gateway never parses frames (it
relays the upgraded connection byte for byte, see :mod:`conformance.local.gateway.upgrade`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from urllib.parse import urlsplit

from conformance.local.messages import Request, Response, text_response

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
#: Messages larger than this end the connection (conformance messages are a few bytes).
MAX_MESSAGE = 1 << 20


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a ``Sec-WebSocket-Key`` (RFC 6455 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")


def is_upgrade(request: Request) -> bool:
    """A request asking to switch to WebSocket (``Upgrade: websocket`` with ``Connection: upgrade``)."""
    tokens = {t.strip().lower() for v in request.header_values("Connection") for t in v.split(",")}
    return (request.header("Upgrade") or "").strip().lower() == "websocket" and "upgrade" in tokens


def encode_frame(opcode: int, payload: bytes, *, mask: bytes | None = None) -> bytes:
    """One final frame; servers send unmasked frames, clients masked ones."""
    head = bytes([0x80 | opcode])
    bit = 0x80 if mask is not None else 0
    size = len(payload)
    if size < 126:
        head += bytes([bit | size])
    elif size < 1 << 16:
        head += bytes([bit | 126]) + struct.pack("!H", size)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", size)
    if mask is None:
        return head + payload
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class FrameReader:
    """Reads frames from a stream (with bytes already received in front)."""

    def __init__(self, reader: asyncio.StreamReader, initial: bytes, timeout: float) -> None:
        self.reader = reader
        self.buffer = bytearray(initial)
        self.timeout = timeout

    async def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = await asyncio.wait_for(self.reader.read(65536), self.timeout)
            if not chunk:
                raise EOFError("connection closed inside a WebSocket frame")
            self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    async def frame(self) -> tuple[bool, int, bytes]:
        """(fin, opcode, unmasked payload)."""
        first, second = await self._exactly(2)
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", await self._exactly(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", await self._exactly(8))
        if size > MAX_MESSAGE:
            raise EOFError("WebSocket frame too large")
        mask = await self._exactly(4) if second & 0x80 else None
        payload = await self._exactly(size)
        if mask is not None:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return bool(first & 0x80), first & 0x0F, payload


async def echo_session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, initial: bytes) -> None:
    """Send every message back with its type until the peer closes (answers pings, echoes close)."""
    frames = FrameReader(reader, initial, timeout=120.0)
    message = bytearray()
    message_op = OP_TEXT
    try:
        while True:
            fin, opcode, payload = await frames.frame()
            if opcode == OP_CLOSE:
                writer.write(encode_frame(OP_CLOSE, payload[:2]))
                await writer.drain()
                return
            if opcode == OP_PING:
                writer.write(encode_frame(OP_PONG, payload))
                await writer.drain()
                continue
            if opcode == OP_PONG:
                continue
            if opcode != OP_CONTINUATION:
                message_op, message = opcode, bytearray()
            message += payload
            if len(message) > MAX_MESSAGE:
                return
            if fin:
                writer.write(encode_frame(message_op, bytes(message)))
                await writer.drain()
    except (EOFError, TimeoutError, ConnectionError):
        return


def echo_upgrade(request: Request) -> Response:
    """Answer a WebSocket opening handshake with 101 and an echo session, or an error.

    As golang.org/x/net/websocket's Handler: version 13 only, a key, and an Origin that is a URL.
    """
    key = request.header("Sec-WebSocket-Key") or ""
    if not is_upgrade(request) or not key:
        return text_response(400, "Bad Request")
    if (request.header("Sec-WebSocket-Version") or "").strip() != "13":
        return text_response(400, "unsupported WebSocket version", [("Sec-WebSocket-Version", "13")])
    origin = request.header("Origin") or ""
    if not origin or not urlsplit(origin).scheme:
        return text_response(403, "Forbidden")
    headers = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", accept_key(key))]
    return Response(101, headers, upgrade=echo_session)
