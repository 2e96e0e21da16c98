"""Port of conformance/tests/httproute-308-redirect.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRoute308Redirect",
    description="A RequestRedirect with statusCode 308 answers 308 Permanent Redirect to the same path",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_308_REDIRECT_STATUS_CODE),
    manifests=("httproute-308-redirect.yaml",),
    provisional=True,
)


CASES = (redirect_case("/permanent", 308, RedirectRequest(path="/permanent")),)


def test_httproute_308_redirect(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "308-redirect")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
