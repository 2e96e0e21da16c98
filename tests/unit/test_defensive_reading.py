"""Status written by a real implementation can be odd: extra fields, missing optional fields, unknown
condition types or reasons, wrong types. Reading it must never crash the harness (issue 7, part 4)."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.kube import status as st
from conformance.kube.status import Condition, ExpectedListener, ExpectedParent, SupportedKind

CONTROLLER = "example.net/gateway"
CONDITION = {"type": "Accepted", "status": "True", "reason": "Accepted", "observedGeneration": 1, "message": "ok"}
GATEWAY = {
    "metadata": {"name": "gw", "namespace": "ns", "generation": 1, "annotations": {"a": "b"}},
    "spec": {"listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]},
    "status": {
        "addresses": [{"type": "IPAddress", "value": "10.0.0.1"}],
        "conditions": [CONDITION, {**CONDITION, "type": "Programmed", "reason": "Programmed"}],
        "listeners": [
            {
                "name": "http",
                "attachedRoutes": 1,
                "supportedKinds": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}],
                "conditions": [CONDITION],
            }
        ],
    },
}
ROUTE = {
    "metadata": {"name": "r", "namespace": "ns", "generation": 1},
    "status": {
        "parents": [
            {
                "parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"},
                "controllerName": CONTROLLER,
                "conditions": [CONDITION],
            }
        ]
    },
}
POD = {"metadata": {"name": "p"}, "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}

ODD_VALUES: list[Any] = [None, 0, -1, "", "x", [], {}, [None], {"unexpected": True}, 3.5, True]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def mutated(body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A copy with one place replaced by an odd value, deleted, or given an extra field."""
    out = copy.deepcopy(body)
    path = rng.choice([p for p in paths(out) if p])
    parent: Any = out
    for step in path[:-1]:
        parent = parent[step]
    action = rng.choice(["replace", "delete", "extra"])
    if action == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif action == "extra" and isinstance(parent[path[-1]], dict):
        parent[path[-1]]["somethingNew"] = {"nested": [1, 2]}
    else:
        parent[path[-1]] = rng.choice(ODD_VALUES)
    return out


CHECKS = [
    ("gateway", lambda g: st.listeners_mismatch(g, [ExpectedListener("http", 1, (SupportedKind("HTTPRoute"),))])),
    ("gateway", lambda g: st.listener_conditions_missing(g, [Condition("Accepted")])),
    ("gateway", lambda g: st.gateway_not_ready(g)),
    ("gateway", lambda g: st.zero_routes(g)),
    ("gateway", lambda g: st.first_typed_address(g)),
    ("gateway", lambda g: st.listener_port(g, ["http"])),
    ("gateway", lambda g: st.skips_readiness(g)),
    ("gateway", lambda g: st.stale_conditions(g, st.conditions_of(g))),
    (
        "route",
        lambda r: st.parents_mismatch(
            r, [ExpectedParent("gw", "ns", CONTROLLER, (Condition("Accepted"),))], namespace_required=False
        ),
    ),
    ("route", lambda r: st.route_condition_missing(r, "gw", "ns", Condition("Accepted"))),
    ("route", lambda r: st.no_accepted_parents(r)),
    ("pod", lambda p: st.pod_not_ready(p)),
]
BODIES = {"gateway": GATEWAY, "route": ROUTE, "pod": POD}


def test_odd_status_never_crashes_the_checks() -> None:
    rng = random.Random(20261122)  # fixed: a failure names a reproducible body
    for _ in range(1500):
        for kind, check in CHECKS:
            body = mutated(BODIES[kind], rng)
            try:
                result = check(body)
            except Exception as err:  # pragma: no cover - reported with the body that caused it
                pytest.fail(f"{kind} check crashed on {body!r}: {err!r}")
            assert result is None or isinstance(result, str | int | bool), (kind, body, result)


def test_the_unmutated_bodies_pass() -> None:
    assert st.listeners_mismatch(GATEWAY, [ExpectedListener("http", 1, (SupportedKind("HTTPRoute"),))]) is None
    assert st.gateway_not_ready(GATEWAY) is None
    assert st.route_condition_missing(ROUTE, "gw", "ns", Condition("Accepted")) is None


def test_unknown_condition_types_and_reasons_are_just_more_conditions() -> None:
    body = copy.deepcopy(GATEWAY)
    body["status"]["conditions"].append({"type": "example.net/Custom", "status": "Unknown", "reason": "Whatever"})
    body["status"]["conditions"][0]["reason"] = "SomeFutureReason"
    assert st.stale_conditions(body, st.conditions_of(body)) is not None  # the custom one has no generation
    assert st.missing_conditions(st.conditions_of(body), [Condition("Accepted")]) is None
