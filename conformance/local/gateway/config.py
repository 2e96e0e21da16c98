"""What the reference gateway's controller hands to its data plane.

The controller reads Gateway API objects, decides which routes attach to which listeners and which
backends they resolve to, and compiles the result into these frozen values. The data plane serves
exactly this and nothing else: it never reads the object store. Keeping the seam explicit makes both
halves testable alone (controller: objects in, status and config out; data plane: config in, traffic).

Route-level semantics that are resolved here (attachment, hostname intersection, ReferenceGrant
checks, backend resolution) never reach the data plane; request-time semantics (host and rule
matching with the spec's precedence, weights, filters, timeouts) are the data plane's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSONObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One ready pod behind a Service port."""

    address: str
    """Pod IP (a loopback address in the local environment)."""
    port: int
    """Container port the Service port targets."""
    pod: str
    """Pod name, for diagnostics."""


@dataclass(frozen=True, slots=True)
class BackendTLS:
    """How the gateway originates TLS to a backend (from the BackendTLSPolicy that applies to it)."""

    policy: str
    """``namespace/name`` of the policy, for diagnostics."""
    hostname: str
    """SNI, and the name the certificate must carry unless ``subject_alt_names`` are given."""
    ca_pem: bytes = b""
    """Trust anchors (PEM); empty with ``invalid`` set."""
    subject_alt_names: tuple[tuple[str, str], ...] = ()
    """(``Hostname`` | ``URI``, value): the certificate must carry one of them."""
    invalid: str | None = None
    """Why the policy cannot be used (no valid CA certificate): connections to the backend fail."""


@dataclass(frozen=True, slots=True)
class Backend:
    """One backendRef of a rule, resolved."""

    kind: str
    """``Service`` for Services; other kinds are only ever invalid here."""
    namespace: str
    name: str
    port: int | None
    weight: int
    endpoints: tuple[Endpoint, ...] = ()
    app_protocol: str | None = None
    filters: tuple[JSONObject, ...] = ()
    """backendRef-level filters, as the HTTPRouteFilter JSON of the route."""
    invalid: str | None = None
    """Why this backendRef cannot be used (a ResolvedRefs reason); requests that pick it get a 500."""
    tls: BackendTLS | None = None
    """TLS to the backend (a BackendTLSPolicy targets its Service port); None: plain text."""


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    type: str
    """``Exact`` or ``RegularExpression``."""
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Match:
    """One HTTPRouteMatch. Defaults follow the API: no path means PathPrefix ``/``."""

    path_type: str = "PathPrefix"
    path_value: str = "/"
    headers: tuple[HeaderMatch, ...] = ()
    query_params: tuple[HeaderMatch, ...] = ()
    method: str | None = None


@dataclass(frozen=True, slots=True)
class RouteRef:
    kind: str
    namespace: str
    name: str
    creation_timestamp: str
    """RFC 3339; the first precedence tie-break between routes."""


@dataclass(frozen=True, slots=True)
class Rule:
    route: RouteRef
    index: int
    """Position of the rule in the route (the last precedence tie-break)."""
    matches: tuple[Match, ...] = (Match(),)
    filters: tuple[JSONObject, ...] = ()
    """Rule-level filters, as the HTTPRouteFilter JSON of the route."""
    backends: tuple[Backend, ...] = ()
    name: str | None = None
    timeouts: JSONObject | None = None
    retry: JSONObject | None = None
    extra: JSONObject = field(default_factory=dict)
    """Room for later rule fields (session persistence, CORS, ...) without changing this seam."""
    mirrors: tuple[Backend, ...] = ()
    """The backendRefs of the rule-level ``RequestMirror`` filters, resolved, in the order those filters
    appear in ``filters`` (the data plane never reads the store, so it cannot resolve them itself)."""


@dataclass(frozen=True, slots=True)
class RouteConfig:
    """A route attached to one listener."""

    ref: RouteRef
    hostnames: tuple[str, ...]
    """Effective hostnames on this listener (route hostnames intersected with the listener's); empty = any."""
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class TLSConfig:
    """Certificate chain and key a listener terminates TLS with (PEM), plus client validation if any."""

    certificate_pem: bytes
    key_pem: bytes
    client_ca_pem: bytes | None = None
    extra: JSONObject = field(default_factory=dict)
    client_validation_mode: str = "AllowValidOnly"
    """With ``client_ca_pem``: ``AllowValidOnly`` (a valid client certificate is required) or
    ``AllowInsecureFallback`` (one is asked for, but any or none is accepted)."""


@dataclass(frozen=True, slots=True)
class ListenerConfig:
    name: str
    port: int
    protocol: str
    """``HTTP`` or ``HTTPS`` (others later)."""
    hostname: str | None
    routes: tuple[RouteConfig, ...] = ()
    tls: TLSConfig | None = None


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    namespace: str
    name: str
    address: str
    """The loopback address the Gateway's listeners are served on."""
    listeners: tuple[ListenerConfig, ...] = ()
    backend_client_certificate: TLSConfig | None = None
    """``spec.tls.backend.clientCertificateRef``: presented when the Gateway originates TLS to backends."""


@dataclass(frozen=True, slots=True)
class DataPlaneConfig:
    gateways: tuple[GatewayConfig, ...] = ()


@dataclass(frozen=True, slots=True)
class ListenerKey:
    namespace: str
    gateway: str
    listener: str


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What the data plane did with a config: which listeners serve, and where."""

    errors: dict[ListenerKey, str] = field(default_factory=dict)
    """Listeners that could not be served, with the reason (e.g. the port is taken)."""
    connect_to: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    """(address, listener port) -> (address, port actually bound), where they differ (unprivileged runs)."""
