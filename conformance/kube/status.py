"""Pure checks on Gateway API status, with the exact matching rules of upstream's helpers.

Each check takes plain dicts (as read from the API) and returns ``None`` when the expectation holds, or
a one-line description of what differs. The waiting code turns that description into the "last seen"
part of a timeout message. Reading is defensive: missing optional fields, unknown condition types and
extra fields never raise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GATEWAY_GROUP = "gateway.networking.k8s.io"
#: Gateways carrying this annotation are left out of readiness checks (upstream constant).
SKIP_READINESS_ANNOTATION = "gateway-api/skip-this-for-readiness"

JSONObject = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Condition:
    """An expected condition; an empty status or reason matches any value (upstream findConditionInList)."""

    type: str
    status: str = "True"
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.type}={self.status or '*'}" + (f" reason={self.reason}" if self.reason else "")


@dataclass(frozen=True, slots=True)
class SupportedKind:
    kind: str
    group: str = GATEWAY_GROUP


@dataclass(frozen=True, slots=True)
class ExpectedListener:
    name: str
    attached_routes: int
    supported_kinds: tuple[SupportedKind, ...] = ()
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class ExpectedParent:
    """An expected ``status.parents`` entry (upstream RouteParentStatus, compared by parentsForRouteMatch)."""

    name: str
    namespace: str
    controller_name: str
    conditions: tuple[Condition, ...] = ()
    group: str = GATEWAY_GROUP
    kind: str = "Gateway"
    section_name: str | None = None
    """Not compared (as upstream); kept so messages can show it."""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def conditions_of(obj: JSONObject) -> list[Mapping[str, Any]]:
    return [c for c in _list(_dict(obj.get("status")).get("conditions")) if isinstance(c, Mapping)]


def generation(obj: JSONObject) -> int:
    value = _dict(obj.get("metadata")).get("generation")
    return value if isinstance(value, int) else 0


def describe_conditions(conditions: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for c in conditions:
        text = f"{c.get('type')}={c.get('status')}"
        if c.get("reason"):
            text += f" reason={c.get('reason')}"
        if c.get("observedGeneration") is not None:
            text += f" gen={c.get('observedGeneration')}"
        if c.get("message"):
            message = str(c.get("message"))
            text += f" message={message[:120]!r}"
        parts.append(text)
    return "[" + "; ".join(parts) + "]" if parts else "no conditions"


def stale_conditions(obj: JSONObject, conditions: Sequence[Mapping[str, Any]]) -> str | None:
    """Upstream ConditionsHaveLatestObservedGeneration: every condition at metadata.generation."""
    want = generation(obj)
    stale = [c for c in conditions if c.get("observedGeneration") != want]
    if not stale:
        return None
    names = ", ".join(f"{c.get('type')} (generation {c.get('observedGeneration')})" for c in stale)
    return (
        f"expected observedGeneration {want} on all conditions, {len(conditions) - len(stale)}/{len(conditions)} "
        f"were updated; stale: {names}"
    )


def find_condition(conditions: Iterable[Mapping[str, Any]], expected: Condition) -> bool:
    for c in conditions:
        if c.get("type") != expected.type:
            continue
        if expected.status and c.get("status") != expected.status:
            continue
        if expected.reason and c.get("reason") != expected.reason:
            continue
        return True
    return False


def missing_conditions(conditions: Sequence[Mapping[str, Any]], expected: Iterable[Condition]) -> str | None:
    absent = [str(e) for e in expected if not find_condition(conditions, e)]
    if not absent:
        return None
    return f"wanted {', '.join(absent)}; have {describe_conditions(conditions)}"


def listeners_mismatch(gateway: JSONObject, expected: Sequence[ExpectedListener]) -> str | None:
    """Upstream gatewayListenersMatch: same count, each by name with attachedRoutes, kinds and conditions."""
    actual = [entry for entry in _list(_dict(gateway.get("status")).get("listeners")) if isinstance(entry, Mapping)]
    if len(actual) != len(expected):
        names = ", ".join(str(a.get("name")) for a in actual) or "none"
        return f"expected {len(expected)} listener(s) in status, got {len(actual)} ({names})"
    for want in expected:
        have = next((a for a in actual if a.get("name") == want.name), None)
        if have is None:
            return f"listener {want.name} is missing from status"
        kinds = [
            (str(k.get("group") or GATEWAY_GROUP), str(k.get("kind")))
            for k in _list(have.get("supportedKinds"))
            if isinstance(k, Mapping)
        ]
        if not want.supported_kinds and kinds:
            return f"listener {want.name}: expected no supportedKinds, got {', '.join(k for _, k in kinds)}"
        for kind in want.supported_kinds:
            if (kind.group, kind.kind) not in kinds:
                shown = ", ".join(f"{g}/{k}" for g, k in kinds) or "none"
                return f"listener {want.name}: supportedKinds lacks {kind.group}/{kind.kind} (has {shown})"
        attached = have.get("attachedRoutes")
        if attached != want.attached_routes:
            return f"listener {want.name}: attachedRoutes is {attached}, expected {want.attached_routes}"
        problem = missing_conditions(_conditions(have), want.conditions)
        if problem:
            return f"listener {want.name}: {problem}"
    return None


def _conditions(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in _list(entry.get("conditions")) if isinstance(c, Mapping)]


def listener_conditions_missing(
    gateway: JSONObject,
    expected: Sequence[Condition],
    listener_names: Sequence[str] = (),
    *,
    allow_empty: bool = False,
) -> str | None:
    """Upstream GatewayListenersMustHaveConditions: all (or the named) listeners carry every condition.

    ``allow_empty``: an object without listener status passes when no listener is named (upstream's
    ListenerSet variant, ListenerSetListenersMustHaveConditions, behaves so).
    """
    listeners = [entry for entry in _list(_dict(gateway.get("status")).get("listeners")) if isinstance(entry, Mapping)]
    pending = set(listener_names)
    for listener in listeners:
        name = str(listener.get("name"))
        if listener_names and name not in listener_names:
            continue
        problem = missing_conditions(_conditions(listener), expected)
        if problem:
            return f"listener {name}: {problem}"
        pending.discard(name)
    if pending:
        return f"listener(s) {', '.join(sorted(pending))} missing from status"
    if not listeners and not allow_empty:
        return "no listeners in status yet"
    return None


def attached_listener_sets_mismatch(gateway: JSONObject, expected: int) -> str | None:
    """Upstream GatewayMustHaveAttachedListeners: ``status.attachedListenerSets`` (absent = 0) equals ``expected``."""
    value = _dict(gateway.get("status")).get("attachedListenerSets")
    actual = value if isinstance(value, int) and not isinstance(value, bool) else 0
    if actual == expected:
        return None
    shown = "absent (0)" if value is None else str(value)
    return f"status.attachedListenerSets is {shown}, expected {expected}"


def parents_of(route: JSONObject) -> list[Mapping[str, Any]]:
    return [p for p in _list(_dict(route.get("status")).get("parents")) if isinstance(p, Mapping)]


def describe_parents(parents: Sequence[Mapping[str, Any]]) -> str:
    if not parents:
        return "no parents in status"
    parts = []
    for p in parents:
        ref = _dict(p.get("parentRef"))
        where = f"{ref.get('namespace', '')}/{ref.get('name')}" if ref.get("namespace") else str(ref.get("name"))
        section = f"#{ref.get('sectionName')}" if ref.get("sectionName") else ""
        parts.append(
            f"{ref.get('kind', '?')} {where}{section} by {p.get('controllerName')}: "
            f"{describe_conditions(_conditions(p))}"
        )
    return "; ".join(parts)


def parents_mismatch(route: JSONObject, expected: Sequence[ExpectedParent], *, namespace_required: bool) -> str | None:
    """Upstream RouteMustHaveParents/parentsForRouteMatch, plus the latest-generation check on each entry."""
    actual = parents_of(route)
    for parent in actual:
        stale = stale_conditions(route, _conditions(parent))
        if stale:
            return f"parent {_dict(parent.get('parentRef')).get('name')}: {stale}"
    for want in expected:
        if not any(_parent_matches(want, have, namespace_required) for have in actual):
            return (
                f"no parent entry for {want.kind} {want.namespace}/{want.name} by {want.controller_name} with "
                f"{', '.join(str(c) for c in want.conditions) or 'any conditions'}; have {describe_parents(actual)}"
            )
    return None


def _parent_matches(want: ExpectedParent, have: Mapping[str, Any], namespace_required: bool) -> bool:
    ref = _dict(have.get("parentRef"))
    if have.get("controllerName") != want.controller_name:
        return False
    # Upstream compares group and kind as pointers: an implementation must write them out.
    if ref.get("group") != want.group or ref.get("kind") != want.kind:
        return False
    if ref.get("name") != want.name:
        return False
    if ref.get("namespace") != want.namespace and (namespace_required or ref.get("namespace") is not None):
        return False
    return all(find_condition(_conditions(have), c) for c in want.conditions)


def route_condition_missing(
    route: JSONObject, parent_name: str, parent_namespace: str, expected: Condition
) -> str | None:
    """Upstream <Kind>RouteMustHaveCondition: some parent entry for that parent has the condition."""
    parents = parents_of(route)
    for parent in parents:
        stale = stale_conditions(route, _conditions(parent))
        if stale:
            return f"parent {_dict(parent.get('parentRef')).get('name')}: {stale}"
    for parent in parents:
        ref = _dict(parent.get("parentRef"))
        matches_parent = ref.get("name") == parent_name and ref.get("namespace") in (None, parent_namespace)
        if matches_parent and find_condition(_conditions(parent), expected):
            return None
    return f"no parent {parent_namespace}/{parent_name} with {expected}; have {describe_parents(parents)}"


def no_accepted_parents(route: JSONObject) -> str | None:
    """Upstream <Kind>MustHaveNoAcceptedParents: no parents, or exactly one that is not Accepted."""
    parents = parents_of(route)
    if not parents:
        return None
    if len(parents) == 1 and find_condition(_conditions(parents[0]), Condition("Accepted", "False")):
        return None
    return f"expected no accepted parents; have {describe_parents(parents)}"


def zero_routes(gateway: JSONObject) -> str | None:
    listeners = _list(_dict(gateway.get("status")).get("listeners"))
    if not listeners:
        return None
    if len(listeners) == 1 and _dict(listeners[0]).get("attachedRoutes") == 0:
        return None
    shown = ", ".join(f"{_dict(entry).get('name')}={_dict(entry).get('attachedRoutes')}" for entry in listeners)
    return f"expected no listeners or one with attachedRoutes 0; have attachedRoutes {shown}"


def first_typed_address(gateway: JSONObject) -> str | None:
    for address in _list(_dict(gateway.get("status")).get("addresses")):
        entry = _dict(address)
        if entry.get("type") and entry.get("value"):
            return str(entry["value"])
    return None


def listener_port(gateway: JSONObject, listener_names: Sequence[str] = ()) -> int | None:
    """Port of the first spec listener, or of the first named listener that exists (upstream rule)."""
    listeners = [entry for entry in _list(_dict(gateway.get("spec")).get("listeners")) if isinstance(entry, Mapping)]
    if not listeners:
        return None
    chosen = listeners[0]
    if listener_names and listener_names[0]:
        chosen = next((entry for entry in listeners if entry.get("name") == listener_names[0]), chosen)
    port = chosen.get("port")
    return port if isinstance(port, int) else None


def pod_not_ready(pod: JSONObject) -> str | None:
    """Upstream NamespacesMustBeReady pod rule: Ready=True, or Succeeded, or being deleted."""
    status = _dict(pod.get("status"))
    if status.get("phase") == "Succeeded" or _dict(pod.get("metadata")).get("deletionTimestamp"):
        return None
    if find_condition(_conditions(status), Condition("Ready", "True")):
        return None
    name = _dict(pod.get("metadata")).get("name")
    waiting = [_dict(_dict(cs.get("state")).get("waiting")) for cs in _list(status.get("containerStatuses")) if cs]
    detail = next((f" ({w.get('reason')}: {w.get('message')})" for w in waiting if w.get("reason")), "")
    return f"pod {name} not ready, phase {status.get('phase')}{detail}"


def gateway_not_ready(gateway: JSONObject) -> str | None:
    """Upstream NamespacesMustBeReady Gateway rule: latest generation, Accepted and Programmed True."""
    name = _dict(gateway.get("metadata")).get("name")
    conditions = conditions_of(gateway)
    stale = stale_conditions(gateway, conditions)
    if stale:
        return f"Gateway {name}: {stale}"
    problem = missing_conditions(conditions, (Condition("Accepted"), Condition("Programmed")))
    return f"Gateway {name}: {problem}" if problem else None


def skips_readiness(gateway: JSONObject) -> bool:
    annotations = _dict(_dict(gateway.get("metadata")).get("annotations"))
    return annotations.get(SKIP_READINESS_ANNOTATION) == "true"


def ancestors_of(policy: JSONObject) -> list[Mapping[str, Any]]:
    return [_dict(a) for a in _list(_dict(policy.get("status")).get("ancestors"))]


def policy_condition_missing(
    policy: JSONObject, ancestor_name: str, ancestor_namespace: str, expected: Condition
) -> str | None:
    """Upstream BackendTLSPolicyMustHaveCondition: every ancestor's conditions at the latest generation,
    and the entry for that Gateway (namespace unset or equal) has the condition."""
    ancestors = ancestors_of(policy)
    for ancestor in ancestors:
        stale = stale_conditions(policy, _conditions(ancestor))
        if stale:
            return f"ancestor {_dict(ancestor.get('ancestorRef')).get('name')}: {stale}"
    for ancestor in ancestors:
        ref = _dict(ancestor.get("ancestorRef"))
        matches = ref.get("name") == ancestor_name and ref.get("namespace") in (None, ancestor_namespace)
        if matches and find_condition(_conditions(ancestor), expected):
            return None
    seen = "; ".join(
        f"{_dict(a.get('ancestorRef')).get('name')}: {describe_conditions(_conditions(a))}" for a in ancestors
    )
    return f"no ancestor {ancestor_namespace}/{ancestor_name} with {expected}; have {seen or 'no ancestors'}"


def stale_ancestor_conditions(policy: JSONObject) -> str | None:
    """Upstream BackendTLSPolicyMustHaveLatestConditions (a one-shot check, trivially fine without status)."""
    for ancestor in ancestors_of(policy):
        stale = stale_conditions(policy, _conditions(ancestor))
        if stale:
            return f"ancestor {_dict(ancestor.get('ancestorRef')).get('name')}: {stale}"
    return None
