"""Create, metadata, get and list checks (C1-C8, M1-M6, G1-G3, L1-L7 of spec/local-api.md)."""

from __future__ import annotations

import itertools
import re

import pytest
from kubernetes import client
from kubernetes.dynamic import DynamicClient
from localapi_support import GATEWAY, gateway, httproute

_ids = itertools.count(1)


def _cm(name: str, **labels: str) -> dict[str, object]:
    return {"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}


def test_c1_create_namespace_typed(core: client.CoreV1Api) -> None:
    created = core.create_namespace({"metadata": {"name": f"c1-{next(_ids)}"}})
    assert isinstance(created, client.V1Namespace)
    assert created.status.phase == "Active"
    assert created.metadata.labels["kubernetes.io/metadata.name"] == created.metadata.name


def test_c1b_create_second_namespace(core: client.CoreV1Api) -> None:
    created = core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=f"ns2-{next(_ids)}")))
    assert core.read_namespace(created.metadata.name).metadata.uid == created.metadata.uid


def test_c2_create_configmap_secret_service(core: client.CoreV1Api, ns: str) -> None:
    cm = core.create_namespaced_config_map(ns, _cm("cm"))
    secret = core.create_namespaced_secret(ns, {"metadata": {"name": "s"}, "stringData": {"a": "b"}})
    service = core.create_namespaced_service(
        ns, {"metadata": {"name": "svc"}, "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]}}
    )
    assert (cm.metadata.name, secret.metadata.name, service.metadata.name) == ("cm", "s", "svc")
    assert service.spec.cluster_ip and service.spec.ports[0].target_port == 80


def test_c3_create_deployment(apps: client.AppsV1Api, ns: str) -> None:
    body = {
        "metadata": {"name": "echo"},
        "spec": {
            "selector": {"matchLabels": {"app": "echo"}},
            "template": {
                "metadata": {"labels": {"app": "echo"}},
                "spec": {"containers": [{"name": "e", "image": "x"}]},
            },
        },
    }
    created = apps.create_namespaced_deployment(ns, body)
    assert isinstance(created, client.V1Deployment)
    assert created.spec.replicas == 1


def test_c4_create_cluster_gatewayclass(custom: client.CustomObjectsApi) -> None:
    name = f"gc-{next(_ids)}"
    body = {
        "apiVersion": f"{GATEWAY}/v1",
        "kind": "GatewayClass",
        "metadata": {"name": name},
        "spec": {"controllerName": "example.com/local"},
    }
    created = custom.create_cluster_custom_object(GATEWAY, "v1", "gatewayclasses", body)
    assert created["metadata"]["name"] == name
    assert "namespace" not in created["metadata"]


def test_c5_create_gateway_without_namespace_in_body(custom: client.CustomObjectsApi, ns: str) -> None:
    created = custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("gw"))
    assert created["metadata"]["namespace"] == ns


def test_c6_dynamic_create_routes(dyn: DynamicClient, ns: str) -> None:
    routes = dyn.resources.get(api_version=f"{GATEWAY}/v1", kind="HTTPRoute")
    grpc = dyn.resources.get(api_version=f"{GATEWAY}/v1", kind="GRPCRoute")
    http_route = routes.create(body=httproute("web"), namespace=ns)
    grpc_route = grpc.create(
        body={
            "apiVersion": f"{GATEWAY}/v1",
            "kind": "GRPCRoute",
            "metadata": {"name": "rpc"},
            "spec": {"parentRefs": [{"name": "gw"}]},
        },
        namespace=ns,
    )
    assert http_route.metadata.name == "web" and grpc_route.metadata.name == "rpc"


