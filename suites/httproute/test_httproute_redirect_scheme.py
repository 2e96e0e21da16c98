"""Port of conformance/tests/httproute-redirect-scheme.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRouteRedirectScheme",
    description="A scheme redirect to https, alone or with a hostname or status, points at https on its own port",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_SCHEME_REDIRECT),
    manifests=("httproute-redirect-scheme.yaml",),
)


def _redirect(path: str, status: int, where: RedirectRequest, method: str = "") -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, method=method, unfollow_redirect=True),
        response=Response(status_code=status),
        redirect_request=where,
        namespace=INFRA_NS,
    )


CASES = (
    _redirect("/scheme", 302, RedirectRequest(scheme="https")),
    _redirect("/scheme-and-host", 302, RedirectRequest(host="example.org", scheme="https")),
    _redirect("/scheme-and-status", 301, RedirectRequest(scheme="https")),
    _redirect("/scheme-and-host-and-status", 302, RedirectRequest(scheme="https", host="example.org")),
)


def test_httproute_redirect_scheme(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-scheme")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    kube.route_must_have_resolved_refs_true(route, SAME_NAMESPACE_GATEWAY)

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            http.expect_eventually_consistent_response(gateway_address, case)
