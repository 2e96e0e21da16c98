"""The local kubelet turns Deployments of the echo image into running, Ready pods, and keeps them so."""

from __future__ import annotations

import base64
import copy
import re
from typing import Any

import httpx
import pytest
from fake_object_store import FakeStore

from conformance.local.pods.kubelet import Kubelet

ECHO_IMAGE = "registry.k8s.io/gateway-api/conformance/echo-basic:v0.1.0"
POD_NAME = re.compile(
    r"^(?P<deployment>[a-z0-9-]+)-(?P<hash>[bcdfghjklmnpqrstvwxz2456789]{10})-[bcdfghjklmnpqrstvwxz2456789]{5}$"
)


def deployment(name: str, replicas: int | None = 2, image: str = ECHO_IMAGE, **container: Any) -> dict[str, Any]:
    spec_container = {
        "name": name,
        "image": image,
        "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        ],
        **container,
    }
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [spec_container]}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "infra"},
        "spec": spec,
    }


def pods_of(store: FakeStore, name: str) -> list[dict[str, Any]]:
    return store.list("pods", "infra", label_selector=f"app={name}")


def condition(obj: dict[str, Any], kind: str) -> str | None:
    return next((c["status"] for c in obj["status"].get("conditions", []) if c["type"] == kind), None)


def echo(pod: dict[str, Any]) -> dict[str, Any]:
    response = httpx.get(f"http://{pod['status']['podIP']}:3000/probe", timeout=5)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def settle(kubelet: Kubelet) -> None:
    assert kubelet.wait_idle(10), "the kubelet did not settle"


def update(store: FakeStore, name: str, change: Any) -> None:
    current = store.get("deployments.apps", "infra", name)
    assert current is not None
    change(current["spec"])
    store.replace("deployments.apps", current)


def test_deployment_gets_ready_pods_running_echo(store: FakeStore, kubelet: Kubelet) -> None:
    created = store.create("deployments.apps", deployment("infra-backend-v1"))
    settle(kubelet)
    pods = pods_of(store, "infra-backend-v1")
    assert len(pods) == 2
    hashes = set()
    for pod in pods:
        name = pod["metadata"]["name"]
        match = POD_NAME.match(name)
        assert match is not None and match["deployment"] == "infra-backend-v1", name
        hashes.add(match["hash"])
        assert pod["metadata"]["labels"] == {"app": "infra-backend-v1", "pod-template-hash": match["hash"]}
        owner = pod["metadata"]["ownerReferences"][0]
        assert (owner["kind"], owner["name"], owner["uid"]) == (
            "Deployment",
            "infra-backend-v1",
            created["metadata"]["uid"],
        )
        status = pod["status"]
        assert status["phase"] == "Running"
        assert status["hostIP"] == "127.0.0.1"
        assert status["podIP"].startswith(f"127.{kubelet.addresses.second_octet}.")
        for kind in ("PodScheduled", "Initialized", "ContainersReady", "Ready"):
            assert condition(pod, kind) == "True"
        container = status["containerStatuses"][0]
        assert (container["ready"], container["image"]) == (True, ECHO_IMAGE)
        assert "running" in container["state"]
        body = echo(pod)
        assert (body["pod"], body["namespace"]) == (name, "infra")
    assert len(hashes) == 1
    assert len({pod["status"]["podIP"] for pod in pods}) == 2
    status = store.get("deployments.apps", "infra", "infra-backend-v1")["status"]  # type: ignore[index]
    assert (
        status["replicas"] == status["readyReplicas"] == status["availableReplicas"] == status["updatedReplicas"] == 2
    )
    assert status["observedGeneration"] == 1
    assert {c["type"]: c["status"] for c in status["conditions"]} == {"Available": "True", "Progressing": "True"}


def test_replicas_default_to_one(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("single", replicas=None))
    settle(kubelet)
    assert len(pods_of(store, "single")) == 1


def test_scaling_up_and_down(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("web", replicas=1))
    settle(kubelet)
    first = pods_of(store, "web")[0]["metadata"]["name"]
    update(store, "web", lambda spec: spec.update(replicas=3))
    settle(kubelet)
    assert len(pods_of(store, "web")) == 3
    assert store.get("deployments.apps", "infra", "web")["status"]["readyReplicas"] == 3  # type: ignore[index]
    update(store, "web", lambda spec: spec.update(replicas=1))
    settle(kubelet)
    remaining = pods_of(store, "web")
    assert [pod["metadata"]["name"] for pod in remaining] == [first]  # the newest go first
    status = store.get("deployments.apps", "infra", "web")["status"]  # type: ignore[index]
    assert (status["replicas"], status["observedGeneration"]) == (1, 3)


def test_template_change_rolls_the_pods(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("roll"))
    settle(kubelet)
    old = pods_of(store, "roll")

    def add_env(spec: dict[str, Any]) -> None:
        spec["template"]["spec"]["containers"][0]["env"].append({"name": "SERVICE_NAME", "value": "roll-svc"})

    update(store, "roll", add_env)
    settle(kubelet)
    new = pods_of(store, "roll")
    assert len(new) == 2
    assert not {p["metadata"]["name"] for p in old} & {p["metadata"]["name"] for p in new}
    assert len({p["metadata"]["labels"]["pod-template-hash"] for p in old + new}) == 2
    assert all(echo(pod)["service"] == "roll-svc" for pod in new)
    for pod in old:  # the old pods' servers are gone
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://{pod['status']['podIP']}:3000/", timeout=5)


