"""Port of conformance/tests/httproute-redirect-host-and-status.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRouteRedirectHostAndStatus",
    description="A RequestRedirect to another hostname answers 302 by default and the statusCode it is given",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-redirect-host-and-status.yaml",),
)


def _redirect(path: str, status: int, where: RedirectRequest) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, unfollow_redirect=True),
        response=Response(status_code=status),
        redirect_request=where,
        namespace=INFRA_NS,
    )


CASES = (
    _redirect("/hostname-redirect", 302, RedirectRequest(host="example.org")),
    _redirect("/host-and-status", 301, RedirectRequest(host="example.org")),
)


def test_httproute_redirect_host_and_status(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-host-and-status")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    kube.route_must_have_resolved_refs_true(route, SAME_NAMESPACE_GATEWAY)

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            http.expect_eventually_consistent_response(gateway_address, case)
