"""Gateway API conformance features: name, resource, support level and release channel.

The names are upstream's ``FeatureName`` strings (kubernetes-sigs/gateway-api ``pkg/features``): they are
what GatewayClass ``status.supportedFeatures`` publishes, what ``--supported-features`` takes and what a
ConformanceReport lists, so they must match byte for byte. The level and channel are informational
metadata used by reports (upstream only prints the channel in test logs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from conformance.suggest import did_you_mean


class SupportLevel(StrEnum):
    CORE = "core"
    EXTENDED = "extended"
    UNLABELLED = "unlabelled"
    """UDPRoute: declared in a set of its own upstream; it is a core feature of GATEWAY-UDP."""


class Channel(StrEnum):
    STANDARD = "standard"
    EXPERIMENTAL = "experimental"


class FeatureName(StrEnum):
    GATEWAY = "Gateway"
    GATEWAY_PORT8080 = "GatewayPort8080"
    GATEWAY_STATIC_ADDRESSES = "GatewayStaticAddresses"
    GATEWAY_HTTP_LISTENER_ISOLATION = "GatewayHTTPListenerIsolation"
    GATEWAY_HTTPS_LISTENER_DETECT_MISDIRECTED_REQUESTS = "GatewayHTTPSListenerDetectMisdirectedRequests"
    GATEWAY_INFRASTRUCTURE_PROPAGATION = "GatewayInfrastructurePropagation"
    GATEWAY_ADDRESS_EMPTY = "GatewayAddressEmpty"
    LISTENER_SET = "ListenerSet"
    GATEWAY_BACKEND_CLIENT_CERTIFICATE = "GatewayBackendClientCertificate"
    GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION = "GatewayFrontendClientCertificateValidation"
    GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION_INSECURE_FALLBACK = (
        "GatewayFrontendClientCertificateValidationInsecureFallback"
    )
    HTTP_ROUTE = "HTTPRoute"
    HTTP_ROUTE_DESTINATION_PORT_MATCHING = "HTTPRouteDestinationPortMatching"
    HTTP_ROUTE_BACKEND_REQUEST_HEADER_MODIFICATION = "HTTPRouteBackendRequestHeaderModification"
    HTTP_ROUTE_QUERY_PARAM_MATCHING = "HTTPRouteQueryParamMatching"
    HTTP_ROUTE_METHOD_MATCHING = "HTTPRouteMethodMatching"
    HTTP_ROUTE_RESPONSE_HEADER_MODIFICATION = "HTTPRouteResponseHeaderModification"
    HTTP_ROUTE_PORT_REDIRECT = "HTTPRoutePortRedirect"
    HTTP_ROUTE_SCHEME_REDIRECT = "HTTPRouteSchemeRedirect"
    HTTP_ROUTE_PATH_REDIRECT = "HTTPRoutePathRedirect"
    HTTP_ROUTE_HOST_REWRITE = "HTTPRouteHostRewrite"
    HTTP_ROUTE_PATH_REWRITE = "HTTPRoutePathRewrite"
    HTTP_ROUTE_REQUEST_MIRROR = "HTTPRouteRequestMirror"
    HTTP_ROUTE_REQUEST_MULTIPLE_MIRRORS = "HTTPRouteRequestMultipleMirrors"
    HTTP_ROUTE_REQUEST_PERCENTAGE_MIRROR = "HTTPRouteRequestPercentageMirror"
    HTTP_ROUTE_REQUEST_TIMEOUT = "HTTPRouteRequestTimeout"
    HTTP_ROUTE_BACKEND_TIMEOUT = "HTTPRouteBackendTimeout"
    HTTP_ROUTE_PARENT_REF_PORT = "HTTPRouteParentRefPort"
    HTTP_ROUTE_BACKEND_PROTOCOL_H2C = "HTTPRouteBackendProtocolH2C"
    HTTP_ROUTE_BACKEND_PROTOCOL_WEBSOCKET = "HTTPRouteBackendProtocolWebSocket"
    HTTP_ROUTE_NAMED_ROUTE_RULE = "HTTPRouteNamedRouteRule"
    HTTP_ROUTE_CORS = "HTTPRouteCORS"
    HTTP_ROUTE_303_REDIRECT_STATUS_CODE = "HTTPRoute303RedirectStatusCode"
    HTTP_ROUTE_307_REDIRECT_STATUS_CODE = "HTTPRoute307RedirectStatusCode"
    HTTP_ROUTE_308_REDIRECT_STATUS_CODE = "HTTPRoute308RedirectStatusCode"
    HTTP_ROUTE_RETRY = "HTTPRouteRetry"
    HTTP_ROUTE_RETRY_BACKEND_TIMEOUT = "HTTPRouteRetryBackendTimeout"
    HTTP_ROUTE_RETRY_CONNECTION_ERROR = "HTTPRouteRetryConnectionError"
    HTTP_ROUTE_BACKEND_URL_REWRITE = "HTTPRouteBackendURLRewrite"
    HTTP_ROUTE_BACKEND_REQUEST_REDIRECT = "HTTPRouteBackendRequestRedirect"
    GRPC_ROUTE = "GRPCRoute"
    GRPC_ROUTE_NAMED_ROUTE_RULE = "GRPCRouteNamedRouteRule"
    GRPC_ROUTE_REQUEST_HEADER_MODIFIER = "GRPCRouteRequestHeaderModifier"
    TLS_ROUTE = "TLSRoute"
    TLS_ROUTE_MODE_TERMINATE = "TLSRouteModeTerminate"
    TLS_ROUTE_MODE_MIXED = "TLSRouteModeMixed"
    TCP_ROUTE = "TCPRoute"
    UDP_ROUTE = "UDPRoute"
    REFERENCE_GRANT = "ReferenceGrant"
    BACKEND_TLS_POLICY = "BackendTLSPolicy"
    BACKEND_TLS_POLICY_SAN_VALIDATION = "BackendTLSPolicySANValidation"
    MESH = "Mesh"
    MESH_CLUSTER_IP_MATCHING = "MeshClusterIPMatching"
    MESH_CONSUMER_ROUTE = "MeshConsumerRoute"
    MESH_HTTP_ROUTE_REWRITE_PATH = "MeshHTTPRouteRewritePath"
    MESH_HTTP_ROUTE_SCHEME_REDIRECT = "MeshHTTPRouteSchemeRedirect"
    MESH_HTTP_ROUTE_REDIRECT_PORT = "MeshHTTPRouteRedirectPort"
    MESH_HTTP_ROUTE_REDIRECT_PATH = "MeshHTTPRouteRedirectPath"
    MESH_HTTP_ROUTE_BACKEND_REQUEST_HEADER_MODIFICATION = "MeshHTTPRouteBackendRequestHeaderModification"
    MESH_HTTP_ROUTE_QUERY_PARAM_MATCHING = "MeshHTTPRouteQueryParamMatching"
    MESH_HTTP_ROUTE_NAMED_ROUTE_RULE = "MeshHTTPRouteNamedRouteRule"


@dataclass(frozen=True, slots=True)
class Feature:
    name: FeatureName
    resource: str
    """The API resource the feature is about; Mesh features are route behaviours in mesh (GAMMA) mode."""
    level: SupportLevel
    channel: Channel


def _f(name: FeatureName, resource: str, level: SupportLevel, channel: Channel) -> Feature:
    return Feature(name, resource, level, channel)


ALL_FEATURES: tuple[Feature, ...] = (
    _f(FeatureName.GATEWAY, "Gateway", SupportLevel.CORE, Channel.STANDARD),
    _f(FeatureName.GATEWAY_PORT8080, "Gateway", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.GATEWAY_STATIC_ADDRESSES, "Gateway", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.GATEWAY_HTTP_LISTENER_ISOLATION, "Gateway", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(
        FeatureName.GATEWAY_HTTPS_LISTENER_DETECT_MISDIRECTED_REQUESTS,
        "Gateway",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(FeatureName.GATEWAY_INFRASTRUCTURE_PROPAGATION, "Gateway", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.GATEWAY_ADDRESS_EMPTY, "Gateway", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.LISTENER_SET, "ListenerSet", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.GATEWAY_BACKEND_CLIENT_CERTIFICATE, "Gateway", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(
        FeatureName.GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION,
        "Gateway",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(
        FeatureName.GATEWAY_FRONTEND_CLIENT_CERTIFICATE_VALIDATION_INSECURE_FALLBACK,
        "Gateway",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(FeatureName.HTTP_ROUTE, "HTTPRoute", SupportLevel.CORE, Channel.STANDARD),
    _f(
        FeatureName.HTTP_ROUTE_DESTINATION_PORT_MATCHING,
        "HTTPRoute",
        SupportLevel.EXTENDED,
        Channel.EXPERIMENTAL,
    ),
    _f(
        FeatureName.HTTP_ROUTE_BACKEND_REQUEST_HEADER_MODIFICATION,
        "HTTPRoute",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(FeatureName.HTTP_ROUTE_QUERY_PARAM_MATCHING, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_METHOD_MATCHING, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(
        FeatureName.HTTP_ROUTE_RESPONSE_HEADER_MODIFICATION,
        "HTTPRoute",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(FeatureName.HTTP_ROUTE_PORT_REDIRECT, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_SCHEME_REDIRECT, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_PATH_REDIRECT, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_HOST_REWRITE, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_PATH_REWRITE, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_REQUEST_MIRROR, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_REQUEST_MULTIPLE_MIRRORS, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_REQUEST_PERCENTAGE_MIRROR, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_REQUEST_TIMEOUT, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_BACKEND_TIMEOUT, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_PARENT_REF_PORT, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_BACKEND_PROTOCOL_H2C, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(
        FeatureName.HTTP_ROUTE_BACKEND_PROTOCOL_WEBSOCKET,
        "HTTPRoute",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(FeatureName.HTTP_ROUTE_NAMED_ROUTE_RULE, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_CORS, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_303_REDIRECT_STATUS_CODE, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_307_REDIRECT_STATUS_CODE, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_308_REDIRECT_STATUS_CODE, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_RETRY, "HTTPRoute", SupportLevel.EXTENDED, Channel.EXPERIMENTAL),
    _f(FeatureName.HTTP_ROUTE_RETRY_BACKEND_TIMEOUT, "HTTPRoute", SupportLevel.EXTENDED, Channel.EXPERIMENTAL),
    _f(
        FeatureName.HTTP_ROUTE_RETRY_CONNECTION_ERROR,
        "HTTPRoute",
        SupportLevel.EXTENDED,
        Channel.EXPERIMENTAL,
    ),
    _f(FeatureName.HTTP_ROUTE_BACKEND_URL_REWRITE, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.HTTP_ROUTE_BACKEND_REQUEST_REDIRECT, "HTTPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.GRPC_ROUTE, "GRPCRoute", SupportLevel.CORE, Channel.STANDARD),
    _f(FeatureName.GRPC_ROUTE_NAMED_ROUTE_RULE, "GRPCRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.GRPC_ROUTE_REQUEST_HEADER_MODIFIER, "GRPCRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.TLS_ROUTE, "TLSRoute", SupportLevel.CORE, Channel.STANDARD),
    _f(FeatureName.TLS_ROUTE_MODE_TERMINATE, "TLSRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.TLS_ROUTE_MODE_MIXED, "TLSRoute", SupportLevel.EXTENDED, Channel.EXPERIMENTAL),
    _f(FeatureName.TCP_ROUTE, "TCPRoute", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.UDP_ROUTE, "UDPRoute", SupportLevel.UNLABELLED, Channel.STANDARD),
    _f(FeatureName.REFERENCE_GRANT, "ReferenceGrant", SupportLevel.CORE, Channel.STANDARD),
    _f(FeatureName.BACKEND_TLS_POLICY, "BackendTLSPolicy", SupportLevel.CORE, Channel.STANDARD),
    _f(
        FeatureName.BACKEND_TLS_POLICY_SAN_VALIDATION,
        "BackendTLSPolicy",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(FeatureName.MESH, "Mesh", SupportLevel.CORE, Channel.STANDARD),
    _f(FeatureName.MESH_CLUSTER_IP_MATCHING, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.MESH_CONSUMER_ROUTE, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.MESH_HTTP_ROUTE_REWRITE_PATH, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.MESH_HTTP_ROUTE_SCHEME_REDIRECT, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.MESH_HTTP_ROUTE_REDIRECT_PORT, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.MESH_HTTP_ROUTE_REDIRECT_PATH, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(
        FeatureName.MESH_HTTP_ROUTE_BACKEND_REQUEST_HEADER_MODIFICATION,
        "Mesh",
        SupportLevel.EXTENDED,
        Channel.STANDARD,
    ),
    _f(FeatureName.MESH_HTTP_ROUTE_QUERY_PARAM_MATCHING, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
    _f(FeatureName.MESH_HTTP_ROUTE_NAMED_ROUTE_RULE, "Mesh", SupportLevel.EXTENDED, Channel.STANDARD),
)

FEATURES: Mapping[FeatureName, Feature] = {feature.name: feature for feature in ALL_FEATURES}

#: Names used by older suites (before v1.0) and still found in published reports.
LEGACY_ALIASES: Mapping[str, FeatureName] = {
    "HTTPResponseHeaderModification": FeatureName.HTTP_ROUTE_RESPONSE_HEADER_MODIFICATION,
    "RouteDestinationPortMatching": FeatureName.HTTP_ROUTE_DESTINATION_PORT_MATCHING,
}


class UnknownFeatureError(ValueError):
    """A feature name that is neither current nor a legacy alias."""


def resolve_feature(name: str, *, where: str = "") -> FeatureName:
    """Turn a user- or report-supplied name into a FeatureName, accepting legacy aliases.

    ``where`` names the option or file the name came from, so the error can point at it.
    """
    name = name.strip()
    if name in FEATURES:
        return FeatureName(name)
    if name in LEGACY_ALIASES:
        return LEGACY_ALIASES[name]
    known = [str(f) for f in FeatureName]
    suffix = f" in {where}" if where else ""
    hint = did_you_mean(name, [*known, *LEGACY_ALIASES])
    raise UnknownFeatureError(
        f"{name!r} is not a known feature{suffix}.{hint} Run 'gwconf features' for the {len(known)} valid names."
    )


def resolve_features(names: Iterable[str], *, where: str = "") -> frozenset[FeatureName]:
    return frozenset(resolve_feature(n, where=where) for n in names if n.strip())
