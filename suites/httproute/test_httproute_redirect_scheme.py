"""Port of conformance/tests/httproute-redirect-scheme.go (gateway-api v1.6.1)."""

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
    short_name="HTTPRouteRedirectScheme",
    description="A scheme redirect to https, alone or with a hostname or status, points at https on its own port",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_SCHEME_REDIRECT),
    manifests=("httproute-redirect-scheme.yaml",),
)


CASES = (
    redirect_case("/scheme", 302, RedirectRequest(scheme="https")),
    redirect_case("/scheme-and-host", 302, RedirectRequest(host="example.org", scheme="https")),
    redirect_case("/scheme-and-status", 301, RedirectRequest(scheme="https")),
    redirect_case("/scheme-and-host-and-status", 302, RedirectRequest(scheme="https", host="example.org")),
)


def test_httproute_redirect_scheme(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "redirect-scheme")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
