"""Port of conformance/tests/httproute-response-header-modifier.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    ConformanceTest,
    ExpectedRequest,
    ExpectedResponse,
    FeatureName,
    NamespacedName,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.steps.header_modifier import HEADER_EDITS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteResponseHeaderModifier",
    description=(
        "A rule's ResponseHeaderModifier sets, appends and removes headers of the backend's answer, whatever "
        "the letter case of names, also next to a RequestHeaderModifier"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_RESPONSE_HEADER_MODIFICATION),
    manifests=("httproute-response-header-modifier.yaml",),
)


def _case(
    path: str,
    backend_sets: dict[str, str],
    headers: dict[str, str] | None = None,
    absent: tuple[str, ...] = (),
    *,
    request: Request | None = None,
    expected_request: ExpectedRequest | None = None,
) -> ExpectedResponse:
    return ExpectedResponse(
        request=request or Request(path=path),
        expected_request=expected_request,
        backend_set_response_headers=backend_sets,
        response=Response(headers=headers or {}, absent_headers=absent),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    )


CASES = (
    *(_case(path, before, after, absent) for path, before, after, absent in HEADER_EDITS),
    _case(
        "/multiple",
        {
            "X-Header-Set-2": "set-val-2",
            "X-Header-Add-2": "add-val-2",
            "X-Header-Remove-2": "remove-val-2",
            "Another-Header": "another-header-val",
            "X-Header-Remove-1": "val",
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
    # The backend answers with lower-case names; the filter names them in other cases.
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
            "X-Lowercase-Add": "lowercase-add",
            "X-Mixedcase-Add-1": "mixedcase-add-1",
            "X-Mixedcase-Add-2": "mixedcase-add-2",
            "X-Uppercase-Add": "uppercase-add",
            "Another-Header": "another-header-val",
        },
        ("x-header-remove", "X-Header-Remove"),
    ),
    _case(
        "/response-and-request-header-modifiers",
        {
            "X-Header-Set-2": "set-val-2",
            "X-Header-Add-2": "add-val-2",
            "X-Header-Remove-2": "remove-val-2",
            "Another-Header": "another-header-val",
            "X-Header-Remove-1": "remove-val-1",
            "X-Header-Echo": "echo",
        },
        {
            "X-Header-Set-1": "header-set-1",
            "X-Header-Set-2": "header-set-2",
            "X-Header-Add-1": "header-add-1",
            "X-Header-Add-2": "add-val-2,header-add-2",
            "Another-Header": "another-header-val",
            "X-Header-Echo": "echo",
        },
        ("X-Header-Remove-1", "X-Header-Remove-2"),
        request=Request(
            path="/response-and-request-header-modifiers",
            headers={"X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1", "X-Header-Echo": "echo"},
        ),
        expected_request=ExpectedRequest(
            path="/response-and-request-header-modifiers",
            headers={
                "X-Header-Add": "header-val-1",
                "X-Header-Set": "set-overwrites-values",
                "X-Header-Add-Append": "append-val-1,header-val-2",
                "X-Header-Echo": "echo",
            },
            absent_headers=("X-Header-Remove",),
        ),
    ),
)


def test_httproute_response_header_modifier(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "response-header-modifier")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    http.expect_each(gateway_address, CASES, subtests)
