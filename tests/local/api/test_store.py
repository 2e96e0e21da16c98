"""The in-process ObjectStore protocol: what the local kubelet and the reference gateway rely on."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from conformance.local.api.protocol import ConflictError, InvalidError, NotFoundError, ObjectStore
from conformance.local.api.store import Store

GATEWAYS = "gateways.gateway.networking.k8s.io"


@pytest.fixture
def objects() -> ObjectStore:
    store = Store()
    store.create("namespaces", {"metadata": {"name": "ns"}})
    return store


def _gw(name: str = "gw", **extra: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "ns"}, "spec": {"gatewayClassName": "c"}, **extra}


def test_create_fills_server_fields(objects: ObjectStore) -> None:
    created = objects.create(GATEWAYS, _gw())
    metadata = created["metadata"]
    assert metadata["uid"] and metadata["creationTimestamp"].endswith("Z")
    assert metadata["resourceVersion"].isdigit() and metadata["generation"] == 1
    assert created["apiVersion"] == "gateway.networking.k8s.io/v1" and created["kind"] == "Gateway"


def test_create_conflict_and_missing_namespace(objects: ObjectStore) -> None:
    objects.create(GATEWAYS, _gw())
    with pytest.raises(ConflictError):
        objects.create(GATEWAYS, _gw())
    with pytest.raises(NotFoundError):
        objects.create(GATEWAYS, {"metadata": {"name": "x", "namespace": "nowhere"}})
    with pytest.raises(InvalidError):
        objects.create(GATEWAYS, {"metadata": {"name": "x"}})


def test_returned_objects_are_private_copies(objects: ObjectStore) -> None:
    body = _gw()
    created = objects.create(GATEWAYS, body)
    body["spec"]["gatewayClassName"] = "mutated"
    created["spec"]["gatewayClassName"] = "mutated"
    fetched = objects.get(GATEWAYS, "ns", "gw")
    assert fetched is not None and fetched["spec"]["gatewayClassName"] == "c"


def test_replace_bumps_generation_and_ignores_status(objects: ObjectStore) -> None:
    created = objects.create(GATEWAYS, _gw())
    created["spec"]["gatewayClassName"] = "d"
    created["status"] = {"ignored": True}
    replaced = objects.replace(GATEWAYS, created)
    assert replaced["metadata"]["generation"] == 2 and "status" not in replaced
    with pytest.raises(ConflictError):
        objects.replace(GATEWAYS, created)  # created still carries the old resourceVersion


def test_replace_status_ignores_spec(objects: ObjectStore) -> None:
    created = objects.create(GATEWAYS, _gw())
    created["spec"]["gatewayClassName"] = "ignored"
    created["status"] = {"conditions": []}
    updated = objects.replace_status(GATEWAYS, created)
    assert updated["status"] == {"conditions": []}
    assert updated["spec"]["gatewayClassName"] == "c" and updated["metadata"]["generation"] == 1
    without_rv = {"metadata": {"name": "gw", "namespace": "ns"}, "status": {"conditions": [{"type": "X"}]}}
    assert objects.replace_status(GATEWAYS, without_rv)["status"]["conditions"][0]["type"] == "X"


def test_list_sorted_and_label_selected(objects: ObjectStore) -> None:
    objects.create("namespaces", {"metadata": {"name": "a-ns"}})
    objects.create(GATEWAYS, _gw("b", metadata={"name": "b", "namespace": "ns", "labels": {"x": "1"}}))
    objects.create(GATEWAYS, {"metadata": {"name": "z", "namespace": "a-ns", "labels": {"x": "1"}}})
    objects.create(GATEWAYS, _gw("a"))
    everything = [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objects.list(GATEWAYS)]
    assert everything == [("a-ns", "z"), ("ns", "a"), ("ns", "b")]
    assert [o["metadata"]["name"] for o in objects.list(GATEWAYS, "ns", label_selector="x=1")] == ["b"]


def test_delete_with_finalizers_then_release(objects: ObjectStore) -> None:
    objects.create(GATEWAYS, _gw(metadata={"name": "gw", "namespace": "ns", "finalizers": ["f"]}))
    objects.delete(GATEWAYS, "ns", "gw")
    held = objects.get(GATEWAYS, "ns", "gw")
    assert held is not None and held["metadata"]["deletionTimestamp"]
    held["metadata"]["finalizers"] = []
    objects.replace(GATEWAYS, held)
    assert objects.get(GATEWAYS, "ns", "gw") is None
    with pytest.raises(NotFoundError):
        objects.delete(GATEWAYS, "ns", "gw")


def test_subscribe_gets_copies_in_commit_order(objects: ObjectStore) -> None:
    seen: list[tuple[str, str, str]] = []

    def listener(kind: str, resource: str, obj: dict[str, Any]) -> None:
        seen.append((kind, resource, obj["metadata"]["resourceVersion"]))
        obj["metadata"]["name"] = "mutated by listener"

    unsubscribe = objects.subscribe([GATEWAYS], listener)
    created = objects.create(GATEWAYS, _gw())
    objects.replace_status(GATEWAYS, {**created, "status": {"a": 1}})
    objects.delete(GATEWAYS, "ns", "gw")
    objects.create("configmaps", {"metadata": {"name": "cm", "namespace": "ns"}})
    unsubscribe()
    objects.create(GATEWAYS, _gw("after"))
    assert [kind for kind, _, _ in seen] == ["ADDED", "MODIFIED", "DELETED"]
    versions = [int(rv) for _, _, rv in seen]
    assert versions == sorted(versions)
    assert objects.get(GATEWAYS, "ns", "after") is not None


def test_listener_may_write_back(objects: ObjectStore) -> None:
    """A controller-style listener that writes status from inside the callback must not deadlock."""

    def controller(kind: str, resource: str, obj: dict[str, Any]) -> None:
        if kind == "ADDED":
            objects.replace_status(GATEWAYS, {**obj, "status": {"seen": True}})

    objects.subscribe([GATEWAYS], controller)
    objects.create(GATEWAYS, _gw())
    fetched = objects.get(GATEWAYS, "ns", "gw")
    assert fetched is not None and fetched["status"] == {"seen": True}


def test_concurrent_in_process_writes_are_serialized() -> None:
    store = Store()
    store.create("configmaps", {"metadata": {"name": "c", "namespace": "default"}, "data": {"n": "0"}})
    versions: list[int] = []
    store.subscribe(["configmaps"], lambda kind, res, obj: versions.append(int(obj["metadata"]["resourceVersion"])))

    def bump() -> None:
        for _ in range(50):
            while True:
                current = store.get("configmaps", "default", "c")
                assert current is not None
                current["data"]["n"] = str(int(current["data"]["n"]) + 1)
                try:
                    store.replace("configmaps", current)
                    break
                except ConflictError:
                    continue

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.get("configmaps", "default", "c")
    assert final is not None and final["data"]["n"] == "200"
    assert versions == sorted(versions) and len(versions) == 200


def test_unknown_resource_is_not_found(objects: ObjectStore) -> None:
    with pytest.raises(NotFoundError):
        objects.get("nosuchthings", None, "x")
    with pytest.raises(NotFoundError):
        objects.subscribe(["nosuchthings"], lambda kind, resource, obj: None)


def test_namespace_gets_label_and_phase(objects: ObjectStore) -> None:
    namespace = objects.get("namespaces", None, "ns")
    assert namespace is not None
    assert namespace["metadata"]["labels"] == {"kubernetes.io/metadata.name": "ns"}
    assert namespace["status"] == {"phase": "Active"}
    assert {n["metadata"]["name"] for n in objects.list("namespaces")} >= {"default", "kube-system"}
