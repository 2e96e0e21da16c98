"""Installing the Gateway API CRDs: a release bundle, server-side applied, checked before and after.

- The bundle is the release's ``<channel>-install.yaml``. Server-side apply is required: the v1.6 CRDs
  are too big for client-side apply's last-applied annotation (262144 bytes).
- What is installed is read from the CRDs' ``bundle-version`` and ``channel`` annotations (the same check
  the suite runs afterwards); an installation that already matches is left alone, so reruns are quick.
- From v1.5 the bundle ships the ``safe-upgrades.gateway.networking.k8s.io`` ValidatingAdmissionPolicy,
  which rejects a standard->experimental switch and bundles older than v1.6 (non-rc). On a reused
  cluster that would fail half-way with an admission error; the harness says so up front, and with
  ``--force`` deletes the policy and its binding first (the workaround spec/implementations.md gives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conformance.kube.crds import CHANNEL_ANNOTATION, VERSION_ANNOTATION, check_crds
from conformance.plan import Action, Step, cmd

if TYPE_CHECKING:
    from conformance.kube.client import KubeClient
    from conformance.kube.crds import CRDCheck

BUNDLE_URL = "https://github.com/kubernetes-sigs/gateway-api/releases/download/{version}/{channel}-install.yaml"
DEFAULT_VERSION = "v1.6.1"
SAFE_UPGRADES = "safe-upgrades.gateway.networking.k8s.io"
VAP_API = "admissionregistration.k8s.io/v1"
ESTABLISHED_TIMEOUT = 60.0


class CRDInstallError(RuntimeError):
    """Installing the CRDs would fail or did; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class CRDRequest:
    version: str
    channel: str
    force: bool = False

    @property
    def url(self) -> str:
        return BUNDLE_URL.format(version=self.version, channel=self.channel)


def _blocked_version(version: str) -> bool:
    """Versions the v1.6 safe-upgrades policy rejects: v0.x and v1.0-v1.5 that are not release candidates."""
    match = re.match(r"^v(\d+)\.(\d+)\.\d+(-.*)?$", version)
    if not match:
        return False
    major, minor, suffix = int(match[1]), int(match[2]), match[3] or ""
    return (major == 0 or (major == 1 and minor <= 5)) and "rc" not in suffix


def policy_conflicts(installed: CRDCheck, request: CRDRequest) -> list[str]:
    """What the safe-upgrades policy would reject when applying ``request`` over ``installed``."""
    problems: list[str] = []
    standard = sorted(name for name, (_, channel) in installed.by_crd.items() if channel == "standard")
    if request.channel == "experimental" and standard:
        problems.append(f"switching {', '.join(standard)} from the standard to the experimental channel")
    if _blocked_version(request.version):
        problems.append(f"installing bundle {request.version} (older than v1.6)")
    return problems


def apply_step(request: CRDRequest, kubeconfig: str) -> Step:
    return cmd(
        "kubectl",
        "apply",
        "--server-side",
        "--force-conflicts",
        "-f",
        request.url,
        "--kubeconfig",
        kubeconfig,
        why=f"install Gateway API {request.version} {request.channel} CRDs",
        long=True,
    )


def delete_policy_steps(kubeconfig: str) -> list[Step]:
    return [
        cmd(
            "kubectl",
            "delete",
            kind,
            SAFE_UPGRADES,
            "--ignore-not-found",
            "--kubeconfig",
            kubeconfig,
            why=f"delete the {kind} {SAFE_UPGRADES} (--force)",
        )
        for kind in ("validatingadmissionpolicybinding", "validatingadmissionpolicy")
    ]


def plan(request: CRDRequest, kubeconfig: str) -> list[Step]:
    """For --dry-run: the decision, then the commands a fresh cluster gets."""
    read = Action(
        f"read installed CRDs ({VERSION_ANNOTATION}, {CHANNEL_ANNOTATION}) and the {SAFE_UPGRADES} policy; "
        f"skip if {request.version} {request.channel} is installed"
        + ("; delete the policy if it would block the change (--force)" if request.force else ""),
        lambda: None,
    )
    steps: list[Step] = [read]
    if request.force:
        steps += delete_policy_steps(kubeconfig)
    return [
        *steps,
        apply_step(request, kubeconfig),
        Action("wait until every Gateway API CRD is Established", lambda: None),
    ]


def steps_for(client: KubeClient, request: CRDRequest, kubeconfig: str) -> list[Step]:
    """The steps for this cluster as it is now (raises CRDInstallError when the policy would block them)."""
    installed = check_crds(client, request.version)
    if (
        installed.by_crd
        and {v for v, _ in installed.by_crd.values()} == {request.version}
        and {c for _, c in installed.by_crd.values()} == {request.channel}
    ):
        return []
    steps: list[Step] = []
    conflicts = policy_conflicts(installed, request) if installed.by_crd else []
    if conflicts and client.get(VAP_API, "ValidatingAdmissionPolicy", SAFE_UPGRADES) is not None:
        if not request.force:
            now = ", ".join(sorted({f"{v} {c}" for v, c in installed.by_crd.values()}))
            raise CRDInstallError(
                f"the cluster has Gateway API CRDs {now} and the ValidatingAdmissionPolicy {SAFE_UPGRADES} "
                f"(shipped with Gateway API v1.5+), which rejects {'; '.join(conflicts)}. Pass --force to delete "
                "the policy and its binding first, or use a fresh cluster (without --reuse-cluster)"
            )
        steps += delete_policy_steps(kubeconfig)
    steps.append(apply_step(request, kubeconfig))
    steps.append(Action("wait until every Gateway API CRD is Established", lambda: wait_established(client)))
    return steps


def wait_established(client: KubeClient, timeout: float = ESTABLISHED_TIMEOUT) -> None:
    """Every annotated Gateway API CRD reports Established (watched, not polled)."""
    from conformance.clock import RealClock
    from conformance.kube.waits import Observation, WatchFeed, WatchTarget, wait_until

    resource = client.resource("apiextensions.k8s.io/v1", "CustomResourceDefinition")

    def look() -> Observation[None]:
        items, version = client.list(resource.api_version, resource.kind)
        pending = []
        for crd in items:
            meta = crd.get("metadata") or {}
            if VERSION_ANNOTATION not in (meta.get("annotations") or {}):
                continue
            conditions = (crd.get("status") or {}).get("conditions") or []
            if not any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions):
                pending.append(str(meta.get("name")))
        if not pending:
            return Observation(True, "all Established")
        return Observation(
            False, f"not Established: {', '.join(sorted(pending))}", target=WatchTarget(resource, None, None, version)
        )

    try:
        wait_until(
            look,
            what="Gateway API CRDs were not Established",
            timeout=timeout,
            feed=WatchFeed(client),
            clock=RealClock(),
        )
    except AssertionError as err:
        raise CRDInstallError(str(err)) from None
