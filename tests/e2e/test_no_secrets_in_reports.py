"""Reports and attachments never carry credentials (issue 7, part 5).

A run is made to fail (so failure messages and diagnostics are written), through a kubeconfig that
carries a bearer token, and then every file under the run's report directory is scanned.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from conformance.clusters.local import LocalCluster, LocalSettings
from conformance.clusters.protocol import Cluster

TOKEN = "gwconf-test-token-6f1d2c"
PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "bearer token": re.compile(r"Bearer\s+[A-Za-z0-9._~+/-]{8,}", re.IGNORECASE),
    "authorization header": re.compile(r"authorization['\"]?\s*[:=]\s*['\"]?\S{6,}", re.IGNORECASE),
    "kubeconfig credential": re.compile(r"(client-key-data|client-certificate-data|token)\s*:\s*\S{8,}"),
    "the kubeconfig's token": re.compile(re.escape(TOKEN)),
}


def scan(directory: Path) -> list[str]:
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(directory)}: {name}" for name, rx in PATTERNS.items() if rx.search(text)]
    return found


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text("-----BEGIN RSA PRIVATE KEY-----\nabc\n")
    (tmp_path / "b.json").write_text('{"headers": {"Authorization": "Bearer abcdefghijkl"}}')
    assert scan(tmp_path) == ["a.log: private key", "b.json: bearer token", "b.json: authorization header"]


def test_a_failing_run_writes_no_credentials(run_suite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    provider = LocalCluster(LocalSettings(faults=("header-matches-ignored",)))
    cluster = provider.start()
    try:
        check_run(run_suite, cluster, tmp_path)
    finally:
        provider.stop()


def check_run(run_suite, local_cluster: Cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = yaml.safe_load(local_cluster.kubeconfig.read_text())
    config["users"][0]["user"] = {"token": TOKEN}  # the local API ignores it; the harness must not leak it
    kubeconfig = tmp_path / "with-token.kubeconfig"
    kubeconfig.write_text(yaml.safe_dump(config))
    from conformance.kube.client import KubeClient

    client = KubeClient.from_kubeconfig(str(kubeconfig))
    client.create(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": "gateway-conformance"},
            "spec": {"controllerName": "gateway-conformance.local/reference-gateway"},
        }
    )
    client.close()
    run = run_suite(
        f"--kubeconfig={kubeconfig}",
        "--timeout-scale=0.05",
        # One test fails under the fault (failure messages and diagnostics are written), others pass.
        "--supported-features=Gateway,HTTPRoute,ReferenceGrant",
        "-k",
        "HTTPRouteSimpleSameNamespace or HTTPRouteHeaderMatching or GatewayWithAttachedRoutes",
    )
    assert run.outcomes["HTTPRouteHeaderMatching"] == "FAILED", run.output[-2000:]
    debug = run.report_dir / "debug" / "HTTPRouteHeaderMatching"
    assert debug.is_dir() and any(debug.iterdir()), "diagnostics of the failed test were not written"
    assert scan(run.report_dir) == []
    assert TOKEN not in run.output
