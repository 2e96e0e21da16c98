"""Bad input that needs a cluster to notice: a dead API address, a GatewayClass nobody accepts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conformance.kube.client import KubeClient


def test_kubeconfig_that_points_nowhere_fails_fast_and_says_where(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kubeconfig = tmp_path / "dead.kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\n"
        "clusters: [{name: dead, cluster: {server: 'http://127.0.0.1:9'}}]\n"
        "users: [{name: dead, user: {}}]\n"
        "contexts: [{name: dead, context: {cluster: dead, user: dead}}]\n"
    )
    started = time.monotonic()
    run = run_suite(f"--kubeconfig={kubeconfig}", "-k", "HTTPRouteSimpleSameNamespace")
    assert time.monotonic() - started < 30  # includes interpreter start; the connection attempt itself is bounded
    assert run.returncode != 0
    assert "cannot reach the Kubernetes API at http://127.0.0.1:9" in run.output
    assert str(kubeconfig) in run.output


def test_missing_kubeconfig_file(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = run_suite(f"--kubeconfig={tmp_path / 'nope'}", "-k", "HTTPRouteSimpleSameNamespace")
    assert run.returncode != 0
    assert "does not exist" in run.output


def test_gatewayclass_that_is_never_accepted(run_suite, local_cluster) -> None:  # type: ignore[no-untyped-def]
    client = KubeClient.from_kubeconfig(str(local_cluster.kubeconfig))
    client.create(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "nobodys-class"},
            "spec": {"controllerName": "example.net/nobody"},
        }
    )
    client.close()
    run = run_suite(
        f"--kubeconfig={local_cluster.kubeconfig}",
        "--gateway-class=nobodys-class",
        "--timeout-config-overrides=GWCMustBeAccepted:2",
        "-k",
        "HTTPRouteSimpleSameNamespace",
    )
    assert run.returncode != 0
    assert "GatewayClass nobodys-class never became Accepted" in run.output
    assert "last seen: condition" in run.output or "no conditions" in run.output


def test_existing_cluster_through_kubeconfig(run_suite, local_cluster) -> None:  # type: ignore[no-untyped-def]
    """The kubeconfig provider installs nothing: the GatewayClass must be there already."""
    client = KubeClient.from_kubeconfig(str(local_cluster.kubeconfig))
    client.create(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "gateway-conformance"},
            "spec": {"controllerName": "gateway-conformance.local/reference-gateway"},
        }
    )
    client.close()
    connect = f"--kubeconfig={local_cluster.kubeconfig}"
    run = run_suite(connect, "-k", "HTTPRouteSimpleSameNamespace or HTTPRouteExactPathMatching")
    assert run.returncode == 0, run.output[-3000:]
    assert set(run.outcomes.values()) == {"SUCCEEDED"}
    assert run.results["cluster"].startswith("existing cluster from")


def test_gatewayclass_that_does_not_exist(run_suite, local_cluster) -> None:  # type: ignore[no-untyped-def]
    run = run_suite(
        f"--kubeconfig={local_cluster.kubeconfig}",
        "--gateway-class=no-such-class",
        "--timeout-config-overrides=GWCMustBeAccepted:1",
        "-k",
        "HTTPRouteSimpleSameNamespace",
    )
    assert run.returncode != 0
    assert "GatewayClass no-such-class never became Accepted" in run.output
    assert "object does not exist" in run.output


def test_unreadable_kubeconfig(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read any file; this check needs an unprivileged user")
    kubeconfig = tmp_path / "secret.kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    kubeconfig.chmod(0)
    run = run_suite(f"--kubeconfig={kubeconfig}", "-k", "HTTPRouteSimpleSameNamespace")
    assert run.returncode != 0
    assert f"cannot read {kubeconfig}" in run.output


def test_kubeconfig_that_is_not_a_kubeconfig(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kubeconfig = tmp_path / "garbage.kubeconfig"
    kubeconfig.write_text("just: [some, yaml]\n")
    run = run_suite(f"--kubeconfig={kubeconfig}", "-k", "HTTPRouteSimpleSameNamespace")
    assert run.returncode != 0
    assert f"cannot use kubeconfig {kubeconfig}" in run.output


def test_crds_of_another_version_are_refused_unless_allowed(run_suite, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    old = shared_dir / "data" / "crds" / "v1.4.1" / "standard"
    run = run_suite(f"--gateway-api-crds={old}", "-k", "HTTPRouteSimpleSameNamespace")
    assert run.returncode != 0
    assert "the installed Gateway API CRDs are v1.4.1, this suite checks v1.6.1" in run.output
    assert "--allow-crds-mismatch" in run.output
    allowed = run_suite(f"--gateway-api-crds={old}", "--allow-crds-mismatch", "-k", "HTTPRouteSimpleSameNamespace")
    assert allowed.returncode == 0, allowed.output[-3000:]
    assert allowed.results["gateway_api_version"] == "UNDEFINED"


def test_a_local_environment_that_cannot_start_says_why(tmp_path: Path) -> None:
    from conformance.clusters.local import LocalCluster, LocalSettings
    from conformance.clusters.protocol import ClusterError

    provider = LocalCluster(LocalSettings(crds=tmp_path / "no-such-crds"))
    started = time.monotonic()
    with pytest.raises(ClusterError) as err:
        provider.start()
    assert time.monotonic() - started < 20
    assert "exited with code 2 while starting" in str(err.value)
    assert "no-such-crds does not exist" in str(err.value)
