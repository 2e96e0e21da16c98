"""Watch checks (W1-W7 of spec/local-api.md) and the concurrency check from its pitfalls."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from kubernetes import client, watch
from localapi_support import GATEWAY, gateway

from conformance.local.api.server import ApiServer
from conformance.local.api.store import Store


def _events(func: Any, *args: Any, until: int | None = None, **kwargs: Any) -> list[dict[str, Any]]:
    """Collect events until the server closes the stream (timeout_seconds) or ``until`` events arrived."""
    watcher = watch.Watch()
    seen: list[dict[str, Any]] = []
    for event in watcher.stream(func, *args, **kwargs):
        seen.append(event)
        if until is not None and len(seen) >= until:
            watcher.stop()
    return seen


def _later(delay: float, action: Any) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(delay), action()))
    thread.start()
    return thread


def test_w1_watch_from_list_resource_version_replays_nothing(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "w1"}})
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    writer = _later(0.1, lambda: core.patch_namespaced_config_map("w1", ns, {"data": {"a": "1"}}))
    events = _events(core.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=1, until=1)
    writer.join()
    assert [(e["type"], e["object"].metadata.name) for e in events] == [("MODIFIED", "w1")]


def test_w2_watch_honours_timeout_seconds(core: client.CoreV1Api, ns: str) -> None:
    start = time.monotonic()
    events = _events(core.list_namespaced_config_map, ns, timeout_seconds=1)
    elapsed = time.monotonic() - start
    assert events == []
    assert 0.9 <= elapsed < 3


def test_w3_watch_label_selector_filters(core: client.CoreV1Api, ns: str) -> None:
    rv = core.list_namespaced_config_map(ns).metadata.resource_version

    def write() -> None:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "other", "labels": {"app": "no"}}})
        core.create_namespaced_config_map(ns, {"metadata": {"name": "mine", "labels": {"app": "yes"}}})

    writer = _later(0.1, write)
    events = _events(
        core.list_namespaced_config_map, ns, label_selector="app=yes", resource_version=rv, timeout_seconds=1, until=1
    )
    writer.join()
    assert [(e["type"], e["object"].metadata.name) for e in events] == [("ADDED", "mine")]


def test_w3_label_change_turns_into_added_and_deleted(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "flip", "labels": {"app": "no"}}})
    rv = core.list_namespaced_config_map(ns).metadata.resource_version

    def write() -> None:
        core.patch_namespaced_config_map("flip", ns, {"metadata": {"labels": {"app": "yes"}}})
        core.patch_namespaced_config_map("flip", ns, {"metadata": {"labels": {"app": "no"}}})

    writer = _later(0.1, write)
    events = _events(
        core.list_namespaced_config_map, ns, label_selector="app=yes", resource_version=rv, timeout_seconds=1, until=2
    )
    writer.join()
    assert [e["type"] for e in events] == ["ADDED", "DELETED"]


def test_w4_watch_sees_deleted(custom: client.CustomObjectsApi, ns: str) -> None:
    custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("w4"))
    rv = custom.list_namespaced_custom_object(GATEWAY, "v1", ns, "gateways")["metadata"]["resourceVersion"]
    writer = _later(0.1, lambda: custom.delete_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "w4"))
    events = _events(
        custom.list_namespaced_custom_object,
        GATEWAY,
        "v1",
        ns,
        "gateways",
        resource_version=rv,
        timeout_seconds=1,
        until=1,
    )
    writer.join()
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("DELETED", "w4")]
    assert int(events[0]["object"]["metadata"]["resourceVersion"]) > int(rv)


def test_w5_bookmarks(core: client.CoreV1Api, ns: str) -> None:
    response = core.list_namespaced_config_map(
        ns, watch=True, allow_watch_bookmarks=True, timeout_seconds=1, _preload_content=False
    )
    lines = [line for line in watch.watch.iter_resp_lines(response) if line]
    response.release_conn()
    assert lines and all('"type":"BOOKMARK"' in line for line in lines)
    assert '"resourceVersion":"' in lines[0]


def test_w6_watch_from_old_resource_version_replays_in_order(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "w6"}})
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    for value in "123":
        core.patch_namespaced_config_map("w6", ns, {"data": {"v": value}})
    events = _events(core.list_namespaced_config_map, ns, resource_version=start, timeout_seconds=1, until=3)
    assert [e["object"].data["v"] for e in events] == ["1", "2", "3"]
    versions = [int(e["object"].metadata.resource_version) for e in events]
    assert versions == sorted(versions)


def test_w6_watch_from_expired_resource_version_is_410() -> None:
    store = Store(history_limit=5)
    with ApiServer(store) as server, client.ApiClient(client.Configuration(host=server.url)) as api:
        core = client.CoreV1Api(api)
        core.create_namespaced_config_map("default", {"metadata": {"name": "x"}})
        old = core.list_namespaced_config_map("default").metadata.resource_version
        for value in range(10):
            core.patch_namespaced_config_map("x", "default", {"data": {"v": str(value)}})
        with pytest.raises(client.ApiException) as caught:
            _events(core.list_namespaced_config_map, "default", resource_version=old, timeout_seconds=1)
        assert caught.value.status == 410


def test_w7_typed_watch_initial_added(core: client.CoreV1Api, ns: str) -> None:
    for name in ("a", "b"):
        core.create_namespaced_config_map(ns, {"metadata": {"name": name}, "data": {"n": name}})
    events = _events(core.list_namespaced_config_map, ns, timeout_seconds=1, until=2)
    assert [e["type"] for e in events] == ["ADDED", "ADDED"]
    assert all(isinstance(e["object"], client.V1ConfigMap) for e in events)
    assert sorted(e["object"].data["n"] for e in events) == ["a", "b"]


def test_watch_across_all_namespaces(custom: client.CustomObjectsApi, ns: str) -> None:
    rv = custom.list_cluster_custom_object(GATEWAY, "v1", "gateways")["metadata"]["resourceVersion"]
    writer = _later(0.1, lambda: custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("any")))
    events = _events(
        custom.list_cluster_custom_object, GATEWAY, "v1", "gateways", resource_version=rv, timeout_seconds=1, until=1
    )
    writer.join()
    assert [(e["type"], e["object"]["metadata"]["namespace"]) for e in events] == [("ADDED", ns)]


def test_concurrent_writers_and_watchers(api: client.ApiClient, server: ApiServer, ns: str) -> None:
    """4 writers x 150 patches, 3 watchers: each watcher sees all 600 MODIFIED events, in order."""
    core = client.CoreV1Api(api)
    for writer in range(4):
        core.create_namespaced_config_map(ns, {"metadata": {"name": f"c{writer}"}, "data": {}})
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    seen: list[list[tuple[str, int, str]]] = [[] for _ in range(3)]

    def watch_all(index: int) -> None:
        with client.ApiClient(client.Configuration(host=server.url)) as own:
            watcher = watch.Watch()
            for event in watcher.stream(
                client.CoreV1Api(own).list_namespaced_config_map, ns, resource_version=start, timeout_seconds=30
            ):
                obj = event["object"]
                seen[index].append((event["type"], int(obj.metadata.resource_version), obj.data.get("v", "")))
                if len(seen[index]) == 600:
                    watcher.stop()

    def write(index: int) -> None:
        with client.ApiClient(client.Configuration(host=server.url)) as own:
            writer_api = client.CoreV1Api(own)
            for n in range(150):
                writer_api.patch_namespaced_config_map(f"c{index}", ns, {"data": {"v": f"{index}-{n}"}})

    watchers = [threading.Thread(target=watch_all, args=(i,)) for i in range(3)]
    writers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in watchers:
        thread.start()
    time.sleep(0.2)
    for thread in writers:
        thread.start()
    for thread in writers + watchers:
        thread.join(timeout=60)
    for events in seen:
        assert len(events) == 600
        assert all(kind == "MODIFIED" for kind, _, _ in events)
        versions = [rv for _, rv, _ in events]
        assert versions == sorted(set(versions))
        # Each event carries the object as of that write, not a later state.
        for index in range(4):
            mine = [v for _, _, v in events if v.startswith(f"{index}-")]
            assert mine == [f"{index}-{n}" for n in range(150)]
