"""Gateway-level behaviour: static addresses, the objects generated per Gateway, TLS passthrough listeners."""

from __future__ import annotations

import copy
import random

import pytest
from gwbuilders import (
    CONTROLLER,
    INFRA,
    FakeAddresses,
    FakeDataPlane,
    FakeStore,
    brief,
    gateway,
    gateway_class,
    gateway_status,
    http_route,
    listener,
    listener_of,
    route_conditions,
    run,
    service,
    wait_for,
)
from gwsets import listener_set, open_gateway

from conformance.local.faults import ActiveFaults
from conformance.local.gateway.infrastructure import (
    GATEWAY_NAME_LABEL,
    MANAGED_BY,
    MANAGED_BY_LABEL,
    InfrastructureSync,
    gateway_name_label,
    object_name,
    up_to_date,
)
from conformance.local.gateway.runtime import ControllerRuntime
from conformance.local.gateway.snapshot import REQUIRED_RESOURCES


def addresses(*entries: dict[str, str]) -> dict[str, object]:
    return {"addresses": list(entries)}


def conditions(result: object) -> dict[str, tuple[str, str]]:
    return brief(gateway_status(result)["conditions"])  # type: ignore[arg-type]


# --- addresses -----------------------------------------------------------------------------------------


def test_a_usable_static_address_is_served_and_reported() -> None:
    result = run(gateway_class(), gateway(**addresses({"type": "IPAddress", "value": "127.66.0.2"})))
    assert gateway_status(result)["addresses"] == [{"type": "IPAddress", "value": "127.66.0.2"}]
    assert result.config.gateways[0].address == "127.66.0.2"
    assert conditions(result)["Programmed"] == ("True", "Programmed")


def test_an_unusable_address_anywhere_in_the_list_leaves_the_gateway_unprogrammed() -> None:
    gw = gateway(**addresses({"value": "127.66.0.2"}, {"type": "IPAddress", "value": "192.0.2.1"}))
    result = run(gateway_class(), gw)
    assert conditions(result)["Accepted"] == ("True", "Accepted")
    assert conditions(result)["Programmed"] == ("False", "AddressNotUsable")
    assert "addresses" not in gateway_status(result)
    assert result.config.gateways == ()


def test_an_unsupported_address_type_rejects_the_gateway() -> None:
    gw = gateway(**addresses({"type": "test/fake-invalid-type", "value": "x"}, {"value": "127.66.0.2"}))
    assert conditions(run(gateway_class(), gw))["Accepted"] == ("False", "UnsupportedAddress")


def test_an_address_without_value_gets_one_assigned() -> None:
    result = run(gateway_class(), gateway(**addresses({"type": "IPAddress"})))
    assert gateway_status(result)["addresses"] == [{"type": "IPAddress", "value": "127.77.1.1"}]
    assert conditions(result)["Programmed"] == ("True", "Programmed")


# --- generated objects ---------------------------------------------------------------------------------


def test_an_accepted_gateway_gets_a_service_account_and_a_service() -> None:
    gw = gateway(
        listeners=[listener(), listener("alt", 8080, hostname="alt.example.com")],
        infrastructure={"labels": {"team": "a"}, "annotations": {"note": "b"}},
    )
    result = run(gateway_class(), gw)
    kinds = {resource: item for resource, item in result.objects}
    assert set(kinds) == {"serviceaccounts", "services"}
    for item in kinds.values():
        meta = item["metadata"]
        assert (meta["namespace"], meta["name"]) == (INFRA, "gw-gc")
        assert meta["labels"] == {"team": "a", GATEWAY_NAME_LABEL: "gw", MANAGED_BY_LABEL: MANAGED_BY}
        assert meta["annotations"] == {"note": "b"}
        assert meta["ownerReferences"][0]["kind"] == "Gateway"
    assert [p["port"] for p in kinds["services"]["spec"]["ports"]] == [80, 8080]


def test_rejected_gateways_get_no_objects() -> None:
    result = run(gateway_class(), gateway(listeners=[listener(protocol="INVALID")]))
    assert result.objects == ()


def test_long_names_are_shortened_into_valid_labels() -> None:
    long_name = "g" * 253
    name = object_name({"metadata": {"name": long_name, "namespace": INFRA}}, "gateway-conformance")
    assert len(name) <= 63 and name[0].isalpha() and name.replace("-", "").isalnum()
    other = object_name({"metadata": {"name": long_name[:-1] + "h", "namespace": INFRA}}, "gateway-conformance")
    assert other != name
    assert gateway_name_label("short") == "short"
    assert len(gateway_name_label(long_name)) <= 63
    result = run(gateway_class(), gateway(long_name))
    assert brief(gateway_status(result, long_name)["conditions"])["Accepted"] == ("True", "Accepted")
    assert all(len(item["metadata"]["name"]) <= 63 for _, item in result.objects)


