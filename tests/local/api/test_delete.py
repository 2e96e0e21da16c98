"""Delete checks (X1-X7 of spec/local-api.md)."""

from __future__ import annotations

import pytest
from kubernetes import client, watch
from localapi_support import GATEWAY, gateway


def test_x1_delete_configmap(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "x1"}})
    status = core.delete_namespaced_config_map("x1", ns)
    assert status["status"] == "Success"  # client 37 returns the Status as a dict
    with pytest.raises(client.ApiException) as caught:
        core.read_namespaced_config_map("x1", ns)
    assert caught.value.status == 404


def test_x2_delete_missing_is_404(core: client.CoreV1Api, ns: str) -> None:
    with pytest.raises(client.ApiException) as caught:
        core.delete_namespaced_config_map("missing", ns)
    assert caught.value.status == 404


def test_x3_deletecollection_with_label_selector(core: client.CoreV1Api, ns: str) -> None:
    for name, app in (("a", "gone"), ("b", "gone"), ("c", "kept")):
        core.create_namespaced_config_map(ns, {"metadata": {"name": name, "labels": {"app": app}}})
    core.delete_collection_namespaced_config_map(ns, label_selector="app=gone")
    assert [cm.metadata.name for cm in core.list_namespaced_config_map(ns).items] == ["c"]


def test_x4_deletecollection_custom_objects(custom: client.CustomObjectsApi, ns: str) -> None:
    for name in ("a", "b"):
        custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway(name))
    custom.delete_collection_namespaced_custom_object(GATEWAY, "v1", ns, "gateways")
    assert custom.list_namespaced_custom_object(GATEWAY, "v1", ns, "gateways")["items"] == []


def test_x5_namespace_deletion_removes_contents(
    core: client.CoreV1Api, custom: client.CustomObjectsApi, ns: str
) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "inside"}})
    custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("inside"))
    rv = core.list_namespace().metadata.resource_version
    core.delete_namespace(ns)
    with pytest.raises(client.ApiException) as caught:
        core.read_namespace(ns)
    assert caught.value.status == 404
    assert core.list_config_map_for_all_namespaces(field_selector=f"metadata.namespace={ns}").items == []
    assert (
        custom.list_cluster_custom_object(GATEWAY, "v1", "gateways", field_selector=f"metadata.namespace={ns}")["items"]
        == []
    )
    # Watchers of namespaces see it terminate, then go.
    seen = []
    for event in watch.Watch().stream(core.list_namespace, resource_version=rv, timeout_seconds=1):
        if event["object"].metadata.name == ns:
            seen.append((event["type"], event["object"].status.phase))
    assert seen == [("MODIFIED", "Terminating"), ("DELETED", "Terminating")]


def test_x6_finalizers_delay_deletion(custom: client.CustomObjectsApi, ns: str) -> None:
    body = gateway("fin")
    body["metadata"] = {"name": "fin", "finalizers": ["example.com/hold"]}
    custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", body)
    returned = custom.delete_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "fin")
    assert returned["metadata"]["deletionTimestamp"]
    held = custom.get_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "fin")
    assert held["metadata"]["deletionTimestamp"] and held["metadata"]["finalizers"] == ["example.com/hold"]
    custom.patch_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "fin", {"metadata": {"finalizers": None}})
    with pytest.raises(client.ApiException) as caught:
        custom.get_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "fin")
    assert caught.value.status == 404


def test_x6_namespace_waits_for_finalized_contents(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "held", "finalizers": ["example.com/hold"]}})
    core.delete_namespace(ns)
    assert core.read_namespace(ns).status.phase == "Terminating"
    with pytest.raises(client.ApiException) as caught:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "late"}})
    assert caught.value.status == 403
    core.patch_namespaced_config_map("held", ns, {"metadata": {"finalizers": None}})
    # Releasing the last object finishes the namespace's deletion right away.
    with pytest.raises(client.ApiException) as caught:
        core.read_namespace(ns)
    assert caught.value.status == 404


def test_x7_delete_custom_object(custom: client.CustomObjectsApi, ns: str) -> None:
    custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("x7"))
    deleted = custom.delete_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "x7")
    assert deleted["metadata"]["name"] == "x7"
    with pytest.raises(client.ApiException) as caught:
        custom.get_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "x7")
    assert caught.value.status == 404


def test_delete_with_stale_uid_precondition_is_409(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, {"metadata": {"name": "pre"}})
    options = client.V1DeleteOptions(preconditions=client.V1Preconditions(uid="not-the-uid"))
    with pytest.raises(client.ApiException) as caught:
        core.delete_namespaced_config_map("pre", ns, body=options)
    assert caught.value.status == 409
