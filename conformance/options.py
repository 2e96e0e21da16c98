"""Run options: declared once, read from four places, resolved into one frozen ``Options``.

Every option is declared exactly once below (an ``OptionSpec``: field, command-line flag, ini key, key in
upstream's options file, parser). Values come from, lowest precedence first: the built-in default, the
``--conformance-options-file`` YAML (upstream's ``ConfigurableOptions`` keys), the pytest ini file, the
command line. Flag names mirror upstream's where pytest does not already own the name.

Parsing happens here and nowhere else, so every bad value is reported the same way: the value, where it
came from (flag, ini key or file and key) and what would be valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any

import yaml

from conformance import timeouts
from conformance.features import FeatureName, UnknownFeatureError, resolve_features
from conformance.profiles import ProfileName, UnknownProfileError, resolve_profiles
from conformance.suggest import did_you_mean
from conformance.timeouts import TimeoutConfig, TimeoutConfigError


class OptionsError(ValueError):
    """A bad option value; the message names the option, the value and the valid choices."""


class Source(IntEnum):
    """Where a value came from; a higher source overrides a lower one."""

    DEFAULT = 0
    OPTIONS_FILE = 1
    INI = 2
    COMMAND_LINE = 3


class ClusterKind(StrEnum):
    LOCAL = "local"
    KIND = "kind"
    KUBECONFIG = "kubeconfig"


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


# --- value parsers: (raw value, where it came from) -> typed value ------------------------------------


def _text(raw: object, where: str) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str | int | float) and not isinstance(raw, bool):
        return str(raw).strip()
    raise OptionsError(f"{where}: expected a string, got {raw!r}")


def _items(raw: object, where: str) -> list[str]:
    """Comma-separated text (command line, ini) or a YAML list (options file)."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        out: list[str] = []
        for item in raw:
            out.extend(_items(item, where))
        return out
    return [p.strip() for p in _text(raw, where).split(",") if p.strip()]


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def parse_bool(raw: object, where: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw, where).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise OptionsError(f"{where}: {raw!r} is not a boolean; use true or false")


def parse_features(raw: object, where: str) -> frozenset[FeatureName]:
    try:
        return resolve_features(_items(raw, where), where=where)
    except UnknownFeatureError as err:
        raise OptionsError(str(err)) from None


def parse_profiles(raw: object, where: str) -> tuple[ProfileName, ...]:
    try:
        return resolve_profiles(_items(raw, where), where=where)
    except UnknownProfileError as err:
        raise OptionsError(str(err)) from None


def parse_mapping(raw: object, where: str) -> dict[str, str]:
    """``k=v,k2=v2`` (command line, ini) or a YAML mapping (options file)."""
    if isinstance(raw, Mapping):
        return {str(k): _text(v, f"{where}.{k}") for k, v in raw.items()}
    result: dict[str, str] = {}
    for item in _items(raw, where):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise OptionsError(f"{where}: {item!r} is not key=value (expected e.g. istio-injection=enabled)")
        result[key.strip()] = value.strip()
    return result


def parse_seconds(raw: object, where: str) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = _text(raw, where)
        try:
            value = float(text)
        except ValueError:
            try:
                value = timeouts.parse_go_duration(text)
            except ValueError:
                raise OptionsError(f"{where}: {raw!r} is not a number of seconds (e.g. 1, 0.5 or 250ms)") from None
    if value < 0:
        raise OptionsError(f"{where}: must not be negative, got {raw!r}")
    return value


def parse_path(raw: object, where: str) -> Path | None:
    text = _text(raw, where)
    return Path(text).expanduser() if text else None


def parse_cluster(raw: object, where: str) -> ClusterKind:
    text = _text(raw, where)
    try:
        return ClusterKind(text)
    except ValueError:
        valid = ", ".join(k.value for k in ClusterKind)
        raise OptionsError(
            f"{where}: {text!r} is not a cluster provider.{did_you_mean(text, [k.value for k in ClusterKind])} "
            f"Valid choices: {valid}."
        ) from None


_ADDRESS = re.compile(r"^\[?(?P<host>[^\]]+?)\]?:(?P<port>\d{1,5})$")


def _host_port(text: str, where: str) -> tuple[str, int]:
    match = _ADDRESS.match(text.strip())
    if not match or not 0 < int(match["port"]) < 65536:
        raise OptionsError(f"{where}: {text!r} is not HOST:PORT")
    return match["host"], int(match["port"])


def parse_connect_to(raw: object, where: str) -> dict[tuple[str, int], tuple[str, int]]:
    """``ADDR:PORT=ADDR:PORT`` pairs: reach a Gateway address through another socket (port-forwards, NAT)."""
    result: dict[tuple[str, int], tuple[str, int]] = {}
    for item in _items(raw, where):
        source, sep, target = item.partition("=")
        if not sep:
            raise OptionsError(f"{where}: {item!r} is not GATEWAY_ADDR:PORT=REACHABLE_ADDR:PORT")
        result[_host_port(source, where)] = _host_port(target, where)
    return result


