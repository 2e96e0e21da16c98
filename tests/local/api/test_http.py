"""HTTP-level behaviour the typed client does not exercise: raw requests with urllib."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from kubernetes import client
from localapi_support import EXPERIMENTAL, GATEWAY, httproute

from conformance.local.api.crds import registry_from_crd_paths
from conformance.local.api.server import ApiServer


def _request(server: ApiServer, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return response.status, response.headers["Content-Type"], text
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], json.loads(error.read())


def test_json_even_when_protobuf_is_preferred(server: ApiServer) -> None:
    code, content_type, text = _request(
        server, "GET", "/api/v1/namespaces/default", Accept="application/vnd.kubernetes.protobuf, application/json"
    )
    assert (code, content_type) == (200, "application/json")
    assert json.loads(text)["metadata"]["name"] == "default"


def test_health_and_openapi(server: ApiServer) -> None:
    assert _request(server, "GET", "/healthz")[:3:2] == (200, "ok")
    code, _, status = _request(server, "GET", "/openapi/v2")
    assert code == 404 and status["kind"] == "Status"


def test_openapi_v3_tells_kubectl_that_fields_are_validated_server_side(server: ApiServer) -> None:
    code, _, text = _request(server, "GET", "/openapi/v3")
    assert code == 200
    index = json.loads(text)["paths"]
    assert index[f"apis/{GATEWAY}/v1"]["serverRelativeURL"] == f"/openapi/v3/apis/{GATEWAY}/v1"
    assert "api/v1" in index
    code, _, text = _request(server, "GET", f"/openapi/v3/apis/{GATEWAY}/v1")
    patch = json.loads(text)["paths"]["/apis/gateway.networking.k8s.io/v1/namespaces/{namespace}/httproutes/{name}"][
        "patch"
    ]
    assert patch["x-kubernetes-group-version-kind"] == {"group": GATEWAY, "version": "v1", "kind": "HTTPRoute"}
    assert {"name": "fieldValidation", "in": "query", "schema": {"type": "string"}} in patch["parameters"]


def test_errors_are_status_bodies(server: ApiServer) -> None:
    code, _, status = _request(server, "POST", "/api/v1/configmaps", {"metadata": {"name": "x"}})
    assert (code, status["reason"]) == (405, "MethodNotAllowed")
    code, _, status = _request(server, "GET", "/apis/nosuch.example.com/v1/things")
    assert (code, status["reason"]) == (404, "NotFound")
    code, _, status = _request(server, "PUT", "/api/v1/namespaces/default/configmaps/a", {"metadata": {"name": "b"}})
    assert (code, status["reason"]) == (400, "BadRequest")
    code, _, status = _request(server, "POST", "/api/v1/namespaces/default/configmaps", {"kind": "Secret"})
    assert (code, status["reason"]) == (400, "BadRequest")


def test_dry_run_stores_nothing(core: client.CoreV1Api, ns: str) -> None:
    created = core.create_namespaced_config_map(ns, {"metadata": {"name": "dry"}}, dry_run="All")
    assert created.metadata.name == "dry"
    assert core.list_namespaced_config_map(ns).items == []
    core.create_namespaced_config_map(ns, {"metadata": {"name": "wet"}})
    core.patch_namespaced_config_map("wet", ns, {"data": {"a": "1"}}, dry_run="All")
    core.delete_namespaced_config_map("wet", ns, dry_run="All")
    assert core.read_namespaced_config_map("wet", ns).data is None


def test_offline_registry_validates_like_the_server() -> None:
    registry = registry_from_crd_paths([EXPERIMENTAL])
    assert registry.get(f"httproutes.{GATEWAY}") is not None
    assert registry.validate(httproute("ok")) == []
    assert registry.validate(httproute("bad", hostnames=["UPPER"])) != []


@pytest.mark.parametrize("path", ["/api", "/apis", f"/apis/{GATEWAY}", f"/apis/{GATEWAY}/v1", "/version"])
def test_discovery_documents_are_json(server: ApiServer, path: str) -> None:
    code, content_type, text = _request(server, "GET", path)
    assert (code, content_type) == (200, "application/json")
    assert json.loads(text)
