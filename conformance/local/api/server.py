"""The HTTP face of the local API: a stdlib ``ThreadingHTTPServer`` speaking Kubernetes REST + watch.

The ``kubernetes`` client (and kubectl, and one day the Go conformance suite) talk to it exactly as to
kube-apiserver, through a kubeconfig with ``server: http://127.0.0.1:PORT`` and no auth. Responses
are always JSON (even when a client lists protobuf first) with a Content-Length; watches stream
chunked JSON lines and end when ``timeoutSeconds`` runs out, the client goes away or the server stops.

Two details matter for speed and for clean shutdown: Nagle's algorithm is disabled (without it every
request stalls ~40 ms on delayed ACKs), and ``stop()`` shuts down open keep-alive connections so
their handler threads end instead of waiting for the client's next request.

Usage::

    server = ApiServer(Store())
    server.start()
    client = kubernetes.client.ApiClient(Configuration(host=server.url))
    ...
    server.stop()
"""

from __future__ import annotations

import contextlib
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from conformance.local.api.errors import InternalError
from conformance.local.api.rest import LogSource, Reply, RestApi, WatchPlan, serve
from conformance.local.api.store import Store

log = logging.getLogger(__name__)

#: How often an idle watch wakes up to notice a stopping server or a vanished client (seconds).
_POLL = 0.2
_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
}


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: RestApi, bookmark_interval: float) -> None:
        super().__init__(address, _Handler)
        self.api = api
        self.bookmark_interval = bookmark_interval
        self.stopping = threading.Event()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        # ThreadingMixIn does not keep track of daemon threads (server_close() would not wait for
        # them), so handler threads are started and tracked here, and stop() joins them.
        thread = threading.Thread(
            target=self._process,
            args=(request, client_address),
            name=f"local-api-conn:{client_address[1]}",
            daemon=True,
        )
        with self._connections_lock:
            self._connections[request] = thread
        thread.start()

    def _process(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.pop(request, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-response is routine (a stopped watch); socketserver's default
        # prints a traceback to stderr, which would drown real problems.
        log.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_connections(self, timeout: float) -> None:
        """Shut down every open connection and wait for its handler thread."""
        with self._connections_lock:
            connections = dict(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in connections.values():
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        body = self._read_body()
        try:
            result = self.server.api.handle(
                method, unquote(url.path), query, self.headers.get("Content-Type", ""), body
            )
        except Exception as exc:
            log.exception("internal error serving %s %s", method, self.path)
            result = Reply(500, InternalError(f"internal error: {exc}").status())
        if isinstance(result, WatchPlan):
            self._stream(result)
        else:
            self._reply(result)

    def _reply(self, reply: Reply) -> None:
        if isinstance(reply.body, str):
            payload, content_type = reply.body.encode(), "text/plain; charset=utf-8"
        else:
            payload, content_type = _json(reply.body), "application/json"
        head = (
            f"HTTP/1.1 {reply.code} {_REASONS.get(reply.code, 'Unknown')}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
            "Cache-Control: no-cache, private\r\n\r\n"
        )
        self.wfile.write(head.encode() + payload)
        self.log_request(reply.code)

    def _chunk(self, payload: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))

    def _event(self, kind: str, obj: Any) -> None:
        self._chunk(_json({"type": kind, "object": obj}) + b"\n")

    def _bookmark(self, plan: WatchPlan, rv: str, *, initial_end: bool = False) -> None:
        metadata: dict[str, Any] = {"resourceVersion": rv}
        if initial_end:
            metadata["annotations"] = {"k8s.io/initial-events-end": "true"}
        self._event("BOOKMARK", {"kind": plan.kind, "apiVersion": plan.api_version, "metadata": metadata})

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _stream(self, plan: WatchPlan) -> None:
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            b"Cache-Control: no-cache, private\r\n\r\n"
        )
        self.log_request(200)
        watcher = plan.watcher
        try:
            if watcher is None:
                self._event("ERROR", plan.error)
            else:
                self._watch(plan)
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True
        finally:
            if watcher is not None:
                watcher.close()

    def _watch(self, plan: WatchPlan) -> None:
        watcher = plan.watcher
        assert watcher is not None
        store: Store = self.server.api.store
        for obj in watcher.initial:
            self._event("ADDED", serve(obj, plan.api_version))
        if plan.bookmarks:
            first = store.bookmark_version(watcher) or str(watcher.last_rv)
            self._bookmark(plan, first, initial_end=plan.initial_events_end)
        deadline = time.monotonic() + plan.timeout if plan.timeout else None
        last_bookmark = time.monotonic()
        while not self.server.stopping.is_set():
            wait = _POLL
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                wait = min(wait, remaining)
            event = watcher.next(wait)
            if event is not None:
                self._event(event[0], serve(event[1], plan.api_version))
                continue
            if self._client_gone():
                return
            if plan.bookmarks and time.monotonic() - last_bookmark >= self.server.bookmark_interval:
                rv = store.bookmark_version(watcher)
                if rv is not None:
                    self._bookmark(plan, rv)
                    last_bookmark = time.monotonic()


class ApiServer:
    """The local Kubernetes API endpoint: ``Store`` behind HTTP on a loopback port."""

    def __init__(
        self,
        store: Store,
        host: str = "127.0.0.1",
        port: int = 0,
        log_source: LogSource | None = None,
        *,
        bookmark_interval: float = 5.0,
        extensions: Mapping[str, Callable[[], Any]] | None = None,
    ) -> None:
        """``log_source(namespace, pod, container, since_seconds, tail_lines)`` serves pods/log;
        ``bookmark_interval`` is how often idle watches that allow bookmarks get one (seconds)."""
        self.store = store
        self._api = RestApi(store, log_source, lambda: f"{self.host}:{self.port}", extensions)
        self._httpd = _Server((host, port), self._api, bookmark_interval)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ApiServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"local-api:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open watches and keep-alive connections, and wait for every thread."""
        self._httpd.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.close_connections(timeout=5.0)
        self._httpd.server_close()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
