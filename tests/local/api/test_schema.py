"""Structural-schema admission of CRD kinds: defaulting, validation (OpenAPI and CEL), pruning."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes import client
from localapi_support import EXPERIMENTAL, GATEWAY, gateway, httproute

from conformance.local.api.store import Store


def _create(custom: client.CustomObjectsApi, ns: str, plural: str, body: dict[str, Any], **kw: Any) -> Any:
    return custom.create_namespaced_custom_object(GATEWAY, "v1", ns, plural, body, **kw)


def _invalid(custom: client.CustomObjectsApi, ns: str, plural: str, body: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(client.ApiException) as caught:
        _create(custom, ns, plural, body)
    assert caught.value.status == 422
    status: dict[str, Any] = json.loads(caught.value.body)
    assert status["reason"] == "Invalid"
    return status


def test_httproute_without_matches_gets_default_path_match(custom: client.CustomObjectsApi, ns: str) -> None:
    created = _create(custom, ns, "httproutes", httproute("r", rules=[{"backendRefs": [{"name": "svc", "port": 80}]}]))
    rule = created["spec"]["rules"][0]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    assert rule["backendRefs"][0] == {"group": "", "kind": "Service", "name": "svc", "port": 80, "weight": 1}


def test_httproute_without_rules_gets_default_rule(custom: client.CustomObjectsApi, ns: str) -> None:
    created = _create(custom, ns, "httproutes", httproute("bare"))
    assert created["spec"]["rules"] == [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}]
    assert created["spec"]["parentRefs"] == [{"group": GATEWAY, "kind": "Gateway", "name": "gw"}]


def test_gateway_listener_gets_allowed_routes_default(custom: client.CustomObjectsApi, ns: str) -> None:
    created = _create(custom, ns, "gateways", gateway("gw"))
    assert created["spec"]["listeners"][0]["allowedRoutes"] == {"namespaces": {"from": "Same"}}
    # Status defaults too, as a cluster shows for a Gateway no controller has seen yet.
    assert {c["type"]: c["reason"] for c in created["status"]["conditions"]} == {
        "Accepted": "Pending",
        "Programmed": "Pending",
    }


def test_enum_violation_is_422_naming_the_field(custom: client.CustomObjectsApi, ns: str) -> None:
    body = httproute("bad", rules=[{"matches": [{"path": {"type": "Prefix", "value": "/"}}]}])
    status = _invalid(custom, ns, "httproutes", body)
    assert status["message"].startswith('HTTPRoute.gateway.networking.k8s.io "bad" is invalid: ')
    assert (
        'spec.rules[0].matches[0].path.type: Unsupported value: "Prefix": supported values: '
        '"Exact", "PathPrefix", "RegularExpression"'
    ) in status["message"]
    assert "spec.rules[0].matches[0].path.type" in [c["field"] for c in status["details"]["causes"]]


def test_type_range_and_required_violations(custom: client.CustomObjectsApi, ns: str) -> None:
    body = gateway(
        "gw", listeners=[{"name": "http", "port": 0, "protocol": "HTTP"}, {"port": "80", "protocol": "HTTP"}]
    )
    status = _invalid(custom, ns, "gateways", body)
    fields = {c["field"]: c["message"] for c in status["details"]["causes"]}
    assert fields["spec.listeners[0].port"] == (
        "Invalid value: 0: spec.listeners[0].port in body should be greater than or equal to 1"
    )
    assert fields["spec.listeners[1].name"] == "Required value"
    assert fields["spec.listeners[1].port"].startswith(
        'Invalid value: "string": spec.listeners[1].port in body must be of type integer'
    )


def test_pattern_violation(custom: client.CustomObjectsApi, ns: str) -> None:
    status = _invalid(custom, ns, "httproutes", httproute("h", hostnames=["Not_A_Host"]))
    assert 'spec.hostnames[0]: Invalid value: "Not_A_Host": spec.hostnames[0] in body should match' in status["message"]


def test_cel_rule_violation(custom: client.CustomObjectsApi, ns: str) -> None:
    body = httproute("cel", rules=[{"matches": [{"path": {"type": "PathPrefix", "value": "/a//b"}}]}])
    status = _invalid(custom, ns, "httproutes", body)
    assert "spec.rules[0].matches[0].path: Invalid value: \"object\": must not contain '//'" in status["message"]


def test_cel_rule_on_list(custom: client.CustomObjectsApi, ns: str) -> None:
    listener = {"name": "http", "port": 80, "protocol": "HTTP", "tls": {"mode": "Terminate"}}
    status = _invalid(custom, ns, "gateways", gateway("tls", listeners=[listener]))
    assert "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']" in status["message"]
    twice = [{"name": "a", "port": 80, "protocol": "HTTP"}, {"name": "a", "port": 81, "protocol": "HTTP"}]
    status = _invalid(custom, ns, "gateways", gateway("dup", listeners=twice))
    assert "Listener name must be unique within the Gateway" in status["message"]


def test_cel_transition_rule_only_on_update(custom: client.CustomObjectsApi) -> None:
    body = {
        "apiVersion": f"{GATEWAY}/v1",
        "kind": "GatewayClass",
        "metadata": {"name": "immutable"},
        "spec": {"controllerName": "example.com/a"},
    }
    custom.create_cluster_custom_object(GATEWAY, "v1", "gatewayclasses", body)
    with pytest.raises(client.ApiException) as caught:
        custom.patch_cluster_custom_object(
            GATEWAY, "v1", "gatewayclasses", "immutable", {"spec": {"controllerName": "example.com/b"}}
        )
    assert caught.value.status == 422
    assert "Value is immutable" in caught.value.body
    labelled = custom.patch_cluster_custom_object(
        GATEWAY, "v1", "gatewayclasses", "immutable", {"metadata": {"labels": {"a": "b"}}}
    )
    assert labelled["metadata"]["labels"] == {"a": "b"}


def test_cel_rule_with_unsupported_function_is_skipped(custom: client.CustomObjectsApi, ns: str) -> None:
    """XBackend's port name rule calls kube's format.dns1123Label(), which cel-python lacks: skipped."""
    body = {
        "apiVersion": "gateway.networking.x-k8s.io/v1alpha1",
        "kind": "XBackend",
        "metadata": {"name": "b"},
        "spec": {
            "type": "ExternalHostname",
            "externalHostname": {"hostname": "example.com"},
            "port": {"port": 443, "name": "https"},
        },
    }
    created = custom.create_namespaced_custom_object("gateway.networking.x-k8s.io", "v1alpha1", ns, "xbackends", body)
    assert created["spec"]["port"]["name"] == "https"


def test_unknown_fields_are_pruned(custom: client.CustomObjectsApi, ns: str) -> None:
    body = gateway("pruned", unknownSpecField=1)
    body["topLevelJunk"] = {"a": 1}
    body["spec"]["listeners"][0]["bogus"] = True  # type: ignore[index]
    created = _create(custom, ns, "gateways", body)
    assert "topLevelJunk" not in created
    assert "unknownSpecField" not in created["spec"]
    assert "bogus" not in created["spec"]["listeners"][0]


def test_strict_field_validation_rejects_unknown_fields(custom: client.CustomObjectsApi, ns: str) -> None:
    with pytest.raises(client.ApiException) as caught:
        _create(custom, ns, "gateways", gateway("strict", unknownSpecField=1), field_validation="Strict")
    assert caught.value.status == 400
    assert 'unknown field \\"spec.unknownSpecField\\"' in caught.value.body


def test_direct_validation_api(store: Store) -> None:
    good = httproute("ok", rules=[{"backendRefs": [{"name": "svc", "port": 8080}]}])
    assert store.types.validate(good) == []
    bad = httproute("bad", rules=[{"matches": [{"path": {"type": "Prefix", "value": "/"}}]}], extra=True)
    errors = store.types.validate(bad)
    assert errors == [
        'spec.rules[0].matches[0].path.type: Unsupported value: "Prefix": supported values: '
        '"Exact", "PathPrefix", "RegularExpression"',
        "spec.rules[0].matches[0].path: Invalid value: \"object\": type must be one of ['Exact', 'PathPrefix', "
        "'RegularExpression']",
    ]
    assert store.types.validate(httproute("x", extra=True)) == ["spec.extra: unknown field"]
    assert store.types.validate(httproute("x", extra=True), strict=False) == []
    assert store.types.validate({"apiVersion": "example.com/v1", "kind": "Nope", "metadata": {"name": "x"}}) == [
        "no resource type serves apiVersion 'example.com/v1' kind 'Nope'"
    ]
    # The caller's document is left alone (validation defaults a copy).
    assert "matches" not in good["spec"]["rules"][0]  # type: ignore[index]


def test_validate_all_prefixes_kind_and_name(store: Store) -> None:
    docs = [gateway("a"), gateway("b", listeners=[])]
    assert store.types.validate_all(docs) == [
        "Gateway/b: spec.listeners: Invalid value: 0: spec.listeners in body should have at least 1 items"
    ]


def test_schemaless_store_accepts_anything() -> None:
    store = Store()
    assert store.types.validate(httproute("x", rules=[{"matches": [{"path": {"type": "Prefix"}}]}])) == []
    created = store.create(
        "httproutes.gateway.networking.k8s.io", {**httproute("x"), "metadata": {"name": "x", "namespace": "default"}}
    )
    assert "rules" not in created["spec"]  # no defaulting without a schema


def test_restating_a_defaulted_spec_keeps_the_generation(custom: client.CustomObjectsApi, ns: str) -> None:
    created = _create(custom, ns, "httproutes", httproute("same", rules=[{"backendRefs": [{"name": "s", "port": 80}]}]))
    short_form = {"spec": {"parentRefs": [{"name": "gw"}], "rules": [{"backendRefs": [{"name": "s", "port": 80}]}]}}
    patched = custom.patch_namespaced_custom_object(GATEWAY, "v1", ns, "httproutes", "same", short_form)
    assert patched["spec"] == created["spec"]
    assert patched["metadata"]["generation"] == 1


def test_cel_can_be_switched_off() -> None:
    store = Store.from_crd_paths([EXPERIMENTAL], cel=False)
    double_slash = httproute("x", rules=[{"matches": [{"path": {"type": "PathPrefix", "value": "/a//b"}}]}])
    assert store.types.validate(double_slash) == []
    assert store.types.validate(httproute("x", hostnames=["UPPER"])) != []
