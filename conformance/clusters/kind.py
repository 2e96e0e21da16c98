"""The ``kind`` provider: a kind cluster per run (or a reused one), with a LoadBalancer and preloaded images.

Steps, each a ``plan`` step so that ``--dry-run`` prints exactly this sequence:

    find kind -> kind get clusters -> kind create cluster (config on stdin) | reuse (spec checked)
    -> LoadBalancer (MetalLB pool from the docker network, or cloud-provider-kind) -> load images
    ... run ... -> kind delete cluster (unless --keep-cluster or the cluster was reused)

The kubeconfig goes to a private temporary directory, never to ``~/.kube/config`` and never under
``reports/``: it holds the cluster's client key, and reports are uploaded and shared.

Reuse is checked, not assumed: the node carries a label with a hash of the cluster spec (kind release,
node image, config), and a reused cluster with a different hash is refused, because a different node
image or CNI setting would silently change what is tested.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conformance.clusters import images as image_steps
from conformance.clusters import kindbin, lbsteps
from conformance.clusters.protocol import Cluster, ClusterError
from conformance.plan import Action, Step, cmd, execute
from conformance.process import ProcessError, Tools
from conformance.progress import Progress

SPEC_LABEL = "gateway-conformance.io/spec"
WAIT = "5m"


@dataclass(frozen=True, slots=True)
class KindSettings:
    name: str
    node_image: str
    kind_version: str = kindbin.KIND_VERSION
    kind_bin: Path | None = None
    reuse: bool = False
    keep: bool = False
    load_balancer: str = "metallb"
    metallb_version: str = "v0.16.1"
    preload_images: bool = True
    images: tuple[str, ...] = ()
    workers: int = 0
    disable_default_cni: bool = False
    host_ports: tuple[int, ...] = ()
    log_dir: Path | None = None
    """Where host-process logs go (cloud-provider-kind); the run's report directory."""


def kind_config(settings: KindSettings) -> dict[str, Any]:
    """The kind v1alpha4 Cluster config, rendered from the settings (piped to ``kind create --config -``)."""
    networking: dict[str, Any] = {"dnsSearch": []}  # nodes must not inherit slow host search domains
    if settings.disable_default_cni:
        networking["disableDefaultCNI"] = True
    control: dict[str, Any] = {"role": "control-plane"}
    if settings.host_ports:
        control["extraPortMappings"] = [
            {"containerPort": p, "hostPort": p, "listenAddress": "127.0.0.1", "protocol": "TCP"}
            for p in settings.host_ports
        ]
    nodes = [control, *({"role": "worker"} for _ in range(settings.workers))]
    config: dict[str, Any] = {"kind": "Cluster", "apiVersion": "kind.x-k8s.io/v1alpha4", "networking": networking}
    digest = spec_hash(settings, {**config, "nodes": nodes})
    for node in nodes:
        node["labels"] = {SPEC_LABEL: digest}
    config["nodes"] = nodes
    return config


