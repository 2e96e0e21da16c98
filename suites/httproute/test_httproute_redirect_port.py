"""Port of conformance/tests/httproute-redirect-port.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    ConformanceTest,
    ExpectedResponse,
    FeatureName,
    NamespacedName,
    RedirectRequest,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRedirectPort",
    description="A redirect to port 8083, alone or with a hostname or status code, carries that port",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_PORT_REDIRECT),
    manifests=("httproute-redirect-port.yaml",),
)


def _redirect(path: str, status: int, where: RedirectRequest, method: str = "") -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, method=method, unfollow_redirect=True),
        response=Response(status_code=status),
        redirect_request=where,
        namespace=INFRA_NS,
    )


CASES = (
    _redirect("/port", 302, RedirectRequest(port="8083")),
    _redirect("/port-and-host", 302, RedirectRequest(host="example.org", port="8083")),
    _redirect("/port-and-status", 301, RedirectRequest(port="8083")),
    _redirect("/port-and-host-and-status", 302, RedirectRequest(port="8083", host="example.org")),
)


def test_httproute_redirect_port(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-port")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    kube.route_must_have_resolved_refs_true(route, SAME_NAMESPACE_GATEWAY)

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            http.expect_eventually_consistent_response(gateway_address, case)
