"""Port of conformance/tests/httproute-retry-connection-error.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.retry import expect_consistent_retry_behaviour

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRetryConnectionError",
    description=(
        "A retry policy without status codes retries requests whose backend connection is reset, and "
        "succeeds only when the resets fit within retry.attempts"
    ),
    features=(
        FeatureName.GATEWAY,
        FeatureName.HTTP_ROUTE,
        FeatureName.HTTP_ROUTE_RETRY,
        FeatureName.HTTP_ROUTE_RETRY_CONNECTION_ERROR,
    ),
    manifests=("httproute-retry-connection-error.yaml",),
)

PATH = "/retry/no-status-code-attempts-3"

#: (name, resets before the simulator answers, statuses the client may get); run one after another.
CASES = (
    ("succeeds after 2 retries on connection errors and max attempts is 3", 2, (200,)),
    ("fails when required retries on connection errors exceed max attempts", 4, (500, 503)),
)


def test_httproute_retry_connection_error(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "retries-connection-error")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    for i, (name, resets, codes) in enumerate(CASES):
        with subtests.test(msg=f"{i} request to '{PATH}' {name}"):
            expect_consistent_retry_behaviour(
                http,
                gateway_address,
                PATH,
                {"succeedAfter": str(resets)},
                Response(status_codes=codes),
                backend=INFRA_BACKEND_V3,
                namespace=INFRA_NS,
            )
