"""Status matching rules, fed with realistic (and deliberately messy) status bodies."""

from __future__ import annotations

from typing import Any

from conformance.kube import status as st
from conformance.kube.status import Condition, ExpectedListener, ExpectedParent, SupportedKind

CONTROLLER = "example.net/gateway"


def cond(type_: str, status: str = "True", reason: str = "", generation: int = 1, **extra: Any) -> dict[str, Any]:
    return {"type": type_, "status": status, "reason": reason or type_, "observedGeneration": generation, **extra}


def route(parents: list[dict[str, Any]], generation: int = 1) -> dict[str, Any]:
    return {"metadata": {"name": "r", "namespace": "ns", "generation": generation}, "status": {"parents": parents}}


def parent(name: str = "gw", namespace: str | None = None, conditions: list[dict[str, Any]] | None = None, **ref: Any):  # type: ignore[no-untyped-def]
    parent_ref = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": name, **ref}
    if namespace is not None:
        parent_ref["namespace"] = namespace
    return {"parentRef": parent_ref, "controllerName": CONTROLLER, "conditions": conditions or [cond("Accepted")]}


EXPECTED = ExpectedParent("gw", "ns", CONTROLLER, (Condition("Accepted", "True", "Accepted"),))


def test_parent_matches_with_group_kind_and_conditions() -> None:
    assert st.parents_mismatch(route([parent()]), [EXPECTED], namespace_required=False) is None


def test_parent_without_explicit_group_does_not_match() -> None:
    body = parent()
    del body["parentRef"]["group"]
    problem = st.parents_mismatch(route([body]), [EXPECTED], namespace_required=False)
    assert problem is not None
    assert "no parent entry for Gateway ns/gw" in problem


def test_namespace_required_for_cross_namespace_routes() -> None:
    assert st.parents_mismatch(route([parent()]), [EXPECTED], namespace_required=True) is not None
    assert st.parents_mismatch(route([parent(namespace="ns")]), [EXPECTED], namespace_required=True) is None
    # A namespace that is set must match even when not required.
    assert st.parents_mismatch(route([parent(namespace="other")]), [EXPECTED], namespace_required=False) is not None


def test_stale_parent_conditions_block() -> None:
    problem = st.parents_mismatch(route([parent()], generation=2), [EXPECTED], namespace_required=False)
    assert problem is not None
    assert "expected observedGeneration 2" in problem


def test_route_condition_any_reason_and_extra_fields() -> None:
    body = route([parent(conditions=[cond("ResolvedRefs", "False", "BackendNotFound", somethingNew=1)])])
    assert st.route_condition_missing(body, "gw", "ns", Condition("ResolvedRefs", "False")) is None
    assert st.route_condition_missing(body, "gw", "ns", Condition("ResolvedRefs", "False", "BackendNotFound")) is None
    problem = st.route_condition_missing(body, "gw", "ns", Condition("ResolvedRefs", "False", "RefNotPermitted"))
    assert problem is not None
    assert "BackendNotFound" in problem


def gateway(listeners: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": {"name": "gw", "generation": 1}, "status": {"listeners": listeners}}


def listener(name: str, attached: int, kinds: list[str], conditions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "attachedRoutes": attached,
        "supportedKinds": [{"group": "gateway.networking.k8s.io", "kind": k} for k in kinds],
        "conditions": conditions,
    }


def test_listeners_match_by_name_count_kinds_and_conditions() -> None:
    body = gateway([listener("http", 2, ["HTTPRoute", "GRPCRoute"], [cond("Accepted"), cond("ResolvedRefs")])])
    want = ExpectedListener("http", 2, (SupportedKind("HTTPRoute"),), (Condition("Accepted"),))
    assert st.listeners_mismatch(body, [want]) is None
    fewer = ExpectedListener("http", 1, (SupportedKind("HTTPRoute"),))
    assert "attachedRoutes is 2, expected 1" in (st.listeners_mismatch(body, [fewer]) or "")
    empty_kinds = ExpectedListener("http", 2, (), ())
    assert "expected no supportedKinds" in (st.listeners_mismatch(body, [empty_kinds]) or "")
    assert "expected 2 listener(s)" in (st.listeners_mismatch(body, [want, want]) or "")


def test_listener_conditions_for_named_listeners_only() -> None:
    body = gateway(
        [listener("a", 0, [], [cond("Programmed", "False")]), listener("b", 0, [], [cond("Programmed", "True")])]
    )
    assert st.listener_conditions_missing(body, [Condition("Programmed")], ["b"]) is None
    assert st.listener_conditions_missing(body, [Condition("Programmed")]) is not None
    assert "missing from status" in (st.listener_conditions_missing(body, [Condition("Programmed")], ["c"]) or "")


def test_no_accepted_parents_and_zero_routes() -> None:
    assert st.no_accepted_parents(route([])) is None
    assert (
        st.no_accepted_parents(route([parent(conditions=[cond("Accepted", "False", "NotAllowedByListeners")])])) is None
    )
    assert st.no_accepted_parents(route([parent()])) is not None
    assert st.zero_routes(gateway([])) is None
    assert st.zero_routes(gateway([listener("http", 0, [], [])])) is None
    assert st.zero_routes(gateway([listener("http", 1, [], [])])) is not None


def test_gateway_address_and_port_rules() -> None:
    body = {
        "spec": {"listeners": [{"name": "a", "port": 80}, {"name": "b", "port": 8080}]},
        "status": {"addresses": [{"value": "10.0.0.1"}, {"type": "IPAddress", "value": "10.0.0.2"}]},
    }
    assert st.first_typed_address(body) == "10.0.0.2"
    assert st.listener_port(body) == 80
    assert st.listener_port(body, ["b"]) == 8080
    assert st.listener_port(body, ["missing"]) == 80


def test_pod_readiness_explains_waiting_containers() -> None:
    pending = {
        "metadata": {"name": "p"},
        "status": {
            "phase": "Pending",
            "containerStatuses": [{"state": {"waiting": {"reason": "ErrImagePull", "message": "cannot run image x"}}}],
        },
    }
    assert st.pod_not_ready(pending) == "pod p not ready, phase Pending (ErrImagePull: cannot run image x)"
    assert st.pod_not_ready({"metadata": {"name": "p"}, "status": {"phase": "Succeeded"}}) is None


def test_defensive_reading_of_garbage() -> None:
    junk: dict[str, Any] = {"status": {"conditions": "oops", "parents": [None, 3], "listeners": {"x": 1}}}
    assert st.conditions_of(junk) == []
    assert st.parents_of(junk) == []
    assert st.zero_routes(junk) is None
