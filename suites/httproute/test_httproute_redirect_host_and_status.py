"""Port of conformance/tests/httproute-redirect-host-and-status.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRouteRedirectHostAndStatus",
    description="A RequestRedirect to another hostname answers 302 by default and the statusCode it is given",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-redirect-host-and-status.yaml",),
)


CASES = (
    redirect_case("/hostname-redirect", 302, RedirectRequest(host="example.org")),
    redirect_case("/host-and-status", 301, RedirectRequest(host="example.org")),
)


def test_httproute_redirect_host_and_status(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-host-and-status")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
