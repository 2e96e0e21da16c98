"""Patch, update and status-subresource checks (P1-P9, U1-U4, S1-S6 of spec/local-api.md)."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client
from localapi_support import GATEWAY, gateway

APPLY = "application/apply-patch+yaml"
JSON_PATCH = "application/json-patch+json"


@pytest.fixture
def gw(custom: client.CustomObjectsApi, ns: str) -> dict[str, Any]:
    created: dict[str, Any] = custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("gw"))
    return created


def _patch_gw(custom: client.CustomObjectsApi, ns: str, body: Any, **kwargs: Any) -> dict[str, Any]:
    result: dict[str, Any] = custom.patch_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "gw", body, **kwargs)
    return result


def test_p1_merge_patch(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    patched = _patch_gw(custom, ns, {"metadata": {"labels": {"a": "1"}}, "spec": {"gatewayClassName": "other"}})
    assert patched["metadata"]["labels"] == {"a": "1"}
    assert patched["spec"]["gatewayClassName"] == "other"
    assert patched["spec"]["listeners"] == gw["spec"]["listeners"]


def test_p2_merge_patch_null_removes_key(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    _patch_gw(custom, ns, {"metadata": {"labels": {"a": "1", "b": "2"}}})
    patched = _patch_gw(custom, ns, {"metadata": {"labels": {"a": None}}})
    assert patched["metadata"]["labels"] == {"b": "2"}


def test_p3_json_patch(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    ops = [
        {"op": "add", "path": "/metadata/labels", "value": {"x": "y"}},
        {"op": "replace", "path": "/spec/listeners/0/port", "value": 8080},
    ]
    patched = _patch_gw(custom, ns, ops, _content_type=JSON_PATCH)
    assert patched["metadata"]["labels"] == {"x": "y"}
    assert patched["spec"]["listeners"][0]["port"] == 8080


def test_p3b_json_patch_failing_test_op(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    ops = [{"op": "test", "path": "/spec/gatewayClassName", "value": "nope"}, {"op": "remove", "path": "/spec"}]
    with pytest.raises(client.ApiException) as caught:
        _patch_gw(custom, ns, ops, _content_type=JSON_PATCH)
    assert 400 <= caught.value.status < 500
    assert custom.get_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "gw")["spec"]


def test_p4_strategic_merge_by_name(apps: client.AppsV1Api, ns: str) -> None:
    containers = [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]
    body = {
        "metadata": {"name": "d"},
        "spec": {
            "selector": {"matchLabels": {"app": "d"}},
            "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": containers}},
        },
    }
    apps.create_namespaced_deployment(ns, body)
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "b:2"}]}}}}
    patched = apps.patch_namespaced_deployment("d", ns, patch)
    images = {c.name: c.image for c in patched.spec.template.spec.containers}
    assert images == {"a": "a:1", "b": "b:2"}


def test_strategic_merge_on_custom_resource_is_415(
    custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]
) -> None:
    with pytest.raises(client.ApiException) as caught:
        _patch_gw(custom, ns, {"spec": {}}, _content_type="application/strategic-merge-patch+json")
    assert caught.value.status == 415


def _apply_cm(core: client.CoreV1Api, ns: str, data: dict[str, str], labels: dict[str, str] | None = None) -> Any:
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "applied", "labels": labels or {}},
        "data": data,
    }
    return core.patch_namespaced_config_map(
        "applied", ns, body, field_manager="tester", force=True, _content_type=APPLY
    )


def test_p5_apply_creates_missing(core: client.CoreV1Api, ns: str) -> None:
    created = _apply_cm(core, ns, {"a": "1"})
    assert created.data == {"a": "1"}
    assert core.read_namespaced_config_map("applied", ns).metadata.uid == created.metadata.uid


def test_p6_apply_updates_existing(core: client.CoreV1Api, ns: str) -> None:
    first = _apply_cm(core, ns, {"a": "1"})
    second = _apply_cm(core, ns, {"a": "2"})
    assert second.data == {"a": "2"}
    assert int(second.metadata.resource_version) > int(first.metadata.resource_version)


def test_p7_apply_removes_field_the_manager_dropped(core: client.CoreV1Api, ns: str) -> None:
    _apply_cm(core, ns, {"a": "1", "b": "2"}, {"keep": "x", "drop": "y"})
    core.patch_namespaced_config_map("applied", ns, {"data": {"other": "3"}})  # a non-apply write
    result = _apply_cm(core, ns, {"a": "1"}, {"keep": "x"})
    assert result.data == {"a": "1", "other": "3"}
    assert result.metadata.labels == {"keep": "x"}


def test_p8_apply_records_managed_fields(custom: client.CustomObjectsApi, ns: str) -> None:
    body = gateway("applied-gw")
    result = custom.patch_namespaced_custom_object(
        GATEWAY, "v1", ns, "gateways", "applied-gw", body, field_manager="gwconf", force=True, _content_type=APPLY
    )
    entries = result["metadata"]["managedFields"]
    assert [(e["manager"], e["operation"], e["fieldsType"]) for e in entries] == [("gwconf", "Apply", "FieldsV1")]
    assert "f:gatewayClassName" in entries[0]["fieldsV1"]["f:spec"]


def test_apply_without_field_manager_is_400(core: client.CoreV1Api, ns: str) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nofm"}}
    with pytest.raises(client.ApiException) as caught:
        core.patch_namespaced_config_map("nofm", ns, body, _content_type=APPLY)
    assert caught.value.status == 400


def test_p9_merge_patch_missing_is_404(custom: client.CustomObjectsApi, ns: str) -> None:
    with pytest.raises(client.ApiException) as caught:
        custom.patch_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "missing", {"spec": {}})
    assert caught.value.status == 404


def test_u1_replace_configmap(core: client.CoreV1Api, ns: str) -> None:
    created = core.create_namespaced_config_map(ns, {"metadata": {"name": "u1"}, "data": {"a": "1"}})
    created.data = {"b": "2"}
    replaced = core.replace_namespaced_config_map("u1", ns, created)
    assert replaced.data == {"b": "2"}
    assert replaced.metadata.uid == created.metadata.uid


def test_u1b_replace_custom_object(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    gw["spec"]["gatewayClassName"] = "replaced"
    replaced = custom.replace_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "gw", gw)
    assert replaced["spec"]["gatewayClassName"] == "replaced"
    assert replaced["metadata"]["generation"] == 2


def test_u2_replace_with_stale_resource_version_is_409(core: client.CoreV1Api, ns: str) -> None:
    created = core.create_namespaced_config_map(ns, {"metadata": {"name": "u2"}, "data": {"a": "1"}})
    core.patch_namespaced_config_map("u2", ns, {"data": {"a": "2"}})
    with pytest.raises(client.ApiException) as caught:
        core.replace_namespaced_config_map("u2", ns, created)
    assert caught.value.status == 409
    assert '"reason":"Conflict"' in caught.value.body


def test_u3_merge_patch_with_stale_resource_version_is_409(
    custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]
) -> None:
    _patch_gw(custom, ns, {"metadata": {"labels": {"a": "1"}}})
    with pytest.raises(client.ApiException) as caught:
        _patch_gw(
            custom, ns, {"metadata": {"resourceVersion": gw["metadata"]["resourceVersion"], "labels": {"b": "2"}}}
        )
    assert caught.value.status == 409


def test_u4_resource_version_increases(core: client.CoreV1Api, ns: str) -> None:
    versions = [int(core.create_namespaced_config_map(ns, {"metadata": {"name": "u4"}}).metadata.resource_version)]
    for value in "123":
        versions.append(
            int(core.patch_namespaced_config_map("u4", ns, {"data": {"v": value}}).metadata.resource_version)
        )
    assert versions == sorted(set(versions))


def _status(conditions: str) -> dict[str, Any]:
    return {
        "status": {
            "conditions": [
                {
                    "type": "Accepted",
                    "status": conditions,
                    "reason": "Accepted",
                    "message": "",
                    "lastTransitionTime": "2024-01-01T00:00:00Z",
                    "observedGeneration": 1,
                }
            ]
        }
    }


def test_s1_patch_status(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    patched = custom.patch_namespaced_custom_object_status(GATEWAY, "v1", ns, "gateways", "gw", _status("True"))
    assert patched["status"]["conditions"][0]["status"] == "True"


def test_s2_generation_bumps_only_on_spec(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    after_status = custom.patch_namespaced_custom_object_status(GATEWAY, "v1", ns, "gateways", "gw", _status("True"))
    after_meta = _patch_gw(custom, ns, {"metadata": {"labels": {"a": "1"}, "annotations": {"b": "2"}}})
    after_spec = _patch_gw(custom, ns, {"spec": {"gatewayClassName": "changed"}})
    same_spec = _patch_gw(custom, ns, {"spec": {"gatewayClassName": "changed"}})
    generations = [o["metadata"]["generation"] for o in (gw, after_status, after_meta, after_spec, same_spec)]
    assert generations == [1, 1, 1, 2, 2]


def test_s3_status_write_ignores_spec(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    body = {**_status("True"), "spec": {"gatewayClassName": "sneaky"}, "metadata": {"labels": {"sneaky": "x"}}}
    patched = custom.patch_namespaced_custom_object_status(GATEWAY, "v1", ns, "gateways", "gw", body)
    assert patched["spec"]["gatewayClassName"] == "local"
    assert "labels" not in patched["metadata"]
    assert patched["metadata"]["generation"] == 1


def test_s4_main_write_ignores_status(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    patched = _patch_gw(custom, ns, {**_status("True"), "spec": {"gatewayClassName": "x"}})
    assert patched["status"] == gw["status"]
    assert patched["spec"]["gatewayClassName"] == "x"


def test_s5_get_status(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    custom.patch_namespaced_custom_object_status(GATEWAY, "v1", ns, "gateways", "gw", _status("False"))
    found = custom.get_namespaced_custom_object_status(GATEWAY, "v1", ns, "gateways", "gw")
    assert found["status"]["conditions"][0]["status"] == "False"


def test_s6_replace_status(custom: client.CustomObjectsApi, ns: str, gw: dict[str, Any]) -> None:
    body = {**gw, **_status("True")}
    body["spec"] = {**gw["spec"], "gatewayClassName": "ignored"}
    replaced = custom.replace_namespaced_custom_object_status(GATEWAY, "v1", ns, "gateways", "gw", body)
    assert replaced["status"]["conditions"][0]["status"] == "True"
    assert replaced["spec"]["gatewayClassName"] == "local"
    stale = {**body, "metadata": {**body["metadata"], "resourceVersion": gw["metadata"]["resourceVersion"]}}
    with pytest.raises(client.ApiException) as caught:
        custom.replace_namespaced_custom_object_status(GATEWAY, "v1", ns, "gateways", "gw", stale)
    assert caught.value.status == 409
