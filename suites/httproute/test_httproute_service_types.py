"""Port of conformance/tests/httproute-service-types.go (gateway-api v1.6.1)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from conformance import ConformanceTest, ExpectedResponse, FeatureName, NamespacedName, Request, Response
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteServiceTypes",
    description=(
        "Routes reach Services of other shapes than the usual one: a Service with hand-managed EndpointSlices, "
        "a headless Service, and a headless Service with hand-managed EndpointSlices"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-service-types.yaml",),
)

ROUTE = NamespacedName(INFRA_NS, "service-types")
MANUAL_SLICES = ("manual-endpointslices", "headless-manual-endpointslices")
MANAGED = ("headless",)
FAMILIES = {"ip4": 4, "ip6": 6}


def _pod_ips(pod: dict[str, Any]) -> list[str]:
    status = pod.get("status") or {}
    ips = [str(entry.get("ip")) for entry in status.get("podIPs") or [] if entry.get("ip")]
    return ips or ([str(status["podIP"])] if status.get("podIP") else [])


def _fill_endpoint_slices(kube: Kube, pods: list[dict[str, Any]]) -> None:
    """Point the hand-managed EndpointSlices at the pods, one slice per IP family (upstream setupEndpointSlices)."""
    for suffix, version in FAMILIES.items():
        for prefix in MANUAL_SLICES:
            name = NamespacedName(INFRA_NS, f"{prefix}-{suffix}")
            assert kube.get("EndpointSlice", name) is not None, f"EndpointSlice {name} does not exist"
            endpoints = []
            for pod in pods:
                meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
                for ip in _pod_ips(pod):
                    if ipaddress.ip_address(ip).version != version:
                        continue
                    endpoint: dict[str, Any] = {
                        "addresses": [ip],
                        "conditions": {"ready": True, "serving": True, "terminating": False},
                        "targetRef": {
                            "kind": "Pod",
                            "name": meta.get("name"),
                            "namespace": meta.get("namespace"),
                            "uid": meta.get("uid"),
                        },
                    }
                    if spec.get("nodeName"):
                        endpoint["nodeName"] = spec["nodeName"]
                    endpoints.append(endpoint)
            if endpoints:  # a family the pods do not use keeps its slice empty
                kube.patch("EndpointSlice", name, {"endpoints": endpoints})


def test_httproute_service_types(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(SAME_NAMESPACE_GATEWAY, [ROUTE])

    deployment = kube.get("Deployment", NamespacedName(INFRA_NS, INFRA_BACKEND_V1))
    assert deployment is not None, f"Deployment {INFRA_NS}/{INFRA_BACKEND_V1} does not exist"
    match_labels = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    selector = ",".join(f"{k}={v}" for k, v in sorted(match_labels.items()))
    pods = kube.list("Pod", INFRA_NS, label_selector=selector)
    assert pods, f"Deployment {INFRA_BACKEND_V1} should have running pods"
    _fill_endpoint_slices(kube, pods)

    for i, path in enumerate((*MANUAL_SLICES, *MANAGED)):
        case = ExpectedResponse(
            request=Request(path=f"/{path}"),
            response=Response(status_code=200),
            backend=INFRA_BACKEND_V1,
            namespace=INFRA_NS,
        )
        with subtests.test(msg=case.case_name(i)):
            http.expect_eventually_consistent_response(address, case)
