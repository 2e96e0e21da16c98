"""Port of conformance/tests/httproute-backend-request-redirect.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRouteBackendRequestRedirect",
    description="RequestRedirect filters on a backendRef answer 302 with the full path or the matched prefix replaced",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_BACKEND_REQUEST_REDIRECT),
    manifests=("httproute-backend-request-redirect.yaml",),
)


CASES = (
    redirect_case("/full/original", 302, RedirectRequest(path="/redirected-full")),
    redirect_case("/prefix/original", 302, RedirectRequest(path="/redirected-prefix/original")),
)


def test_httproute_backend_request_redirect(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "backend-request-redirect")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
