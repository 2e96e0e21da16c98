"""HTTP probes through httpx.MockTransport with canned echo-server answers, on a fake clock."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from conformance.clock import FakeClock
from conformance.probes.connect import ConnectTo
from conformance.probes.expectations import ExpectedRequest, ExpectedResponse, RedirectRequest, Request, Response
from conformance.probes.http import HTTPProbe, ProbeFailure
from conformance.timeouts import TimeoutConfig

NS = "gateway-conformance-infra"


def echo(request: httpx.Request, pod: str = "infra-backend-v1-abc-xyz", namespace: str = NS) -> httpx.Response:
    headers: dict[str, list[str]] = {}
    for name, value in request.headers.multi_items():
        if name.lower() != "host":
            headers.setdefault(name.title(), []).append(value)
    body = {
        "path": request.url.raw_path.decode(),
        "host": request.headers["host"],
        "method": request.method,
        "proto": "HTTP/1.1",
        "headers": headers,
        "namespace": namespace,
        "pod": pod,
    }
    return httpx.Response(200, json=body)


def probe(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock | None = None, **kw: object
) -> HTTPProbe:
    return HTTPProbe(TimeoutConfig(), transport=httpx.MockTransport(handler), clock=clock or FakeClock(), **kw)  # type: ignore[arg-type]


def test_request_targets_the_gateway_with_host_header_and_echo_header() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return echo(request)

    p = probe(handler)
    expected = ExpectedResponse(
        request=Request(path="/v2?x=1", host="example.com", headers={"Version": "two"}),
        backend="infra-backend-v1",
        namespace=NS,
    )
    p.expect_eventually_consistent_response("10.1.2.3:80", expected)
    assert len(seen) == 3  # three matching answers in a row
    first = seen[0]
    assert str(first.url) == "http://10.1.2.3/v2?x=1"
    assert first.headers["host"] == "example.com"
    assert first.headers["x-echo-set-header"] == ""


def test_connect_to_dials_another_socket_but_keeps_the_host() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return echo(request)

    p = probe(handler, connect_to=ConnectTo({("10.1.2.3", 80): ("127.0.0.1", 18080)}))
    p.expect_eventually_consistent_response("10.1.2.3:80", ExpectedResponse(backend="infra", namespace=NS))
    assert str(seen[0].url) == "http://127.0.0.1:18080/"
    assert seen[0].headers["host"] == "10.1.2.3"


def test_failure_message_says_sent_expected_received_and_for_how_long() -> None:
    clock = FakeClock()
    p = probe(lambda request: echo(request, pod="infra-backend-v2-abc-xyz"), clock=clock)
    expected = ExpectedResponse(request=Request(path="/one"), backend="infra-backend-v1", namespace=NS)
    with pytest.raises(ProbeFailure) as err:
        p.expect_eventually_consistent_response("10.1.2.3:80", expected)
    message = str(err.value)
    assert "GET http://10.1.2.3/one (Host: 10.1.2.3)" in message
    assert "expected: status 200, from pod infra-backend-v1*, in gateway-conformance-infra" in message
    assert "expected pod name to start with infra-backend-v1, got 'infra-backend-v2-abc-xyz'" in message
    assert "tried for 30.0s" in message
    assert clock.slept == pytest.approx(30, abs=0.2)


def test_a_streak_is_reset_by_a_wrong_answer() -> None:
    answers = iter([200, 200, 404, 200, 200, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        code = next(answers)
        return echo(request) if code == 200 else httpx.Response(404)

    p = probe(handler)
    p.expect_eventually_consistent_response("10.1.2.3:80", ExpectedResponse(namespace=NS))
    with pytest.raises(StopIteration):
        next(answers)


def test_expected_request_and_response_headers() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        response = echo(request)
        response.headers["X-Header-Set"] = "set-overwrites-values"
        return response

    p = probe(handler)
    expected = ExpectedResponse(
        request=Request(path="/", headers={"Some-Header": "v"}),
        expected_request=ExpectedRequest(path="/", headers={"some-header": "v"}, absent_headers=("X-Absent",)),
        response=Response(headers={"X-Header-Set": "set-overwrites-values"}, absent_headers=("X-Gone",)),
        namespace=NS,
    )
    p.expect_eventually_consistent_response("10.1.2.3:80", expected)


def test_non_json_answers_capture_nothing_but_the_method() -> None:
    p = probe(lambda request: httpx.Response(500, text="no backend"))
    p.expect_eventually_consistent_response("10.1.2.3:80", ExpectedResponse(response=Response(status_code=500)))


def test_timeout_codes_count_as_each_other() -> None:
    p = probe(lambda request: httpx.Response(504))
    p.expect_eventually_consistent_response("10.1.2.3:80", ExpectedResponse(response=Response(status_code=408)))


def test_redirect_location_checked_with_upstream_defaults() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://example.org/path"})

    p = probe(handler)
    expected = ExpectedResponse(
        request=Request(path="/path", unfollow_redirect=True),
        response=Response(status_code=302),
        redirect_request=RedirectRequest(scheme="https", host="example.org"),
    )
    p.expect_eventually_consistent_response("10.1.2.3:80", expected)
    wrong = ExpectedResponse(
        request=Request(path="/path", unfollow_redirect=True),
        response=Response(status_code=302),
        redirect_request=RedirectRequest(scheme="https", host="example.org", port="8443"),
    )
    with pytest.raises(ProbeFailure, match="expected redirected port to be '8443'"):
        p.expect_eventually_consistent_response("10.1.2.3:80", wrong)


def test_transport_errors_are_retried_and_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ProbeFailure, match="request failed: ConnectError: connection refused"):
        probe(handler).expect_eventually_consistent_response("10.1.2.3:80", ExpectedResponse())


def test_expect_failure_fails_at_once_on_200() -> None:
    clock = FakeClock()
    with pytest.raises(ProbeFailure, match="should fail, but returned 200"):
        probe(echo, clock=clock).expect_failure("10.1.2.3:80", Request(path="/"))
    assert clock.slept == 0
    probe(lambda request: httpx.Response(500)).expect_failure("10.1.2.3:80", Request(path="/"))


def test_case_names_follow_upstream() -> None:
    assert ExpectedResponse(request=Request(path="/v2", host="a.com"), backend="b").case_name(3) == (
        "3 request to 'a.com/v2' should go to b"
    )
    assert ExpectedResponse(request=Request(path="/"), response=Response(status_code=404)).case_name(0) == (
        "0 request to '/' should receive one of [404]"
    )


def test_echo_json_with_unexpected_shape_is_tolerated() -> None:
    p = probe(
        lambda request: httpx.Response(
            200, content=json.dumps(["not", "an", "object"]), headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(ProbeFailure, match="expected path to be /, got"):
        p.expect_eventually_consistent_response("10.1.2.3:80", ExpectedResponse())
