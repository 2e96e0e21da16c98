"""Port of conformance/tests/httproute-redirect-path.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    ConformanceTest,
    FeatureName,
    NamespacedName,
    RedirectRequest,
    redirect_case,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRedirectPath",
    description="Redirect path modifiers replace the matched prefix or the whole path, also with a host or status",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_PATH_REDIRECT),
    manifests=("httproute-redirect-path.yaml",),
)


CASES = (
    redirect_case("/original-prefix/lemon", 302, RedirectRequest(path="/replacement-prefix/lemon")),
    redirect_case("/full/path/original", 302, RedirectRequest(path="/full-path-replacement")),
    redirect_case("/path-and-host", 302, RedirectRequest(host="example.org", path="/replacement-prefix")),
    redirect_case("/path-and-status", 301, RedirectRequest(path="/replacement-prefix")),
    redirect_case("/full-path-and-host", 302, RedirectRequest(host="example.org", path="/replacement-full")),
    redirect_case("/full-path-and-status", 301, RedirectRequest(path="/replacement-full")),
)


def test_httproute_redirect_path(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-path")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
