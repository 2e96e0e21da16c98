"""Port of conformance/tests/httproute-rewrite-host.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedRequest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRewriteHost",
    description="URLRewrite hostname replaces the Host header the backend sees, also next to header modifications",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_HOST_REWRITE),
    manifests=("httproute-rewrite-host.yaml",),
)

HOST = "rewrite.example"

CASES = (
    ExpectedResponse(
        request=Request(path="/one", host=HOST),
        expected_request=ExpectedRequest(path="/one", host="one.example.org"),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    ),
    ExpectedResponse(
        request=Request(path="/two", host=HOST),
        expected_request=ExpectedRequest(path="/two", host="example.org"),
        backend=INFRA_BACKEND_V2,
        namespace=INFRA_NS,
    ),
    ExpectedResponse(
        request=Request(
            path="/rewrite-host-and-modify-headers",
            host=HOST,
            headers={"X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1"},
        ),
        expected_request=ExpectedRequest(
            path="/rewrite-host-and-modify-headers",
            host="test.example.org",
            headers={
                "X-Header-Add": "header-val-1",
                "X-Header-Add-Append": "append-val-1,header-val-2",
                "X-Header-Set": "set-overwrites-values",
            },
            absent_headers=("X-Header-Remove",),
        ),
        backend=INFRA_BACKEND_V2,
        namespace=INFRA_NS,
    ),
)


def test_httproute_rewrite_host(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "rewrite-host")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