def test_c7_dynamic_create_referencegrant_v1beta1(dyn: DynamicClient, ns: str) -> None:
    grants = dyn.resources.get(api_version=f"{GATEWAY}/v1beta1", kind="ReferenceGrant")
    body = {
        "apiVersion": f"{GATEWAY}/v1beta1",
        "kind": "ReferenceGrant",
        "metadata": {"name": "rg"},
        "spec": {
            "from": [{"group": GATEWAY, "kind": "HTTPRoute", "namespace": "other"}],
            "to": [{"group": "", "kind": "Service"}],
        },
    }
    created = grants.create(body=body, namespace=ns)
    assert created.apiVersion == f"{GATEWAY}/v1beta1"
    # Stored once, served under every version.
    as_v1 = dyn.resources.get(api_version=f"{GATEWAY}/v1", kind="ReferenceGrant").get(name="rg", namespace=ns)
    assert as_v1.apiVersion == f"{GATEWAY}/v1" and as_v1.metadata.uid == created.metadata.uid


def test_c8_duplicate_create_is_409_already_exists(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, _cm("dup"))
    with pytest.raises(client.ApiException) as caught:
        core.create_namespaced_config_map(ns, _cm("dup"))
    assert caught.value.status == 409
    assert '"reason":"AlreadyExists"' in caught.value.body


@pytest.fixture
def created_gateway(custom: client.CustomObjectsApi, ns: str) -> dict[str, object]:
    result: dict[str, object] = custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("m"))
    return result


def test_m1_uid_set(created_gateway: dict[str, dict[str, str]]) -> None:
    assert re.fullmatch(r"[0-9a-f-]{36}", created_gateway["metadata"]["uid"])


def test_m2_creation_timestamp_set(created_gateway: dict[str, dict[str, str]]) -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created_gateway["metadata"]["creationTimestamp"])


def test_m3_resource_version_numeric_string(created_gateway: dict[str, dict[str, str]]) -> None:
    assert created_gateway["metadata"]["resourceVersion"].isdigit()


def test_m4_generation_is_one(created_gateway: dict[str, dict[str, int]]) -> None:
    assert created_gateway["metadata"]["generation"] == 1


def test_m5_namespace_from_url(core: client.CoreV1Api, ns: str) -> None:
    created = core.create_namespaced_config_map(ns, _cm("nsless"))
    assert created.metadata.namespace == ns
    assert core.list_namespaced_config_map(ns, field_selector="metadata.name=nsless").items[0].metadata.namespace == ns


def test_m6_typed_namespace_has_uid(core: client.CoreV1Api) -> None:
    created = core.create_namespace({"metadata": {"name": f"m6-{next(_ids)}"}})
    assert created.metadata.uid
    assert created.metadata.creation_timestamp is not None


def test_g1_read_configmap_typed(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, _cm("read"))
    found = core.read_namespaced_config_map("read", ns)
    assert isinstance(found, client.V1ConfigMap) and found.data == {"k": "v"}


def test_g2_get_custom_object(custom: client.CustomObjectsApi, ns: str) -> None:
    custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", gateway("g2"))
    found = custom.get_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", "g2")
    assert found["kind"] == "Gateway" and found["spec"]["gatewayClassName"] == "local"


def test_g3_get_missing_is_404(core: client.CoreV1Api, ns: str) -> None:
    with pytest.raises(client.ApiException) as caught:
        core.read_namespaced_config_map("missing", ns)
    assert caught.value.status == 404
    assert '"reason":"NotFound"' in caught.value.body


def test_l1_list_typed(core: client.CoreV1Api, ns: str) -> None:
    for name in ("b", "a"):
        core.create_namespaced_config_map(ns, _cm(name))
    listed = core.list_namespaced_config_map(ns)
    assert isinstance(listed, client.V1ConfigMapList)
    assert [cm.metadata.name for cm in listed.items] == ["a", "b"]


def test_l2_list_label_selector(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, _cm("x1", app="x"))
    core.create_namespaced_config_map(ns, _cm("y1", app="y"))
    assert [cm.metadata.name for cm in core.list_namespaced_config_map(ns, label_selector="app=x").items] == ["x1"]
    assert [cm.metadata.name for cm in core.list_namespaced_config_map(ns, label_selector="app!=x").items] == ["y1"]


