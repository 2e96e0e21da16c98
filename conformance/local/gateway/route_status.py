"""HTTPRoute ``status.parents``: the entries this controller owns, merged with everyone else's.

Spec (``RouteStatus.parents`` notes for implementors): an implementation updates only entries whose
``controllerName`` is its own, treats each parentRef separately, and cleans up entries it no longer
needs; parents it cannot resolve get no entry at all. The parentRef is written with group, kind and
namespace defaulted (``ParentReference`` defaults), which is also what the conformance suite compares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway.conditions import render_conditions
from conformance.local.gateway.snapshot import (
    GATEWAY_GROUP,
    as_dict,
    as_list,
    as_str,
    generation_of,
    status_of,
)

if TYPE_CHECKING:
    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.conditions import Cond

ROUTE_PARENT_CONDITION_TYPES = frozenset({"Accepted", "ResolvedRefs", "PartiallyInvalid"})


def defaulted_parent_ref(raw: Any, route_namespace: str) -> JSONObject:
    """ParentReference with group, kind and namespace written out (the suite compares them)."""
    ref = as_dict(raw)
    out: JSONObject = {
        "group": as_str(ref.get("group"), GATEWAY_GROUP) if "group" in ref else GATEWAY_GROUP,
        "kind": as_str(ref.get("kind"), "Gateway"),
        "namespace": as_str(ref.get("namespace")) or route_namespace,
        "name": as_str(ref.get("name")),
    }
    for optional in ("sectionName", "port"):
        if ref.get(optional) not in (None, ""):
            out[optional] = ref[optional]
    return out


def route_status(
    route: JSONObject,
    entries: list[tuple[JSONObject, list[Cond]]],
    controller_name: str,
    now: str,
    faults: ActiveFaults,
) -> JSONObject | None:
    """New route status: other controllers' parent entries kept, ours replaced. None = nothing to do."""
    previous = status_of(route)
    old_parents = [as_dict(p) for p in as_list(previous.get("parents"))]
    foreign = [p for p in old_parents if as_str(p.get("controllerName")) != controller_name]
    ours_before = [p for p in old_parents if as_str(p.get("controllerName")) == controller_name]
    if not entries and not ours_before:
        return None
    namespace = as_str(as_dict(route.get("metadata")).get("namespace"))
    generation = generation_of(route)
    parents: list[JSONObject] = list(foreign)
    for parent_ref, conds in entries:
        same = [p for p in ours_before if defaulted_parent_ref(p.get("parentRef"), namespace) == parent_ref]
        before = same[0] if same else {}
        parents.append(
            {
                "parentRef": parent_ref,
                "controllerName": controller_name,
                "conditions": render_conditions(
                    conds,
                    before.get("conditions"),
                    generation,
                    now,
                    owned=ROUTE_PARENT_CONDITION_TYPES,
                    stale_generation=faults.on(fc.HTTPROUTE_STALE_GENERATION),
                ),
            }
        )
    status = dict(previous)
    status["parents"] = parents
    return status
