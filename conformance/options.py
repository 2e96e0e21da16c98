"""Run options: declared once, read from four places, resolved into one frozen ``Options``.

Every option is declared exactly once below (an ``OptionSpec``: field, command-line flag, ini key, key in
upstream's options file, parser). Values come from, lowest precedence first: the built-in default, the
``--conformance-options-file`` YAML (upstream's ``ConfigurableOptions`` keys), the pytest ini file, the
command line. Flag names mirror upstream's where pytest does not already own the name.

Parsing happens in ``option_values`` and nowhere else, so every bad value is reported the same way: the
value, where it came from (flag, ini key or file and key) and what would be valid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

import yaml

from conformance import timeouts
from conformance.features import FeatureName
from conformance.option_specs import UPSTREAM_AND_LOCAL_SPECS
from conformance.option_values import (
    ClusterKind,
    OptionsError,
    OptionSpec,
    _text,
    parse_path,
)
from conformance.options_clusters import CLUSTER_SPECS
from conformance.profiles import ProfileName
from conformance.suggest import did_you_mean
from conformance.timeouts import TimeoutConfig, TimeoutConfigError


class Source(IntEnum):
    """Where a value came from; a higher source overrides a lower one."""

    DEFAULT = 0
    OPTIONS_FILE = 1
    INI = 2
    COMMAND_LINE = 3


@dataclass(frozen=True, slots=True)
class ImplementationInfo:
    """Report metadata about the implementation under test (upstream ``confv1.Implementation``)."""

    organization: str = ""
    project: str = ""
    url: str = ""
    version: str = ""
    contact: tuple[str, ...] = ()

    def missing(self) -> list[str]:
        names = ("organization", "project", "url", "version")
        gaps = [n for n in names if not getattr(self, n)]
        return gaps + ([] if self.contact else ["contact"])


@dataclass(frozen=True, slots=True)
class Options:
    """The effective settings of one run. Build it with ``resolve``; never mutate it."""

    gateway_class: str = "gateway-conformance"
    """GatewayClass under test (created by the installer, never by the suite)."""
    mesh_name: str = ""
    supported_features: frozenset[FeatureName] = frozenset()
    exempt_features: frozenset[FeatureName] = frozenset()
    all_features: bool = False
    conformance_profiles: tuple[ProfileName, ...] = ()
    run_test: str = ""
    skip_tests: frozenset[str] = frozenset()
    skip_provisional_tests: bool = False
    cleanup_base_resources: bool = True
    cleanup_test_resources: bool = True
    namespace_labels: Mapping[str, str] = field(default_factory=dict)
    namespace_annotations: Mapping[str, str] = field(default_factory=dict)
    mode: str = "default"
    allow_crds_mismatch: bool = False
    usable_address: str = ""
    unusable_address: str = ""
    report_output: Path | None = None
    """Extra path for the ConformanceReport YAML (upstream's --report-output)."""
    implementation_info: ImplementationInfo = ImplementationInfo()
    timeout_config: TimeoutConfig = field(default_factory=TimeoutConfig)
    timeout_scale: float = 1.0
    """Already applied to timeout_config; kept for the header and the report."""
    cluster: ClusterKind = ClusterKind.LOCAL
    kubeconfig: Path | None = None
    implementation: str = ""
    """Implementation profile to install and describe (empty: the reference gateway when --cluster=local)."""
    reports_dir: Path = Path("reports")
    run_id: str = ""
    local_faults: tuple[str, ...] = ()
    local_latency: float = 0.0
    local_jitter: float = 0.0
    gateway_api_crds: Path | None = None
    connect_to: Mapping[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    conformance_options_file: Path | None = None
    # Real clusters (declared in options_clusters.py): kind, CRD installation, implementation installs.
    reuse_cluster: bool = False
    keep_cluster: bool = False
    cluster_name: str = ""
    kube_version: str = ""
    node_image: str = ""
    kind_version: str = ""
    kind_bin: Path | None = None
    preload_images: bool = True
    load_balancer: str = ""
    gateway_api_version: str = ""
    gateway_api_channel: str = ""
    force: bool = False
    skip_install: bool = False
    dry_run: bool = False
    collect_diagnostics: bool = True


SPECS = (*UPSTREAM_AND_LOCAL_SPECS, *CLUSTER_SPECS)
SPECS_BY_FLAG: Mapping[str, OptionSpec] = {s.flag: s for s in SPECS}
FILE_KEYS: frozenset[str] = frozenset(
    {s.file_key.split(".")[0] for s in SPECS if s.file_key} | {"debug", "disableParallelTests", "failFast"}
)
"""Every top-level key upstream's options file may carry (a few are accepted and ignored, see README)."""


def dest(spec: OptionSpec) -> str:
    """The argparse destination of a spec (pytest's ``config.option`` attribute)."""
    return "gwconf_" + spec.flag.lstrip("-").replace("-", "_")


# --- resolution ----------------------------------------------------------------------------------------


def load_options_file(path: Path) -> dict[str, object]:
    """Read upstream's YAML options file; unknown keys are errors (a typo must not be silently ignored)."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise OptionsError(f"--conformance-options-file: cannot read {where}: {err.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise OptionsError(f"{where} is not valid YAML: {err}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise OptionsError(f"{where}: expected a mapping of options at the top level, got {type(data).__name__}")
    for key in data:
        if key not in FILE_KEYS:
            raise OptionsError(
                f"{where}: unknown key {key!r}.{did_you_mean(str(key), FILE_KEYS)} "
                f"Valid keys: {', '.join(sorted(FILE_KEYS))}."
            )
    implementation = data.get("implementation")
    if implementation is not None and not isinstance(implementation, dict):
        raise OptionsError(f"{where}: implementation must be a mapping of organization, project, url, ...")
    return data


def _file_value(data: Mapping[str, object], dotted: str) -> tuple[bool, object]:
    node: object = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


@dataclass(frozen=True, slots=True)
class Resolved:
    options: Options
    sources: Mapping[str, Source]
    """Where each non-default value came from, by Options field."""


def resolve(
    cli: Mapping[str, object],
    ini: Mapping[str, object] | None = None,
    *,
    file_loader: Callable[[Path], dict[str, object]] = load_options_file,
) -> Resolved:
    """Merge default < options file < ini < command line into Options.

    ``cli`` and ``ini`` map an OptionSpec's flag (``"--gateway-class"``) to a raw value, None when unset.
    """
    ini = ini or {}
    values: dict[str, Any] = {}
    info: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    timeout_layers: list[tuple[Source, object, str]] = []

    file_spec = SPECS_BY_FLAG["--conformance-options-file"]
    options_file: Path | None = None
    for source, layer, where in ((Source.INI, ini, "ini"), (Source.COMMAND_LINE, cli, "")):
        raw = layer.get(file_spec.flag)
        if raw not in (None, ""):
            options_file = parse_path(raw, file_spec.flag if source is Source.COMMAND_LINE else where)
    file_data = file_loader(options_file) if options_file else {}

    for spec in SPECS:
        layers: list[tuple[Source, object, str]] = []
        if spec.file_key:
            present, raw = _file_value(file_data, spec.file_key)
            if present:
                layers.append((Source.OPTIONS_FILE, raw, f"{options_file}: {spec.file_key}"))
        if spec.ini and ini.get(spec.flag) is not None:
            layers.append((Source.INI, ini[spec.flag], f"ini option {spec.ini}"))
        if cli.get(spec.flag) is not None:
            layers.append((Source.COMMAND_LINE, cli[spec.flag], spec.flag))
        if spec.field == "timeout_config":
            timeout_layers = layers
            continue
        for source, raw, where in layers:
            value = spec.parse(raw, where)
            if spec.field.startswith("implementation_info."):
                info[spec.field.split(".", 1)[1]] = value
            else:
                values[spec.field] = value
            sources[spec.field] = source

    config = TimeoutConfig()
    for source, raw, where in timeout_layers:
        try:
            if source is Source.OPTIONS_FILE:
                if not isinstance(raw, Mapping):
                    raise OptionsError(f"{where} must be a mapping of timeout names to durations")
                config = timeouts.from_mapping(raw, base=config, where=where)
            else:
                config = timeouts.from_overrides(_text(raw, where), base=config, where=where)
        except TimeoutConfigError as err:
            raise OptionsError(str(err)) from None
        sources["timeout_config"] = source
    scale = values.get("timeout_scale", 1.0)
    if scale <= 0:
        raise OptionsError(f"--timeout-scale must be greater than 0, got {scale:g}")
    values["timeout_config"] = timeouts.scaled(config, scale) if scale != 1.0 else config

    if info:
        values["implementation_info"] = ImplementationInfo(**info)
    if values.get("kubeconfig") is not None and "cluster" not in values:
        values["cluster"] = ClusterKind.KUBECONFIG
        sources["cluster"] = sources["kubeconfig"]
    elif values.get("implementation") not in (None, "", "local") and "cluster" not in values:
        values["cluster"] = ClusterKind.KIND  # a real implementation needs a real cluster
        sources["cluster"] = sources["implementation"]
    options = Options(**values)
    _check(options)
    return Resolved(options, sources)


def _check(options: Options) -> None:
    overlap = options.supported_features & options.exempt_features
    if overlap:
        raise OptionsError(
            "--supported-features and --exempt-features both name "
            f"{', '.join(sorted(overlap))}; a feature is either supported or exempt, remove it from one list"
        )
    if options.cluster is ClusterKind.KUBECONFIG and options.kubeconfig is None:
        raise OptionsError("--cluster=kubeconfig needs --kubeconfig=PATH (the existing cluster to run against)")
    if options.cluster is ClusterKind.LOCAL and (options.reuse_cluster or options.keep_cluster):
        raise OptionsError(
            "--reuse-cluster and --keep-cluster apply to --cluster=kind; the local environment is always fresh"
        )
    if options.local_faults and options.cluster is not ClusterKind.LOCAL:
        raise OptionsError(f"--local-faults only applies to --cluster=local, not --cluster={options.cluster}")


__all__ = [
    "FILE_KEYS",
    "SPECS",
    "SPECS_BY_FLAG",
    "ClusterKind",
    "ImplementationInfo",
    "OptionSpec",
    "Options",
    "OptionsError",
    "Resolved",
    "Source",
    "dest",
    "load_options_file",
    "resolve",
]
