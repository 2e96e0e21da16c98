"""Port of conformance/tests/httproute-request-percentage-mirror.go (gateway-api v1.6.1)."""

from __future__ import annotations

import logging
import time

import pytest

from conformance import ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.mirror import MAX_ROUNDS, EchoLogs, MirroredBackend, add_request_id, send_all, share_problem
from conformance.steps.mirror_cases import mirrored_to_v1

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRequestPercentageMirror",
    description=(
        "RequestMirror percent and fraction mirror about that share of requests (20%, 25/50, 35%) to "
        "infra-backend-v2, counted in its logs over 500 requests"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_REQUEST_PERCENTAGE_MIRROR),
    manifests=("httproute-request-percentage-mirror.yaml",),
    provisional=True,
)

log = logging.getLogger(__name__)


#: (expectation, percent mirrored to infra-backend-v2)
CASES = (
    (mirrored_to_v1("/percent-mirror"), 20),
    (mirrored_to_v1("/percent-mirror-fraction"), 50),
    (mirrored_to_v1("/percent-mirror-and-modify-headers", modify_headers=True), 35),
)


def test_httproute_request_percentage_mirror(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "request-percentage-mirror")
    gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [route])
    logs = EchoLogs(kube)

    for i, (expected, percent) in enumerate(CASES):
        with subtests.test(msg=expected.case_name(i)):
            http.expect_eventually_consistent_response(gateway_address, expected)
            mirror = MirroredBackend(INFRA_BACKEND_V2, INFRA_NS, percent)
            problem: str | None = None
            for round_number in range(1, MAX_ROUNDS + 1):
                tagged = add_request_id(expected)  # a fresh id per round: only its requests are counted
                since = time.time()
                send_all(http, gateway_address, tagged)
                problem = share_problem(logs.count(mirror, tagged.request.path, since), percent)
                if problem is None:
                    break
                # No pause before the next round: it carries a fresh id, so nothing of this one is counted.
                log.info("mirror share round %d/%d off: %s", round_number, MAX_ROUNDS, problem)
            assert problem is None, f"mirrored share never fit in {MAX_ROUNDS} rounds; last round: {problem}"
