"""Port of conformance/tests/httproute-header-matching.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteHeaderMatching",
    description=(
        "Header matches pick the backend: all headers of a match must be present, any one match suffices, "
        "and requests matching no rule get a 404"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-header-matching.yaml",),
)


def _to(backend: str, **headers: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(path="/", headers=headers), backend=backend, namespace=INFRA_NS)


def _not_found(**headers: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(path="/", headers=headers), response=Response(status_code=404))


CASES = (
    _to(INFRA_BACKEND_V1, Version="one"),
    _to(INFRA_BACKEND_V2, Version="two"),
    _to(INFRA_BACKEND_V1, Version="two", Color="orange"),
    _to(INFRA_BACKEND_V2, Version="two", Color="blue"),
    _not_found(Color="orange"),
    _not_found(**{"Some-Other-Header": "one"}),
    _to(INFRA_BACKEND_V1, Color="blue"),
    _to(INFRA_BACKEND_V1, Color="green"),
    _to(INFRA_BACKEND_V2, Color="red"),
    _to(INFRA_BACKEND_V2, Color="yellow"),
    _not_found(Color="purple"),
)


def test_httproute_header_matching(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "header-matching")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
