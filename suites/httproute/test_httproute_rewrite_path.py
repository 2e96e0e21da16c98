"""Port of conformance/tests/httproute-rewrite-path.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedRequest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRewritePath",
    description=(
        "URLRewrite path replaces the matched prefix (down to a bare '/') or the whole path of the forwarded "
        "request, also next to header modifications"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_PATH_REWRITE),
    manifests=("httproute-rewrite-path.yaml",),
)

SENT_HEADERS = {"X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1", "X-Header-Set": "set-val"}
SEEN_HEADERS = {
    "X-Header-Add": "header-val-1",
    "X-Header-Add-Append": "append-val-1,header-val-2",
    "X-Header-Set": "set-overwrites-values",
}


def _rewrite(path: str, seen: str, *, modified: bool = False) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, headers=SENT_HEADERS if modified else {}),
        expected_request=ExpectedRequest(
            path=seen,
            headers=SEEN_HEADERS if modified else None,
            absent_headers=("X-Header-Remove",) if modified else (),
        ),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    )


CASES = (
    _rewrite("/prefix/one/two", "/one/two"),
    _rewrite("/strip-prefix/three", "/three"),
    _rewrite("/strip-prefix", "/"),
    _rewrite("/full/one/two", "/one"),
    _rewrite("/full/rewrite-path-and-modify-headers/test", "/test", modified=True),
    _rewrite("/prefix/rewrite-path-and-modify-headers/one", "/prefix/one", modified=True),
)


def test_httproute_rewrite_path(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "rewrite-path")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
