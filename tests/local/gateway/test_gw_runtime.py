"""The controller loop against a fake store and a fake data plane."""

from __future__ import annotations

import copy
import random
import threading
import time
from typing import TYPE_CHECKING

import pytest
from gwbuilders import (
    CONTROLLER,
    INFRA,
    FakeAddresses,
    FakeDataPlane,
    FakeStore,
    backend,
    brief,
    gateway,
    gateway_class,
    http_route,
    listener,
    pod,
    route_grant,
    rule,
    service,
    wait_for,
)

from conformance.local.api.protocol import ConflictError, InvalidError, JSONObject
from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway.config import DataPlaneConfig, ListenerKey
from conformance.local.gateway.runtime import ControllerRuntime

if TYPE_CHECKING:
    from collections.abc import Iterator

GC = "gatewayclasses.gateway.networking.k8s.io"
GWS = "gateways.gateway.networking.k8s.io"
ROUTES = "httproutes.gateway.networking.k8s.io"
GRANTS = "referencegrants.gateway.networking.k8s.io"


def clean(item: JSONObject) -> JSONObject:
    """An object as a client would send it for create (the store fills metadata). Pods keep their
    status, which the kubelet would write."""
    out = copy.deepcopy(item)
    out["metadata"] = {k: v for k, v in out["metadata"].items() if k in ("name", "namespace", "labels")}
    if out["kind"] != "Pod":
        out.pop("status", None)
    return out


def create(store: FakeStore, *items: JSONObject) -> None:
    resources = {
        "GatewayClass": GC,
        "Gateway": GWS,
        "HTTPRoute": ROUTES,
        "ReferenceGrant": GRANTS,
        "Service": "services",
        "Pod": "pods",
        "Namespace": "namespaces",
    }
    for item in items:
        store.create(resources[item["kind"]], clean(item))


def conditions(
    store: FakeStore,
    resource: str,
    name: str,
    ns: str | None = INFRA,
) -> dict[str, tuple[str, str]]:
    found = store.get(resource, ns, name)
    return brief((found or {}).get("status", {}).get("conditions", []))


def gateway_generations(store: FakeStore, name: str = "gw") -> set[int]:
    found = store.get(GWS, INFRA, name) or {}
    return {c["observedGeneration"] for c in found.get("status", {}).get("conditions", [])}


def route_resolved(store: FakeStore) -> str | None:
    found = store.get(ROUTES, INFRA, "route") or {}
    for entry in found.get("status", {}).get("parents", []):
        for cond in entry["conditions"]:
            if cond["type"] == "ResolvedRefs":
                return str(cond["reason"])
    return None


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def dataplane() -> FakeDataPlane:
    return FakeDataPlane()


def start(
    store: FakeStore,
    dataplane: FakeDataPlane,
    faults: tuple[str, ...] = (),
    **options: float,
) -> ControllerRuntime:
    runtime = ControllerRuntime(
        store,
        dataplane,
        FakeAddresses(),
        ActiveFaults(frozenset(faults)),
        CONTROLLER,
        rng=random.Random(7),
        **options,
    )
    runtime.start()
    return runtime


@pytest.fixture
def running(store: FakeStore, dataplane: FakeDataPlane) -> Iterator[ControllerRuntime]:
    runtime = start(store, dataplane)
    yield runtime
    runtime.stop()


def test_status_and_config_appear(
    store: FakeStore,
    dataplane: FakeDataPlane,
    running: ControllerRuntime,
) -> None:
    create(store, gateway_class(), gateway(), service(), pod("svc-1"), http_route())
    wait_for(lambda: conditions(store, GWS, "gw").get("Programmed") == ("True", "Programmed"))
    wait_for(lambda: route_resolved(store) == "ResolvedRefs")
    assert conditions(store, GC, "gc", None) == {"Accepted": ("True", "Accepted")}
    assert running.wait_idle(2.0)
    config = dataplane.applied[-1][1]
    (gw,) = config.gateways
    assert [len(item.routes) for item in gw.listeners] == [1]
    assert gw.listeners[0].routes[0].rules[0].backends[0].endpoints[0].pod == "svc-1"


def test_spec_change_bumps_observed_generation(store: FakeStore, running: ControllerRuntime) -> None:
    create(store, gateway_class(), gateway())
    wait_for(lambda: gateway_generations(store) == {1})
    current = store.get(GWS, INFRA, "gw")
    assert current is not None
    current["spec"]["listeners"].append(listener("alternate", hostname="foo.com"))
    store.replace(GWS, current)
    wait_for(lambda: gateway_generations(store) == {2})
    assert [item["name"] for item in (store.get(GWS, INFRA, "gw") or {})["status"]["listeners"]] == [
        "http",
        "alternate",
    ]


def test_no_write_loops(store: FakeStore, running: ControllerRuntime) -> None:
    create(store, gateway_class(), gateway(), service(), http_route())
    wait_for(lambda: route_resolved(store) is not None)
    assert running.wait_idle(2.0)
    writes = len(store.status_writes)
    running.trigger()
    assert running.wait_idle(2.0)
    assert len(store.status_writes) == writes
    assert sorted({w[1] for w in store.status_writes}) == [GC, GWS, ROUTES]


