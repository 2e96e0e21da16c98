"""Port of conformance/tests/httproute-redirect-port.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRouteRedirectPort",
    description="A redirect to port 8083, alone or with a hostname or status code, carries that port",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_PORT_REDIRECT),
    manifests=("httproute-redirect-port.yaml",),
)


CASES = (
    redirect_case("/port", 302, RedirectRequest(port="8083")),
    redirect_case("/port-and-host", 302, RedirectRequest(host="example.org", port="8083")),
    redirect_case("/port-and-status", 301, RedirectRequest(port="8083")),
    redirect_case("/port-and-host-and-status", 302, RedirectRequest(port="8083", host="example.org")),
)


def test_httproute_redirect_port(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-port")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
