"""Faults of the TLS, HTTP/2 and WebSocket behaviour of the reference gateway.

Each breaks one piece of what ``Gateway.spec.tls`` (frontend client validation, backend client
certificate), ``BackendTLSPolicy`` (CA, hostname and SAN checks, status and conflict rules), listener
certificate references, misdirected-request detection and the ``kubernetes.io/h2c`` / ``kubernetes.io/ws``
backend protocols ask for, the way a real implementation might get it wrong.
"""

from __future__ import annotations

from conformance.local.faults import Fault

# controller
FRONTEND_PER_PORT_IGNORED = "frontend-validation-per-port-ignored"
FRONTEND_CA_REF_ERRORS_IGNORED = "frontend-ca-ref-errors-ignored"
INSECURE_MODE_CONDITION_MISSING = "insecure-frontend-mode-condition-missing"
CERTIFICATE_GRANTS_REFUSED = "certificate-reference-grants-refused"
CERTIFICATE_REF_KIND_UNCHECKED = "certificate-ref-kind-unchecked"
CERTIFICATE_REF_NAMESPACE_IGNORED = "certificate-ref-namespace-ignored"
BACKEND_CLIENT_CERT_REF_UNCHECKED = "backend-client-certificate-ref-unchecked"
POLICY_CONFLICT_NEWEST_WINS = "backendtlspolicy-conflict-newest-wins"
POLICY_STALE_GENERATION = "backendtlspolicy-stale-observed-generation"
POLICY_INVALID_CA_ACCEPTED = "backendtlspolicy-invalid-ca-reported-accepted"
POLICY_INVALID_KIND_AS_REF = "backendtlspolicy-invalid-kind-reported-as-invalid-ref"
# data plane
CLIENT_CERT_NOT_REQUESTED = "frontend-client-certificate-not-requested"
INSECURE_FALLBACK_ENFORCED = "frontend-insecure-fallback-enforced"
MISDIRECTED_NOT_DETECTED = "misdirected-requests-not-detected"
DEFAULT_CERTIFICATE_SERVED = "tls-default-certificate-served"
BACKEND_TLS_NO_SNI = "backend-tls-without-sni"
BACKEND_TLS_NOT_VERIFIED = "backend-tls-certificate-not-verified"
BACKEND_TLS_SANS_IGNORED = "backend-tls-subject-alt-names-ignored"
BACKEND_CLIENT_CERT_NOT_SENT = "backend-client-certificate-not-sent"
H2C_BACKEND_HTTP11 = "h2c-backend-spoken-http11"
WEBSOCKET_UPGRADE_DROPPED = "websocket-upgrade-dropped"

TLS_FAULTS: tuple[Fault, ...] = (
    Fault(
        FRONTEND_PER_PORT_IGNORED,
        "controller",
        "Gateway spec.tls.frontend.perPort is ignored: every HTTPS port validates clients with the default settings.",
    ),
    Fault(
        FRONTEND_CA_REF_ERRORS_IGNORED,
        "controller",
        "Invalid frontend caCertificateRefs (missing, wrong kind, not permitted) are skipped silently: the listener "
        "stays Accepted and ResolvedRefs and validates no client certificate.",
    ),
    Fault(
        INSECURE_MODE_CONDITION_MISSING,
        "controller",
        "A Gateway using AllowInsecureFallback client validation never reports InsecureFrontendValidationMode.",
    ),
    Fault(
        CERTIFICATE_GRANTS_REFUSED,
        "controller",
        "ReferenceGrants are not honoured for listener certificateRefs: cross-namespace Secrets are always "
        "RefNotPermitted.",
    ),
    Fault(
        CERTIFICATE_REF_KIND_UNCHECKED,
        "controller",
        "Listener certificateRefs are looked up as Secrets by name whatever their group and kind.",
    ),
    Fault(
        CERTIFICATE_REF_NAMESPACE_IGNORED,
        "controller",
        "The namespace of a listener certificateRef is ignored: the Secret is looked up in the Gateway's namespace.",
    ),
    Fault(
        BACKEND_CLIENT_CERT_REF_UNCHECKED,
        "controller",
        "An unusable spec.tls.backend.clientCertificateRef (missing, wrong kind, malformed, not permitted) leaves the "
        "Gateway's ResolvedRefs True.",
    ),
    Fault(
        POLICY_CONFLICT_NEWEST_WINS,
        "controller",
        "BackendTLSPolicies targeting the same Service (and sectionName) are resolved newest first: the wrong policy "
        "wins and the older one is reported Conflicted.",
    ),
    Fault(
        POLICY_STALE_GENERATION,
        "controller",
        "BackendTLSPolicy ancestor conditions keep the observedGeneration they had before a spec change.",
    ),
    Fault(
        POLICY_INVALID_CA_ACCEPTED,
        "controller",
        "A BackendTLSPolicy whose CA ConfigMap is missing or has no ca.crt is reported Accepted and ResolvedRefs "
        "(requests still fail).",
    ),
    Fault(
        POLICY_INVALID_KIND_AS_REF,
        "controller",
        "A BackendTLSPolicy caCertificateRef of an unsupported kind is reported InvalidCACertificateRef instead of "
        "InvalidKind.",
    ),
    Fault(
        CLIENT_CERT_NOT_REQUESTED,
        "dataplane",
        "HTTPS listeners never ask clients for a certificate, whatever the Gateway's frontend validation says.",
    ),
    Fault(
        INSECURE_FALLBACK_ENFORCED,
        "dataplane",
        "AllowInsecureFallback client validation is enforced like AllowValidOnly: clients without a valid "
        "certificate are refused.",
    ),
    Fault(
        MISDIRECTED_NOT_DETECTED,
        "dataplane",
        "Requests whose Host belongs to another HTTPS listener than the SNI chose are routed instead of answered 421.",
    ),
    Fault(
        DEFAULT_CERTIFICATE_SERVED,
        "dataplane",
        "HTTPS listeners serve a built-in self-signed certificate instead of the one their certificateRefs name.",
    ),
    Fault(
        BACKEND_TLS_NO_SNI,
        "dataplane",
        "TLS to backends is originated without SNI (the BackendTLSPolicy hostname is only used for verification).",
    ),
    Fault(
        BACKEND_TLS_NOT_VERIFIED,
        "dataplane",
        "Backend certificates are not verified against the BackendTLSPolicy CA certificates.",
    ),
    Fault(
        BACKEND_TLS_SANS_IGNORED,
        "dataplane",
        "BackendTLSPolicy subjectAltNames are ignored: backend certificates are checked against the hostname only.",
    ),
    Fault(
        BACKEND_CLIENT_CERT_NOT_SENT,
        "dataplane",
        "The Gateway's backend client certificate is never presented when it originates TLS to backends.",
    ),
    Fault(
        H2C_BACKEND_HTTP11,
        "dataplane",
        "Backends whose Service port has appProtocol kubernetes.io/h2c are spoken to with HTTP/1.1.",
    ),
    Fault(
        WEBSOCKET_UPGRADE_DROPPED,
        "dataplane",
        "The Upgrade header is stripped like any hop-by-hop field: WebSocket handshakes reach backends as plain GETs.",
    ),
)