def _names(raw: object, where: str) -> frozenset[str]:
    return frozenset(_items(raw, where))


def _name_tuple(raw: object, where: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_items(raw, where)))


def _address(raw: object, where: str) -> str:
    # Upstream's file form is a list of {type, value}; the flag takes one address.
    if isinstance(raw, list):
        if len(raw) > 1:
            raise OptionsError(f"{where}: only one address is supported, got {len(raw)}")
        raw = raw[0] if raw else ""
    if isinstance(raw, Mapping):
        raw = raw.get("value", "")
    return _text(raw, where)


# --- the declarations -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OptionSpec:
    field: str
    """Options field this sets (``implementation_info.<x>`` for the report metadata fields)."""
    flag: str
    help: str
    parse: Callable[[object, str], Any]
    metavar: str | None = None
    ini: str | None = None
    """ini key, if the option may be set in pytest's configuration file."""
    file_key: str | None = None
    """Key in upstream's options file (dotted for nested keys)."""
    is_flag: bool = False
    """A switch: ``--x`` means true, ``--x=false`` is accepted too, and ``--no-x`` when negatable."""
    negatable: bool = False


def _spec(field: str, flag: str, help: str, parse: Callable[[object, str], Any], **kw: Any) -> OptionSpec:
    return OptionSpec(field, flag, help, parse, **kw)


