"""The implementation catalog: one YAML profile per implementation, in ``catalog/``, or a user's own file.

A profile says how to install an implementation on a fresh cluster and how to test it: install steps
(helm, manifest URLs, objects written for this catalog, cilium-cli), the Gateway API channel it needs,
its GatewayClass and controllerName, readiness checks, how its supported features are known, how its
Gateways get addresses, and its known limitations. Facts come from spec/implementations.yaml; the
profiles' text is this project's own.

``load(name_or_path)`` accepts a catalog name (``envoy-gateway``) or a path to a YAML file, so a vendor
can run the suite against an implementation the catalog does not know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from conformance.features import FeatureName, UnknownFeatureError, resolve_features
from conformance.implementations.schema import ProfileError, validate
from conformance.options import ImplementationInfo
from conformance.profiles import ProfileName, UnknownProfileError, resolve_profiles
from conformance.suggest import did_you_mean


@dataclass(frozen=True, slots=True)
class Helm:
    release: str
    chart: str
    namespace: str
    repo: str = ""
    version: str = ""
    values: dict[str, str] = field(default_factory=dict)
    skip_crds: bool = False
    wait_for_jobs: bool = False
    timeout: str = "10m"


@dataclass(frozen=True, slots=True)
class Manifests:
    urls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Objects:
    text: str
    """YAML documents; ``{GATEWAY_CLASS_NAME}`` and ``{CONTROLLER_NAME}`` are filled in."""


@dataclass(frozen=True, slots=True)
class CiliumCLI:
    version: str
    values: dict[str, str] = field(default_factory=dict)


InstallStep = Helm | Manifests | Objects | CiliumCLI


@dataclass(frozen=True, slots=True)
class Readiness:
    kind: str
    """deployment or daemonset"""
    namespace: str
    name: str
    timeout: str = "5m"


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    title: str
    source: str
    """The file it was read from (for messages)."""
    info: ImplementationInfo
    gateway_class: str
    controller_name: str
    gateway_class_created_by: str
    channel: str
    tested_version: str
    install: tuple[InstallStep, ...]
    readiness: tuple[Readiness, ...]
    features_source: str
    supported: frozenset[FeatureName]
    exempt: frozenset[FeatureName]
    profiles: tuple[ProfileName, ...]
    skip_tests: tuple[str, ...]
    namespace_labels: dict[str, str]
    address_strategy: str
    metallb_version: str
    usable_address: str
    unusable_address: str
    disable_default_cni: bool
    workers: int
    host_ports: tuple[int, ...]
    controller_namespace: str
    controller_selector: str
    images: tuple[str, ...]
    gateway_patches: tuple[str, ...]
    requires_env: tuple[str, ...]
    limitations: tuple[str, ...]
    description: str = ""

    @property
    def install_method(self) -> str:
        kinds = {Helm: "helm", Manifests: "manifests", Objects: "objects", CiliumCLI: "cilium-cli"}
        methods = [kinds[type(s)] for s in self.install if not isinstance(s, Objects)]
        return "+".join(dict.fromkeys(methods)) or "objects"

    @property
    def features_summary(self) -> str:
        if self.features_source == "status":
            return "GatewayClass status.supportedFeatures"
        if self.features_source == "all":
            return f"all features minus {len(self.exempt)} exempt"
        if self.features_source == "profiles":
            return "core features of " + ",".join(self.profiles)
        return f"list of {len(self.supported)}"


CATALOG_DIR = "catalog"


def catalog_dir() -> Path:
    return Path(str(resources.files("conformance.implementations") / CATALOG_DIR))


def names() -> list[str]:
    return sorted(p.stem for p in catalog_dir().glob("*.yaml"))


def load_all() -> list[Entry]:
    return [load(n) for n in names()]


def load(name_or_path: str) -> Entry:
    """A catalog entry by name, or a user's profile file by path (anything with a / or ending in .yaml)."""
    if "/" in name_or_path or name_or_path.endswith((".yaml", ".yml")):
        path = Path(name_or_path).expanduser()
        if not path.is_file():
            raise ProfileError(f"--implementation: {path} does not exist or is not a file")
        return load_file(path)
    path = catalog_dir() / f"{name_or_path}.yaml"
    if not path.is_file():
        known = names()
        raise ProfileError(
            f"--implementation: {name_or_path!r} is not in the catalog.{did_you_mean(name_or_path, known)} "
            f"Known: {', '.join(known)}; or pass a path to your own profile file."
        )
    return load_file(path)


