"""Faults of the reference gateway's controller: each one breaks a single status or attachment rule.

Every fault here is a mistake a real controller could plausibly ship (forgetting to bump
observedGeneration, skipping the ReferenceGrant lookup, counting attached routes wrongly, ...). The
controller modules test the constants below with ``faults.on(NAME)``; nothing else changes when a fault
is on, so ``gwconf selfcheck`` can show which conformance tests notice each one.
"""

from __future__ import annotations

from conformance.local.faults import Fault

GATEWAYCLASS_STALE_GENERATION = "gatewayclass-stale-observed-generation"
GATEWAY_STALE_GENERATION = "gateway-stale-observed-generation"
HTTPROUTE_STALE_GENERATION = "httproute-stale-observed-generation"
KEEP_INVALID_ROUTE_KINDS = "keep-invalid-route-kinds"
UNSUPPORTED_PROTOCOL_ACCEPTED = "unsupported-protocol-accepted"
MISSING_CERTIFICATE_RESOLVED = "missing-certificate-reported-resolved"
IGNORE_CERTIFICATE_REFERENCE_GRANTS = "ignore-certificate-reference-grants"
ATTACHED_ROUTES_NOT_COUNTED = "attached-routes-not-counted"
ATTACHED_ROUTES_COUNT_REJECTED = "attached-routes-count-rejected"
IGNORE_NAMESPACE_SELECTOR = "ignore-namespace-selector"
ALLOW_ROUTES_FROM_ALL_NAMESPACES = "allow-routes-from-all-namespaces"
IGNORE_SECTION_NAME = "ignore-parentref-section-name"
IGNORE_PARENT_PORT = "ignore-parentref-port"
IGNORE_HOSTNAME_INTERSECTION = "ignore-hostname-intersection"
IGNORE_REFERENCE_GRANTS = "ignore-reference-grants"
REFUSE_CROSS_NAMESPACE_BACKENDS = "refuse-cross-namespace-backends"
REFERENCE_GRANT_NAME_IGNORED = "reference-grant-to-name-ignored"
REFERENCE_GRANT_DELETION_IGNORED = "reference-grant-deletion-ignored"
UNKNOWN_KIND_REPORTED_NOT_FOUND = "unknown-backend-kind-reported-not-found"
MISSING_BACKEND_RESOLVED = "missing-backend-reported-resolved"
RULES_WITHOUT_MATCHES_NOT_ROUTED = "rules-without-matches-not-routed"


def _fault(name: str, breaks: str) -> Fault:
    return Fault(name=name, component="controller", breaks=breaks)


CONTROLLER_FAULTS: tuple[Fault, ...] = (
    _fault(
        GATEWAYCLASS_STALE_GENERATION,
        "GatewayClass conditions keep the observedGeneration they had before a spec change.",
    ),
    _fault(
        GATEWAY_STALE_GENERATION,
        "Gateway conditions keep the observedGeneration they had before a spec change.",
    ),
    _fault(
        HTTPROUTE_STALE_GENERATION,
        "HTTPRoute parent conditions keep the observedGeneration they had before a spec change.",
    ),
    _fault(
        KEEP_INVALID_ROUTE_KINDS,
        "Listeners keep unknown allowedRoutes.kinds in supportedKinds and report ResolvedRefs True for them.",
    ),
    _fault(
        UNSUPPORTED_PROTOCOL_ACCEPTED,
        "Listeners with a protocol the gateway does not implement are reported Accepted instead of "
        "UnsupportedProtocol.",
    ),
    _fault(
        MISSING_CERTIFICATE_RESOLVED,
        "An HTTPS listener whose certificateRef points at a missing Secret reports ResolvedRefs True.",
    ),
    _fault(
        IGNORE_CERTIFICATE_REFERENCE_GRANTS,
        "Cross-namespace listener certificateRefs are used without checking for a ReferenceGrant.",
    ),
    _fault(
        ATTACHED_ROUTES_NOT_COUNTED,
        "Listener status attachedRoutes is always 0.",
    ),
    _fault(
        ATTACHED_ROUTES_COUNT_REJECTED,
        "Listener attachedRoutes also counts routes rejected for having no intersecting hostname.",
    ),
    _fault(
        IGNORE_NAMESPACE_SELECTOR,
        "allowedRoutes.namespaces from: Selector is treated as Same (the label selector is never evaluated).",
    ),
    _fault(
        ALLOW_ROUTES_FROM_ALL_NAMESPACES,
        "allowedRoutes.namespaces is ignored: routes from any namespace attach to every listener.",
    ),
    _fault(
        IGNORE_SECTION_NAME,
        "parentRef sectionName is ignored: routes attach to every listener of the Gateway.",
    ),
    _fault(
        IGNORE_PARENT_PORT,
        "parentRef port is ignored: routes attach to listeners on any port.",
    ),
    _fault(
        IGNORE_HOSTNAME_INTERSECTION,
        "Routes whose hostnames intersect no listener hostname are accepted and served on their own names.",
    ),
    _fault(
        IGNORE_REFERENCE_GRANTS,
        "Cross-namespace backendRefs are allowed without a ReferenceGrant.",
    ),
    _fault(
        REFUSE_CROSS_NAMESPACE_BACKENDS,
        "ReferenceGrants are not honoured: cross-namespace backendRefs are always RefNotPermitted.",
    ),
    _fault(
        REFERENCE_GRANT_NAME_IGNORED,
        "A ReferenceGrant's to.name is ignored, so a grant for one object permits every object of that kind.",
    ),
    _fault(
        REFERENCE_GRANT_DELETION_IGNORED,
        "Deleting a ReferenceGrant does not revoke the references it permitted.",
    ),
    _fault(
        UNKNOWN_KIND_REPORTED_NOT_FOUND,
        "A backendRef of an unknown group/kind is reported as BackendNotFound instead of InvalidKind.",
    ),
    _fault(
        MISSING_BACKEND_RESOLVED,
        "A backendRef to a missing Service is reported ResolvedRefs True (requests still get 500).",
    ),
    _fault(
        RULES_WITHOUT_MATCHES_NOT_ROUTED,
        "A rule without matches matches no request (the default PathPrefix / match is never applied when the "
        "API server did not fill it in).",
    ),
)
