"""Names of the base infrastructure every test relies on (upstream ``suite`` constants, spec/infra.md a)."""

from __future__ import annotations

from conformance.refs import NamespacedName

INFRA_NS = "gateway-conformance-infra"
APP_BACKEND_NS = "gateway-conformance-app-backend"
WEB_BACKEND_NS = "gateway-conformance-web-backend"
BASE_NAMESPACES = (INFRA_NS, APP_BACKEND_NS, WEB_BACKEND_NS)

INFRA_BACKEND_V1 = "infra-backend-v1"
INFRA_BACKEND_V2 = "infra-backend-v2"
INFRA_BACKEND_V3 = "infra-backend-v3"
APP_BACKEND_V1 = "app-backend-v1"
APP_BACKEND_V2 = "app-backend-v2"
WEB_BACKEND = "web-backend"

SAME_NAMESPACE_GATEWAY = NamespacedName(INFRA_NS, "same-namespace")
HTTPS_GATEWAY = NamespacedName(INFRA_NS, "same-namespace-with-https-listener")
ALL_NAMESPACES_GATEWAY = NamespacedName(INFRA_NS, "all-namespaces")
BACKEND_NAMESPACES_GATEWAY = NamespacedName(INFRA_NS, "backend-namespaces")

__all__ = [
    "ALL_NAMESPACES_GATEWAY",
    "APP_BACKEND_NS",
    "APP_BACKEND_V1",
    "APP_BACKEND_V2",
    "BACKEND_NAMESPACES_GATEWAY",
    "BASE_NAMESPACES",
    "HTTPS_GATEWAY",
    "INFRA_BACKEND_V1",
    "INFRA_BACKEND_V2",
    "INFRA_BACKEND_V3",
    "INFRA_NS",
    "SAME_NAMESPACE_GATEWAY",
    "WEB_BACKEND",
    "WEB_BACKEND_NS",
    "NamespacedName",
]
