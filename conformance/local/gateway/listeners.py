"""Listener validation: protocol, route kinds, TLS certificates and conflicts, and the listener status.

Rules come from the Gateway API field docs:

* ``ProtocolType``: a protocol the implementation does not support gets Accepted False /
  UnsupportedProtocol.
* ``AllowedRoutes.kinds`` / ``ListenerStatus.supportedKinds``: kinds that are not supported for the
  listener's protocol are dropped from supportedKinds and set ResolvedRefs False / InvalidRouteKinds;
  with no kinds given, the protocol decides.
* ``ListenerTLSConfig.certificateRefs``: a reference to a missing, unsupported or malformed object is
  ResolvedRefs False / InvalidCertificateRef; a cross-namespace reference without a ReferenceGrant is
  RefNotPermitted.
* ``GatewaySpec.listeners`` ("Handling indistinct Listeners"): listeners that are not distinct are
  Conflicted, and none of them may be accepted (no winner is picked).
* ``OverlappingTLSConfig`` (listener condition): TLS listeners on one port whose hostnames overlap
  MUST be flagged; the condition is negative-polarity and only present when True.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway.conditions import Cond, render_conditions
from conformance.local.gateway.config import TLSConfig
from conformance.local.gateway.frontend_tls import with_frontend_validation
from conformance.local.gateway.grants import Reference, reference_permitted
from conformance.local.gateway.hostnames import overlap
from conformance.local.gateway.snapshot import (
    CORE_GROUP,
    GATEWAY_GROUP,
    Snapshot,
    as_dict,
    as_list,
    as_str,
    namespace_of,
    opt_int,
    opt_str,
    spec_of,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults

RouteKind = tuple[str, str]
"""(group, kind) of a route type."""

HTTP_ROUTE: RouteKind = (GATEWAY_GROUP, "HTTPRoute")
TLS_ROUTE: RouteKind = (GATEWAY_GROUP, "TLSRoute")

#: Protocols this gateway serves, and the route kinds each accepts by default. Grows with the data plane.
PROTOCOL_ROUTE_KINDS: dict[str, tuple[RouteKind, ...]] = {
    "HTTP": (HTTP_ROUTE,),
    "HTTPS": (HTTP_ROUTE,),
    # Passthrough TLS listeners validate (so Gateways mixing them are accepted), but no TLSRoute ever
    # attaches: this controller does not read TLSRoutes, and the data plane does not bind such ports yet.
    "TLS": (TLS_ROUTE,),
}

# Listeners whose protocols share a family can share a port and are told apart by hostname (Host
# header or SNI). Different TCP-based families on one port are never distinct (GatewaySpec.listeners).
_FAMILY = {"HTTP": "http", "HTTPS": "tls", "TLS": "tls", "TCP": "tcp", "UDP": "udp"}
_STREAM_FAMILIES = frozenset({"http", "tls", "tcp"})

INVALID_CERT = "InvalidCertificateRef"

LISTENER_CONDITION_TYPES = frozenset(
    {
        "Accepted",
        "Programmed",
        "ResolvedRefs",
        "Conflicted",
        "OverlappingTLSConfig",
    }
)


@dataclass(frozen=True, slots=True)
class ListenerState:
    """One spec listener after validation (everything but route attachment)."""

    index: int
    name: str
    port: int
    protocol: str
    hostname: str | None
    namespaces: JSONObject
    """``allowedRoutes.namespaces`` as written (``from`` defaults to Same)."""
    supported_kinds: tuple[RouteKind, ...]
    accepted: Cond
    resolved_refs: Cond
    conflicted: Cond
    not_programmed: Cond | None
    """Why the listener cannot be handed to the data plane; None when it can."""
    tls: TLSConfig | None = None
    overlapping: Cond | None = None
    """OverlappingTLSConfig True when another TLS listener on the port shares hostnames."""

    @property
    def servable(self) -> bool:
        return self.not_programmed is None


def _route_kinds(
    protocol: str, allowed_routes: dict[str, Any], faults: ActiveFaults
) -> tuple[tuple[RouteKind, ...], list[str]]:
    """(supported kinds, names of the invalid requested kinds)."""
    defaults = PROTOCOL_ROUTE_KINDS.get(protocol, ())
    requested = [as_dict(k) for k in as_list(allowed_routes.get("kinds"))]
    if not requested:
        return defaults, []
    supported: list[RouteKind] = []
    invalid: list[str] = []
    for entry in requested:
        # RouteGroupKind.group defaults to gateway.networking.k8s.io.
        group = entry["group"] if isinstance(entry.get("group"), str) else GATEWAY_GROUP
        kind = (group, as_str(entry.get("kind")))
        if kind in defaults or (defaults and faults.on(fc.KEEP_INVALID_ROUTE_KINDS)):
            if kind not in supported:
                supported.append(kind)
        else:
            invalid.append(f"{group}/{kind[1]}" if group else kind[1])
    return tuple(supported), invalid


@functools.lru_cache(maxsize=256)
def _pem_problem(cert_pem: bytes, key_pem: bytes) -> str | None:
    """Why this certificate/key pair cannot serve TLS, or None. Cached: the same Secret is checked on
    every reconcile pass."""
    try:
        chain = x509.load_pem_x509_certificates(cert_pem)
    except ValueError:
        return "tls.crt does not hold a PEM certificate"
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return "tls.key does not hold an unencrypted PEM private key"
    der = serialization.Encoding.DER
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if chain[0].public_key().public_bytes(der, spki) != key.public_key().public_bytes(der, spki):
        return "tls.key does not match the certificate in tls.crt"
    return None


def _secret_bytes(secret: JSONObject, key: str) -> bytes | None:
    data = as_dict(secret.get("data"))
    if isinstance(data.get(key), str):
        try:
            return base64.b64decode(data[key], validate=True)
        except (binascii.Error, ValueError):
            return None
    text = as_dict(secret.get("stringData")).get(key)
    return text.encode() if isinstance(text, str) else None


def _resolve_certificates(
    gateway: JSONObject, listener: dict[str, Any], snapshot: Snapshot, faults: ActiveFaults
) -> tuple[TLSConfig | None, Cond | None]:
    """(TLS config from the first usable certificateRef, ResolvedRefs problem of the first bad ref)."""
    tls = as_dict(listener.get("tls"))
    gw_ns = namespace_of(gateway)
    if as_str(tls.get("mode"), "Terminate") != "Terminate":
        return None, Cond("ResolvedRefs", False, INVALID_CERT, "HTTPS listeners must terminate TLS")
    refs = [as_dict(r) for r in as_list(tls.get("certificateRefs"))]
    if not refs:
        return None, Cond("ResolvedRefs", False, INVALID_CERT, "no certificateRefs to terminate TLS")
    usable: TLSConfig | None = None
    problem: Cond | None = None
    for ref in refs:
        # SecretObjectReference: group defaults to "" (core), kind to Secret, namespace to the Gateway's.
        group = as_str(ref.get("group"), CORE_GROUP)
        kind = as_str(ref.get("kind"), "Secret")
        name = as_str(ref.get("name"))
        ns = as_str(ref.get("namespace")) or gw_ns
        if faults.on(ft.CERTIFICATE_REF_NAMESPACE_IGNORED):
            ns = gw_ns
        issue: Cond | None = None
        if (group, kind) != (CORE_GROUP, "Secret") and not faults.on(ft.CERTIFICATE_REF_KIND_UNCHECKED):
            issue = Cond(
                "ResolvedRefs",
                False,
                INVALID_CERT,
                f"certificateRef {group}/{kind} {ns}/{name}: only core Secrets are supported",
            )
        elif not faults.on(fc.IGNORE_CERTIFICATE_REFERENCE_GRANTS) and (
            not reference_permitted(
                # The referrer is the listener's owner: a Gateway, or a ListenerSet (listenersets.py).
                Reference(
                    GATEWAY_GROUP, as_str(gateway.get("kind")) or "Gateway", gw_ns, CORE_GROUP, "Secret", ns, name
                ),
                snapshot,
                faults,
            )
            or (ns != gw_ns and faults.on(ft.CERTIFICATE_GRANTS_REFUSED))
        ):
            issue = Cond(
                "ResolvedRefs",
                False,
                "RefNotPermitted",
                f"certificateRef to Secret {ns}/{name} is not permitted by any ReferenceGrant",
            )
        elif (ns, name) not in snapshot.secrets:
            if not faults.on(fc.MISSING_CERTIFICATE_RESOLVED):
                issue = Cond("ResolvedRefs", False, INVALID_CERT, f"Secret {ns}/{name} does not exist")
        else:
            secret = snapshot.secrets[(ns, name)]
            cert, key = _secret_bytes(secret, "tls.crt"), _secret_bytes(secret, "tls.key")
            reason = _pem_problem(cert, key) if cert and key else "Secret lacks tls.crt or tls.key"
            if reason is not None:
                issue = Cond("ResolvedRefs", False, INVALID_CERT, f"Secret {ns}/{name}: {reason}")
            elif usable is None and cert is not None and key is not None:
                usable = TLSConfig(certificate_pem=cert, key_pem=key)
        if issue is not None and problem is None:
            problem = issue
    return usable, problem


def _passthrough(listener: dict[str, Any]) -> bool:
    return as_str(as_dict(listener.get("tls")).get("mode")) == "Passthrough"


Candidate = tuple[int, int, str, str | None]
"""(index, port, protocol, hostname) of a listener of a supported protocol."""


def _conflicts(candidates: Sequence[Candidate]) -> dict[int, Cond]:
    """Conflicted conditions by listener index, from (index, port, protocol, hostname) of listeners."""
    by_port: dict[int, list[Candidate]] = defaultdict(list)
    for item in candidates:
        by_port[item[1]].append(item)
    found: dict[int, Cond] = {}
    for port, group in by_port.items():
        families = {_FAMILY.get(proto, proto) for _, _, proto, _ in group} & _STREAM_FAMILIES
        if len(families) > 1:
            for index, _, proto, _ in group:
                if _FAMILY.get(proto, proto) in families:
                    message = f"port {port} is shared by listeners of incompatible protocols"
                    found[index] = Cond("Conflicted", True, "ProtocolConflict", message)
            continue
        same_host: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, _, proto, hostname in group:
            same_host[(_FAMILY.get(proto, proto), hostname or "")].append(index)
        for (_, hostname), indexes in same_host.items():
            if len(indexes) > 1:
                message = f"port {port} has several listeners for hostname {hostname or '(any)'}"
                for index in indexes:
                    found[index] = Cond("Conflicted", True, "HostnameConflict", message)
    return found


def _overlapping(candidates: Sequence[Candidate], conflicts: dict[int, Cond]) -> dict[int, Cond]:
    tls = [c for c in candidates if _FAMILY.get(c[2]) == "tls" and c[0] not in conflicts]
    found: dict[int, Cond] = {}
    for index, port, _, hostname in tls:
        others = [o for o in tls if o[0] != index and o[1] == port and overlap(hostname, o[3])]
        if others:
            names = ", ".join(o[3] or "(any)" for o in others)
            message = f"hostname {hostname or '(any)'} overlaps {names} on port {port}"
            found[index] = Cond("OverlappingTLSConfig", True, "OverlappingHostnames", message)
    return found


def evaluate_listeners(
    gateway: JSONObject,
    snapshot: Snapshot,
    faults: ActiveFaults,
) -> tuple[ListenerState, ...]:
    """Validate every listener of a Gateway."""
    raw = [as_dict(item) for item in as_list(spec_of(gateway).get("listeners"))]
    supported = [
        (
            i,
            opt_int(item.get("port")) or 0,
            as_str(item.get("protocol")),
            opt_str(item.get("hostname")) or None,
        )
        for i, item in enumerate(raw)
        if as_str(item.get("protocol")) in PROTOCOL_ROUTE_KINDS
    ]
    conflicts = _conflicts(supported)
    overlapping = _overlapping(supported, conflicts)
    states: list[ListenerState] = []
    for index, item in enumerate(raw):
        protocol = as_str(item.get("protocol"))
        allowed = as_dict(item.get("allowedRoutes"))
        kinds, invalid_kinds = _route_kinds(protocol, allowed, faults)
        tls: TLSConfig | None = None
        refs_problem: Cond | None = None
        no_valid_ca: Cond | None = None
        if protocol == "HTTPS" or (protocol == "TLS" and not _passthrough(item)):
            tls, refs_problem = _resolve_certificates(gateway, item, snapshot, faults)
            tls, refs_problem, no_valid_ca = with_frontend_validation(
                gateway, opt_int(item.get("port")) or 0, tls, refs_problem, snapshot, faults
            )
        if refs_problem is None and invalid_kinds:
            refs_problem = Cond(
                "ResolvedRefs",
                False,
                "InvalidRouteKinds",
                f"route kinds not supported on a {protocol} listener: {', '.join(invalid_kinds)}",
            )
        resolved = refs_problem or Cond("ResolvedRefs", True, "ResolvedRefs")
        conflicted = conflicts.get(index, Cond("Conflicted", False, "NoConflicts"))

        not_programmed: Cond | None = None
        if protocol not in PROTOCOL_ROUTE_KINDS:
            if faults.on(fc.UNSUPPORTED_PROTOCOL_ACCEPTED):
                accepted = Cond("Accepted", True, "Accepted")
            else:
                known = ", ".join(PROTOCOL_ROUTE_KINDS)
                message = f"protocol {protocol!r} is not supported (supported: {known})"
                accepted = Cond("Accepted", False, "UnsupportedProtocol", message)
            not_programmed = Cond("Programmed", False, "Invalid", f"protocol {protocol!r} is not supported")
        elif conflicted.status:
            accepted = Cond("Accepted", False, conflicted.reason, conflicted.message)
            not_programmed = Cond("Programmed", False, conflicted.reason, conflicted.message)
        else:
            accepted = Cond("Accepted", True, "Accepted")
            if protocol == "HTTPS" and tls is None:
                message = refs_problem.message if refs_problem else "no usable certificate"
                not_programmed = Cond("Programmed", False, "Invalid", message)
            if no_valid_ca is not None:  # ListenerReasonNoValidCACertificate: every frontend CA ref is invalid
                accepted = no_valid_ca
                not_programmed = Cond("Programmed", False, "Invalid", no_valid_ca.message)

        states.append(
            ListenerState(
                index=index,
                name=as_str(item.get("name")),
                port=opt_int(item.get("port")) or 0,
                protocol=protocol,
                hostname=opt_str(item.get("hostname")) or None,
                namespaces=as_dict(allowed.get("namespaces")),
                supported_kinds=kinds,
                accepted=accepted,
                resolved_refs=resolved,
                conflicted=conflicted,
                not_programmed=not_programmed,
                tls=tls,
                overlapping=overlapping.get(index),
            )
        )
    return tuple(states)


def programmed_condition(state: ListenerState, dataplane_error: str | None) -> Cond:
    if state.not_programmed is not None:
        return state.not_programmed
    if dataplane_error:
        return Cond("Programmed", False, "Pending", dataplane_error)
    return Cond("Programmed", True, "Programmed")


def listener_status(
    state: ListenerState,
    attached_routes: int,
    dataplane_error: str | None,
    previous: JSONObject | None,
    generation: int,
    now: str,
    *,
    stale_generation: bool = False,
) -> JSONObject:
    """ListenerStatus JSON for one listener."""
    desired = [
        state.accepted,
        programmed_condition(state, dataplane_error),
        state.resolved_refs,
        state.conflicted,
    ]
    if state.overlapping is not None:
        desired.append(state.overlapping)
    return {
        "name": state.name,
        "supportedKinds": [{"group": group, "kind": kind} for group, kind in state.supported_kinds],
        "attachedRoutes": attached_routes,
        "conditions": render_conditions(
            desired,
            as_dict(previous).get("conditions"),
            generation,
            now,
            owned=LISTENER_CONDITION_TYPES,
            stale_generation=stale_generation,
        ),
    }
