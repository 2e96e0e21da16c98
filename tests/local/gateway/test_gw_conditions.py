"""observedGeneration, lastTransitionTime and idempotent status across reconcile passes."""

from __future__ import annotations

from gwbuilders import (
    LATER,
    NOW,
    bump,
    find,
    gateway,
    gateway_class,
    gateway_status,
    http_route,
    listener,
    route_parent,
    run,
    service,
    with_status,
)

from conformance.local.gateway.conditions import Cond, render_conditions, same_content

GC = "gatewayclasses.gateway.networking.k8s.io"


def test_second_pass_over_written_status_changes_nothing() -> None:
    objects = [gateway_class(), gateway(), http_route(), service()]
    first = run(*objects)
    assert {u.resource for u in first.updates} == {
        GC,
        "gateways.gateway.networking.k8s.io",
        "httproutes.gateway.networking.k8s.io",
    }
    second = run(*with_status(first, *objects), now=LATER)
    assert second.updates == ()


def test_last_transition_time_kept_while_status_unchanged() -> None:
    objects = [gateway_class(), gateway(), http_route(), service()]
    first = run(*objects)
    stored = with_status(first, *objects)
    # A spec change that keeps every condition's status: times stay, generation moves.
    stored[1] = bump(stored[1], listeners=[listener(hostname="foo.com")])
    second = run(*stored, now=LATER)
    conds = gateway_status(second)["conditions"]
    assert {c["lastTransitionTime"] for c in conds} == {NOW}
    assert {c["observedGeneration"] for c in conds} == {2}
    assert {c["lastTransitionTime"] for c in route_parent(second)["conditions"]} == {NOW}


def test_last_transition_time_moves_when_status_flips() -> None:
    objects = [gateway_class(), gateway(), http_route(), service()]
    stored = with_status(run(*objects), *objects)
    stored[2] = bump(stored[2], hostnames=["x.com"])
    stored[1] = bump(stored[1], listeners=[listener(hostname="y.com")])
    second = run(*stored, now=LATER)
    accepted = find(route_parent(second)["conditions"], "Accepted")
    assert (accepted["status"], accepted["reason"]) == ("False", "NoMatchingListenerHostname")
    assert accepted["lastTransitionTime"] == LATER
    assert accepted["observedGeneration"] == 2
    assert find(route_parent(second)["conditions"], "ResolvedRefs")["lastTransitionTime"] == NOW


def test_gatewayclass_generation_bump() -> None:
    objects = [gateway_class(description="old")]
    stored = with_status(run(*objects), *objects)
    stored[0] = bump(stored[0], description="new")
    status = run(*stored, now=LATER).status(GC, None, "gc")
    assert status is not None
    assert [c["observedGeneration"] for c in status["conditions"]] == [2]


def test_unknown_pending_defaults_are_replaced() -> None:
    # The CRD defaults a new Gateway's conditions to Unknown/Pending at 1970.
    gw = gateway()
    gw["status"] = {
        "conditions": [
            {
                "type": t,
                "status": "Unknown",
                "reason": "Pending",
                "message": "Waiting for controller",
                "lastTransitionTime": "1970-01-01T00:00:00Z",
            }
            for t in ("Accepted", "Programmed")
        ]
    }
    conds = gateway_status(run(gateway_class(), gw))["conditions"]
    assert [(c["type"], c["status"], c["lastTransitionTime"]) for c in conds] == [
        ("Accepted", "True", NOW),
        ("Programmed", "True", NOW),
        ("ResolvedRefs", "True", NOW),
    ]


def test_render_conditions_merges_by_type() -> None:
    previous = [
        {"type": "Other", "status": "True", "reason": "X", "message": "", "observedGeneration": 1},
        {"type": "Accepted", "status": "True", "reason": "Accepted", "lastTransitionTime": "T0"},
        {"type": "Gone", "status": "True", "reason": "Y", "lastTransitionTime": "T0"},
    ]
    out = render_conditions(
        [Cond("Accepted", True, "Accepted"), Cond("New", False, "Because", "why")],
        previous,
        3,
        "T1",
        owned={"Accepted", "Gone", "New"},
    )
    assert [c["type"] for c in out] == ["Other", "Accepted", "New"]
    assert out[0] == previous[0]
    assert out[1]["lastTransitionTime"] == "T0"
    assert out[2] == {
        "type": "New",
        "status": "False",
        "reason": "Because",
        "message": "why",
        "observedGeneration": 3,
        "lastTransitionTime": "T1",
    }


def test_same_content_ignores_list_order_only() -> None:
    a = {"parents": [{"x": 1}, {"y": [2, 1]}], "n": 1}
    assert same_content(a, {"n": 1, "parents": [{"y": [1, 2]}, {"x": 1}]})
    assert not same_content(a, {"n": 2, "parents": [{"y": [1, 2]}, {"x": 1}]})
    assert not same_content(a, {"n": 1, "parents": [{"y": [1, 2]}]})