def spec_hash(settings: KindSettings, config: dict[str, Any]) -> str:
    text = yaml.safe_dump({"kind": settings.kind_version, "image": settings.node_image, "config": config})
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class KindCluster:
    settings: KindSettings
    tools: Tools = field(default_factory=Tools)
    progress: Progress = field(default_factory=Progress.quiet)
    name: str = "kind"
    _dir: Path | None = None
    _created: bool = False
    _lb: lbsteps.LoadBalancer | None = None

    @property
    def deletes_cluster(self) -> bool:
        """True when stop() deletes the cluster (then uninstalling the implementation first is wasted time)."""
        return self._created and not self.settings.keep

    @property
    def kubeconfig(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="gwconf-kind-"))
        return self._dir / "kubeconfig"

    # --- the plan -----------------------------------------------------------------------------------

    def create_steps(self, kubeconfig: str) -> list[Step]:
        s = self.settings
        config = yaml.safe_dump(kind_config(s), sort_keys=False)
        create = cmd(
            "kind",
            "create",
            "cluster",
            "--name",
            s.name,
            "--image",
            s.node_image,
            "--kubeconfig",
            kubeconfig,
            *(("--wait", WAIT) if not s.disable_default_cni else ()),
            "--config",
            "-",
            why=f"create kind cluster {s.name}",
            stdin=config,
            stdin_label="kind Cluster config",
            long=True,
        )
        return [create]

    def plan(self) -> list[Step]:
        """Every step for --dry-run, with the decisions that depend on the machine described."""
        s = self.settings
        k = "<kubeconfig>"  # a private temp dir at run time, never ~/.kube/config or reports/
        find = Action(kindbin.describe_resolution(s.kind_bin, s.kind_version), lambda: None)
        exists = Action(
            f"kind get clusters -> {'reuse' if s.reuse else 'refuse'} an existing cluster named {s.name}", lambda: None
        )
        lb = lbsteps.LoadBalancer(s.load_balancer, s.name, s.metallb_version, self.tools, s.log_dir)
        steps: list[Step] = [find, exists, *self.create_steps(k), *lb.steps(k)]
        if s.preload_images:
            steps += image_steps.load_steps(s.images, s.name, self.tools)
        return steps

    def stop_plan(self) -> list[Step]:
        s = self.settings
        if s.keep or s.reuse:
            return [Action(f"keep kind cluster {s.name}", lambda: None)]
        return [self._delete_step("<kubeconfig>")]

    def _delete_step(self, kubeconfig: str) -> Step:
        s = self.settings
        return cmd(
            "kind",
            "delete",
            "cluster",
            "--name",
            s.name,
            "--kubeconfig",
            kubeconfig,
            why=f"delete kind cluster {s.name}",
        )

    # --- running it ----------------------------------------------------------------------------------

    def start(self) -> Cluster:
        s = self.settings
        try:
            self.tools.paths["kind"] = kindbin.resolve_kind(s.kind_bin, s.kind_version)
            kubeconfig = str(self.kubeconfig)
            self.tools.env["KUBECONFIG"] = kubeconfig  # every tool, even one not told explicitly
            existing = self.tools.run(["kind", "get", "clusters"], why="list kind clusters").stdout.split()
            if s.name in existing:
                if not s.reuse:
                    raise ClusterError(
                        f"a kind cluster named {s.name} already exists; pass --reuse-cluster to run on it, "
                        f"or delete it with: kind delete cluster --name {s.name}"
                    )
                self._reuse(kubeconfig)
            else:
                execute(self.create_steps(kubeconfig), self.tools, self.progress)
                self._created = True
            self._lb = lbsteps.LoadBalancer(s.load_balancer, s.name, s.metallb_version, self.tools, s.log_dir)
            execute(self._lb.steps(kubeconfig), self.tools, self.progress)
            if s.preload_images:
                image_steps.preload(s.images, s.name, self.tools, self.progress)
        except ProcessError as err:
            raise ClusterError(str(err)) from None
        details = {"kind": str(self.tools.paths["kind"]), "node_image": s.node_image, "name": s.name}
        if self._lb is not None and self._lb.pool is not None:
            details["usable_address"] = self._lb.pool.static_address
        return Cluster(
            kubeconfig=self.kubeconfig,
            description=f"kind cluster {s.name} ({s.node_image.split('@')[0]})",
            details=details,
        )

    def _reuse(self, kubeconfig: str) -> None:
        s = self.settings
        self.tools.run(["kind", "export", "kubeconfig", "--name", s.name, "--kubeconfig", kubeconfig])
        want = kind_config(s)["nodes"][0]["labels"][SPEC_LABEL]
        jsonpath = "{.items[0].metadata.labels." + SPEC_LABEL.replace(".", "\\.") + "}"
        got = self.tools.run(
            ["kubectl", "get", "nodes", "-o", f"jsonpath={jsonpath}", "--kubeconfig", kubeconfig],
            why=f"read the spec label of kind cluster {s.name}",
        ).stdout.strip()
        if got != want:
            raise ClusterError(
                f"--reuse-cluster: kind cluster {s.name} was created with a different spec "
                f"(label {SPEC_LABEL}={got or 'none'}, this run needs {want}: node image {s.node_image}, "
                f"kind {s.kind_version}, workers/CNI/ports of the profile). "
                f"Delete it (kind delete cluster --name {s.name}) or use another --cluster-name"
            )
        self.progress.say(f"reusing kind cluster {s.name}")

    def stop(self) -> None:
        s = self.settings
        problems: list[str] = []
        if self._lb is not None:
            self._lb.stop()
        if self._created and not s.keep:
            try:
                with self.progress.step(f"deleting kind cluster {s.name}"):
                    step = self._delete_step(str(self.kubeconfig))
                    execute([step], self.tools, self.progress)
            except ProcessError as err:
                problems.append(str(err))
        elif self._created or s.reuse:
            self.progress.say(f"kept kind cluster {s.name}; run again with --reuse-cluster --cluster-name={s.name}")
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        if problems:
            raise ClusterError("; ".join(problems))
