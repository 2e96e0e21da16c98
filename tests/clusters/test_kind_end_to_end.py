"""The whole kind path, end to end, with fake tools and a local environment as the cluster.

create cluster -> LoadBalancer -> images -> CRDs -> install (helm) -> GatewayClass Accepted -> suite
-> reports -> delete cluster; and the --dry-run plan of the same run lists the same install commands.
"""

from __future__ import annotations

import shlex

from conformance.clusters.protocol import Cluster


def _strip_kubeconfig(argv: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--kubeconfig":
            skip = True
            continue
        out.append(arg)
    return out


def test_envoy_gateway_on_kind_end_to_end(fake_tools, local_api: Cluster, run_pytest) -> None:  # type: ignore[no-untyped-def]
    env = {**fake_tools.env, "FAKE_KIND_KUBECONFIG": str(local_api.kubeconfig)}
    run = run_pytest("--implementation=envoy-gateway", "-k", "HTTPRouteSimpleSameNamespace", env=env)
    assert run.returncode == 0, run.output[-4000:]

    calls = [" ".join(c) for c in fake_tools.calls()]
    order = [
        "kind get clusters",
        "kind create cluster --name gwconf-envoy-gateway-run",
        "kubectl apply --server-side -f https://raw.githubusercontent.com/metallb/metallb/v0.16.1/",
        "docker network inspect kind",
        "kubectl apply --server-side -f -",
        "docker pull registry.k8s.io/gateway-api/echo-basic:v1.5.1",
        "kind load docker-image registry.k8s.io/gateway-api/echo-basic:v1.5.1",
        "helm upgrade --install eg-crds oci://docker.io/envoyproxy/gateway-crds-helm",
        "helm upgrade --install eg oci://docker.io/envoyproxy/gateway-helm --version v1.9.0",
        "kubectl rollout status deployment/envoy-gateway -n envoy-gateway-system",
        "kind delete cluster --name gwconf-envoy-gateway-run",
    ]
    position = 0
    for expected in order:
        found = next((i for i in range(position, len(calls)) if calls[i].startswith(expected)), None)
        assert found is not None, f"{expected!r} not run after step {position}:\n" + "\n".join(calls)
        position = found + 1
    # The harness never used a shell and never touched ~/.kube/config: every kube tool got an explicit kubeconfig.
    assert all("--kubeconfig" in c for c in fake_tools.calls("helm"))

    results = run.results
    assert {t["short_name"]: t["outcome"] for t in results["tests"]}["HTTPRouteSimpleSameNamespace"] == "SUCCEEDED"
    assert results["gateway_class"] == "envoy-gateway"
    assert results["features_source"] == "catalog"
    assert "kind cluster gwconf-envoy-gateway-run" in results["cluster"]
    assert results["implementation"]["project"] == "envoy-gateway"
    assert (run.report_dir / "crd-check.json").is_file()
    assert not list(run.report_dir.rglob("kubeconfig")), "credentials must never land under reports/"

    # The dry run of the same options prints the helm commands that were run, in the same order.
    fake_tools.log.unlink()
    plan = run_pytest("--implementation=envoy-gateway", "--dry-run", env=env)
    assert plan.returncode == 0, plan.output
    assert fake_tools.calls() == [], "a dry run must not run any tool"
    planned = [
        _strip_kubeconfig(shlex.split(line.split(". ", 1)[1]))
        for line in plan.output.splitlines()
        if line.strip()[:1].isdigit() and " helm " in f" {line.split('. ', 1)[1]}"
    ]
    executed = [_strip_kubeconfig(c[1:]) for c in [c for c in [*run_calls(calls)] if c[0] == "helm"]]
    assert [["helm", *c] for c in executed] == planned


def run_calls(calls: list[str]) -> list[list[str]]:
    return [c.split(" ") for c in calls]