SPECS: tuple[OptionSpec, ...] = (
    _spec(
        "gateway_class",
        "--gateway-class",
        "GatewayClass to test (default: gateway-conformance)",
        _text,
        metavar="NAME",
        ini="gateway_class",
        file_key="gatewayClassName",
    ),
    _spec(
        "mesh_name",
        "--mesh-name",
        "XMesh to read mesh supportedFeatures from",
        _text,
        metavar="NAME",
        ini="mesh_name",
        file_key="meshName",
    ),
    _spec(
        "supported_features",
        "--supported-features",
        "Comma list of features the implementation supports",
        parse_features,
        metavar="LIST",
        ini="supported_features",
        file_key="supportedFeatures",
    ),
    _spec(
        "exempt_features",
        "--exempt-features",
        "Comma list of features removed from the supported set",
        parse_features,
        metavar="LIST",
        ini="exempt_features",
        file_key="exemptFeatures",
    ),
    _spec(
        "all_features",
        "--all-features",
        "Treat all 61 features as supported, minus --exempt-features",
        parse_bool,
        ini="all_features",
        file_key="enableAllSupportedFeatures",
        is_flag=True,
    ),
    _spec(
        "conformance_profiles",
        "--conformance-profiles",
        "Comma list of profiles to report on, e.g. GATEWAY-HTTP,GATEWAY-GRPC "
        "(default: every profile whose core features are supported)",
        parse_profiles,
        metavar="LIST",
        ini="conformance_profiles",
        file_key="conformanceProfiles",
    ),
    _spec(
        "run_test",
        "--run-test",
        "Run only this test (by short name); its feature gate is lifted",
        _text,
        metavar="SHORTNAME",
        file_key="runTest",
    ),
    _spec(
        "skip_tests",
        "--skip-tests",
        "Comma list of test short names to skip (reported as skipped)",
        _names,
        metavar="LIST",
        ini="skip_tests",
        file_key="skipTests",
    ),
    _spec(
        "skip_provisional_tests",
        "--skip-provisional-tests",
        "Record provisional tests as PROVISIONAL_SKIPPED",
        parse_bool,
        ini="skip_provisional_tests",
        file_key="skipProvisionalTests",
        is_flag=True,
    ),
    _spec(
        "cleanup_base_resources",
        "--cleanup-base-resources",
        "Delete base resources (namespaces, Gateways, backends) at the end (default: true)",
        parse_bool,
        ini="cleanup_base_resources",
        file_key="cleanupBaseResources",
        is_flag=True,
        negatable=True,
    ),
    _spec(
        "cleanup_test_resources",
        "--cleanup-test-resources",
        "Delete each test's resources after it (default: true)",
        parse_bool,
        ini="cleanup_test_resources",
        file_key="cleanupTestResources",
        is_flag=True,
        negatable=True,
    ),
    _spec(
        "namespace_labels",
        "--namespace-labels",
        "k=v,... added to every Namespace the suite applies",
        parse_mapping,
        metavar="MAP",
        ini="namespace_labels",
        file_key="namespaceLabels",
    ),
    _spec(
        "namespace_annotations",
        "--namespace-annotations",
        "k=v,... annotations added to every Namespace the suite applies",
        parse_mapping,
        metavar="MAP",
        ini="namespace_annotations",
        file_key="namespaceAnnotations",
    ),
    _spec(
        "mode",
        "--mode",
        "Implementation mode recorded in the report (default: default)",
        _text,
        metavar="MODE",
        ini="mode",
        file_key="mode",
    ),
    _spec(
        "allow_crds_mismatch",
        "--allow-crds-mismatch",
        "Run even if the installed CRDs' version or channel differ (report says UNDEFINED)",
        parse_bool,
        ini="allow_crds_mismatch",
        file_key="allowCrdsMismatch",
        is_flag=True,
    ),
    _spec(
        "usable_address",
        "--usable-address",
        "An address Gateways may be given (GatewayStaticAddresses)",
        _address,
        metavar="ADDR",
        file_key="usableNetworkAddresses",
    ),
    _spec(
        "unusable_address",
        "--unusable-address",
        "An address Gateways can never get (GatewayStaticAddresses)",
        _address,
        metavar="ADDR",
        file_key="unusableNetworkAddresses",
    ),
    _spec(
        "report_output",
        "--report-output",
        "Also write the ConformanceReport YAML to this path",
        parse_path,
        metavar="PATH",
        ini="report_output",
        file_key="reportOutputPath",
    ),
    _spec(
        "implementation_info.organization",
        "--implementation-organization",
        "Report metadata: organization",
        _text,
        metavar="TEXT",
        file_key="implementation.organization",
    ),
    _spec(
        "implementation_info.project",
        "--implementation-project",
        "Report metadata: project",
        _text,
        metavar="TEXT",
        file_key="implementation.project",
    ),
    _spec(
        "implementation_info.url",
        "--implementation-url",
        "Report metadata: project URL",
        _text,
        metavar="URL",
        file_key="implementation.url",
    ),
    _spec(
        "implementation_info.version",
        "--implementation-version",
        "Report metadata: version under test",
        _text,
        metavar="TEXT",
        file_key="implementation.version",
    ),
    _spec(
        "implementation_info.contact",
        "--implementation-contact",
        "Report metadata: comma list of contacts",
        _name_tuple,
        metavar="LIST",
        file_key="implementation.contact",
    ),
    _spec(
        "timeout_config",
        "--timeout-config-overrides",
        "Name:seconds;... with upstream TimeoutConfig names, e.g. MaxTimeToConsistency:60",
        _text,
        metavar="SPEC",
        ini="timeout_config_overrides",
        file_key="timeoutConfig",
    ),
    _spec(
        "timeout_scale",
        "--timeout-scale",
        "Multiply every timeout by FACTOR (e.g. 0.05 against the fast local environment, 3 for a slow cluster)",
        parse_seconds,
        metavar="FACTOR",
        ini="timeout_scale",
    ),
    _spec(
        "conformance_options_file",
        "--conformance-options-file",
        "YAML file with upstream ConfigurableOptions keys; flags override it",
        parse_path,
        metavar="PATH",
        ini="conformance_options_file",
    ),
    _spec(
        "cluster",
        "--cluster",
        "Where to run: local (built in, default), kind, or kubeconfig (existing cluster)",
        parse_cluster,
        metavar="PROVIDER",
        ini="cluster",
    ),
    _spec(
        "kubeconfig",
        "--kubeconfig",
        "Kubeconfig of an existing cluster (implies --cluster=kubeconfig)",
        parse_path,
        metavar="PATH",
        ini="kubeconfig",
    ),
    _spec(
        "implementation",
        "--implementation",
        "Implementation to install and test: a catalog name ('gwconf implementations') or a path to your own "
        "profile YAML (default: local with --cluster=local, envoy-gateway with --cluster=kind)",
        _text,
        metavar="NAME",
        ini="implementation",
    ),
    _spec(
        "reports_dir",
        "--reports-dir",
        "Directory for run reports (default: reports)",
        parse_path,
        metavar="DIR",
        ini="reports_dir",
    ),
    _spec(
        "run_id",
        "--run-id",
        "Name of this run's report directory (default: date-time and a random suffix)",
        _text,
        metavar="ID",
    ),
    _spec(
        "local_faults",
        "--local-faults",
        "Comma list of faults to switch on in the local reference gateway ('gwconf faults' lists them)",
        _name_tuple,
        metavar="LIST",
    ),
    _spec(
        "local_latency",
        "--local-latency",
        "Seconds the local reference gateway takes to apply any change (simulates a slow implementation)",
        parse_seconds,
        metavar="SECONDS",
        ini="local_latency",
    ),
    _spec(
        "local_jitter",
        "--local-jitter",
        "Random extra 0..SECONDS added to --local-latency per change",
        parse_seconds,
        metavar="SECONDS",
        ini="local_jitter",
    ),
    _spec(
        "gateway_api_crds",
        "--gateway-api-crds",
        "Gateway API CRD file or directory for the local environment to serve and validate against",
        parse_path,
        metavar="PATH",
        ini="gateway_api_crds",
    ),
    _spec(
        "connect_to",
        "--connect-to",
        "ADDR:PORT=ADDR:PORT,... reach a Gateway address through another socket (port-forwards)",
        parse_connect_to,
        metavar="MAP",
        ini="connect_to",
    ),
)

from conformance.options_clusters import CLUSTER_SPECS  # noqa: E402  (it builds on OptionSpec above)

SPECS = (*SPECS, *CLUSTER_SPECS)
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
