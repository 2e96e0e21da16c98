"""The local echo server answers like echo-basic (spec/infra.md b.1), byte for byte where the suite looks."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from conformance.local.addresses import LoopbackAddresses
from conformance.local.http11 import HTTPServer
from conformance.local.loop import BackgroundLoop
from conformance.local.pods.echo import EchoContainer, EchoHandler, EchoSettings
from conformance.local.pods.logs import ContainerLog

ENV = {"NAMESPACE": "infra", "POD_NAME": "infra-backend-v1-abc-xyz", "SERVICE_NAME": "svc", "INGRESS_NAME": "ing"}


class Echo:
    def __init__(self, loop: BackgroundLoop, env: dict[str, str]) -> None:
        self.log = ContainerLog()
        self.handler = EchoHandler(EchoSettings.from_env(env), self.log)
        self.server = HTTPServer(self.handler, host="127.0.0.1", port=0)
        self.loop = loop
        loop.run(self.server.start())
        self.port = self.server.sockname[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def raw(self, data: bytes) -> bytes:
        """Send raw bytes, read until the server closes (requests carry Connection: close)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(data)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


@pytest.fixture
def echo(loop: BackgroundLoop) -> Iterator[Echo]:
    server = Echo(loop, ENV)
    yield server
    loop.run(server.server.stop())


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as http:
        yield http


def split(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name] = value.strip()
    return lines[0], headers, body


def test_echo_describes_the_request(echo: Echo, client: httpx.Client) -> None:
    response = client.get(
        f"{echo.url}/some/path?a=1&b=two",
        headers=[("x-multi", "one"), ("X-Multi", "two"), ("x-lower-case", "v"), ("Host", "example.com:8080")],
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.json()
    assert list(body) == [
        "path", "host", "method", "proto", "headers", "httpPort", "namespace", "ingress", "service", "pod",
    ]  # fmt: skip
    assert body["path"] == "/some/path?a=1&b=two"
    assert body["host"] == "example.com:8080"
    assert body["method"] == "GET"
    assert body["proto"] == "HTTP/1.1"
    assert body["headers"]["X-Multi"] == ["one", "two"]
    assert body["headers"]["X-Lower-Case"] == ["v"]
    assert "Host" not in body["headers"]
    assert list(body["headers"]) == sorted(body["headers"])
    assert (body["httpPort"], body["namespace"], body["pod"]) == ("3000", "infra", "infra-backend-v1-abc-xyz")
    assert (body["service"], body["ingress"]) == ("svc", "ing")
    # Go's MarshalIndent with a one-space indent.
    assert response.content.startswith(b'{\n "path": ')


def test_raw_request_uri_and_host_are_kept(echo: Echo) -> None:
    raw = echo.raw(b"GET /a//b/%41/c?x=%20&y HTTP/1.1\r\nHost: Foo.Example:1234\r\nConnection: close\r\n\r\n")
    status, _, body = split(raw)
    assert status == "HTTP/1.1 200 OK"
    echoed = json.loads(body)
    assert echoed["path"] == "/a//b/%41/c?x=%20&y"
    assert echoed["host"] == "Foo.Example:1234"
    assert echoed["headers"] == {"Connection": ["close"]}


def test_http10_request_reports_its_proto(echo: Echo) -> None:
    _, _, body = split(echo.raw(b"GET /x HTTP/1.0\r\nHost: h\r\n\r\n"))
    assert json.loads(body)["proto"] == "HTTP/1.0"


def test_health(echo: Echo, client: httpx.Client) -> None:
    response = client.get(f"{echo.url}/health")
    assert (response.status_code, response.text) == (200, "OK")


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/status/404", 404, None),
        ("/status/201", 201, None),
        ("/status/503", 503, None),
        ("/status/abc", 400, None),
        ("/status/2000", 400, None),
        ("/status/200?x=1", 400, None),  # the raw request URI is matched, query included
        ("/status", 301, "/status/"),
        ("/retry", 301, "/retry/"),
    ],
)
def test_status_endpoint_and_mux_redirects(
    echo: Echo, client: httpx.Client, path: str, status: int, location: str | None
) -> None:
    response = client.get(f"{echo.url}{path}")
    assert response.status_code == status
    if location is None:
        assert response.content == b""
    else:
        assert response.headers["location"] == location


