"""BackendTLSPolicy: which backends the gateway speaks TLS to, how it checks them, and policy status.

Spec (``BackendTLSPolicy`` v1):

* ``targetRefs`` name Services (core group) in the policy's namespace, optionally one port by
  ``sectionName`` (the Service port name). A sectionName-specific policy and a whole-Service policy do
  not conflict; for that port the specific one applies.
* Policies selecting the same target and sectionName conflict: the oldest (creationTimestamp) wins,
  ties go to ``{namespace}/{name}`` in alphabetical order; every other one is Accepted False /
  ``Conflicted``.
* ``validation.caCertificateRefs``: a ref to a missing ConfigMap or one without a usable ``ca.crt``
  is ResolvedRefs False / ``InvalidCACertificateRef``; an unsupported kind ``InvalidKind``; when no ref is
  valid the policy is also Accepted False / ``NoValidCACertificate`` and connections to its backends
  fail with a 5xx. ``wellKnownCACertificates`` is not supported here (Accepted False / ``Invalid``).
* ``validation.hostname`` is the SNI and, unless ``subjectAltNames`` are given, the name the backend
  certificate must match; with ``subjectAltNames`` one of them must match instead.
* Status: one ``ancestors`` entry per Gateway (ours) whose routes reference a targeted Service, with
  ``controllerName`` and the conditions Accepted and ResolvedRefs at the policy's generation. Entries of
  other controllers are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway.conditions import Cond, render_conditions
from conformance.local.gateway.config import BackendTLS
from conformance.local.gateway.frontend_tls import config_map_ca
from conformance.local.gateway.snapshot import (
    CORE_GROUP,
    GATEWAY_GROUP,
    Key,
    Snapshot,
    as_dict,
    as_list,
    as_str,
    creation_timestamp_of,
    generation_of,
    key_of,
    spec_of,
    status_of,
)

if TYPE_CHECKING:
    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults

POLICY_CONDITION_TYPES = frozenset({"Accepted", "ResolvedRefs"})

Target = tuple[str, str, str]
"""(namespace, Service name, sectionName or "")."""


@dataclass(frozen=True, slots=True)
class PolicyState:
    key: Key
    targets: tuple[Target, ...]
    tls: BackendTLS
    accepted: Cond
    resolved_refs: Cond


def _targets(policy: JSONObject) -> tuple[Target, ...]:
    namespace = key_of(policy)[0]
    found: list[Target] = []
    for ref in map(as_dict, as_list(spec_of(policy).get("targetRefs"))):
        if (as_str(ref.get("group")), as_str(ref.get("kind"))) == (CORE_GROUP, "Service"):
            found.append((namespace, as_str(ref.get("name")), as_str(ref.get("sectionName"))))
    return tuple(found)


def _validate(policy: JSONObject, snapshot: Snapshot, faults: ActiveFaults) -> tuple[BackendTLS, Cond, Cond]:
    """(backend TLS settings, Accepted, ResolvedRefs) before conflicts are considered."""
    namespace, name = key_of(policy)
    validation = as_dict(spec_of(policy).get("validation"))
    hostname = as_str(validation.get("hostname"))
    sans = tuple(
        (as_str(item.get("type")), as_str(item.get("hostname") if item.get("type") == "Hostname" else item.get("uri")))
        for item in map(as_dict, as_list(validation.get("subjectAltNames")))
    )
    label = f"{namespace}/{name}"
    bundles: list[bytes] = []
    problem: Cond | None = None
    for ref in map(as_dict, as_list(validation.get("caCertificateRefs"))):
        group, kind, ref_name = as_str(ref.get("group")), as_str(ref.get("kind")), as_str(ref.get("name"))
        issue: Cond | None = None
        if (group, kind) != (CORE_GROUP, "ConfigMap"):
            shown = f"{group}/{kind}" if group else kind
            reason = "InvalidCACertificateRef" if faults.on(ft.POLICY_INVALID_KIND_AS_REF) else "InvalidKind"
            issue = Cond("ResolvedRefs", False, reason, f"caCertificateRef {shown} {ref_name} is not supported")
        else:
            pem, why = config_map_ca(snapshot, namespace, ref_name)
            if pem is None:
                issue = Cond("ResolvedRefs", False, "InvalidCACertificateRef", why)
            else:
                bundles.append(pem)
        if issue is not None and problem is None:
            problem = issue
    resolved = problem or Cond("ResolvedRefs", True, "ResolvedRefs")
    well_known = as_str(validation.get("wellKnownCACertificates"))
    if well_known and not bundles:
        message = f"wellKnownCACertificates {well_known!r} is not supported by this implementation"
        tls = BackendTLS(label, hostname, b"", sans, invalid=message)
        return tls, Cond("Accepted", False, "Invalid", message), resolved
    if not bundles:
        message = problem.message if problem else "no caCertificateRefs"
        tls = BackendTLS(label, hostname, b"", sans, invalid=message)
        if faults.on(ft.POLICY_INVALID_CA_ACCEPTED) and (problem is None or problem.reason != "InvalidKind"):
            return tls, Cond("Accepted", True, "Accepted"), Cond("ResolvedRefs", True, "ResolvedRefs")
        return tls, Cond("Accepted", False, "NoValidCACertificate", message), resolved
    return BackendTLS(label, hostname, b"".join(bundles), sans), Cond("Accepted", True, "Accepted"), resolved


def _precedence(policy: JSONObject) -> tuple[str, str, str]:
    namespace, name = key_of(policy)
    return (creation_timestamp_of(policy), namespace, name)


def evaluate(snapshot: Snapshot, faults: ActiveFaults) -> dict[Key, PolicyState]:
    """Every BackendTLSPolicy that targets a Service, validated, with conflicts resolved."""
    states: dict[Key, PolicyState] = {}
    by_target: dict[Target, list[JSONObject]] = {}
    for key, policy in sorted(snapshot.backend_tls_policies.items()):
        targets = _targets(policy)
        if not targets:
            continue
        tls, accepted, resolved = _validate(policy, snapshot, faults)
        states[key] = PolicyState(key, targets, tls, accepted, resolved)
        for target in targets:
            by_target.setdefault(target, []).append(policy)
    newest_first = faults.on(ft.POLICY_CONFLICT_NEWEST_WINS)
    for target, policies in by_target.items():
        if len(policies) < 2:
            continue
        ordered = sorted(policies, key=_precedence, reverse=newest_first)
        winner = key_of(ordered[0])
        for loser in ordered[1:]:
            key = key_of(loser)
            message = f"policy {winner[0]}/{winner[1]} takes precedence for Service {target[1]}"
            if target[2]:
                message += f" port {target[2]}"
            state = states[key]
            states[key] = PolicyState(
                key, state.targets, state.tls, Cond("Accepted", False, "Conflicted", message), state.resolved_refs
            )
    return states


def backend_tls_for(
    service: JSONObject, service_port: JSONObject, snapshot: Snapshot, faults: ActiveFaults
) -> BackendTLS | None:
    """The TLS settings for one Service port: the winning policy for its name, else for the whole Service."""
    if not snapshot.backend_tls_policies:
        return None
    namespace, name = key_of(service)
    port_name = as_str(service_port.get("name"))
    states = evaluate(snapshot, faults)
    usable = [s for s in states.values() if s.accepted.reason != "Conflicted"]
    for section in ((port_name,) if port_name else ()) + ("",):
        for state in usable:
            if (namespace, name, section) in state.targets:
                return state.tls
    return None


def _route_services(route: JSONObject) -> set[tuple[str, str]]:
    """(namespace, name) of every Service the route's rules send traffic to."""
    namespace = key_of(route)[0]
    found: set[tuple[str, str]] = set()
    for rule in map(as_dict, as_list(spec_of(route).get("rules"))):
        for ref in map(as_dict, as_list(rule.get("backendRefs"))):
            if (as_str(ref.get("group"), CORE_GROUP), as_str(ref.get("kind"), "Service")) == (CORE_GROUP, "Service"):
                found.add((as_str(ref.get("namespace")) or namespace, as_str(ref.get("name"))))
    return found