def load_file(path: Path) -> Entry:
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ProfileError(f"{where}: cannot read: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise ProfileError(f"{where}: not valid YAML: {err}") from None
    validate(data, where)
    return _entry(data, where)


def _names(data: dict[str, Any], key: str, where: str) -> frozenset[FeatureName]:
    try:
        return resolve_features(data.get(key) or [], where=f"{where}: features.{key}")
    except UnknownFeatureError as err:
        raise ProfileError(str(err)) from None


def _install(step: dict[str, Any]) -> InstallStep:
    if "helm" in step:
        h = step["helm"]
        return Helm(
            release=h["release"],
            chart=h["chart"],
            namespace=h["namespace"],
            repo=h.get("repo", ""),
            version=h.get("version", ""),
            values={
                str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in (h.get("values") or {}).items()
            },
            skip_crds=bool(h.get("skip_crds", False)),
            wait_for_jobs=bool(h.get("wait_for_jobs", False)),
            timeout=h.get("timeout", "10m"),
        )
    if "manifests" in step:
        return Manifests(tuple(step["manifests"]))
    if "objects" in step:
        return Objects(step["objects"])
    c = step["cilium"]
    return CiliumCLI(
        c["version"],
        {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in (c.get("values") or {}).items()},
    )


def _entry(data: dict[str, Any], where: str) -> Entry:
    report = data["report"]
    gwc = data["gateway_class"]
    features = data["features"]
    address = data["address"]
    kind = data.get("kind") or {}
    controller = data.get("controller") or {}
    try:
        profiles = resolve_profiles(data.get("profiles") or [], where=f"{where}: profiles")
    except UnknownProfileError as err:
        raise ProfileError(str(err)) from None
    readiness = tuple(
        Readiness(
            kind="deployment" if "deployment" in r else "daemonset",
            namespace=str(r.get("deployment") or r.get("daemonset")).split("/", 1)[0],
            name=str(r.get("deployment") or r.get("daemonset")).split("/", 1)[1],
            timeout=r.get("timeout", "5m"),
        )
        for r in data.get("readiness") or []
    )
    return Entry(
        name=data["name"],
        title=data["title"],
        source=where,
        description=data.get("description", ""),
        info=ImplementationInfo(
            organization=report["organization"],
            project=report["project"],
            url=report["url"],
            version=report["version"],
            contact=tuple(report.get("contact") or ()),
        ),
        gateway_class=gwc["name"],
        controller_name=gwc["controller_name"],
        gateway_class_created_by=gwc["created_by"],
        channel=data["crds"]["channel"],
        tested_version=data["crds"].get("tested_version", ""),
        install=tuple(_install(s) for s in data["install"]),
        readiness=readiness,
        features_source=features["source"],
        supported=_names(features, "supported", where),
        exempt=_names(features, "exempt", where),
        profiles=profiles,
        skip_tests=tuple(data.get("skip_tests") or ()),
        namespace_labels={str(k): str(v) for k, v in (data.get("namespace_labels") or {}).items()},
        address_strategy=address["strategy"],
        metallb_version=address.get("metallb_version", "v0.16.1"),
        usable_address=address.get("usable_address", ""),
        unusable_address=address.get("unusable_address", ""),
        disable_default_cni=bool(kind.get("disable_default_cni", False)),
        workers=int(kind.get("workers", 0)),
        host_ports=tuple(kind.get("host_ports") or ()),
        controller_namespace=controller.get("namespace", ""),
        controller_selector=controller.get("selector", ""),
        images=tuple(data.get("images") or ()),
        gateway_patches=tuple(data.get("gateway_patches") or ()),
        requires_env=tuple(data.get("requires_env") or ()),
        limitations=tuple(data.get("limitations") or ()),
    )