def test_dataplane_errors_become_listener_status(store: FakeStore) -> None:
    def refuse(config: DataPlaneConfig) -> dict[ListenerKey, str]:
        keys = [ListenerKey(g.namespace, g.name, x.name) for g in config.gateways for x in g.listeners]
        return dict.fromkeys(keys, "port 80 is taken")

    runtime = start(store, FakeDataPlane(errors=refuse))
    try:
        create(store, gateway_class(), gateway())
        wait_for(lambda: conditions(store, GWS, "gw").get("Programmed") == ("False", "NoResources"))
        status = (store.get(GWS, INFRA, "gw") or {})["status"]
        assert brief(status["listeners"][0]["conditions"])["Programmed"] == ("False", "Pending")
    finally:
        runtime.stop()


def test_latency_delays_status_and_config(store: FakeStore, dataplane: FakeDataPlane) -> None:
    runtime = start(store, dataplane, latency=0.05)
    try:
        assert runtime.wait_idle(1.0)  # the initial (empty) pass
        dataplane.applied.clear()
        created = time.monotonic()
        create(store, gateway_class(), gateway())
        wait_for(lambda: conditions(store, GWS, "gw").get("Accepted") == ("True", "Accepted"))
        first_write = min(t for t, resource, *_ in store.status_writes if resource == GWS)
        assert first_write - created >= 0.05
        first_with_gateway = next(t for t, config in dataplane.applied if config.gateways)
        assert first_with_gateway - created >= 0.05
        assert first_write >= first_with_gateway  # the data plane is programmed before status says so
    finally:
        runtime.stop()


def test_latency_with_jitter_keeps_changes_in_order(store: FakeStore, dataplane: FakeDataPlane) -> None:
    runtime = start(store, dataplane, latency=0.05, jitter=0.04)
    try:
        create(store, gateway_class(), gateway(listeners=[listener(hostname="h0.example.com")]))
        for step in range(1, 6):
            current = store.get(GWS, INFRA, "gw")
            assert current is not None
            current["spec"]["listeners"][0]["hostname"] = f"h{step}.example.com"
            store.replace(GWS, current)
            time.sleep(0.012)
        wait_for(lambda: gateway_generations(store) == {6})
        assert runtime.wait_idle(2.0)
    finally:
        runtime.stop()
    hostnames = [c.gateways[0].listeners[0].hostname for _, c in dataplane.applied if c.gateways]
    steps = [int(str(h)[1]) for h in hostnames]
    assert steps == sorted(steps), steps
    assert steps[-1] == 5


def test_conflicting_status_write_is_retried(store: FakeStore, dataplane: FakeDataPlane) -> None:
    real = store.replace_status
    failures = {"left": 1}
    lock = threading.Lock()

    def flaky(resource: str, obj: JSONObject) -> JSONObject:
        with lock:
            if resource == GWS and failures["left"]:
                failures["left"] -= 1
                raise ConflictError("the object has been modified")
        return real(resource, obj)

    store.replace_status = flaky  # type: ignore[method-assign]
    runtime = start(store, dataplane)
    try:
        create(store, gateway_class(), gateway())
        wait_for(lambda: conditions(store, GWS, "gw").get("Accepted") == ("True", "Accepted"))
        assert failures["left"] == 0
    finally:
        runtime.stop()


def _reference_grant_scenario(
    store: FakeStore,
    dataplane: FakeDataPlane,
    faults: tuple[str, ...],
) -> str | None:
    runtime = start(store, dataplane, faults)
    try:
        create(
            store,
            gateway_class(),
            gateway(),
            service(namespace="web"),
            route_grant("grant", "web", INFRA),
            http_route(rules=[rule(backend(namespace="web"))]),
        )
        wait_for(lambda: route_resolved(store) == "ResolvedRefs")
        store.delete(GRANTS, "web", "grant")
        assert runtime.wait_idle(2.0)
        return route_resolved(store)
    finally:
        runtime.stop()


def test_deleting_a_reference_grant_revokes_access(store: FakeStore, dataplane: FakeDataPlane) -> None:
    assert _reference_grant_scenario(store, dataplane, ()) == "RefNotPermitted"


def test_fault_reference_grant_deletion_ignored(store: FakeStore, dataplane: FakeDataPlane) -> None:
    faults = (fc.REFERENCE_GRANT_DELETION_IGNORED,)
    assert _reference_grant_scenario(store, dataplane, faults) == "ResolvedRefs"


def test_stop_joins_the_worker(store: FakeStore, dataplane: FakeDataPlane) -> None:
    runtime = start(store, dataplane, latency=0.5)
    create(store, gateway_class())
    runtime.stop()
    assert not any(t.name == "gateway-controller" and t.is_alive() for t in threading.enumerate())
    # Nothing is applied after stop, even with changes in flight.
    assert store.status_writes == []


def test_start_twice_is_an_error(
    store: FakeStore,
    dataplane: FakeDataPlane,
    running: ControllerRuntime,
) -> None:
    with pytest.raises(RuntimeError):
        running.start()


def test_a_rejected_status_does_not_block_the_others(store: FakeStore, dataplane: FakeDataPlane) -> None:
    real = store.replace_status

    def strict(resource: str, obj: JSONObject) -> JSONObject:
        if resource == GC:
            raise InvalidError("status.conditions: Invalid value")
        return real(resource, obj)

    store.replace_status = strict  # type: ignore[method-assign]
    runtime = start(store, dataplane)
    try:
        create(store, gateway_class(), gateway())
        wait_for(lambda: conditions(store, GWS, "gw").get("Accepted") == ("True", "Accepted"))
    finally:
        runtime.stop()
