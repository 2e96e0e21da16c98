from __future__ import annotations

from pathlib import Path

import pytest

from conformance.kube.apply import BundleError, Fill, bundle_features, fill, parse_bundle, read_bundle

FILL = Fill(
    gateway_class="my-class",
    controller_name="example.net/ctrl",
    namespace_labels={"istio-injection": "enabled"},
    namespace_annotations={"note": "x"},
    usable_address="10.0.0.9",
    unusable_address="bad.example",
)


def test_gateway_gets_the_class_under_test_and_addresses_are_rebuilt() -> None:
    gw = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "g", "namespace": "n"},
        "spec": {
            "gatewayClassName": "{GATEWAY_CLASS_NAME}",
            "addresses": [
                {"type": "test/fake-invalid-type", "value": "x"},
                {"value": "PLACEHOLDER_USABLE_ADDRS"},
                {"value": "PLACEHOLDER_UNUSABLE_ADDRS"},
                {"type": "IPAddress", "value": "1.2.3.4"},
            ],
        },
    }
    out = fill(gw, FILL)
    assert out["spec"]["gatewayClassName"] == "my-class"
    assert out["spec"]["addresses"] == [
        {"type": "test/fake-invalid-type", "value": "x"},
        {"type": "Hostname", "value": "bad.example"},
        {"type": "IPAddress", "value": "10.0.0.9"},
    ]
    assert gw["spec"]["gatewayClassName"] == "{GATEWAY_CLASS_NAME}", "the input must not be mutated"


def test_address_without_placeholder_is_dropped_like_upstream() -> None:
    gw = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "g", "namespace": "n"},
        "spec": {"addresses": [{"type": "IPAddress", "value": "1.2.3.4"}]},
    }
    assert fill(gw, FILL)["spec"]["addresses"] is None


def test_gatewayclass_controller_and_namespace_labels() -> None:
    gwc = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "c"}, "spec": {}}
    assert fill(gwc, FILL)["spec"]["controllerName"] == "example.net/ctrl"
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "labels": {"a": "b"}}}
    out = fill(ns, FILL)
    assert out["metadata"]["labels"] == {"a": "b", "istio-injection": "enabled"}
    assert out["metadata"]["annotations"] == {"note": "x"}


def test_placeholders_in_any_string() -> None:
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "n"},
        "data": {"k": "class={GATEWAY_CLASS_NAME}"},
    }
    assert fill(cm, FILL)["data"]["k"] == "class=my-class"


def test_bundle_errors_name_the_document(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"b.yaml, document 1 .*missing metadata.name"):
        parse_bundle("apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: B\n", "b.yaml")
    with pytest.raises(BundleError, match=r"b.yaml, document 0: expected a Kubernetes object"):
        parse_bundle("- just a list\n", "b.yaml")
    with pytest.raises(BundleError, match=r"b.yaml is not valid YAML"):
        parse_bundle("a: [\n", "b.yaml")
    with pytest.raises(BundleError, match="cannot read manifest bundle"):
        read_bundle(tmp_path / "missing.yaml")


def test_empty_documents_are_skipped_and_features_tag_read() -> None:
    text = "# features: Gateway, HTTPRoute\n---\n---\napiVersion: v1\nkind: A\nmetadata: {name: a}\n"
    assert [d["kind"] for d in parse_bundle(text, "x")] == ["A"]
    assert bundle_features(text) == ["Gateway", "HTTPRoute"]
    assert bundle_features("apiVersion: v1\n") is None
