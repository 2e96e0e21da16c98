"""The LoadBalancer provider's steps on a kind cluster (the data and pool maths are in ``loadbalancer``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from conformance.clusters import kindbin
from conformance.clusters.loadbalancer import (
    CLOUD_PROVIDER_KIND_ARGS,
    EXCLUDE_LB_LABEL,
    METALLB_MANIFEST,
    Pool,
    PoolError,
    allocate,
    cilium_objects,
    ipv4_subnets,
    metallb_objects,
)
from conformance.plan import Action, Step, cmd
from conformance.process import Background, ProcessError, Tools

DOCKER_NETWORK = "kind"
WEBHOOK_RETRY = 120.0
"""MetalLB's webhook rejects pools until it serves; EG retries for 120 s (spec/kind-lifecycle.md 7.8)."""


def carve_pool(tools: Tools, cluster: str) -> Pool:
    """This cluster's slice of the ``kind`` docker network (docker network inspect + the shared registry)."""
    inspect = tools.run(
        ["docker", "network", "inspect", DOCKER_NETWORK, "--format", "{{json .IPAM.Config}}"],
        why=f"read the subnet of the {DOCKER_NETWORK} docker network",
    )
    subnets = ipv4_subnets(inspect.stdout)
    if not subnets:
        raise ProcessError(f"the {DOCKER_NETWORK} docker network has no IPv4 subnet; MetalLB needs one")
    live = tools.run(["kind", "get", "clusters"]).stdout.split()
    try:
        return allocate(kindbin.cache_dir() / "metallb-pools.json", subnets[0], cluster, live)
    except PoolError as err:
        raise ProcessError(f"cannot carve a MetalLB pool for {cluster}: {err}") from None


@dataclass
class LoadBalancer:
    strategy: str
    cluster: str
    metallb_version: str
    tools: Tools
    log_dir: Path | None = None
    pool: Pool | None = None
    _process: Background | None = field(default=None, repr=False)

    def steps(self, kubeconfig: str) -> list[Step]:
        if self.strategy == "metallb":
            manifest = METALLB_MANIFEST.format(version=self.metallb_version)
            return [
                cmd(
                    "kubectl",
                    "apply",
                    "--server-side",
                    "-f",
                    manifest,
                    "--kubeconfig",
                    kubeconfig,
                    why="install MetalLB",
                ),
                cmd(
                    "kubectl",
                    "rollout",
                    "status",
                    "deployment/controller",
                    "-n",
                    "metallb-system",
                    "--timeout=120s",
                    "--kubeconfig",
                    kubeconfig,
                    why="wait for MetalLB",
                    long=True,
                ),
                Action(
                    f"docker network inspect {DOCKER_NETWORK} -> this cluster's pool slice; "
                    "kubectl apply --server-side -f - "
                    f"(IPAddressPool, static pool, L2Advertisement; retried up to {WEBHOOK_RETRY:g}s)",
                    lambda: self._metallb_pool(kubeconfig),
                ),
            ]
        if self.strategy == "cloud-provider-kind":
            return [
                Action(
                    "start cloud-provider-kind "
                    + " ".join(CLOUD_PROVIDER_KIND_ARGS)
                    + " (host process, stopped at the end)",
                    self._start_cloud_provider,
                ),
                cmd(
                    "kubectl",
                    "label",
                    "node",
                    f"{self.cluster}-control-plane",
                    f"{EXCLUDE_LB_LABEL}-",
                    "--kubeconfig",
                    kubeconfig,
                    why="let the control-plane node serve LoadBalancers",
                ),
            ]
        return []  # cilium-lb-ipam comes with the implementation; host-ports is in the kind config

    def _metallb_pool(self, kubeconfig: str) -> None:
        self.pool = carve_pool(self.tools, self.cluster)
        self.tools.run_until_ok(
            ["kubectl", "apply", "--server-side", "-f", "-", "--kubeconfig", kubeconfig],
            stdin=metallb_objects(self.pool),
            within=WEBHOOK_RETRY,
            why=f"create the MetalLB pool {self.pool.auto_range}",
        )

    def _start_cloud_provider(self) -> None:
        log = (self.log_dir or Path(".")) / "cloud-provider-kind.log"
        self._process = self.tools.start(["cloud-provider-kind", *CLOUD_PROVIDER_KIND_ARGS], log_path=log)

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None


def cilium_pool_steps(tools: Tools, cluster: str, kubeconfig: str) -> list[Step]:
    """Cilium LB-IPAM pool and L2 policy over this cluster's slice (after Cilium installed its CRDs)."""

    def apply() -> None:
        pool = carve_pool(tools, cluster)
        tools.run_until_ok(
            ["kubectl", "apply", "--server-side", "-f", "-", "--kubeconfig", kubeconfig],
            stdin=cilium_objects(pool),
            within=WEBHOOK_RETRY,
            why="create the Cilium LB-IPAM pool",
        )

    return [
        Action(
            f"docker network inspect {DOCKER_NETWORK} -> pool slice; kubectl apply --server-side -f - "
            "(CiliumLoadBalancerIPPool, CiliumL2AnnouncementPolicy)",
            apply,
        )
    ]
