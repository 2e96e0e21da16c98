"""The implementation catalog: every profile validates, and its install plan matches spec/implementations.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance import dryrun
from conformance.implementations import catalog
from conformance.implementations.catalog import Helm, Manifests
from conformance.implementations.schema import ProfileError
from conformance.options import resolve

EXPECTED = {
    "envoy-gateway", "istio", "contour", "nginx-gateway-fabric", "kong-operator", "traefik", "apisix",
    "kgateway", "cilium", "agentgateway", "airlock-microgateway", "haproxy-ingress", "local",
}  # fmt: skip
SPEC_NAMES = {"apisix": "apisix-ingress-controller"}


@pytest.fixture(scope="module")
def spec(shared_dir: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((shared_dir / "spec" / "implementations.yaml").read_text())
    return {impl["name"]: impl for impl in data["implementations"]}


def test_the_catalog_has_the_twelve_implementations_and_local() -> None:
    assert set(catalog.names()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_profile_validates(name: str) -> None:
    entry = catalog.load(name)
    assert entry.name == name
    assert entry.install and entry.gateway_class and entry.controller_name


@pytest.mark.parametrize("name", sorted(EXPECTED - {"local"}))
def test_profile_facts_match_the_spec(name: str, spec: dict[str, dict[str, Any]]) -> None:
    entry = catalog.load(name)
    facts = spec[SPEC_NAMES.get(name, name)]
    gwc = facts["gatewayclass"]
    assert entry.controller_name == gwc["controllerName"]
    if not str(gwc.get("name", "")).startswith(("generated", "test-generated")):
        assert entry.gateway_class == gwc["name"]
    install = facts["install"]
    charts = [s.chart for s in entry.install if isinstance(s, Helm)]
    for key in ("chart", "charts"):
        for chart in [install[key]] if isinstance(install.get(key), str) else install.get(key) or []:
            if chart.startswith(("oci://", "https://")):
                assert chart in charts, f"{name}: {chart} not installed"
    if isinstance(install.get("repo_url"), str):
        assert any(isinstance(s, Helm) and s.repo == install["repo_url"] for s in entry.install)
    if entry.features_source == "status":
        assert facts.get("writes_status_supported_features", True) is not False
    elif facts.get("writes_status_supported_features") is False:
        assert entry.features_source in ("list", "all", "profiles")
    strategy = str(facts["address_strategy"]["type"])
    assert entry.address_strategy.split("-")[0] in strategy or name in ("traefik",), (name, strategy)


@pytest.mark.parametrize("name", sorted(EXPECTED - {"local"}))
def test_dry_run_plan_lists_the_spec_install_commands(name: str, spec: dict[str, dict[str, Any]]) -> None:
    options = resolve({"--implementation": name, "--dry-run": "true", "--run-id": "plan"}).options
    text = dryrun.text(options, "plan")
    facts = spec[SPEC_NAMES.get(name, name)]
    entry = catalog.load(name)
    assert "kind create cluster --name gwconf-" in text
    assert f"/{options.gateway_api_version or 'v1.6.1'}/{entry.channel}-install.yaml" in text
    # Deliberate differences are the profile's own values (e.g. Kong's bundled CRDs off: the harness installs them).
    for step in entry.install:
        if isinstance(step, Helm):
            assert f"helm upgrade --install {step.release} {step.chart}" in text
            for key, value in step.values.items():
                assert f"{key}={value}" in text
        if isinstance(step, Manifests):
            for url in step.urls:
                assert f"kubectl apply --server-side -f {url}" in text
    version = facts["install"].get("version")
    if version:
        assert f"--version {version}" in text
    overridden = {k for s in entry.install if isinstance(s, Helm) for k in s.values}
    for key, value in (facts["install"].get("key_values") or {}).items():
        if str(value).lower() in ("true", "false") and key in text and key not in overridden:
            assert f"{key}={str(value).lower()}" in text
    if entry.address_strategy == "metallb":
        assert f"metallb/{entry.metallb_version}/config/manifests/metallb-native.yaml" in text
    if entry.address_strategy == "cloud-provider-kind":
        assert "--gateway-channel=disabled" in text
    assert text.index("kind create cluster") < text.index("-install.yaml") < text.index("kind delete cluster")


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _base() -> dict[str, Any]:
    return yaml.safe_load((catalog.catalog_dir() / "envoy-gateway.yaml").read_text())


def test_a_users_own_profile_file_is_accepted(tmp_path: Path) -> None:
    data = _base()
    data["name"] = "my-gateway"
    entry = catalog.load(str(_write(tmp_path, data)))
    assert entry.name == "my-gateway" and entry.source.endswith("mine.yaml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("gateway_class"), "gateway_class: required field is missing"),
        (
            lambda d: d["address"].update(strategy="metalb"),
            "address.strategy: 'metalb' is not valid. Did you mean metallb?",
        ),
        (lambda d: d["install"][1]["helm"].pop("chart"), "install[1].helm.chart: required field is missing"),
        (lambda d: d.update(instal=[]), "instal: unknown field. Did you mean install?"),
        (lambda d: d["features"].update(exempt=["HTTPRouteQuery"]), "features.exempt"),
        (lambda d: d.update(profiles=["GATEWAY-HTTPS"]), "profiles"),
        (
            lambda d: d["readiness"][0].update(deployment="no-namespace"),
            "readiness[0].deployment: expected NAMESPACE/NAME",
        ),
    ],
)
def test_malformed_profiles_name_the_file_and_field(tmp_path: Path, change: Any, message: str) -> None:
    data = _base()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(ProfileError) as err:
        catalog.load(str(path))
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unknown_implementation_lists_the_catalog() -> None:
    with pytest.raises(ProfileError, match=re.escape("'envoy' is not in the catalog. Did you mean envoy-gateway?")):
        catalog.load("envoy")


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="does not exist"):
        catalog.load(str(tmp_path / "nope.yaml"))
