"""Port of conformance/tests/httproute-matching.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteMatching",
    description=(
        "One HTTPRoute mixing path-prefix and header matches picks the right backend; "
        "prefixes match whole path segments only"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-matching.yaml",),
)


def _to(backend: str, path: str, **headers: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(path=path, headers=headers), backend=backend, namespace=INFRA_NS)


CASES = (
    _to(INFRA_BACKEND_V1, "/"),
    _to(INFRA_BACKEND_V1, "/example"),
    _to(INFRA_BACKEND_V1, "/", Version="one"),
    _to(INFRA_BACKEND_V2, "/v2"),
    _to(INFRA_BACKEND_V2, "/v2/example"),
    _to(INFRA_BACKEND_V2, "/", Version="two"),
    _to(INFRA_BACKEND_V2, "/v2/"),
    _to(INFRA_BACKEND_V1, "/v2example"),  # shares a string prefix with /v2, not a path segment
    _to(INFRA_BACKEND_V1, "/foo/v2/example"),
)


def test_httproute_matching(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "matching")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
