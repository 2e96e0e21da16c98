"""Port of conformance/tests/httproute-request-header-modifier.go (gateway-api v1.6.1), the backendRef variant."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, ExpectedRequest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteBackendRequestHeaderModifier",
    description=(
        "RequestHeaderModifier filters on a backendRef set, append and remove the headers of requests sent to "
        "it, exactly as the rule-level filter does"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.HTTP_ROUTE_BACKEND_REQUEST_HEADER_MODIFICATION,
    ),
    manifests=("httproute-request-header-modifier-backend.yaml",),
)


def _case(
    path: str, sent: dict[str, str], seen: dict[str, str] | None, absent: tuple[str, ...] = ()
) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, headers=sent),
        expected_request=ExpectedRequest(path=path, headers=seen, absent_headers=absent),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    )


CASES = (
    _case("/set", {"Some-Other-Header": "val"}, {"Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values"}),
    _case(
        "/set",
        {"Some-Other-Header": "val", "X-Header-Set": "some-other-value"},
        {"Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values"},
    ),
    _case("/add", {"Some-Other-Header": "val"}, {"Some-Other-Header": "val", "X-Header-Add": "add-appends-values"}),
    _case(
        "/add",
        {"Some-Other-Header": "val", "X-Header-Add": "some-other-value"},
        {"Some-Other-Header": "val", "X-Header-Add": "some-other-value,add-appends-values"},
    ),
    _case("/remove", {"X-Header-Remove": "val"}, None, ("X-Header-Remove",)),
    _case(
        "/multiple",
        {
            "X-Header-Set-2": "set-val-2",
            "X-Header-Add-2": "add-val-2",
            "X-Header-Remove-2": "remove-val-2",
            "Another-Header": "another-header-val",
        },
        {
            "X-Header-Set-1": "header-set-1",
            "X-Header-Set-2": "header-set-2",
            "X-Header-Add-1": "header-add-1",
            "X-Header-Add-2": "add-val-2,header-add-2",
            "X-Header-Add-3": "header-add-3",
            "Another-Header": "another-header-val",
        },
        ("X-Header-Remove-1", "X-Header-Remove-2"),
    ),
    # The filter names headers in canonical case, the request in lower case.
    _case(
        "/case-insensitivity",
        {
            "x-header-set": "original-val-set",
            "x-header-add": "original-val-add",
            "x-header-remove": "original-val-remove",
            "Another-Header": "another-header-val",
        },
        {
            "X-Header-Set": "header-set",
            "X-Header-Add": "original-val-add,header-add",
            "Another-Header": "another-header-val",
        },
        ("x-header-remove", "X-Header-Remove"),
    ),
)


def test_httproute_backend_request_header_modifier(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "request-header-modifier")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    kube.route_must_have_resolved_refs_true(route, SAME_NAMESPACE_GATEWAY)

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            http.expect_eventually_consistent_response(gateway_address, case)
