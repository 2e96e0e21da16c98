"""Port of conformance/tests/httproute-weight.go (gateway-api v1.6.1)."""

from __future__ import annotations

import logging

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.compare import compare_round_trip
from conformance.probes.http import with_entropy
from conformance.probes.weights import MAX_ROUNDS, distribution_problems

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteWeight",
    description="Traffic to an HTTPRoute rule with backendRef weights 70/30/0 splits in those proportions",
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-weight.yaml",),
)

log = logging.getLogger(__name__)

WEIGHTS = {INFRA_BACKEND_V1: 0.7, INFRA_BACKEND_V2: 0.3, INFRA_BACKEND_V3: 0.0}


def test_httproute_weight(kube: Kube, http: HTTPProbe) -> None:
    route = NamespacedName(INFRA_NS, "weighted-backends")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])

    expected = ExpectedResponse(request=Request(path="/"), response=Response(status_codes=(200,)), namespace=INFRA_NS)

    # The route must serve at all before its split is worth measuring.
    http.expect_eventually_consistent_response(gateway_address, expected)

    def send() -> str:
        sent = http.build(gateway_address, with_entropy(expected))
        round_trip = http.round_trip(sent)
        problem = compare_round_trip(expected, round_trip)
        if problem is not None:
            raise AssertionError(f"{sent.describe()}: expected {expected.response.codes} in {INFRA_NS}: {problem}")
        return round_trip.request.pod

    problems: list[str] = []
    for round_number in range(1, MAX_ROUNDS + 1):
        problems = distribution_problems(send, WEIGHTS)
        if not problems:
            return
        log.info("traffic split round %d/%d off: %s", round_number, MAX_ROUNDS, "; ".join(problems))
    raise AssertionError(f"traffic never split as {WEIGHTS} in {MAX_ROUNDS} rounds; last round: " + "; ".join(problems))
