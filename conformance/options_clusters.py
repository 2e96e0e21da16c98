"""Options for real clusters: kind, Gateway API CRD installation, implementation installs, dry runs.

Declared here rather than in ``options.py`` to keep that module about the suite's own (upstream)
options; ``options.SPECS`` includes these, so they resolve, print and fail exactly like the others.
"""

from __future__ import annotations

import re

from conformance.option_values import OptionsError, OptionSpec, _text, parse_bool, parse_path
from conformance.suggest import did_you_mean

CHANNELS = ("standard", "experimental")
LOAD_BALANCERS = ("metallb", "cloud-provider-kind", "cilium-lb-ipam", "host-ports", "none")
_VERSION = re.compile(r"^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$")
_CLUSTER_NAME = re.compile(r"^[a-z0-9.-]{1,49}$")


def _choice(choices: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def parse(raw: object, where: str) -> str:
        text = _text(raw, where)
        if text and text not in choices:
            raise OptionsError(
                f"{where}: {text!r} is not valid.{did_you_mean(text, choices)} Valid choices: {', '.join(choices)}."
            )
        return text

    return parse


def parse_version(raw: object, where: str) -> str:
    text = _text(raw, where)
    if text and not text.startswith("v"):
        text = "v" + text
    if text and not _VERSION.match(text):
        raise OptionsError(f"{where}: {raw!r} is not a release version like v1.6.1")
    return text


def parse_cluster_name(raw: object, where: str) -> str:
    text = _text(raw, where)
    if text and not _CLUSTER_NAME.match(text):
        raise OptionsError(
            f"{where}: {text!r} is not a valid kind cluster name (lower-case letters, digits, '.' and '-', "
            "at most 49 characters)"
        )
    return text


def _flag(field: str, flag: str, help: str, *, negatable: bool = False, ini: str | None = None) -> OptionSpec:
    return OptionSpec(field, flag, help, parse_bool, ini=ini, is_flag=True, negatable=negatable)


CLUSTER_SPECS: tuple[OptionSpec, ...] = (
    _flag(
        "reuse_cluster",
        "--reuse-cluster",
        "Run on the kind cluster of an earlier run if it exists",
        ini="reuse_cluster",
    ),
    _flag(
        "keep_cluster",
        "--keep-cluster",
        "Do not delete the kind cluster at the end (reuse it with --reuse-cluster)",
        ini="keep_cluster",
    ),
    OptionSpec(
        "cluster_name",
        "--cluster-name",
        "kind cluster name (default: gwconf-<implementation>[-<run id>])",
        parse_cluster_name,
        metavar="NAME",
        ini="cluster_name",
    ),
    OptionSpec(
        "kube_version",
        "--kube-version",
        "Kubernetes version of the kind node image (default: v1.36.1)",
        parse_version,
        metavar="VERSION",
        ini="kube_version",
    ),
    OptionSpec(
        "node_image",
        "--node-image",
        "kind node image, pinned by digest (overrides --kube-version)",
        _text,
        metavar="IMAGE",
        ini="node_image",
    ),
    OptionSpec(
        "kind_version",
        "--kind-version",
        "kind release to download when no kind is on PATH (default: v0.32.0)",
        parse_version,
        metavar="VERSION",
        ini="kind_version",
    ),
    OptionSpec(
        "kind_bin",
        "--kind-bin",
        "kind binary to use (default: kind on PATH, else a download)",
        parse_path,
        metavar="PATH",
        ini="kind_bin",
    ),
    _flag(
        "preload_images",
        "--preload-images",
        "Pull the suite's and implementation's images on the host and load them into kind (default: true)",
        negatable=True,
        ini="preload_images",
    ),
    OptionSpec(
        "load_balancer",
        "--load-balancer",
        f"LoadBalancer provider for kind: {', '.join(LOAD_BALANCERS)} (default: the implementation profile's)",
        _choice(LOAD_BALANCERS),
        metavar="NAME",
        ini="load_balancer",
    ),
    OptionSpec(
        "gateway_api_version",
        "--gateway-api-version",
        "Gateway API release whose CRDs are installed (default: v1.6.1)",
        parse_version,
        metavar="VERSION",
        ini="gateway_api_version",
    ),
    OptionSpec(
        "gateway_api_channel",
        "--gateway-api-channel",
        "CRD channel to install: standard or experimental (default: the implementation profile's)",
        _choice(CHANNELS),
        metavar="CHANNEL",
        ini="gateway_api_channel",
    ),
    _flag("force", "--force", "Delete the safe-upgrades admission policy when installing CRDs would be blocked by it"),
    _flag(
        "skip_install",
        "--skip-install",
        "Install nothing: the implementation is already on the cluster "
        "(its profile still names the GatewayClass and features)",
    ),
    _flag(
        "dry_run",
        "--dry-run",
        "Print the plan (every command and manifest URL, in order) and exit without touching anything",
    ),
    _flag(
        "collect_diagnostics",
        "--collect-diagnostics",
        "Save objects, events and controller logs of failed tests under debug/ (default: true)",
        negatable=True,
        ini="collect_diagnostics",
    ),
)
