"""The pods/log subresource, served from the log_source callback."""

from __future__ import annotations

import pytest
from kubernetes import client


@pytest.fixture(scope="module")
def logs_namespace(core: client.CoreV1Api) -> str:
    core.create_namespace({"metadata": {"name": "logs"}})
    for name in ("echo", "silent"):
        core.create_namespaced_pod(
            "logs", {"metadata": {"name": name}, "spec": {"containers": [{"name": "echo", "image": "x"}]}}
        )
    return "logs"


def test_pod_log(core: client.CoreV1Api, logs_namespace: str) -> None:
    assert core.read_namespaced_pod_log("echo", logs_namespace) == "line 1\nline 2\nline 3\n"
    assert core.read_namespaced_pod_log("echo", logs_namespace, container="echo", tail_lines=1) == "line 3\n"


def test_pod_log_missing_pod_is_404(core: client.CoreV1Api, logs_namespace: str) -> None:
    with pytest.raises(client.ApiException) as caught:
        core.read_namespaced_pod_log("nope", logs_namespace)
    assert caught.value.status == 404


def test_pod_log_without_logs_is_400(core: client.CoreV1Api, logs_namespace: str) -> None:
    with pytest.raises(client.ApiException) as caught:
        core.read_namespaced_pod_log("silent", logs_namespace)
    assert caught.value.status == 400
    with pytest.raises(client.ApiException) as caught:
        core.read_namespaced_pod_log("echo", logs_namespace, container="other")
    assert caught.value.status == 400


def test_pod_created_pending(core: client.CoreV1Api, logs_namespace: str) -> None:
    assert core.read_namespaced_pod("echo", logs_namespace).status.phase == "Pending"
