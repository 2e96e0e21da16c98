"""kind settings, pools, CRD installation decisions, options and redaction, without a cluster."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance import diagnostics, realcluster
from conformance.clusters import kindbin
from conformance.clusters.kind import SPEC_LABEL, KindSettings, kind_config
from conformance.clusters.loadbalancer import allocate, ipv4_subnets, metallb_objects, slot_pool
from conformance.implementations import catalog, gatewayapi
from conformance.implementations.gatewayapi import CRDInstallError, CRDRequest
from conformance.implementations.installer import InstallError, check_environment
from conformance.options import ClusterKind, OptionsError, resolve
from conformance.plan import Command
from conformance.process import ToolMissing

POLICY = gatewayapi.SAFE_UPGRADES

# --- kind -------------------------------------------------------------------------------------------


def test_node_images_are_pinned_by_digest() -> None:
    assert kindbin.node_image("", "").endswith(
        "@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5"
    )
    assert kindbin.node_image("1.34.8", "").startswith("kindest/node:v1.34.8@sha256:")
    with pytest.raises(kindbin.KindSetupError, match=r"--kube-version=v1.29.0: no pinned .* Known: v1.36.1"):
        kindbin.node_image("v1.29.0", "")
    with pytest.raises(kindbin.KindSetupError, match="pin the image by digest"):
        kindbin.node_image("", "kindest/node:v1.36.1")


def test_kind_on_path_wins_and_nothing_found_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "kind"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert kindbin.resolve_kind(None) == fake
    assert kindbin.resolve_kind(Path("/opt/kind")) == Path("/opt/kind")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("GWCONF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(__import__("sys").modules, "pytest_kind.cluster", None)  # pytest-kind-ng not installed
    with pytest.raises(ToolMissing, match=re.escape("program kind not found on PATH; install kind v0.32.0")):
        kindbin.resolve_kind(None)


def test_download_goes_through_pytest_kind_ng_with_the_pinned_release(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys
    import types

    seen: dict[str, Any] = {}

    class KindCluster:
        def __init__(self, name: str, kind_path: Path) -> None:
            seen["path"] = kind_path

        def ensure_kind(self) -> None:
            seen["url"] = __import__("os").environ["KIND_DOWNLOAD_URL"]
            Path(seen["path"]).write_text("binary")

    module = types.ModuleType("pytest_kind.cluster")
    module.KindCluster = KindCluster  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pytest_kind.cluster", module)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("GWCONF_CACHE_DIR", str(tmp_path / "cache"))
    path = kindbin.resolve_kind(None, "v0.32.0")
    assert path == tmp_path / "cache" / "kind-v0.32.0" / "kind"
    assert seen["url"].startswith("https://github.com/kubernetes-sigs/kind/releases/download/v0.32.0/kind-linux-")
    assert kindbin.resolve_kind(None, "v0.32.0") == path  # cached now


def test_kind_config_carries_the_spec_hash_and_profile_settings() -> None:
    settings = KindSettings("c", kindbin.node_image("", ""), workers=2, disable_default_cni=True, host_ports=(80, 443))
    config = kind_config(settings)
    assert config["networking"] == {"dnsSearch": [], "disableDefaultCNI": True}
    assert [n["role"] for n in config["nodes"]] == ["control-plane", "worker", "worker"]
    assert config["nodes"][0]["extraPortMappings"][0] == {
        "containerPort": 80,
        "hostPort": 80,
        "listenAddress": "127.0.0.1",
        "protocol": "TCP",
    }
    other = kind_config(
        KindSettings("c", kindbin.node_image("v1.35.5", ""), workers=2, disable_default_cni=True, host_ports=(80, 443))
    )
    assert config["nodes"][0]["labels"][SPEC_LABEL] != other["nodes"][0]["labels"][SPEC_LABEL]


def test_cluster_names_per_run_and_per_implementation() -> None:
    entry = catalog.load("envoy-gateway")
    options = resolve({"--implementation": "envoy-gateway"}).options
    assert options.cluster is ClusterKind.KIND  # a real implementation implies a real cluster
    name = realcluster.cluster_name(options, entry, "20261122-030343-51da")
    assert name.startswith("gwconf-envoy-gateway-") and len(name) <= 49
    assert realcluster.cluster_name(options, catalog.load("kong-operator"), "20261122-030343-51da") != name
    reuse = resolve({"--implementation": "envoy-gateway", "--reuse-cluster": "true"}).options
    assert realcluster.cluster_name(reuse, entry, "x") == "gwconf-envoy-gateway"


# --- pools ------------------------------------------------------------------------------------------


def test_pools_are_disjoint_per_cluster_and_reused_when_a_cluster_is_gone(tmp_path: Path) -> None:
    subnet = ipv4_subnets('[{"Subnet":"172.18.0.0/16"},{"Subnet":"fc00:f853:ccd:e793::/64"}]')[0]
    registry = tmp_path / "pools.json"
    a = allocate(registry, subnet, "a", ["a"])
    b = allocate(registry, subnet, "b", ["a", "b"])
    assert (a.first, a.last) == (ipaddress.IPv4Address("172.18.255.223"), ipaddress.IPv4Address("172.18.255.254"))
    assert b.last < a.first
    assert allocate(registry, subnet, "a", ["a", "b"]) == a  # stable
    c = allocate(registry, subnet, "c", ["c"])  # a and b are gone
    assert c == a
    assert a.static_address == "172.18.255.254" and a.auto_range == "172.18.255.223-172.18.255.253"
    docs = list(yaml.safe_load_all(metallb_objects(a)))
    assert [d["kind"] for d in docs] == ["IPAddressPool", "IPAddressPool", "L2Advertisement"]
    assert docs[1]["spec"]["autoAssign"] is False


def test_a_small_network_runs_out_of_pools_with_a_clear_message() -> None:
    subnet = ipaddress.IPv4Network("10.0.0.0/28")
    slot_pool(subnet, 0)
    with pytest.raises(Exception, match="has room for 2 MetalLB pools"):
        slot_pool(subnet, 2)


# --- CRDs ---------------------------------------------------------------------------------------------


class FakeClient:
    def __init__(self, crds: dict[str, tuple[str, str]], policy: bool) -> None:
        self.crds = crds
        self.policy = policy

    def list(self, api_version: str, kind: str, namespace: str | None = None) -> tuple[list[dict[str, Any]], str]:
        items = [
            {
                "metadata": {
                    "name": name,
                    "annotations": {gatewayapi.VERSION_ANNOTATION: v, gatewayapi.CHANNEL_ANNOTATION: c},
                },
                "status": {"conditions": [{"type": "Established", "status": "True"}]},
            }
            for name, (v, c) in self.crds.items()
        ]
        return items, "1"

    def resource(self, api_version: str, kind: str) -> Any:
        return type("Info", (), {"api_version": api_version, "kind": kind})()

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        return {"metadata": {"name": name}} if self.policy else None


def _argv(steps: list[Any]) -> list[str]:
    return [" ".join(s.argv) for s in steps if isinstance(s, Command)]


def test_matching_crds_are_left_alone_and_missing_ones_installed_server_side() -> None:
    same = FakeClient({"gateways.gateway.networking.k8s.io": ("v1.6.1", "experimental")}, policy=True)
    assert gatewayapi.steps_for(same, CRDRequest("v1.6.1", "experimental"), "k") == []  # type: ignore[arg-type]
    steps = gatewayapi.steps_for(FakeClient({}, policy=False), CRDRequest("v1.6.1", "standard"), "k")  # type: ignore[arg-type]
    assert _argv(steps) == [
        "kubectl apply --server-side --force-conflicts -f "
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml --kubeconfig k"
    ]


def test_the_safe_upgrades_policy_is_explained_and_removed_only_with_force() -> None:
    client = FakeClient({"httproutes.gateway.networking.k8s.io": ("v1.6.1", "standard")}, policy=True)
    with pytest.raises(CRDInstallError) as err:
        gatewayapi.steps_for(client, CRDRequest("v1.6.1", "experimental"), "k")  # type: ignore[arg-type]
    text = str(err.value)
    assert "safe-upgrades.gateway.networking.k8s.io" in text and "httproutes.gateway.networking.k8s.io" in text
    assert "--force" in text
    steps = gatewayapi.steps_for(client, CRDRequest("v1.6.1", "experimental", force=True), "k")  # type: ignore[arg-type]
    assert _argv(steps)[:2] == [
        f"kubectl delete validatingadmissionpolicybinding {POLICY} --ignore-not-found --kubeconfig k",
        f"kubectl delete validatingadmissionpolicy {POLICY} --ignore-not-found --kubeconfig k",
    ]
    with pytest.raises(CRDInstallError, match=re.escape("installing bundle v1.5.1")):
        gatewayapi.steps_for(client, CRDRequest("v1.5.1", "standard"), "k")  # type: ignore[arg-type]
    no_policy = FakeClient({"httproutes.gateway.networking.k8s.io": ("v1.6.1", "standard")}, policy=False)
    assert gatewayapi.steps_for(no_policy, CRDRequest("v1.6.1", "experimental"), "k")  # type: ignore[arg-type]


# --- options, profiles, secrets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cli", "message"),
    [
        (
            {"--gateway-api-channel": "exp"},
            "'exp' is not valid. Did you mean experimental? Valid choices: standard, experimental.",
        ),
        ({"--load-balancer": "metal"}, "Did you mean metallb?"),
        ({"--cluster-name": "Bad_Name"}, "not a valid kind cluster name"),
        ({"--gateway-api-version": "latest"}, "is not a release version like v1.6.1"),
        ({"--reuse-cluster": "true"}, "--reuse-cluster and --keep-cluster apply to --cluster=kind"),
    ],
)
def test_bad_cluster_options(cli: dict[str, str], message: str) -> None:
    with pytest.raises(OptionsError) as err:
        resolve(cli)
    assert message in str(err.value)


def test_profile_defaults_fill_only_what_the_user_left_unset() -> None:
    entry = catalog.load("istio")
    filled = realcluster.effective_options(resolve({"--implementation": "istio"}).options, entry)
    assert filled.gateway_class == "istio" and filled.all_features
    assert "MeshClusterIPMatching" in filled.exempt_features and "UDPRoute" in filled.exempt_features
    assert filled.namespace_labels == {"istio-injection": "enabled"}
    given = resolve(
        {"--implementation": "istio", "--supported-features": "HTTPRouteMethodMatching", "--gateway-class": "mine"}
    )
    mine = realcluster.effective_options(given.options, entry)
    assert mine.gateway_class == "mine" and not mine.all_features
    assert mine.supported_features == {"HTTPRouteMethodMatching"}


def test_a_profile_that_needs_a_licence_refuses_to_start_without_it() -> None:
    with pytest.raises(InstallError, match=r"kong-operator needs the environment variable\(s\) KONG_LICENSE_DATA"):
        check_environment(catalog.load("kong-operator"), env={})
    check_environment(catalog.load("kong-operator"), env={"KONG_LICENSE_DATA": "x"})


def test_redaction_of_secrets_tokens_and_authorization_headers() -> None:
    secret = {"kind": "Secret", "metadata": {"name": "s", "managedFields": [1]}, "data": {"tls.key": "QUJD"}}
    out = diagnostics.redact_object(secret)
    assert out["data"] == {"tls.key": "<redacted> (4 bytes)"} and "managedFields" not in out["metadata"]
    log = (
        'GET / Authorization: Bearer abc.def.ghi\n{"token": "s3cr3t-value"} password=hunter2\n'
        "curl -H 'authorization: Basic dXNlcjpwYXNz'\n"
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"
    )
    text = diagnostics.redact_text(log)
    for leaked in ("abc.def.ghi", "s3cr3t-value", "hunter2", "dXNlcjpwYXNz", "MIIE"):
        assert leaked not in text
    assert "<redacted private key>" in text and "GET / Authorization: <redacted>" in text
