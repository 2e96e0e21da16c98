"""Port of conformance/tests/gateway-with-attached-routes.go (gateway-api v1.6.1), its second test."""

from __future__ import annotations

from conformance import Condition, ConformanceTest, ExpectedListener, FeatureName, NamespacedName, SupportedKind
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="GatewayWithAttachedRoutesWithPort8080",
    description=(
        "A route that names the port-80 listener by sectionName is counted there and not on the Gateway's "
        "port-8080 listener"
    ),
    features=(FeatureName.GATEWAY, FeatureName.GATEWAY_PORT8080, FeatureName.HTTP_ROUTE),
    manifests=("gateway-with-attached-routes-with-port-8080.yaml",),
)

READY = (Condition("Accepted", "True"), Condition("ResolvedRefs", "True"))
HTTP_ROUTES = (SupportedKind("HTTPRoute"),)


def test_gateway_with_attached_routes_with_port_8080(kube: Kube) -> None:
    kube.gateway_status_must_have_listeners(
        NamespacedName(INFRA_NS, "gateway-with-two-listeners-and-one-attached-route"),
        [
            ExpectedListener("http-unattached", 0, HTTP_ROUTES, READY),
            ExpectedListener("http", 1, HTTP_ROUTES, READY),
        ],
    )
