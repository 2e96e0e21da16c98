"""Port of conformance/tests/httproute-retry.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.retry import expect_consistent_retry_behaviour

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRetry",
    description=(
        "Answers with a listed status code are retried up to retry.attempts times; other codes are not "
        "retried, and when retries run out the backend's last answer reaches the client"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_RETRY),
    manifests=("httproute-retry.yaml",),
)

ONLY_500 = "/retry/code-500-attempts-3"
ALL_5XX = "/retry/code-all-attempts-2"

#: (name, path, status the simulator fails with, failures before it succeeds, status the client must get)
CASES = (
    ("succeeds after 2 retries on 500 with 3 attempts", ONLY_500, 500, 2, 200),
    ("fails when the retries needed on 500 exceed the attempts", ONLY_500, 500, 4, 500),
    ("does not retry 503 when only 500 is retried", ONLY_500, 503, 2, 503),
    *(
        case
        for code in (500, 502, 503, 504)
        for case in (
            (f"succeeds after 1 retry on {code} with 2 attempts", ALL_5XX, code, 1, 200),
            (f"fails when the retries needed on {code} exceed the attempts", ALL_5XX, code, 3, code),
        )
    ),
)


def test_httproute_retry(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "retries")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    for i, (name, path, code, succeed_after, want) in enumerate(CASES):
        with subtests.test(msg=f"{i} request to '{path}' {name}"):
            expect_consistent_retry_behaviour(
                http,
                gateway_address,
                path,
                {"responseCode": str(code), "succeedAfter": str(succeed_after)},
                Response(status_code=want),
                backend=INFRA_BACKEND_V3,
                namespace=INFRA_NS,
            )
