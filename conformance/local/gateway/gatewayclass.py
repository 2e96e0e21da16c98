"""GatewayClass status: acceptance and the features this reference gateway implements.

Spec (``GatewayClassStatus``): the controller named by ``spec.controllerName`` sets ``Accepted``
(reasons Accepted / InvalidParameters / Unsupported ...), and may publish ``supportedFeatures``, which
the conformance suite reads to decide what to run when no features are given explicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.local.gateway.conditions import Cond, render_conditions
from conformance.local.gateway.snapshot import as_str, generation_of, spec_of, status_of

if TYPE_CHECKING:
    from conformance.local.api.protocol import JSONObject

#: Gateway API features (upstream ``pkg/features`` names) this reference gateway implements today.
#: The features this reference gateway implements, published in GatewayClass status.supportedFeatures (so a
#: default run tests exactly these). One per line: each feature arrives with its implementation and tests.
SUPPORTED_FEATURES: tuple[str, ...] = (
    "Gateway",
    "HTTPRoute",
    "ReferenceGrant",
    "ListenerSet",
    "GatewayStaticAddresses",
    "GatewayAddressEmpty",
    "GatewayInfrastructurePropagation",
    "GatewayHTTPListenerIsolation",
    "HTTPRouteParentRefPort",
    "HTTPRouteDestinationPortMatching",
    "GatewayHTTPSListenerDetectMisdirectedRequests",
    "GatewayFrontendClientCertificateValidation",
    "GatewayFrontendClientCertificateValidationInsecureFallback",
    "GatewayBackendClientCertificate",
    "BackendTLSPolicy",
    "BackendTLSPolicySANValidation",
    "HTTPRouteBackendProtocolH2C",
    "HTTPRouteBackendProtocolWebSocket",
    "HTTPRouteResponseHeaderModification",
    "HTTPRouteBackendRequestHeaderModification",
    "HTTPRouteSchemeRedirect",
    "HTTPRoutePathRedirect",
    "HTTPRoutePortRedirect",
    "HTTPRoute303RedirectStatusCode",
    "HTTPRoute307RedirectStatusCode",
    "HTTPRoute308RedirectStatusCode",
    "HTTPRouteHostRewrite",
    "HTTPRoutePathRewrite",
    "HTTPRouteBackendURLRewrite",
    "HTTPRouteBackendRequestRedirect",
    "HTTPRouteCORS",
    "HTTPRouteRequestTimeout",
    "HTTPRouteBackendTimeout",
    "HTTPRouteRetry",
    "HTTPRouteRetryBackendTimeout",
    "HTTPRouteRetryConnectionError",
    "HTTPRouteRequestMirror",
    "HTTPRouteRequestMultipleMirrors",
    "HTTPRouteRequestPercentageMirror",
    "HTTPRouteMethodMatching",
    "HTTPRouteQueryParamMatching",
    "HTTPRouteNamedRouteRule",
    "GatewayPort8080",
)

GATEWAYCLASS_CONDITION_TYPES = frozenset({"Accepted"})


def is_ours(gateway_class: JSONObject, controller_name: str) -> bool:
    return as_str(spec_of(gateway_class).get("controllerName")) == controller_name


def accepted_condition(gateway_class: JSONObject) -> Cond:
    if spec_of(gateway_class).get("parametersRef"):
        # GatewayClassSpec.parametersRef: a referent of an unsupported kind makes the class
        # InvalidParameters; this implementation has no parameters of any kind.
        return Cond("Accepted", False, "InvalidParameters", "this controller takes no parametersRef")
    return Cond("Accepted", True, "Accepted")


def gatewayclass_status(gateway_class: JSONObject, now: str, *, stale_generation: bool = False) -> JSONObject:
    previous = status_of(gateway_class)
    status = dict(previous)
    status["conditions"] = render_conditions(
        [accepted_condition(gateway_class)],
        previous.get("conditions"),
        generation_of(gateway_class),
        now,
        owned=GATEWAYCLASS_CONDITION_TYPES,
        stale_generation=stale_generation,
    )
    status["supportedFeatures"] = [{"name": name} for name in sorted(SUPPORTED_FEATURES)]
    return status
