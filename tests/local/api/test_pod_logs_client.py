"""The harness's KubeClient reads pod logs as text (what the mirror probes use)."""

from __future__ import annotations

import localapi_support
import pytest
from kubernetes import client

from conformance.kube.client import KubeClient
from conformance.kube.errors import ApiError, NotFound


@pytest.fixture(scope="module")
def kube_client(api: client.ApiClient, core: client.CoreV1Api) -> KubeClient:
    core.create_namespace({"metadata": {"name": "logs-client"}})
    core.create_namespaced_pod(
        "logs-client", {"metadata": {"name": "quiet"}, "spec": {"containers": [{"name": "echo", "image": "x"}]}}
    )
    return KubeClient(api, source="test")


def test_pod_logs_as_text(kube_client: KubeClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(localapi_support._LOGS, ("logs-client", "quiet", "echo"), "first\nsecond\n")
    assert kube_client.pod_logs("logs-client", "quiet", container="echo", since_seconds=60) == "first\nsecond\n"


def test_pod_logs_errors(kube_client: KubeClient) -> None:
    with pytest.raises(NotFound):
        kube_client.pod_logs("logs-client", "missing")
    with pytest.raises(ApiError) as caught:
        kube_client.pod_logs("logs-client", "quiet", container="other")
    assert caught.value.status == 400