def test_l3_custom_list_set_based_selector(custom: client.CustomObjectsApi, ns: str) -> None:
    for name, tier in (("edge1", "edge"), ("core1", "core")):
        body = gateway(name)
        body["metadata"] = {"name": name, "labels": {"tier": tier}}
        custom.create_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", body)

    def names(selector: str) -> list[str]:
        listed = custom.list_namespaced_custom_object(GATEWAY, "v1", ns, "gateways", label_selector=selector)
        return [item["metadata"]["name"] for item in listed["items"]]

    assert names("tier in (edge)") == ["edge1"]
    assert names("tier notin (edge)") == ["core1"]
    assert names("tier,!missing") == ["core1", "edge1"]
    assert names("!tier") == []


def test_l4_list_across_namespaces(core: client.CoreV1Api, ns: str) -> None:
    other = f"{ns}-b"
    core.create_namespace({"metadata": {"name": other}})
    core.create_namespaced_config_map(ns, _cm("l4", test="l4"))
    core.create_namespaced_config_map(other, _cm("l4", test="l4"))
    listed = core.list_config_map_for_all_namespaces(label_selector="test=l4")
    assert sorted(cm.metadata.namespace for cm in listed.items) == sorted([ns, other])


def test_l5_list_cluster_scoped_gatewayclasses(custom: client.CustomObjectsApi) -> None:
    name = f"l5-{next(_ids)}"
    custom.create_cluster_custom_object(
        GATEWAY,
        "v1",
        "gatewayclasses",
        {
            "apiVersion": f"{GATEWAY}/v1",
            "kind": "GatewayClass",
            "metadata": {"name": name},
            "spec": {"controllerName": "example.com/x"},
        },
    )
    listed = custom.list_cluster_custom_object(GATEWAY, "v1", "gatewayclasses")
    assert name in [item["metadata"]["name"] for item in listed["items"]]


def test_l6_list_has_kind_api_version_and_resource_version(custom: client.CustomObjectsApi, ns: str) -> None:
    listed = custom.list_namespaced_custom_object(GATEWAY, "v1", ns, "httproutes")
    assert listed["kind"] == "HTTPRouteList"
    assert listed["apiVersion"] == f"{GATEWAY}/v1"
    assert listed["metadata"]["resourceVersion"].isdigit()


def test_l7_dynamic_list_with_label_selector(dyn: DynamicClient, ns: str) -> None:
    routes = dyn.resources.get(api_version=f"{GATEWAY}/v1", kind="HTTPRoute")
    for name, app in (("r1", "a"), ("r2", "b")):
        body = httproute(name)
        body["metadata"] = {"name": name, "labels": {"app": app}}
        routes.create(body=body, namespace=ns)
    listed = routes.get(namespace=ns, label_selector="app=b")
    assert [item.metadata.name for item in listed.items] == ["r2"]


def test_field_selector_on_all_namespaces(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_config_map(ns, _cm("fs"))
    listed = core.list_config_map_for_all_namespaces(field_selector=f"metadata.namespace={ns},metadata.name=fs")
    assert [(cm.metadata.namespace, cm.metadata.name) for cm in listed.items] == [(ns, "fs")]


def test_create_in_missing_namespace_is_404(core: client.CoreV1Api) -> None:
    with pytest.raises(client.ApiException) as caught:
        core.create_namespaced_config_map("does-not-exist", _cm("x"))
    assert caught.value.status == 404


def test_invalid_name_is_422_with_dns_message(core: client.CoreV1Api, ns: str) -> None:
    with pytest.raises(client.ApiException) as caught:
        core.create_namespaced_config_map(ns, _cm("Bad_Name"))
    assert caught.value.status == 422
    assert 'metadata.name: Invalid value: \\"Bad_Name\\": a lowercase RFC 1123 subdomain' in caught.value.body


def test_generate_name(core: client.CoreV1Api, ns: str) -> None:
    created = core.create_namespaced_config_map(ns, {"metadata": {"generateName": "gen-"}})
    assert re.fullmatch(r"gen-[a-z0-9]{5}", created.metadata.name)
