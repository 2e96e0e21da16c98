"""Port of conformance/tests/httproute-method-matching.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteMethodMatching",
    description=(
        "Method matches pick the backend alone and together with path and header matches (all of a match, "
        "any of the matches), and rank above header matches"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_METHOD_MATCHING),
    manifests=("httproute-method-matching.yaml",),
)


def _to(backend: str, method: str, path: str = "/", **headers: str) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, method=method, headers=headers), backend=backend, namespace=INFRA_NS
    )


def _not_found(method: str, path: str = "/", **headers: str) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, method=method, headers=headers), response=Response(status_code=404)
    )


CASES = (
    _to(INFRA_BACKEND_V1, "POST"),
    _to(INFRA_BACKEND_V2, "GET"),
    _not_found("HEAD"),
    # with path and header matches
    _to(INFRA_BACKEND_V1, "GET", "/path1"),
    _to(INFRA_BACKEND_V2, "PUT", version="one"),
    _to(INFRA_BACKEND_V3, "POST", "/path2", version="two"),
    # either of two matches suffices
    _to(INFRA_BACKEND_V1, "PATCH", "/path3"),
    _to(INFRA_BACKEND_V1, "DELETE", "/path4", version="three"),
    # part of a match is not enough
    _not_found("PUT"),
    _not_found("DELETE", "/path4"),
    # precedence
    _to(INFRA_BACKEND_V1, "PATCH", "/path5"),
    _to(INFRA_BACKEND_V2, "PATCH", version="four"),
)


def test_httproute_method_matching(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "method-matching")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
