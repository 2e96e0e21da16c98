"""Faults of the reference gateway's data plane: each breaks one request-time behaviour of the spec.

Each is a mistake real proxies have made (or could plausibly make) when translating Gateway API config;
``gwconf selfcheck`` uses them to show that some conformance test fails when the behaviour is wrong.
The data plane checks them by the constant names below.
"""

from __future__ import annotations

from conformance.local.faults import Fault

HEADER_MATCHES_IGNORED = "header-matches-ignored"
HEADER_NAMES_CASE_SENSITIVE = "header-names-case-sensitive"
QUERY_PARAM_MATCHES_IGNORED = "query-param-matches-ignored"
METHOD_MATCHES_IGNORED = "method-matches-ignored"
EXACT_PATH_AS_PREFIX = "exact-path-as-prefix"
PREFIX_NOT_SEGMENT_AWARE = "prefix-not-segment-aware"
PATH_MATCH_CASE_INSENSITIVE = "path-match-case-insensitive"
LISTENER_FIRST_ON_PORT = "listener-first-on-port"
WILDCARD_SINGLE_LABEL = "wildcard-hostname-single-label"
HOST_PORT_NOT_STRIPPED = "host-port-not-stripped"
ROUTE_HOSTNAMES_IGNORED = "route-hostnames-ignored"
PRECEDENCE_WITHIN_ROUTE_ONLY = "precedence-within-route-only"
RULE_ORDER_TIEBREAK_REVERSED = "rule-order-tiebreak-reversed"
WEIGHTS_IGNORED = "backend-weights-ignored"
INVALID_BACKEND_503 = "invalid-backend-503"
HOST_HEADER_NOT_PRESERVED = "host-header-not-preserved"
TLS_LISTENER_SNI_IGNORED = "tls-listener-sni-ignored"

DATAPLANE_FAULTS: tuple[Fault, ...] = (
    Fault(HEADER_MATCHES_IGNORED, "dataplane", "HTTPRoute header matches are ignored: any headers match."),
    Fault(
        HEADER_NAMES_CASE_SENSITIVE,
        "dataplane",
        "Header match names are compared case-sensitively with the request's header names.",
    ),
    Fault(QUERY_PARAM_MATCHES_IGNORED, "dataplane", "HTTPRoute query parameter matches are ignored."),
    Fault(METHOD_MATCHES_IGNORED, "dataplane", "HTTPRoute method matches are ignored: any method matches."),
    Fault(EXACT_PATH_AS_PREFIX, "dataplane", "Exact path matches are applied as PathPrefix matches."),
    Fault(
        PREFIX_NOT_SEGMENT_AWARE,
        "dataplane",
        "PathPrefix matches by characters, not path elements: /v2 also matches /v2example.",
    ),
    Fault(PATH_MATCH_CASE_INSENSITIVE, "dataplane", "Path matches ignore letter case."),
    Fault(
        LISTENER_FIRST_ON_PORT,
        "dataplane",
        "A request goes to the first listener on the port whose hostname matches, not the most specific one.",
    ),
    Fault(
        WILDCARD_SINGLE_LABEL,
        "dataplane",
        "A wildcard hostname *.example.com matches only one label (foo.example.com, not foo.bar.example.com).",
    ),
    Fault(
        HOST_PORT_NOT_STRIPPED,
        "dataplane",
        "The port in the Host header is kept when matching hostnames, so host:1234 matches no hostname.",
    ),
    Fault(
        ROUTE_HOSTNAMES_IGNORED,
        "dataplane",
        "Route hostnames are not checked at request time: a route serves every Host its listener accepts.",
    ),
    Fault(
        PRECEDENCE_WITHIN_ROUTE_ONLY,
        "dataplane",
        "Match precedence is applied within each route only; routes are tried oldest first as whole units.",
    ),
    Fault(
        RULE_ORDER_TIEBREAK_REVERSED,
        "dataplane",
        "Among equally specific matches the last rule (and last match) wins instead of the first.",
    ),
    Fault(
        WEIGHTS_IGNORED,
        "dataplane",
        "backendRef weights are ignored: requests are spread evenly over every backendRef, weight 0 included.",
    ),
    Fault(
        INVALID_BACKEND_503,
        "dataplane",
        "Requests routed to an invalid backendRef get 503 instead of the required 500.",
    ),
    Fault(
        HOST_HEADER_NOT_PRESERVED,
        "dataplane",
        "The proxy replaces the Host header with the backend's address instead of forwarding it unmodified.",
    ),
    Fault(
        TLS_LISTENER_SNI_IGNORED,
        "dataplane",
        "TLS ignores the SNI: every handshake on a port gets the certificate of its first HTTPS listener.",
        # Every HTTPS listener sharing a port in the GATEWAY-HTTP bundles serves the same certificate.
        awaiting="GATEWAY-TLS: TLSRoute listeners on one port with a certificate each",
    ),
)
