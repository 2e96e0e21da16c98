"""Port of conformance/tests/httproute-redirect-path.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRouteRedirectPath",
    description="Redirect path modifiers replace the matched prefix or the whole path, also with a host or status",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_PATH_REDIRECT),
    manifests=("httproute-redirect-path.yaml",),
)


def _redirect(path: str, status: int, where: RedirectRequest, method: str = "") -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, method=method, unfollow_redirect=True),
        response=Response(status_code=status),
        redirect_request=where,
        namespace=INFRA_NS,
    )


CASES = (
    _redirect("/original-prefix/lemon", 302, RedirectRequest(path="/replacement-prefix/lemon")),
    _redirect("/full/path/original", 302, RedirectRequest(path="/full-path-replacement")),
    _redirect("/path-and-host", 302, RedirectRequest(host="example.org", path="/replacement-prefix")),
    _redirect("/path-and-status", 301, RedirectRequest(path="/replacement-prefix")),
    _redirect("/full-path-and-host", 302, RedirectRequest(host="example.org", path="/replacement-full")),
    _redirect("/full-path-and-status", 301, RedirectRequest(path="/replacement-full")),
)


def test_httproute_redirect_path(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-path")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    kube.route_must_have_resolved_refs_true(route, SAME_NAMESPACE_GATEWAY)

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            http.expect_eventually_consistent_response(gateway_address, case)