def test_deleted_pod_is_replaced(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("heal", replicas=1))
    settle(kubelet)
    victim = pods_of(store, "heal")[0]
    store.delete("pods", "infra", victim["metadata"]["name"])
    settle(kubelet)
    replacement = pods_of(store, "heal")
    assert len(replacement) == 1
    assert replacement[0]["metadata"]["name"] != victim["metadata"]["name"]
    assert condition(replacement[0], "Ready") == "True"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://{victim['status']['podIP']}:3000/", timeout=5)


def test_deployment_deletion_removes_pods_and_servers(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("gone"))
    settle(kubelet)
    pods = pods_of(store, "gone")
    store.delete("deployments.apps", "infra", "gone")
    settle(kubelet)
    assert pods_of(store, "gone") == []
    for pod in pods:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://{pod['status']['podIP']}:3000/", timeout=5)
        assert kubelet.logs("infra", pod["metadata"]["name"]) is None


def test_namespace_deletion_stops_its_pods(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("in-ns"))
    settle(kubelet)
    pods = pods_of(store, "in-ns")
    store.delete("namespaces", None, "infra")
    settle(kubelet)
    assert store.list("pods", "infra") == []
    for pod in pods:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://{pod['status']['podIP']}:3000/", timeout=5)


def test_unknown_image_stays_pending_with_a_reason(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("dns", replicas=1, image="registry.k8s.io/coredns/coredns:v1.14.6"))
    settle(kubelet)
    pod = pods_of(store, "dns")[0]
    assert pod["status"]["phase"] == "Pending"
    assert condition(pod, "Ready") == "False"
    waiting = pod["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ErrImagePull"
    assert "registry.k8s.io/coredns/coredns:v1.14.6" in waiting["message"]
    assert "registry.k8s.io/gateway-api/conformance/echo-basic:*" in waiting["message"]
    status = store.get("deployments.apps", "infra", "dns")["status"]  # type: ignore[index]
    assert "readyReplicas" not in status
    assert {c["type"]: c["status"] for c in status["conditions"]}["Available"] == "False"


def test_rollout_to_an_unrunnable_image_keeps_old_pods(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("keep", replicas=1))
    settle(kubelet)
    old = pods_of(store, "keep")[0]
    update(store, "keep", lambda spec: spec["template"]["spec"]["containers"][0].update(image="nginx:1"))
    settle(kubelet)
    names = {pod["metadata"]["name"] for pod in pods_of(store, "keep")}
    assert old["metadata"]["name"] in names and len(names) == 2
    assert echo(old)["pod"] == old["metadata"]["name"]


def test_logs_of_a_container(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("talk", replicas=1))
    settle(kubelet)
    pod = pods_of(store, "talk")[0]
    name = pod["metadata"]["name"]
    echo(pod)
    text = kubelet.logs("infra", name, "talk", since_seconds=60)
    assert text is not None
    assert "Starting server, listening on port 3000 (http)" in text
    assert re.search(r"Echoing back request made to /probe to client \(127\.0\.0\.1:\d+\)", text)
    last = kubelet.logs("infra", name, "talk", tail_lines=1)
    assert last is not None and last.startswith("Echoing back request made to /probe") and last.count("\n") == 1
    stamped = kubelet.logs("infra", name, None, timestamps=True)
    assert stamped is not None and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ", stamped)
    assert kubelet.logs("infra", name, "other") is None
    assert kubelet.logs("infra", "nope", "talk") is None


def test_env_from_secret_and_configmap_and_mounted_files(store: FakeStore, kubelet: Kubelet) -> None:
    container: dict[str, Any] = {
        "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "SERVICE_NAME", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "service"}}},
            {"name": "INGRESS_NAME", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "ingress"}}},
        ],
        "volumeMounts": [{"name": "secret-volume", "mountPath": "/etc/secret-volume"}],
    }
    spec = deployment("tls", replicas=1, **container)
    spec["spec"]["template"]["spec"]["volumes"] = [
        {"name": "secret-volume", "secret": {"secretName": "creds", "items": [{"key": "tls.crt", "path": "crt"}]}}
    ]
    store.create("deployments.apps", spec)
    settle(kubelet)
    pod = pods_of(store, "tls")[0]
    waiting = pod["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ContainerCreating" or waiting["reason"] == "CreateContainerConfigError"
    assert 'secret "creds" not found' in waiting["message"]

    store.create("configmaps", {"metadata": {"name": "cfg", "namespace": "infra"}, "data": {"service": "svc-a"}})
    secret_data = {"ingress": base64.b64encode(b"ing-a").decode(), "tls.crt": base64.b64encode(b"PEM").decode()}
    store.create("secrets", {"metadata": {"name": "creds", "namespace": "infra"}, "data": secret_data})
    settle(kubelet)
    pod = pods_of(store, "tls")[0]
    assert condition(pod, "Ready") == "True"
    body = echo(pod)
    assert (body["service"], body["ingress"]) == ("svc-a", "ing-a")


def test_stop_stops_servers(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("stopme", replicas=1))
    settle(kubelet)
    pod = copy.deepcopy(pods_of(store, "stopme")[0])
    kubelet.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://{pod['status']['podIP']}:3000/", timeout=5)


def test_a_new_kubelet_runs_existing_pods(store: FakeStore, kubelet: Kubelet) -> None:
    store.create("deployments.apps", deployment("restart", replicas=1))
    settle(kubelet)
    name = pods_of(store, "restart")[0]["metadata"]["name"]
    kubelet.stop()
    successor = Kubelet(store, kubelet.addresses, kubelet.loop)
    successor.start()
    try:
        settle(successor)
        pods = pods_of(store, "restart")
        assert [pod["metadata"]["name"] for pod in pods] == [name]
        assert echo(pods[0])["pod"] == name
    finally:
        successor.stop()
