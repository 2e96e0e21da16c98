"""Discovery checks D1-D4 and E1 of spec/local-api.md, through the real client."""

from __future__ import annotations

import pytest
from kubernetes import client
from kubernetes.dynamic import DynamicClient
from localapi_support import GATEWAY


def test_d1_dynamic_client_construction(api: client.ApiClient, tmp_path: object) -> None:
    dyn = DynamicClient(api, cache_file=f"{tmp_path}/cache.json")
    assert dyn.version["kubernetes"]["major"] == "1"


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        (f"{GATEWAY}/v1", "GatewayClass"),
        (f"{GATEWAY}/v1", "Gateway"),
        (f"{GATEWAY}/v1", "HTTPRoute"),
        (f"{GATEWAY}/v1", "GRPCRoute"),
        (f"{GATEWAY}/v1beta1", "ReferenceGrant"),
        ("v1", "ConfigMap"),
        ("v1", "Service"),
        ("v1", "Pod"),
        ("v1", "Namespace"),
        ("apps/v1", "Deployment"),
    ],
)
def test_d2_dynamic_resources_get(dyn: DynamicClient, api_version: str, kind: str) -> None:
    resource = dyn.resources.get(api_version=api_version, kind=kind)
    assert resource.kind == kind


def test_d3_discovery_namespaced_and_status(dyn: DynamicClient) -> None:
    gateways = dyn.resources.get(api_version=f"{GATEWAY}/v1", kind="Gateway")
    classes = dyn.resources.get(api_version=f"{GATEWAY}/v1", kind="GatewayClass")
    pods = dyn.resources.get(api_version="v1", kind="Pod")
    assert gateways.namespaced and not classes.namespaced
    assert "status" in gateways.subresources
    assert "log" in pods.subresources and "status" in pods.subresources


def test_d4_typed_get_api_versions(api: client.ApiClient) -> None:
    groups = client.ApisApi(api).get_api_versions()
    by_name = {g.name: g for g in groups.groups}
    assert by_name[GATEWAY].preferred_version.version == "v1"
    assert {"v1", "v1beta1"} <= {v.version for v in by_name[GATEWAY].versions}
    assert "apps" in by_name and "gateway.networking.x-k8s.io" in by_name
    assert client.CoreApi(api).get_api_versions().versions == ["v1"]


def test_e1_unknown_resource_is_404(custom: client.CustomObjectsApi) -> None:
    with pytest.raises(client.ApiException) as caught:
        custom.list_cluster_custom_object(GATEWAY, "v1", "nosuchthings")
    assert caught.value.status == 404


def test_resource_list_names_subresources(api: client.ApiClient) -> None:
    resources = client.CoreV1Api(api).get_api_resources()
    names = {r.name for r in resources.resources}
    assert {"pods", "pods/log", "pods/status", "configmaps", "namespaces"} <= names
    version = client.VersionApi(api).get_code()
    assert version.git_version.startswith("v1.")
