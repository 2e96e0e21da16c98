"""Faults of the reference gateway's Gateway-level behaviour: ListenerSets, addresses, generated
infrastructure, listener ports and route attachment across parents.

Like the other faults modules, each entry is one mistake a real controller could ship; the modules that
implement the behaviour check the constants below with ``faults.on(fg.NAME)``.
"""

from __future__ import annotations

from conformance.local.faults import Fault

# ListenerSets
LISTENERSET_ALLOWED_LISTENERS_IGNORED = "listenerset-allowed-listeners-ignored"
LISTENERSET_SELECTOR_IGNORED = "listenerset-namespace-selector-ignored"
LISTENERSET_COUNT_UNACCEPTED = "attached-listenersets-count-unaccepted"
LISTENERSET_CONFLICTS_WITHOUT_PRECEDENCE = "listenerset-conflicts-without-precedence"
GATEWAY_PARENT_REACHES_LISTENERSETS = "gateway-parentref-reaches-listenerset-listeners"
LISTENERSET_SAME_MEANS_GATEWAY_NAMESPACE = "listenerset-same-namespace-is-gateways"
LISTENERSET_CERTIFICATES_AS_GATEWAY = "listenerset-certificates-checked-as-gateway"
LISTENERSET_PARENT_REPORTED_AS_GATEWAY = "listenerset-route-parent-reported-as-gateway"
# Gateways
PARAMETERS_REF_IGNORED = "gateway-parameters-ref-ignored"
UNSUPPORTED_ADDRESS_TYPE_ACCEPTED = "unsupported-address-type-accepted"
UNUSABLE_ADDRESS_PROGRAMMED = "unusable-static-address-programmed"
INFRASTRUCTURE_NOT_PROPAGATED = "infrastructure-metadata-not-propagated"
LONG_GATEWAY_NAMES_SKIPPED = "long-gateway-names-not-reconciled"
PORT_8080_RESERVED = "listener-port-8080-reserved"
REMOVED_LISTENERS_KEPT = "removed-listeners-kept-in-status"
# Routes and backends
ROUTE_KINDS_NOT_ENFORCED = "listener-route-kinds-not-enforced"
FIRST_PARENT_ONLY = "route-attaches-to-first-parent-only"
RULES_WITHOUT_BACKENDS_DROPPED = "rules-without-backends-dropped"
ENDPOINT_SLICES_IGNORED = "endpointslices-ignored"
UNSUPPORTED_LISTENERS_DROPPED = "unsupported-protocol-listeners-dropped"
NOT_ALLOWED_ROUTES_COUNTED = "not-allowed-routes-counted"
UNMATCHED_PARENT_REF_FALLS_BACK = "unmatched-parentref-attaches-to-gateway"
GRANTS_READ_FROM_REFERRER_NAMESPACE = "reference-grants-read-from-referrer-namespace"
UNRESOLVED_BACKEND_FAILS_ROUTE = "unresolved-backend-fails-whole-route"


def _fault(name: str, breaks: str) -> Fault:
    return Fault(name=name, component="controller", breaks=breaks)


