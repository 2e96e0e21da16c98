"""ListenerSet status rules of the kube layer (upstream's ListenerSet helpers and GatewayMustHaveAttachedListeners)."""

from __future__ import annotations

from typing import Any

from conformance.kube import status as st
from conformance.kube.status import Condition, ExpectedListener, SupportedKind


def cond(type_: str, status: str = "True", reason: str = "", generation: int = 1) -> dict[str, Any]:
    return {"type": type_, "status": status, "reason": reason or type_, "observedGeneration": generation}


def listener_set(listeners: list[dict[str, Any]] | None = None, generation: int = 1) -> dict[str, Any]:
    status: dict[str, Any] = {"conditions": [cond("Accepted", generation=generation)]}
    if listeners is not None:
        status["listeners"] = listeners
    return {"metadata": {"name": "ls", "namespace": "ns", "generation": generation}, "status": status}


def entry(name: str, attached: int = 0, *conditions: dict[str, Any]) -> dict[str, Any]:
    kinds = [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
    return {"name": name, "attachedRoutes": attached, "supportedKinds": kinds, "conditions": list(conditions)}


def test_attached_listener_sets_absent_counts_as_zero() -> None:
    gateway: dict[str, Any] = {"status": {}}
    assert st.attached_listener_sets_mismatch(gateway, 0) is None
    assert st.attached_listener_sets_mismatch(gateway, 1) == "status.attachedListenerSets is absent (0), expected 1"
    assert st.attached_listener_sets_mismatch({"status": {"attachedListenerSets": 2}}, 2) is None
    assert "is 2, expected 1" in (st.attached_listener_sets_mismatch({"status": {"attachedListenerSets": 2}}, 1) or "")


def test_listener_set_without_listener_status_passes_unless_listeners_are_named() -> None:
    ready = [Condition("Accepted")]
    assert st.listener_conditions_missing(listener_set(), ready, allow_empty=True) is None
    assert st.listener_conditions_missing(listener_set(), ready) == "no listeners in status yet"
    problem = st.listener_conditions_missing(listener_set(), ready, ["l1"], allow_empty=True)
    assert problem == "listener(s) l1 missing from status"


def test_named_listener_conditions_ignore_the_other_listeners() -> None:
    body = listener_set([entry("good", 0, cond("Accepted")), entry("bad", 0, cond("Accepted", "False", "X"))])
    assert st.listener_conditions_missing(body, [Condition("Accepted", "True")], ["good"], allow_empty=True) is None
    problem = st.listener_conditions_missing(body, [Condition("Accepted", "True")], allow_empty=True)
    assert problem is not None and problem.startswith("listener bad:")


def test_listener_entries_match_like_gateway_listeners() -> None:
    body = listener_set([entry("a", 3, cond("Accepted")), entry("b", 1, cond("Accepted"))])
    kinds = (SupportedKind("HTTPRoute"),)
    expected = [ExpectedListener("a", 3, kinds, (Condition("Accepted"),)), ExpectedListener("b", 1, kinds)]
    assert st.listeners_mismatch(body, expected) is None
    wrong_count = [ExpectedListener("a", 2, kinds), ExpectedListener("b", 1, kinds)]
    assert st.listeners_mismatch(body, wrong_count) == "listener a: attachedRoutes is 3, expected 2"
    assert "expected 1 listener(s)" in (st.listeners_mismatch(body, expected[:1]) or "")
