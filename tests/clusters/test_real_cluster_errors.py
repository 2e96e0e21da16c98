"""Failures on the real-cluster path, end to end: each says what failed and what to do, and cleans up."""

from __future__ import annotations

from pathlib import Path

import yaml

from conformance.clusters.protocol import Cluster
from conformance.kube.client import KubeClient


def test_failing_helm_shows_command_exit_code_and_stderr_and_the_cluster_is_deleted(  # type: ignore[no-untyped-def]
    fake_tools, local_api: Cluster, run_pytest
) -> None:
    env = {**fake_tools.env, "FAKE_KIND_KUBECONFIG": str(local_api.kubeconfig), "FAKE_FAIL": "helm:eg"}
    run = run_pytest(
        "--implementation=envoy-gateway", "--no-preload-images", "-k", "HTTPRouteSimpleSameNamespace", env=env
    )
    assert run.returncode != 0
    assert (
        "installing Envoy Gateway failed: install Envoy Gateway: helm release eg: command failed with exit code 1"
        in run.output
    )
    assert "helm upgrade --install eg oci://docker.io/envoyproxy/gateway-helm" in run.output
    assert "| Error: helm could not eg: simulated failure" in run.output
    assert fake_tools.calls("kind")[-1][:5] == ["kind", "delete", "cluster", "--name", "gwconf-envoy-gateway-run"]


def test_missing_kind_says_which_tool_and_how_to_get_it(fake_tools, run_pytest, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (fake_tools.bin / "kind").unlink()
    env = {**fake_tools.env, "PATH": str(fake_tools.bin)}
    run = run_pytest("--cluster=kind", "-k", "HTTPRouteSimpleSameNamespace", env=env)
    assert run.returncode != 0
    assert "program kind not found on PATH; install kind v0.32.0" in run.output
    assert "--kind-bin=PATH" in run.output


def test_an_existing_cluster_is_not_reused_unless_asked(fake_tools, local_api: Cluster, run_pytest) -> None:  # type: ignore[no-untyped-def]
    (Path(fake_tools.env["FAKE_TOOLS_STATE"]) / "clusters.json").write_text('["gwconf-envoy-gateway"]')
    env = {**fake_tools.env, "FAKE_KIND_KUBECONFIG": str(local_api.kubeconfig)}
    run = run_pytest("--cluster=kind", "--keep-cluster", "-k", "HTTPRouteSimpleSameNamespace", env=env)
    assert run.returncode != 0
    assert "a kind cluster named gwconf-envoy-gateway already exists; pass --reuse-cluster" in run.output
    run = run_pytest(
        "--cluster=kind", "--reuse-cluster", "--no-preload-images", "-k", "HTTPRouteSimpleSameNamespace", env=env
    )
    assert "was created with a different spec" in run.output  # it has no spec label: refused, not silently used
    assert not any(c[:2] == ["kind", "delete"] for c in fake_tools.calls()), "a reused cluster is never deleted"


def test_existing_cluster_with_a_catalog_profile_and_skip_install(local_api: Cluster, run_pytest) -> None:  # type: ignore[no-untyped-def]
    """--cluster=kubeconfig --implementation=X --skip-install: the profile names the class and features only."""
    client = KubeClient.from_kubeconfig(str(local_api.kubeconfig))
    client.create(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "envoy-gateway"},
            "spec": {"controllerName": "gateway-conformance.local/reference-gateway"},
        }
    )
    client.close()
    run = run_pytest(
        f"--kubeconfig={local_api.kubeconfig}", "--implementation=envoy-gateway", "--skip-install",
        "-k", "HTTPRouteSimpleSameNamespace", env={},
    )  # fmt: skip
    assert run.returncode == 0, run.output[-3000:]
    assert run.results["gateway_class"] == "envoy-gateway"
    assert run.results["features_source"] == "catalog"


def test_failed_test_leaves_redacted_diagnostics(run_pytest) -> None:  # type: ignore[no-untyped-def]
    run = run_pytest(
        "--local-faults=header-matches-ignored", "--timeout-scale=0.05", "-k", "HTTPRouteHeaderMatching", env={}
    )
    assert run.returncode != 0
    debug = run.report_dir / "debug" / "HTTPRouteHeaderMatching"
    objects = list(yaml.safe_load_all((debug / "objects.yaml").read_text()))
    assert {o["kind"] for o in objects} >= {"HTTPRoute"}
    assert all("status" in o for o in objects if o["kind"] == "HTTPRoute")
    assert all("managedFields" not in o["metadata"] for o in objects)
    assert (debug / "events.yaml").is_file()


def test_users_profile_file_runs_on_an_existing_cluster(local_api: Cluster, run_pytest, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "my-gateway.yaml"
    profile.write_text(
        yaml.safe_dump(
            {
                "name": "my-gateway",
                "title": "My gateway",
                "report": {
                    "organization": "me",
                    "project": "my-gateway",
                    "url": "https://example.com",
                    "version": "v0.1",
                },
                "gateway_class": {
                    "name": "mine",
                    "controller_name": "gateway-conformance.local/reference-gateway",
                    "created_by": "harness",
                },
                "crds": {"channel": "experimental"},
                "install": [{"manifests": ["https://example.com/my-gateway.yaml"]}],
                "features": {"source": "list", "supported": ["Gateway", "HTTPRoute"]},
                "address": {"strategy": "none"},
            }
        )
    )
    client = KubeClient.from_kubeconfig(str(local_api.kubeconfig))
    client.create(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "mine"},
            "spec": {"controllerName": "gateway-conformance.local/reference-gateway"},
        }
    )
    client.close()
    run = run_pytest(
        f"--kubeconfig={local_api.kubeconfig}", f"--implementation={profile}", "--skip-install",
        "-k", "HTTPRouteSimpleSameNamespace", env={},
    )  # fmt: skip
    assert run.returncode == 0, run.output[-3000:]
    assert run.results["implementation"]["project"] == "my-gateway"
