"""Gateway API kinds from CRD files, from the built-in table, and from CRDs created at runtime."""

from __future__ import annotations

import pytest
from kubernetes import client
from localapi_support import EXPERIMENTAL, GATEWAY, STANDARD_141

from conformance.local.api.crds import load_crd_documents
from conformance.local.api.protocol import InvalidError
from conformance.local.api.server import ApiServer
from conformance.local.api.store import Store

BUNDLE = "gateway.networking.k8s.io/bundle-version"
CHANNEL = "gateway.networking.k8s.io/channel"


def _crds(api: client.ApiClient) -> dict[str, client.V1CustomResourceDefinition]:
    listed = client.ApiextensionsV1Api(api).list_custom_resource_definition()
    return {crd.metadata.name: crd for crd in listed.items}


def test_experimental_bundle_kinds_registered(store: Store) -> None:
    kinds = {(t.group, t.kind): t for t in store.types.types() if t.custom}
    assert {k for g, k in kinds if g == GATEWAY} == {
        "BackendTLSPolicy",
        "GatewayClass",
        "Gateway",
        "GRPCRoute",
        "HTTPRoute",
        "ListenerSet",
        "ReferenceGrant",
        "TCPRoute",
        "TLSRoute",
        "UDPRoute",
    }
    assert {k for g, k in kinds if g == "gateway.networking.x-k8s.io"} == {"XBackend", "XBackendTrafficPolicy", "XMesh"}
    tls = kinds[(GATEWAY, "TLSRoute")]
    assert [v.name for v in tls.versions] == ["v1", "v1alpha2", "v1alpha3"] and tls.preferred == "v1"
    assert kinds[(GATEWAY, "ReferenceGrant")].preferred == "v1"
    assert not kinds[(GATEWAY, "GatewayClass")].namespaced and kinds[(GATEWAY, "Gateway")].status


def test_crd_objects_served_with_annotations(api: client.ApiClient) -> None:
    crds = _crds(api)
    crd = crds[f"httproutes.{GATEWAY}"]
    assert crd.metadata.annotations[BUNDLE] == "v1.6.1"
    assert crd.metadata.annotations[CHANNEL] == "experimental"
    assert {c.type: c.status for c in crd.status.conditions}["Established"] == "True"
    assert "xmeshes.gateway.networking.x-k8s.io" in crds


def test_standard_141_bundle() -> None:
    store = Store.from_crd_paths([STANDARD_141])
    custom = sorted(t.kind for t in store.types.types() if t.custom)
    assert custom == ["BackendTLSPolicy", "GRPCRoute", "Gateway", "GatewayClass", "HTTPRoute", "ReferenceGrant"]
    policy = store.types.get(f"backendtlspolicies.{GATEWAY}")
    assert policy is not None and not policy.serves("v1alpha3")
    with ApiServer(store) as server, client.ApiClient(client.Configuration(host=server.url)) as api:
        crd = _crds(api)[f"gateways.{GATEWAY}"]
        assert (crd.metadata.annotations[BUNDLE], crd.metadata.annotations[CHANNEL]) == ("v1.4.1", "standard")


def test_load_crd_documents_skips_other_kinds() -> None:
    docs = load_crd_documents([EXPERIMENTAL])
    assert len(docs) == 13
    assert all(d["kind"] == "CustomResourceDefinition" for d in docs)
    with pytest.raises(FileNotFoundError):
        load_crd_documents([EXPERIMENTAL / "missing"])


def test_builtin_table_when_no_crd_files() -> None:
    store = Store()
    with ApiServer(store) as server, client.ApiClient(client.Configuration(host=server.url)) as api:
        crds = _crds(api)
        gateways = crds[f"gateways.{GATEWAY}"]
        assert gateways.metadata.annotations == {
            BUNDLE: "v1.6.1",
            CHANNEL: "experimental",
            "gateway-conformance.local/schema": "none",
        }
        assert {f"{c.spec.names.plural}.{c.spec.group}" for c in crds.values()} == {
            t.key for t in store.types.types() if t.custom
        }
        grants = crds[f"referencegrants.{GATEWAY}"]
        assert [(v.name, v.storage) for v in grants.spec.versions] == [("v1", False), ("v1beta1", True)]


def _widget_crd() -> dict[str, object]:
    schema = {
        "type": "object",
        "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer", "default": 3}}}},
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema},
                    "subresources": {"status": {}},
                }
            ],
        },
    }


def test_crd_created_at_runtime_registers_its_kind() -> None:
    with ApiServer(Store(gateway_api=False)) as server, client.ApiClient(client.Configuration(host=server.url)) as api:
        extensions = client.ApiextensionsV1Api(api)
        custom = client.CustomObjectsApi(api)
        created = extensions.create_custom_resource_definition(_widget_crd())
        assert {c.type: c.status for c in created.status.conditions}["Established"] == "True"
        widget = custom.create_namespaced_custom_object(
            "example.com",
            "v1",
            "default",
            "widgets",
            {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {}},
        )
        assert widget["spec"] == {"size": 3}
        groups = {g.name for g in client.ApisApi(api).get_api_versions().groups}
        assert "example.com" in groups and GATEWAY not in groups
        extensions.delete_custom_resource_definition("widgets.example.com")
        with pytest.raises(client.ApiException) as caught:
            custom.list_namespaced_custom_object("example.com", "v1", "default", "widgets")
        assert caught.value.status == 404


def test_invalid_crd_is_rejected() -> None:
    crd = _widget_crd()
    crd["metadata"] = {"name": "wrong.example.com"}
    store = Store(gateway_api=False)
    with pytest.raises(InvalidError, match=r"must be spec\.names\.plural"):
        store.create("customresourcedefinitions.apiextensions.k8s.io", crd)


def test_installing_real_crds_over_the_builtin_table_enables_validation() -> None:
    store = Store()
    name = f"httproutes.{GATEWAY}"
    schemaless = store.get("customresourcedefinitions.apiextensions.k8s.io", None, name)
    assert schemaless is not None
    real = next(d for d in load_crd_documents([EXPERIMENTAL]) if d["metadata"]["name"] == name)
    real["metadata"]["resourceVersion"] = schemaless["metadata"]["resourceVersion"]
    store.replace("customresourcedefinitions.apiextensions.k8s.io", real)
    bad = {
        "apiVersion": f"{GATEWAY}/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "default"},
        "spec": {"rules": [{"matches": [{"path": {"type": "Prefix"}}]}]},
    }
    assert store.types.validate(bad)
