from __future__ import annotations

from pathlib import Path

import pytest

from conformance.features import FeatureName
from conformance.options import ClusterKind, OptionsError, Source, resolve
from conformance.profiles import ProfileName


def cli(**values: object) -> dict[str, object]:
    return {"--" + k.replace("_", "-"): v for k, v in values.items()}


def test_defaults() -> None:
    options = resolve({}).options
    assert options.gateway_class == "gateway-conformance"
    assert options.cluster is ClusterKind.LOCAL
    assert options.cleanup_base_resources and options.cleanup_test_resources
    assert options.mode == "default"


def test_precedence_default_file_ini_cli(tmp_path: Path) -> None:
    path = tmp_path / "opts.yaml"
    path.write_text("gatewayClassName: from-file\nmode: file-mode\nsupportedFeatures: [Gateway, HTTPRoute]\n")
    resolved = resolve(
        cli(conformance_options_file=str(path), gateway_class="from-cli"),
        {"--mode": "ini-mode", "--gateway-class": "from-ini"},
    )
    options = resolved.options
    assert options.gateway_class == "from-cli"
    assert options.mode == "ini-mode"
    assert options.supported_features == {FeatureName.GATEWAY, FeatureName.HTTP_ROUTE}
    assert resolved.sources["gateway_class"] is Source.COMMAND_LINE
    assert resolved.sources["mode"] is Source.INI
    assert resolved.sources["supported_features"] is Source.OPTIONS_FILE


def test_options_file_upstream_keys(tmp_path: Path) -> None:
    path = tmp_path / "opts.yaml"
    path.write_text(
        "cleanupBaseResources: false\n"
        "namespaceLabels: {istio-injection: enabled}\n"
        "conformanceProfiles: [GATEWAY-HTTP]\n"
        "implementation: {organization: acme, project: gw, url: https://x, version: v1, contact: [a, b]}\n"
        "timeoutConfig: {maxTimeToConsistency: 45s}\n"
        "usableNetworkAddresses: [{type: IPAddress, value: 10.0.0.1}]\n"
    )
    options = resolve(cli(conformance_options_file=str(path))).options
    assert options.cleanup_base_resources is False
    assert options.namespace_labels == {"istio-injection": "enabled"}
    assert options.conformance_profiles == (ProfileName.GATEWAY_HTTP,)
    assert options.implementation_info.contact == ("a", "b")
    assert options.timeout_config.max_time_to_consistency == 45
    assert options.usable_address == "10.0.0.1"


def test_cli_timeout_overrides_apply_on_top_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "opts.yaml"
    path.write_text("timeoutConfig: {maxTimeToConsistency: 45s, createTimeout: 20s}\n")
    options = resolve(cli(conformance_options_file=str(path), timeout_config_overrides="CreateTimeout:5")).options
    assert options.timeout_config.max_time_to_consistency == 45
    assert options.timeout_config.create_timeout == 5


def test_unknown_options_file_key_names_file_and_suggests(tmp_path: Path) -> None:
    path = tmp_path / "opts.yaml"
    path.write_text("gatewayClasName: x\n")
    with pytest.raises(OptionsError) as err:
        resolve(cli(conformance_options_file=str(path)))
    assert str(path) in str(err.value)
    assert "Did you mean gatewayClassName?" in str(err.value)


def test_options_file_must_be_yaml_mapping(tmp_path: Path) -> None:
    path = tmp_path / "opts.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(OptionsError, match="expected a mapping"):
        resolve(cli(conformance_options_file=str(path)))
    path.write_text("a: [\n")
    with pytest.raises(OptionsError, match="not valid YAML"):
        resolve(cli(conformance_options_file=str(path)))


def test_missing_options_file() -> None:
    with pytest.raises(OptionsError, match=r"cannot read /nonexistent/opts.yaml"):
        resolve(cli(conformance_options_file="/nonexistent/opts.yaml"))


def test_unknown_feature_names_option() -> None:
    with pytest.raises(OptionsError, match=r"in --exempt-features\. Did you mean HTTPRouteQueryParamMatching"):
        resolve(cli(exempt_features="HTTPRouteQuery"))


def test_overlapping_supported_and_exempt() -> None:
    with pytest.raises(OptionsError, match="both name HTTPRoute"):
        resolve(cli(supported_features="Gateway,HTTPRoute", exempt_features="HTTPRoute"))


def test_unknown_cluster_value() -> None:
    with pytest.raises(OptionsError) as err:
        resolve(cli(cluster="kin"))
    assert "'kin' is not a cluster provider. Did you mean kind? Valid choices: local, kind, kubeconfig." in str(
        err.value
    )


def test_kubeconfig_implies_kubeconfig_cluster(tmp_path: Path) -> None:
    options = resolve(cli(kubeconfig=str(tmp_path / "kc"))).options
    assert options.cluster is ClusterKind.KUBECONFIG
    with pytest.raises(OptionsError, match="needs --kubeconfig"):
        resolve(cli(cluster="kubeconfig"))


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("false", False), ("1", True), ("no", False)])
def test_boolean_flags(raw: str, expected: bool) -> None:
    assert resolve(cli(all_features=raw)).options.all_features is expected


def test_bad_boolean() -> None:
    with pytest.raises(OptionsError, match="--cleanup-test-resources: 'maybe' is not a boolean"):
        resolve(cli(cleanup_test_resources="maybe"))


def test_namespace_labels_need_key_value() -> None:
    assert resolve(cli(namespace_labels="a=1,b=2")).options.namespace_labels == {"a": "1", "b": "2"}
    with pytest.raises(OptionsError, match="'a' is not key=value"):
        resolve(cli(namespace_labels="a"))


def test_connect_to_pairs() -> None:
    options = resolve(cli(connect_to="127.0.0.5:80=127.0.0.1:8080")).options
    assert options.connect_to == {("127.0.0.5", 80): ("127.0.0.1", 8080)}
    with pytest.raises(OptionsError, match="is not HOST:PORT"):
        resolve(cli(connect_to="127.0.0.5=127.0.0.1:8080"))


def test_local_faults_only_with_local_cluster(tmp_path: Path) -> None:
    with pytest.raises(OptionsError, match="--local-faults only applies to --cluster=local"):
        resolve(cli(local_faults="x", kubeconfig=str(tmp_path / "kc")))


def test_latency_accepts_seconds_and_durations() -> None:
    assert resolve(cli(local_latency="0.5")).options.local_latency == 0.5
    assert resolve(cli(local_latency="250ms")).options.local_latency == 0.25
    with pytest.raises(OptionsError, match="not a number of seconds"):
        resolve(cli(local_latency="soon"))
