"""A minimal WebSocket client (RFC 6455) for the backend-protocol test.

Upstream dials ``ws://<gateway>/ws`` with ``golang.org/x/net/websocket`` (Origin ``ws://gateway/<test>``),
sends one text and one binary message and wants each back unchanged. This client does exactly that
much: the opening handshake (checking ``Sec-WebSocket-Accept``), masked frames out, frames in.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import socket
import struct
from dataclasses import dataclass

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA


class WebSocketError(Exception):
    """The handshake or a frame exchange did not go as RFC 6455 says."""


def _accept(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + _GUID).encode("ascii")).digest()).decode("ascii")


@dataclass
class WebSocketClient:
    sock: socket.socket
    buffer: bytes = b""

    @classmethod
    def connect(cls, target: tuple[str, int], host: str, path: str, origin: str, timeout: float) -> WebSocketClient:
        """Open a TCP connection to ``target`` and perform the opening handshake for ``host`` + ``path``."""
        sock = socket.create_connection(target, timeout=timeout)
        client = cls(sock)
        try:
            key = base64.b64encode(os.urandom(16)).decode("ascii")
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
            )
            sock.sendall(request.encode("latin-1"))
            head = client._read_until(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            if len(lines[0].split(" ")) < 2 or lines[0].split(" ")[1] != "101":
                raise WebSocketError(f"handshake answered {lines[0]!r} instead of 101")
            headers = {n.strip().lower(): v.strip() for n, _, v in (line.partition(":") for line in lines[1:] if line)}
            if headers.get("sec-websocket-accept") != _accept(key):
                raise WebSocketError("Sec-WebSocket-Accept does not match the key")
        except BaseException:
            sock.close()
            raise
        return client

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise WebSocketError("connection closed during the handshake")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise WebSocketError("connection closed inside a frame")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def send(self, message: str | bytes) -> None:
        opcode, payload = (OP_TEXT, message.encode()) if isinstance(message, str) else (OP_BINARY, message)
        self._send_frame(opcode, payload)

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        size = len(payload)
        head = bytes([0x80 | opcode])
        if size < 126:
            head += bytes([0x80 | size])
        elif size < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", size)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self) -> str | bytes:
        """The next whole message (text as str, binary as bytes); pings are answered."""
        message, message_op = b"", OP_TEXT
        while True:
            first, second = self._exactly(2)
            size = second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._exactly(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._exactly(8))
            mask = self._exactly(4) if second & 0x80 else b""
            payload = self._exactly(size)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = first & 0x0F
            if opcode == OP_CLOSE:
                raise WebSocketError("the server closed the WebSocket")
            if opcode == OP_PING:
                self._send_frame(OP_PONG, payload)
                continue
            if opcode == OP_PONG:
                continue
            if opcode in (OP_TEXT, OP_BINARY):
                message_op, message = opcode, payload
            else:
                message += payload
            if first & 0x80:
                return message.decode("utf-8", errors="replace") if message_op == OP_TEXT else message

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send_frame(OP_CLOSE, struct.pack("!H", 1000))
        self.sock.close()
