"""Port of conformance/tests/httproute-307-redirect.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRoute307Redirect",
    description="A RequestRedirect with statusCode 307 answers 307 Temporary Redirect to the same path",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_307_REDIRECT_STATUS_CODE),
    manifests=("httproute-307-redirect.yaml",),
    provisional=True,
)


CASES = (redirect_case("/temporary", 307, RedirectRequest(path="/temporary")),)


def test_httproute_307_redirect(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "307-redirect")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
