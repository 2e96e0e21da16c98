"""Port of conformance/tests/listenerset-gateway-parent-section-name-not-found.go (gateway-api v1.6.1)."""

from __future__ import annotations

from conformance import (
    Condition,
    ConformanceTest,
    ExpectedResponse,
    FeatureName,
    GatewayRef,
    NamespacedName,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetGatewayParentSectionNameNotFound",
    description=(
        "A ListenerSet listener is reachable by sectionName through a ListenerSet parentRef only: the same "
        "sectionName on a Gateway parentRef is NoMatchingParent and serves nothing"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET, FeatureName.HTTP_ROUTE),
    manifests=("listenerset-gateway-parent-section-name-not-found.yaml",),
)

GATEWAY = GatewayRef.of(INFRA_NS, "gateway-section-name", "gw-listener")
LISTENER_SET = GatewayRef.of(INFRA_NS, "listenerset-section-name")


def test_listenerset_gateway_parent_section_name_not_found(kube: Kube, http: HTTPProbe) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.wait_for_gateway_address(GATEWAY)
    kube.gateway_must_have_condition(GATEWAY.nn, Condition("Accepted", "True"))
    kube.gateway_must_have_attached_listener_sets(GATEWAY.nn, 1)

    kube.routes_and_parent_must_be_accepted(
        LISTENER_SET, [NamespacedName(INFRA_NS, "route-via-listenerset")], parent_kind="ListenerSet"
    )
    kube.route_must_have_condition(
        NamespacedName(INFRA_NS, "route-via-gateway"), GATEWAY.nn, Condition("Accepted", "False", "NoMatchingParent")
    )

    http.expect_eventually_consistent_response(
        address,
        ExpectedResponse(
            request=Request(host="ls-section-name.com", path="/goodsection"),
            backend=INFRA_BACKEND_V1,
            namespace=INFRA_NS,
        ),
    )
    http.expect_eventually_consistent_response(
        address,
        ExpectedResponse(
            request=Request(host="gw-section.com", path="/badsection"), response=Response(status_code=404)
        ),
    )
