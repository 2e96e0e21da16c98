"""Port of conformance/tests/httproute-cors.go (gateway-api v1.6.1)."""

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
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteCORS",
    description=(
        "The CORS filter answers preflights itself and adds Access-Control-* headers to answers for allowed "
        "origins (exact, wildcard host, any), echoing rather than using '*' when credentials are allowed"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_CORS),
    manifests=("httproute-cors.yaml",),
)

ROUTES = (
    "cors-multiple-origins-methods-headers",
    "cors-wildcard-methods",
    "cors-wildcard-origin",
    "cors-wildcard-methods-headers",
)
BOTH_ORDERS_12 = ("x-header-1, x-header-2", "x-header-2, x-header-1")
#: A preflight is answered by the gateway: no echo body, so nothing was seen by a backend.
ANSWERED_BY_GATEWAY = ExpectedRequest(path="", method="OPTIONS")


def _preflight(
    name: str,
    path: str,
    origin: str,
    method: str,
    requested_headers: str = "",
    *,
    codes: tuple[int, ...] = (200, 204),
    valid_header_values: dict[str, tuple[str, ...]] | None = None,
    headers: dict[str, str] | None = None,
    absent_headers: tuple[str, ...] = (),
    ignore_whitespace: bool = False,
) -> ExpectedResponse:
    sent = {"Origin": origin, "access-control-request-method": method}
    if requested_headers:
        sent["access-control-request-headers"] = requested_headers
    return ExpectedResponse(
        test_case_name=name,
        request=Request(path=path, method="OPTIONS", headers=sent),
        expected_request=ANSWERED_BY_GATEWAY,
        response=Response(
            status_codes=codes,
            valid_header_values=valid_header_values or {},
            headers=headers or {},
            absent_headers=absent_headers,
            ignore_whitespace=ignore_whitespace,
        ),
    )


def _simple(name: str, path: str, method: str, headers: dict[str, str], response: Response) -> ExpectedResponse:
    return ExpectedResponse(
        test_case_name=name,
        request=Request(path=path, method=method, headers=headers),
        response=response,
        namespace=INFRA_NS,
    )


def _cors1_preflight(name: str, origin: str) -> ExpectedResponse:
    return _preflight(
        name,
        "/cors-1",
        origin,
        "GET",
        "x-header-1, x-header-2",
        valid_header_values={
            "access-control-allow-origin": (origin,),
            "access-control-allow-methods": ("GET, OPTIONS", "OPTIONS, GET"),
            "access-control-allow-headers": BOTH_ORDERS_12,
            "access-control-expose-headers": ("x-header-3, x-header-4", "x-header-4, x-header-3"),
            "access-control-max-age": ("3600",),
            "access-control-allow-credentials": ("true",),
        },
        ignore_whitespace=True,
    )


REQUEST_HEADERS = {"access-control-request-method": "GET", "access-control-request-headers": "x-header-1, x-header-2"}

