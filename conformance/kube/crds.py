"""Which Gateway API CRDs the cluster has (upstream's CRD version/channel check, spec/infra.md e.4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.kube.client import KubeClient

VERSION_ANNOTATION = "gateway.networking.k8s.io/bundle-version"
CHANNEL_ANNOTATION = "gateway.networking.k8s.io/channel"
UNDEFINED = "UNDEFINED"


@dataclass(frozen=True, slots=True)
class CRDCheck:
    version: str
    channel: str
    problems: tuple[str, ...] = ()
    by_crd: dict[str, tuple[str, str]] = field(default_factory=dict)
    """CRD name -> (bundle-version, channel), for messages."""

    @property
    def ok(self) -> bool:
        return not self.problems


def check_crds(client: KubeClient, expected_version: str) -> CRDCheck:
    info = client.resource("apiextensions.k8s.io/v1", "CustomResourceDefinition")
    items, _ = client.list(info.api_version, info.kind)
    found: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for crd in items:
        meta = crd.get("metadata") or {}
        annotations = meta.get("annotations") or {}
        version, channel = annotations.get(VERSION_ANNOTATION), annotations.get(CHANNEL_ANNOTATION)
        if version is None and channel is None:
            continue
        name = str(meta.get("name"))
        if version is None or channel is None:
            problems.append(f"CRD {name} has only one of {VERSION_ANNOTATION} and {CHANNEL_ANNOTATION}")
            continue
        found[name] = (str(version), str(channel))
    if not found:
        return CRDCheck(UNDEFINED, UNDEFINED, ("no Gateway API CRDs (annotated with a bundle version) are installed",))
    versions = sorted({v for v, _ in found.values()})
    channels = sorted({c for _, c in found.values()})
    if len(versions) > 1:
        detail = ", ".join(f"{n}={v}" for n, (v, _) in sorted(found.items()))
        problems.append(f"Gateway API CRDs have different bundle versions: {detail}")
    if len(channels) > 1:
        detail = ", ".join(f"{n}={c}" for n, (_, c) in sorted(found.items()))
        problems.append(f"Gateway API CRDs come from different channels: {detail}")
    if len(versions) == 1 and versions[0] != expected_version:
        problems.append(
            f"the installed Gateway API CRDs are {versions[0]}, this suite checks {expected_version}; "
            f"install {expected_version} CRDs or pass --allow-crds-mismatch"
        )
    if problems:
        return CRDCheck(UNDEFINED, UNDEFINED, tuple(problems), found)
    return CRDCheck(versions[0], channels[0], (), found)