def test_up_to_date_ignores_fields_the_api_adds_but_not_label_changes() -> None:
    (_, wanted), *_ = run(gateway_class(), gateway()).objects
    stored = copy.deepcopy(wanted)
    stored["metadata"].update(uid="u", resourceVersion="7")
    stored["secrets"] = []
    assert up_to_date(stored, wanted)
    stored["metadata"]["labels"]["extra"] = "x"
    assert not up_to_date(stored, wanted)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(served=(*REQUIRED_RESOURCES, "serviceaccounts"))


def test_sync_creates_updates_and_deletes_generated_objects(store: FakeStore) -> None:
    sync = InfrastructureSync(store)
    first = run(gateway_class(), gateway(infrastructure={"labels": {"v": "1"}})).objects
    assert sync.sync(first)
    assert store.get("services", INFRA, "gw-gc")["metadata"]["labels"]["v"] == "1"  # type: ignore[index]
    version = store.get("serviceaccounts", INFRA, "gw-gc")["metadata"]["resourceVersion"]  # type: ignore[index]

    assert sync.sync(first)  # nothing changed: nothing written
    assert store.get("serviceaccounts", INFRA, "gw-gc")["metadata"]["resourceVersion"] == version  # type: ignore[index]

    second = run(gateway_class(), gateway(infrastructure={"labels": {"v": "2"}})).objects
    assert sync.sync(second)
    assert store.get("serviceaccounts", INFRA, "gw-gc")["metadata"]["labels"]["v"] == "2"  # type: ignore[index]

    assert sync.sync(())
    assert store.get("services", INFRA, "gw-gc") is None
    assert store.get("serviceaccounts", INFRA, "gw-gc") is None


def test_sync_leaves_objects_it_does_not_own_alone(store: FakeStore) -> None:
    store.create("services", service("gw-gc"))
    assert InfrastructureSync(store).sync(run(gateway_class(), gateway()).objects)
    assert MANAGED_BY_LABEL not in (store.get("services", INFRA, "gw-gc")["metadata"].get("labels") or {})  # type: ignore[index]
    assert InfrastructureSync(store).sync(())
    assert store.get("services", INFRA, "gw-gc") is not None


def test_sync_skips_kinds_the_api_does_not_serve() -> None:
    store = FakeStore()  # no serviceaccounts
    assert InfrastructureSync(store).sync(run(gateway_class(), gateway()).objects)
    assert store.get("services", INFRA, "gw-gc") is not None


# --- TLS passthrough listeners -------------------------------------------------------------------------


def test_a_passthrough_listener_admits_tls_routes_only() -> None:
    tls = listener("tls", 443, "TLS", tls={"mode": "Passthrough"}, kinds=[{"kind": "TLSRoute"}])
    result = run(gateway_class(), gateway(listeners=[tls]), http_route(), service())
    entry = listener_of(result, "tls")
    assert entry["supportedKinds"] == [{"group": "gateway.networking.k8s.io", "kind": "TLSRoute"}]
    assert brief(entry["conditions"])["Accepted"] == ("True", "Accepted")
    assert conditions(result) == {
        "Accepted": ("True", "Accepted"),
        "Programmed": ("True", "Programmed"),
        "ResolvedRefs": ("True", "ResolvedRefs"),
    }
    assert route_conditions(result)["Accepted"] == ("False", "NotAllowedByListeners")
    assert entry["attachedRoutes"] == 0


def test_the_runtime_keeps_the_generated_objects_and_listener_set_status() -> None:
    served = FakeStore(served=(*REQUIRED_RESOURCES, "serviceaccounts", "listenersets.gateway.networking.k8s.io"))
    runtime = ControllerRuntime(
        served, FakeDataPlane(), FakeAddresses(), ActiveFaults(), CONTROLLER, rng=random.Random(3)
    )
    runtime.start()
    try:
        served.create("gatewayclasses.gateway.networking.k8s.io", gateway_class())
        served.create("gateways.gateway.networking.k8s.io", open_gateway())
        served.create("listenersets.gateway.networking.k8s.io", listener_set())
        wait_for(lambda: served.get("serviceaccounts", INFRA, "gw-gc") is not None)
        wait_for(lambda: "status" in (served.get("listenersets.gateway.networking.k8s.io", INFRA, "ls") or {}))
        assert runtime.wait_idle(3.0)
        status = served.get("listenersets.gateway.networking.k8s.io", INFRA, "ls")["status"]  # type: ignore[index]
        assert brief(status["conditions"])["Accepted"] == ("True", "Accepted")
        served.delete("gateways.gateway.networking.k8s.io", INFRA, "gw")
        wait_for(lambda: served.get("services", INFRA, "gw-gc") is None)
    finally:
        runtime.stop()
