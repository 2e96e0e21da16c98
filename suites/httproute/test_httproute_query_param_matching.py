"""Port of conformance/tests/httproute-query-param-matching.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteQueryParamMatching",
    description=(
        "Query parameter matches (case-sensitive names and values) pick the backend alone and together with "
        "path and header matches, and rank below path and header matches"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_QUERY_PARAM_MATCHING),
    manifests=("httproute-query-param-matching.yaml",),
)


def _to(backend: str, path: str, **headers: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(path=path, headers=headers), backend=backend, namespace=INFRA_NS)


def _not_found(path: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(path=path), response=Response(status_code=404))


CASES = (
    _to(INFRA_BACKEND_V1, "/?animal=whale"),
    _to(INFRA_BACKEND_V2, "/?animal=dolphin"),
    _to(INFRA_BACKEND_V3, "/?animal=dolphin&color=blue"),
    _to(INFRA_BACKEND_V3, "/?ANIMAL=Whale"),
    _to(INFRA_BACKEND_V1, "/?animal=whale&otherparam=irrelevant"),
    _to(INFRA_BACKEND_V2, "/?animal=dolphin&color=yellow"),
    _not_found("/?color=blue"),
    _not_found("/?animal=dog"),
    _not_found("/?animal=whaledolphin"),
    _not_found("/"),
    # with path and header matches
    _to(INFRA_BACKEND_V1, "/path1?animal=whale"),
    _to(INFRA_BACKEND_V2, "/?animal=whale", version="one"),
    _to(INFRA_BACKEND_V3, "/path2?animal=whale", version="two"),
    # either of two matches suffices
    _to(INFRA_BACKEND_V1, "/path3?animal=shark"),
    _to(INFRA_BACKEND_V1, "/path4?animal=kraken", version="three"),
    # part of a match is not enough
    _not_found("/?animal=shark"),
    _not_found("/path4?animal=kraken"),
    # precedence
    _to(INFRA_BACKEND_V1, "/path5?animal=hydra"),
    _to(INFRA_BACKEND_V3, "/?animal=hydra", version="four"),
)


def test_httproute_query_param_matching(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "query-param-matching")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