GATEWAY_FAULTS: tuple[Fault, ...] = (
    _fault(
        LISTENERSET_ALLOWED_LISTENERS_IGNORED,
        "A Gateway's spec.allowedListeners is not evaluated: every ListenerSet naming the Gateway is attached.",
    ),
    _fault(
        LISTENERSET_SELECTOR_IGNORED,
        "allowedListeners.namespaces from: Selector admits ListenerSets from every namespace (the label "
        "selector is never evaluated).",
    ),
    _fault(
        LISTENERSET_COUNT_UNACCEPTED,
        "Gateway status.attachedListenerSets also counts ListenerSets that were not accepted.",
    ),
    _fault(
        LISTENERSET_CONFLICTS_WITHOUT_PRECEDENCE,
        "Conflicts between Gateway and ListenerSet listeners ignore the merge precedence: every conflicting "
        "listener loses, the Gateway's own included.",
    ),
    _fault(
        GATEWAY_PARENT_REACHES_LISTENERSETS,
        "A parentRef to a Gateway also binds to the listeners of its ListenerSets (and its sectionName can name them).",
    ),
    _fault(
        LISTENERSET_SAME_MEANS_GATEWAY_NAMESPACE,
        "allowedRoutes from: Same on a ListenerSet listener admits routes from the parent Gateway's namespace "
        "instead of the ListenerSet's.",
    ),
    _fault(
        LISTENERSET_CERTIFICATES_AS_GATEWAY,
        "certificateRefs of ListenerSet listeners are checked against ReferenceGrants as if the parent "
        "Gateway made them.",
    ),
    _fault(
        LISTENERSET_PARENT_REPORTED_AS_GATEWAY,
        "Route status entries for a ListenerSet parentRef name the ListenerSet's parent Gateway instead.",
    ),
    _fault(
        PARAMETERS_REF_IGNORED,
        "A Gateway's spec.infrastructure.parametersRef is ignored instead of making the Gateway InvalidParameters.",
    ),
    _fault(
        UNSUPPORTED_ADDRESS_TYPE_ACCEPTED,
        "spec.addresses entries of a type the gateway does not support are ignored instead of making the "
        "Gateway UnsupportedAddress.",
    ),
    _fault(
        UNUSABLE_ADDRESS_PROGRAMMED,
        "A static address the gateway cannot bind is skipped silently: the Gateway is Programmed on an "
        "assigned address instead of AddressNotUsable.",
    ),
    _fault(
        INFRASTRUCTURE_NOT_PROPAGATED,
        "spec.infrastructure labels and annotations are not copied onto the objects generated for the Gateway.",
    ),
    _fault(
        LONG_GATEWAY_NAMES_SKIPPED,
        "Gateways whose names are longer than 63 characters are never reconciled (generated object names "
        "are derived from them without shortening).",
    ),
    _fault(
        PORT_8080_RESERVED,
        "Listeners on port 8080 are rejected as PortUnavailable (the port is kept for the proxy's own admin endpoint).",
    ),
    _fault(
        REMOVED_LISTENERS_KEPT,
        "Listener status entries of listeners removed from the spec are kept in status.listeners.",
    ),
    _fault(
        ROUTE_KINDS_NOT_ENFORCED,
        "Routes attach to listeners whose allowedRoutes.kinds (or protocol) do not admit their kind.",
    ),
    _fault(
        FIRST_PARENT_ONLY,
        "A route with several parentRefs attaches only to its first parent; the others get no status entry.",
    ),
    _fault(
        RULES_WITHOUT_BACKENDS_DROPPED,
        "Route rules without backendRefs are dropped from the data plane, so their requests fall through to "
        "other rules (or 404) instead of getting a 500.",
    ),
    _fault(
        ENDPOINT_SLICES_IGNORED,
        "Services without a selector get no endpoints: manually managed EndpointSlices are never read.",
    ),
    _fault(
        UNSUPPORTED_LISTENERS_DROPPED,
        "Listeners of a protocol the gateway does not implement are left out of status.listeners instead of "
        "being reported UnsupportedProtocol.",
    ),
    _fault(
        NOT_ALLOWED_ROUTES_COUNTED,
        "Routes refused by a listener's allowedRoutes (NotAllowedByListeners) are still counted in its attachedRoutes.",
    ),
    _fault(
        UNMATCHED_PARENT_REF_FALLS_BACK,
        "A parentRef whose sectionName or port matches no listener attaches to the whole Gateway instead of "
        "being NoMatchingParent.",
    ),
    _fault(
        GRANTS_READ_FROM_REFERRER_NAMESPACE,
        "ReferenceGrants in the referring object's own namespace are honoured too, not only those in the "
        "namespace of the referent.",
    ),
    _fault(
        UNRESOLVED_BACKEND_FAILS_ROUTE,
        "One unresolved backendRef fails the whole route: every rule answers 500, not only the rules using it.",
    ),
)
