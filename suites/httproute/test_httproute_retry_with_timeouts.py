"""Port of conformance/tests/httproute-retry-with-timeouts.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.retry import expect_consistent_retry_behaviour

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRetryWithTimeouts",
    description=(
        "Tries cut off by the backendRequest timeout are retried, and all tries together stay within the "
        "request timeout: a 504 when either budget runs out"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.HTTP_ROUTE_RETRY,
        FeatureName.HTTP_ROUTE_RETRY_BACKEND_TIMEOUT,
        FeatureName.HTTP_ROUTE_REQUEST_TIMEOUT,
        FeatureName.HTTP_ROUTE_BACKEND_TIMEOUT,
    ),
    manifests=("httproute-retry-with-timeouts.yaml",),
)

PER_TRY = "/retry/backend-request-timeout-200ms"
OVERALL = "/retry/request-timeout-200ms"

#: (name, path, simulator parameters, status the client must get); run one after another, as upstream.
CASES = (
    (
        "succeeds after 2 retries on backend timeout with max attempts is 3",
        PER_TRY,
        {"responseCode": "500", "succeedAfter": "2", "delayRetry": "300ms"},
        200,
    ),
    (
        "fails when required retries on backend timeout exceed max attempts",
        PER_TRY,
        {"responseCode": "500", "succeedAfter": "3", "delayRetry": "300ms"},
        504,
    ),
    (
        "succeeds when retries complete within the request timeout",
        OVERALL,
        {"responseCode": "500", "succeedAfter": "1"},
        200,
    ),
    (
        "fails with 504 when retry delays exceed the request timeout",
        OVERALL,
        {"responseCode": "500", "succeedAfter": "4", "delayRetry": "100ms"},
        504,
    ),
)


def test_httproute_retry_with_timeouts(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "retries-with-timeouts")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    for i, (name, path, params, want) in enumerate(CASES):
        with subtests.test(msg=f"{i} request to '{path}' {name}"):
            expect_consistent_retry_behaviour(
                http,
                gateway_address,
                path,
                params,
                Response(status_code=want),
                backend=INFRA_BACKEND_V3,
                namespace=INFRA_NS,
            )
