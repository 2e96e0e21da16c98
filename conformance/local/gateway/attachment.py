"""Route attachment: which listeners of a Gateway a route's parentRef binds to, and with which hostnames.

Spec sources:

* ``ParentReference.sectionName`` / ``.port``: select listeners by name and/or port; both must match
  when both are set. Selecting nothing is Accepted False / NoMatchingParent.
* ``AllowedRoutes`` (``namespaces`` Same / All / Selector, ``kinds``): a route only attaches to a
  listener that allows its kind and namespace, else Accepted False / NotAllowedByListeners.
* ``HTTPRouteSpec.hostnames`` / ``Listener.hostname``: when both are set they must intersect
  (wildcards are suffix matches, both ways); without any intersection the route is Accepted False /
  NoMatchingListenerHostname. The route is then served only for the intersecting hostnames; a route
  without hostnames takes the listener's.
* ``ParentReference.sectionName`` again: attaching to one of several selected listeners is enough for
  the parent to accept the route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway import faults_gateway as fg
from conformance.local.gateway.conditions import Cond
from conformance.local.gateway.hostnames import intersect_hostnames
from conformance.local.gateway.snapshot import Snapshot, as_dict, as_list, as_str, opt_int, opt_str

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.listeners import ListenerState, RouteKind


@dataclass(frozen=True, slots=True)
class Attachment:
    """The outcome of one parentRef that names a Gateway of ours."""

    accepted: Cond
    listeners: tuple[tuple[int, tuple[str, ...]], ...] = ()
    """(listener index, effective hostnames; empty = any host) for every listener the route attached to."""
    hostname_rejected: tuple[int, ...] = ()
    """Listeners that allowed the route but share no hostname with it."""


def label_selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics: a missing selector selects nothing, an empty one everything."""
    if not isinstance(selector, dict):
        return False
    for key, value in as_dict(selector.get("matchLabels")).items():
        if labels.get(str(key)) != str(value):
            return False
    for expression in map(as_dict, as_list(selector.get("matchExpressions"))):
        key = as_str(expression.get("key"))
        values = [str(v) for v in as_list(expression.get("values"))]
        operator = as_str(expression.get("operator"))
        if operator == "In":
            ok = key in labels and labels[key] in values
        elif operator == "NotIn":
            ok = key not in labels or labels[key] not in values
        elif operator == "Exists":
            ok = key in labels
        elif operator == "DoesNotExist":
            ok = key not in labels
        else:
            ok = False
        if not ok:
            return False
    return True


def namespace_allowed(
    listener: ListenerState,
    gateway_namespace: str,
    route_namespace: str,
    snapshot: Snapshot,
    faults: ActiveFaults,
) -> bool:
    """``allowedRoutes.namespaces``: ``from`` defaults to Same; Selector matches the Namespace's labels."""
    if faults.on(fc.ALLOW_ROUTES_FROM_ALL_NAMESPACES):
        return True
    origin = as_str(listener.namespaces.get("from"), "Same")
    if origin == "All":
        return True
    if origin == "Same":
        return route_namespace == gateway_namespace
    if origin == "Selector":
        if faults.on(fc.IGNORE_NAMESPACE_SELECTOR):
            return route_namespace == gateway_namespace
        labels = snapshot.namespace_labels(route_namespace)
        return label_selector_matches(listener.namespaces.get("selector"), labels)
    return False


def attach(
    parent_ref: JSONObject,
    route_kind: RouteKind,
    route_namespace: str,
    route_hostnames: Sequence[str],
    gateway_namespace: str,
    listeners: Sequence[ListenerState],
    snapshot: Snapshot,
    faults: ActiveFaults,
) -> Attachment:
    """Attach one parentRef (already known to name this Gateway) to the Gateway's listeners."""
    section = None if faults.on(fc.IGNORE_SECTION_NAME) else opt_str(parent_ref.get("sectionName"))
    port = None if faults.on(fc.IGNORE_PARENT_PORT) else opt_int(parent_ref.get("port"))
    candidates = [x for x in listeners if section in (None, "", x.name) and port in (None, x.port)]
    if not candidates:
        wanted = " and ".join(
            part for part in (f"name {section!r}" if section else "", f"port {port}" if port else "") if part
        )
        message = f"the Gateway has no listener with {wanted}"
        return Attachment(Cond("Accepted", False, "NoMatchingParent", message))

    allowed = [
        item
        for item in candidates
        if (route_kind in item.supported_kinds or faults.on(fg.ROUTE_KINDS_NOT_ENFORCED))
        and namespace_allowed(item, gateway_namespace, route_namespace, snapshot, faults)
    ]
    if not allowed:
        message = f"no listener allows {route_kind[1]}s from namespace {route_namespace}"
        return Attachment(Cond("Accepted", False, "NotAllowedByListeners", message))

    attached: list[tuple[int, tuple[str, ...]]] = []
    rejected: list[int] = []
    for item in allowed:
        hosts = intersect_hostnames(item.hostname, route_hostnames)
        if hosts is None and faults.on(fc.IGNORE_HOSTNAME_INTERSECTION):
            hosts = tuple(route_hostnames)
        if hosts is None:
            rejected.append(item.index)
        else:
            attached.append((item.index, hosts))
    if not attached:
        message = "no listener hostname intersects the route's hostnames"
        return Attachment(Cond("Accepted", False, "NoMatchingListenerHostname", message), (), tuple(rejected))
    return Attachment(Cond("Accepted", True, "Accepted"), tuple(attached), tuple(rejected))
