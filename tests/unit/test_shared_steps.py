"""The helpers that replaced loops and preambles repeated across suite modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import httpx
import pytest

from conformance.clock import FakeClock
from conformance.kube.route_checks import RouteChecks
from conformance.probes.expectations import ExpectedResponse, RedirectRequest, Request, Response, redirect_case
from conformance.probes.http import HTTPProbe, ProbeFailure
from conformance.refs import GatewayRef, NamespacedName
from conformance.steps.header_modifier import REQUEST_HEADER_MODIFIER_CASES
from conformance.steps.mirror_cases import mirrored_to_v1
from conformance.timeouts import TimeoutConfig

NS = "gateway-conformance-infra"


def echo(request: httpx.Request) -> httpx.Response:
    """The echo server's JSON answer, enough for a plain expectation to match."""
    body = {"path": request.url.raw_path.decode(), "host": request.headers["host"], "method": request.method,
            "proto": "HTTP/1.1", "headers": {}, "namespace": NS, "pod": "infra-backend-v1-abc"}  # fmt: skip
    return httpx.Response(200, json=body)


class RecordingSubtests:
    """pytest's subtests as far as the helpers use it: a failure inside one is recorded, not raised."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.failures: dict[str, BaseException] = {}

    @contextlib.contextmanager
    def test(self, msg: str) -> Iterator[None]:
        self.names.append(msg)
        try:
            yield
        except AssertionError as err:
            self.failures[msg] = err


def test_expect_each_runs_every_case_as_its_own_subtest_even_after_a_failure() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/missing":
            return httpx.Response(404)
        return echo(request)

    subtests = RecordingSubtests()
    cases = (
        ExpectedResponse(request=Request(path="/missing"), namespace=NS),
        ExpectedResponse(request=Request(path="/found"), namespace=NS, test_case_name="named case"),
    )
    probe = HTTPProbe(TimeoutConfig(), transport=httpx.MockTransport(handler), clock=FakeClock())
    probe.expect_each("10.1.2.3:80", cases, subtests)  # type: ignore[arg-type]
    assert subtests.names == ["0 request to '/missing' should receive one of [200]", "named case"]
    assert list(subtests.failures) == ["0 request to '/missing' should receive one of [200]"]
    assert isinstance(subtests.failures[subtests.names[0]], ProbeFailure)


class PreambleRecorder(RouteChecks):
    """Only the two checks the preamble combines, recorded instead of asked of a cluster."""

    def __init__(self, unresolved: Sequence[NamespacedName] = ()) -> None:
        self.calls: list[tuple[str, object, object]] = []
        self.unresolved = set(unresolved)

    def gateway_and_routes_must_be_accepted(  # type: ignore[override]
        self,
        gw: GatewayRef | NamespacedName,
        routes: Sequence[NamespacedName],
        *,
        kind: str = "HTTPRoute",
        use_port: bool = True,
    ) -> str:
        self.calls.append(("accepted", gw, tuple(routes)))
        return "10.0.0.1:80"

    def route_must_have_resolved_refs_true(
        self, route: NamespacedName, parent: NamespacedName, *, kind: str = "HTTPRoute"
    ) -> None:
        self.calls.append(("resolved", route, parent))
        if route in self.unresolved:
            raise AssertionError(f"{route} has ResolvedRefs False")


GW = NamespacedName("infra", "same-namespace")
ROUTES = [NamespacedName("infra", "a"), NamespacedName("infra", "b")]


def test_accepted_and_resolved_checks_every_route_against_the_gateway_after_acceptance() -> None:
    kube = PreambleRecorder()
    assert kube.gateway_and_routes_must_be_accepted_and_resolved(GatewayRef(GW, ("http",)), ROUTES) == "10.0.0.1:80"
    assert kube.calls == [
        ("accepted", GatewayRef(GW, ("http",)), tuple(ROUTES)),
        ("resolved", ROUTES[0], GW),
        ("resolved", ROUTES[1], GW),
    ]


def test_accepted_and_resolved_fails_when_any_route_is_unresolved() -> None:
    with pytest.raises(AssertionError, match="infra/b has ResolvedRefs False"):
        PreambleRecorder(unresolved=[ROUTES[1]]).gateway_and_routes_must_be_accepted_and_resolved(GW, ROUTES)


def test_redirect_case_is_an_unfollowed_request_with_the_redirect_expectation() -> None:
    case = redirect_case("/see-other", 303, RedirectRequest(path="/see-other"), method="POST")
    assert case.request == Request(path="/see-other", method="POST", unfollow_redirect=True)
    assert case.response == Response(status_code=303)
    assert case.redirect_request == RedirectRequest(path="/see-other")
    assert case.namespace == "gateway-conformance-infra"


def test_shared_case_tables_keep_upstream_shapes() -> None:
    # The case-insensitivity case must keep its lower-case request names: that is what it tests.
    last = REQUEST_HEADER_MODIFIER_CASES[-1]
    assert last.request.path == "/case-insensitivity"
    assert "x-header-set" in last.request.headers
    plain, modified = mirrored_to_v1("/m"), mirrored_to_v1("/m", modify_headers=True)
    assert plain.expected_request is not None and plain.expected_request.headers is None
    assert modified.expected_request is not None and modified.expected_request.absent_headers == ("X-Header-Remove",)
    assert modified.request.headers["X-Header-Remove"] == "remove-val"
