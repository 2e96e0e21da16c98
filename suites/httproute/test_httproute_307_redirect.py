"""Port of conformance/tests/httproute-307-redirect.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    ConformanceTest,
    ExpectedResponse,
    FeatureName,
    NamespacedName,
    RedirectRequest,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRoute307Redirect",
    description="A RequestRedirect with statusCode 307 answers 307 Temporary Redirect to the same path",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_307_REDIRECT_STATUS_CODE),
    manifests=("httproute-307-redirect.yaml",),
    provisional=True,
)


def _redirect(path: str, status: int, where: RedirectRequest, method: str = "") -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, method=method, unfollow_redirect=True),
        response=Response(status_code=status),
        redirect_request=where,
        namespace=INFRA_NS,
    )


CASES = (_redirect("/temporary", 307, RedirectRequest(path="/temporary")),)


def test_httproute_307_redirect(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "307-redirect")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    kube.route_must_have_resolved_refs_true(route, SAME_NAMESPACE_GATEWAY)

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            http.expect_eventually_consistent_response(gateway_address, case)
