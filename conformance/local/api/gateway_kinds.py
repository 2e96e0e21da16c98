"""Gateway API kinds for when no CRD files are given: synthesized, schema-less CRDs of v1.6.1 experimental.

The facts (kinds, plurals, groups, versions with served/storage, scope, short names) are those of the
v1.6.1 experimental channel's CRD files. The synthesized CRDs carry
``x-kubernetes-preserve-unknown-fields`` schemas (no pruning, defaulting or validation) and the
annotation ``gateway-conformance.local/schema: none``, so the harness can tell that validation is off
and say so, instead of silently passing manifests a real cluster would reject.
"""

from __future__ import annotations

from typing import Any

from conformance.local.api.protocol import JSONObject

BUNDLE_VERSION = "v1.6.1"
CHANNEL = "experimental"
SCHEMA_ANNOTATION = "gateway-conformance.local/schema"

_GATEWAY = "gateway.networking.k8s.io"
_EXPERIMENTAL = "gateway.networking.x-k8s.io"

# (group, kind, plural, namespaced, short names, ((version, storage), ...), has status)
_TABLE: tuple[tuple[str, str, str, bool, tuple[str, ...], tuple[tuple[str, bool], ...], bool], ...] = (
    (
        _GATEWAY,
        "BackendTLSPolicy",
        "backendtlspolicies",
        True,
        ("btlspolicy",),
        (("v1", True), ("v1alpha3", False)),
        True,
    ),
    (_GATEWAY, "GatewayClass", "gatewayclasses", False, ("gc",), (("v1", True), ("v1beta1", False)), True),
    (_GATEWAY, "Gateway", "gateways", True, ("gtw",), (("v1", True), ("v1beta1", False)), True),
    (_GATEWAY, "GRPCRoute", "grpcroutes", True, (), (("v1", True),), True),
    (_GATEWAY, "HTTPRoute", "httproutes", True, (), (("v1", True), ("v1beta1", False)), True),
    (_GATEWAY, "ListenerSet", "listenersets", True, ("lset",), (("v1", True),), True),
    (_GATEWAY, "ReferenceGrant", "referencegrants", True, ("refgrant",), (("v1", False), ("v1beta1", True)), False),
    (_GATEWAY, "TCPRoute", "tcproutes", True, (), (("v1", True), ("v1alpha2", False)), True),
    (_GATEWAY, "TLSRoute", "tlsroutes", True, (), (("v1", True), ("v1alpha2", False), ("v1alpha3", False)), True),
    (_GATEWAY, "UDPRoute", "udproutes", True, (), (("v1", True), ("v1alpha2", False)), True),
    (_EXPERIMENTAL, "XBackend", "xbackends", True, ("xbackend",), (("v1alpha1", True),), True),
    (
        _EXPERIMENTAL,
        "XBackendTrafficPolicy",
        "xbackendtrafficpolicies",
        True,
        ("xbtrafficpolicy",),
        (("v1alpha1", True),),
        True,
    ),
    (_EXPERIMENTAL, "XMesh", "xmeshes", False, ("mesh",), (("v1alpha1", True),), True),
)


def gateway_api_crds() -> list[JSONObject]:
    """Schema-less CRD objects for every Gateway API v1.6.1 experimental kind."""
    crds: list[JSONObject] = []
    for group, kind, plural, namespaced, short, versions, status in _TABLE:
        names: dict[str, Any] = {
            "categories": ["gateway-api"],
            "kind": kind,
            "listKind": f"{kind}List",
            "plural": plural,
            "singular": kind.lower(),
        }
        if short:
            names["shortNames"] = list(short)
        crds.append(
            {
                "apiVersion": "apiextensions.k8s.io/v1",
                "kind": "CustomResourceDefinition",
                "metadata": {
                    "name": f"{plural}.{group}",
                    "annotations": {
                        "gateway.networking.k8s.io/bundle-version": BUNDLE_VERSION,
                        "gateway.networking.k8s.io/channel": CHANNEL,
                        SCHEMA_ANNOTATION: "none",
                    },
                },
                "spec": {
                    "group": group,
                    "names": names,
                    "scope": "Namespaced" if namespaced else "Cluster",
                    "versions": [
                        {
                            "name": name,
                            "served": True,
                            "storage": storage,
                            "schema": {
                                "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                            },
                            **({"subresources": {"status": {}}} if status else {}),
                        }
                        for name, storage in versions
                    ],
                },
            }
        )
    return crds