def test_unclean_paths_are_redirected_like_servemux(echo: Echo) -> None:
    status, headers, _ = split(echo.raw(b"GET /a/%2e%2E/health?q=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
    assert (status, headers["Location"]) == ("HTTP/1.1 301 Moved Permanently", "/health?q=1")


def test_double_slashes_are_collapsed_for_routing(echo: Echo) -> None:
    status, _, body = split(echo.raw(b"GET //health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))
    assert (status, body) == ("HTTP/1.1 200 OK", b"OK")


def test_retry_requires_uuid_and_succeed_after(echo: Echo, client: httpx.Client) -> None:
    missing_uuid = client.get(f"{echo.url}/retry/x?succeedAfter=1")
    assert (missing_uuid.status_code, missing_uuid.text) == (400, "uuid is required")
    missing_count = client.get(f"{echo.url}/retry/x?uuid=u")
    assert (missing_count.status_code, missing_count.text) == (400, "succeedAfter is required")


def test_retry_with_response_code_counts_per_uuid(echo: Echo, client: httpx.Client) -> None:
    url = f"{echo.url}/retry/x?uuid=one&succeedAfter=2&responseCode=503"
    assert [client.get(url).status_code for _ in range(4)] == [503, 503, 200, 200]
    other = f"{echo.url}/retry/x?uuid=two&succeedAfter=1&responseCode=500"
    assert [client.get(other).status_code for _ in range(2)] == [500, 200]
    assert client.get(url).json()["path"] == "/retry/x?uuid=one&succeedAfter=2&responseCode=503"


def test_retry_without_response_code_resets_the_connection(echo: Echo) -> None:
    request = b"GET /retry/a?uuid=rst&succeedAfter=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
    with pytest.raises(ConnectionResetError):
        echo.raw(request)
    status, _, _ = split(echo.raw(request))
    assert status == "HTTP/1.1 200 OK"


def test_retry_delay(echo: Echo, client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.get(f"{echo.url}/retry/x?uuid=d&succeedAfter=1&responseCode=502&delayRetry=200ms")
    assert response.status_code == 502
    assert time.monotonic() - started >= 0.2


def test_echo_set_header(echo: Echo, client: httpx.Client) -> None:
    response = client.get(
        echo.url,
        headers=[("X-Echo-Set-Header", "X-Foo: bar, x-lower:low,X-Foo: baz"), ("X-Echo-Set-Header", "Other:1")],
    )
    assert response.headers.get_list("X-Foo") == ["bar,baz"]
    assert response.headers["x-lower"] == "low"
    assert response.headers["other"] == "1"
    raw_names = [name for name, _ in response.headers.raw]
    assert b"x-lower" in raw_names  # the casing asked for is kept


def test_empty_echo_set_header_is_harmless(echo: Echo, client: httpx.Client) -> None:
    response = client.get(echo.url, headers={"X-Echo-Set-Header": ""})
    assert response.status_code == 200
    assert response.json()["headers"]["X-Echo-Set-Header"] == [""]


def test_delay(echo: Echo, client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.get(f"{echo.url}/?delay=150ms")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.15


def test_bad_delay_is_a_json_error(echo: Echo, client: httpx.Client) -> None:
    response = client.get(f"{echo.url}/?delay=soon")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"message": 'time: invalid duration "soon"'}


def test_request_body_and_chunked_framing(echo: Echo, client: httpx.Client) -> None:
    posted = client.post(echo.url, content=b"hello")
    assert posted.json()["method"] == "POST"
    assert posted.json()["headers"]["Content-Length"] == ["5"]

    def chunks() -> Iterator[bytes]:
        yield b"a"
        yield b"b"

    streamed = client.post(echo.url, content=chunks())
    assert streamed.status_code == 200
    assert "Transfer-Encoding" not in streamed.json()["headers"]  # Go hides it from handlers


def test_head_gets_no_body(echo: Echo, client: httpx.Client) -> None:
    response = client.head(echo.url)
    assert response.status_code == 200
    assert response.content == b""


def test_keep_alive_and_log_lines(echo: Echo, client: httpx.Client) -> None:
    client.get(f"{echo.url}/first?q=1")
    client.get(f"{echo.url}/second")
    lines = echo.log.read().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Echoing back request made to /first?q=1 to client (127.0.0.1:")
    ports = {line.rsplit(":", 1)[1] for line in lines}
    assert len(ports) == 1  # both requests on one kept-alive connection
    assert echo.log.read(tail_lines=1).startswith("Echoing back request made to /second ")


def test_malformed_request_gets_400(echo: Echo) -> None:
    status, _, _ = split(echo.raw(b"NOT A REQUEST\r\n\r\n"))
    assert status.startswith("HTTP/1.1 400")


def test_websocket_path_is_not_echoed(echo: Echo, client: httpx.Client) -> None:
    assert client.get(f"{echo.url}/ws").status_code == 400
    upgrade = client.get(f"{echo.url}/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
    assert upgrade.status_code == 400  # no Sec-WebSocket-Key


def test_container_listens_on_http_port_from_env(loop: BackgroundLoop, addresses: LoopbackAddresses) -> None:
    address = addresses.pod_address("ns/pod")
    log = ContainerLog()
    container = EchoContainer(address, {**ENV, "HTTP_PORT": "3456"}, log)
    loop.run(container.start())
    try:
        assert container.ports == [3456, 3001]
        body = httpx.get(f"http://{address}:3456/", timeout=5).json()
        assert body["httpPort"] == "3456"
        text = log.read()
        assert "Starting server, listening on port 3456 (http)" in text
        assert "listening on port 3001 (h2c)" in text
    finally:
        loop.run(container.stop())
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://{address}:3456/", timeout=5)


def test_container_in_grpc_mode_serves_no_http(loop: BackgroundLoop, addresses: LoopbackAddresses) -> None:
    log = ContainerLog()
    container = EchoContainer(addresses.pod_address("ns/grpc"), {"GRPC_ECHO_SERVER": "1"}, log)
    loop.run(container.start())
    assert container.ports == []
    assert "gRPC echo mode is not available" in log.read()
    loop.run(container.stop())
