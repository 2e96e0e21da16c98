"""Port of conformance/tests/httproute-request-mirror.go (gateway-api v1.6.1)."""

from __future__ import annotations

import time

import pytest

from conformance import ConformanceTest, ExpectedRequest, ExpectedResponse, FeatureName, NamespacedName, Request
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.mirror import EchoLogs, MirroredBackend, add_request_id

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteRequestMirror",
    description=(
        "A RequestMirror filter copies each request to infra-backend-v2 while infra-backend-v1 answers it, "
        "also when the rule modifies headers"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.HTTP_ROUTE_REQUEST_MIRROR),
    manifests=("httproute-request-mirror.yaml",),
)

MIRRORS = (MirroredBackend(INFRA_BACKEND_V2, INFRA_NS),)


def _mirrored(path: str, sent: dict[str, str] | None = None, seen: dict[str, str] | None = None) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, headers=sent or {}),
        expected_request=ExpectedRequest(path=path, headers=seen, absent_headers=("X-Header-Remove",) if seen else ()),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    )


CASES = (
    _mirrored("/mirror"),
    _mirrored(
        "/mirror-and-modify-headers",
        {"X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1"},
        {
            "X-Header-Add": "header-val-1",
            "X-Header-Add-Append": "append-val-1,header-val-2",
            "X-Header-Set": "set-overwrites-values",
        },
    ),
)


def test_httproute_request_mirror(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    route = NamespacedName(INFRA_NS, "request-mirror")
    gateway_address = kube.gateway_and_routes_must_be_accepted(SAME_NAMESPACE_GATEWAY, [route])
    logs = EchoLogs(kube)

    for i, case in enumerate(CASES):
        with subtests.test(msg=case.case_name(i)):
            case = add_request_id(case)  # fresh ids: a log line can only come from this run's requests
            # As upstream, the log window opens MaxTimeToConsistency before the first request.
            since = time.time() - http.timeouts.max_time_to_consistency
            http.expect_eventually_consistent_response(gateway_address, case)
            logs.expect_mirrored(MIRRORS, case.request.path, since=since, timeout=http.timeouts.request_timeout)
