"""After a run, nothing the run created is left on the cluster, unless asked to keep it (issue 7, part 6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.clusters.local import LocalCluster, LocalSettings
from conformance.clusters.protocol import Cluster
from conformance.kube.client import KubeClient

GATEWAY_CLASS = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "GatewayClass",
    "metadata": {"name": "gateway-conformance"},
    "spec": {"controllerName": "gateway-conformance.local/reference-gateway"},
}
# One test that passes and one that fails (the fault breaks header matching).
SELECTION = "HTTPRouteHeaderMatching or HTTPRouteSimpleSameNamespace"


def everything(client: KubeClient) -> set[tuple[str, str, str]]:
    """Every object the API serves, as (kind, namespace, name)."""
    found: set[tuple[str, str, str]] = set()
    paths = ["/api/v1"] + [
        f"/apis/{version['groupVersion']}"
        for group in client.request("GET", "/apis")["groups"]
        for version in group["versions"]
    ]
    for path in paths:
        for resource in client.request("GET", path)["resources"]:
            if "/" in resource["name"] or "list" not in resource.get("verbs", []) or resource["kind"] == "Event":
                continue
            items = client.request("GET", f"{path}/{resource['name']}").get("items") or []
            for item in items:
                meta = item.get("metadata") or {}
                found.add((resource["kind"], meta.get("namespace", ""), meta.get("name", "")))
    return found


@pytest.fixture
def faulty_cluster(tmp_path) -> Iterator[tuple[Cluster, KubeClient]]:  # type: ignore[no-untyped-def]
    provider = LocalCluster(LocalSettings(faults=("header-matches-ignored",)))
    cluster = provider.start()
    client = KubeClient.from_kubeconfig(str(cluster.kubeconfig))
    client.create(GATEWAY_CLASS)
    try:
        yield cluster, client
    finally:
        client.close()
        provider.stop()


def test_a_run_with_a_failure_leaves_nothing_behind(run_suite, faulty_cluster) -> None:  # type: ignore[no-untyped-def]
    cluster, client = faulty_cluster
    before = everything(client)
    run = run_suite(f"--kubeconfig={cluster.kubeconfig}", "--timeout-scale=0.05", "-k", SELECTION)
    assert run.outcomes == {"HTTPRouteHeaderMatching": "FAILED", "HTTPRouteSimpleSameNamespace": "SUCCEEDED"}
    left = everything(client) - before
    assert left == set(), f"the run left objects behind: {sorted(left)}"


def test_cleanup_can_be_switched_off_for_debugging(run_suite, faulty_cluster) -> None:  # type: ignore[no-untyped-def]
    cluster, client = faulty_cluster
    before = everything(client)
    run = run_suite(
        f"--kubeconfig={cluster.kubeconfig}", "--timeout-scale=0.05", "--no-cleanup-test-resources",
        "--no-cleanup-base-resources",
        "-k", SELECTION,
    )  # fmt: skip
    assert run.returncode == 1
    left = everything(client) - before
    assert ("HTTPRoute", "gateway-conformance-infra", "header-matching") in left
    assert ("Gateway", "gateway-conformance-infra", "same-namespace") in left
    assert ("Namespace", "", "gateway-conformance-infra") in left