def _ancestor_ref(gateway: Key) -> dict[str, Any]:
    return {"group": GATEWAY_GROUP, "kind": "Gateway", "namespace": gateway[0], "name": gateway[1]}


def policy_statuses(
    snapshot: Snapshot,
    attached_routes: Mapping[Key, Iterable[Key]],
    controller_name: str,
    now: str,
    faults: ActiveFaults,
) -> dict[Key, JSONObject]:
    """The wanted status of every policy that is ours to report on (ancestors among our Gateways).

    ``attached_routes`` maps each of our Gateways to the HTTPRoutes attached to it.
    """
    states = evaluate(snapshot, faults)
    services_of: dict[Key, set[tuple[str, str]]] = {}
    for gateway, routes in attached_routes.items():
        found: set[tuple[str, str]] = set()
        for route in routes:
            if route in snapshot.http_routes:
                found |= _route_services(snapshot.http_routes[route])
        services_of[gateway] = found
    statuses: dict[Key, JSONObject] = {}
    for key, policy in snapshot.backend_tls_policies.items():
        previous = status_of(policy)
        old = [as_dict(a) for a in as_list(previous.get("ancestors"))]
        ours_before = [a for a in old if as_str(a.get("controllerName")) == controller_name]
        state = states.get(key)
        ancestors: list[Key] = []
        if state is not None:
            targeted = {(t[0], t[1]) for t in state.targets}
            ancestors = sorted(gw for gw, services in services_of.items() if services & targeted)
        if not ancestors and not ours_before:
            continue
        entries = [a for a in old if as_str(a.get("controllerName")) != controller_name]
        generation = generation_of(policy)
        for gateway in ancestors:
            assert state is not None
            before = next((a for a in ours_before if _same_ancestor(a, gateway)), {})
            conditions = render_conditions(
                [state.accepted, state.resolved_refs],
                before.get("conditions"),
                generation,
                now,
                owned=POLICY_CONDITION_TYPES,
                stale_generation=faults.on(ft.POLICY_STALE_GENERATION),
            )
            entries.append(
                {"ancestorRef": _ancestor_ref(gateway), "controllerName": controller_name, "conditions": conditions}
            )
        status = dict(previous)
        status["ancestors"] = entries[:16]  # PolicyStatus.ancestors holds at most 16 entries
        statuses[key] = status
    return statuses


def _same_ancestor(entry: Mapping[str, Any], gateway: Key) -> bool:
    ref = as_dict(entry.get("ancestorRef"))
    return (as_str(ref.get("namespace")), as_str(ref.get("name"))) == gateway and as_str(
        ref.get("kind"), "Gateway"
    ) == "Gateway"