CASES = (
    _cors1_preflight("CORS preflight request from an exact matching origin should be allowed", "https://www.foo.com"),
    _cors1_preflight("CORS preflight request from a wildcard matching origin should be allowed", "https://www.bar.com"),
    _cors1_preflight(
        "CORS preflight request from a wildcard matching any number of periods left to '*' should be allowed",
        "https://xpto.www.bar.com",
    ),
    _preflight(
        "CORS preflight request from a non-matching origin should not be allowed",
        "/cors-1",
        "https://foobar.com",
        "GET",
        codes=(200, 204, 403),
        absent_headers=("access-control-allow-origin",),
    ),
    _simple(
        "Simple request from an exact matching origin should be allowed",
        "/cors-1",
        "GET",
        {"Origin": "https://www.foo.com", **REQUEST_HEADERS},
        Response(status_code=200, headers={"access-control-allow-origin": "https://www.foo.com"}),
    ),
    _simple(
        "Simple request from a wildcard matching origin should be allowed",
        "/cors-1",
        "GET",
        {"Origin": "https://www.bar.com", **REQUEST_HEADERS},
        Response(status_code=200, headers={"access-control-allow-origin": "https://www.bar.com"}),
    ),
    _simple(
        "Simple request from a non-matching origin should not be allowed",
        "/cors-1",
        "GET",
        {"Origin": "https://foobar.com", "access-control-request-method": "GET"},
        Response(absent_headers=("access-control-allow-origin",)),
    ),
    _preflight(
        "CORS preflight request with POST method should be allowed by allowMethods with wildcard",
        "/cors-2",
        "https://www.foo.com",
        "POST",
        valid_header_values={"access-control-allow-methods": ("POST", "*")},
        headers={"access-control-allow-origin": "https://www.foo.com"},
        absent_headers=("access-control-allow-credentials",),
    ),
    _preflight(
        "CORS preflight request should not receive access-control-allow-credentials header without "
        "access-control-allow-credentials set to true",
        "/cors-2",
        "https://www.foo.com",
        "POST",
        absent_headers=("Access-Control-Allow-Credentials",),
    ),
    _preflight(
        "CORS preflight request from a wildcard origin should return header with '*' or with the requested Origin",
        "/cors-wildcard-origin",
        "https://foobar.com",
        "PUT",
        valid_header_values={
            "access-control-allow-origin": ("https://foobar.com", "*"),
            "access-control-allow-methods": ("PUT",),
        },
        absent_headers=("Access-Control-Allow-Credentials",),
    ),
    _preflight(
        "CORS preflight request from a wildcard origin containing a port should return header with '*' or with "
        "the requested Origin",
        "/cors-wildcard-origin",
        "https://foobar.com:12345",
        "PUT",
        valid_header_values={
            "access-control-allow-origin": ("https://foobar.com:12345", "*"),
            "access-control-allow-methods": ("PUT",),
        },
        absent_headers=("Access-Control-Allow-Credentials",),
    ),
    _simple(
        "Request from a wildcard origin containing a port should return header with '*' or with the requested Origin",
        "/cors-wildcard-origin",
        "PUT",
        {"Origin": "https://foobar.com:12345"},
        Response(
            status_code=200, valid_header_values={"access-control-allow-origin": ("https://foobar.com:12345", "*")}
        ),
    ),
    _simple(
        "Simple request from a wildcard origin should return header with '*' or with the requested Origin",
        "/cors-wildcard-origin",
        "PUT",
        {"Origin": "https://foobar.com"},
        Response(
            status_code=200,
            valid_header_values={"access-control-allow-origin": ("https://foobar.com", "*")},
            absent_headers=("Access-Control-Allow-Credentials",),
        ),
    ),
    _preflight(
        "CORS preflight request requesting specific method and headers should be allowed and always echo the "
        "origin with allowCredentials set to true",
        "/cors-wildcard-methods-headers",
        "https://other.foo.com",
        "PUT",
        "x-header-1, x-header-2",
        valid_header_values={
            "access-control-allow-origin": ("https://other.foo.com",),
            "access-control-allow-methods": ("PUT",),
            "access-control-allow-headers": BOTH_ORDERS_12,
            "access-control-allow-credentials": ("true",),
        },
        ignore_whitespace=True,
    ),
    _preflight(
        "CORS preflight request requesting specific method and headers should hide access-control-allow-credentials "
        "headers with allowCredentials set to false",
        "/cors-wildcard-methods-headers-unauth",
        "https://other.foo.com",
        "PUT",
        "x-header-1, x-header-2",
        valid_header_values={
            "access-control-allow-origin": ("https://other.foo.com", "*"),
            "access-control-allow-methods": ("PUT", "*"),
            "access-control-allow-headers": (*BOTH_ORDERS_12, "*"),
        },
        absent_headers=("access-control-allow-credentials",),
        ignore_whitespace=True,
    ),
    _simple(
        "CORS request should receive access-control-allow-credentials header with allowCredentials set to true",
        "/cors-wildcard-methods-headers",
        "GET",
        {"Origin": "https://other.foo.com"},
        Response(
            status_code=200,
            valid_header_values={
                "access-control-allow-origin": ("https://other.foo.com",),
                "access-control-allow-credentials": ("true",),
            },
        ),
    ),
    _simple(
        "CORS request should not receive access-control-allow-credentials header without allowCredentials set to true",
        "/cors-wildcard-methods-headers-unauth",
        "GET",
        {"Origin": "https://other.foo.com"},
        Response(
            status_code=200,
            valid_header_values={"access-control-allow-origin": ("https://other.foo.com", "*")},
            absent_headers=("access-control-allow-credentials",),
        ),
    ),
)


def test_httproute_cors(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    routes = [NamespacedName(INFRA_NS, name) for name in ROUTES]
    # Upstream waits for the first two routes to be accepted, and for all four to have resolved refs.
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, routes[:2])
    for route in routes:
        kube.route_must_have_resolved_refs_true(route, SAME_NAMESPACE_GATEWAY)

    http.expect_each(gateway_address, CASES, subtests)
