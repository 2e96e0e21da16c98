"""Installs an implementation from its catalog profile: CRDs, install steps, readiness, GatewayClass.

    prepare: Gateway API CRDs (release bundle, server-side, safe-upgrades policy handled)
    install: helm / manifests / objects / cilium-cli steps -> readiness (kubectl rollout status)
             -> the GatewayClass, when the harness creates it -> LB-IPAM pool / Gateway patches
    uninstall: the install steps undone in reverse (only on clusters that outlive the run)

Every step is a ``plan`` step, so ``--dry-run`` prints the same commands. With ``--skip-install`` the
profile only names the GatewayClass, the features and the report metadata; nothing is run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from conformance.clusters.lbsteps import cilium_pool_steps
from conformance.implementations import gatewayapi
from conformance.implementations.catalog import CiliumCLI, Entry, Helm, InstallStep, Manifests, Objects
from conformance.implementations.patches import GatewayProxyPatcher
from conformance.implementations.protocol import Installation
from conformance.plan import Action, Step, cmd, execute
from conformance.process import ProcessError, Tools
from conformance.progress import Progress

if TYPE_CHECKING:
    from conformance.clusters.protocol import Cluster
    from conformance.kube.client import KubeClient
    from conformance.kube.facade import Kube


class InstallError(RuntimeError):
    pass


def check_environment(entry: Entry, env: dict[str, str] | None = None) -> None:
    """Refuse early (before a cluster is created) when a profile's required variables are unset."""
    env = dict(os.environ) if env is None else env
    missing = [name for name in entry.requires_env if not env.get(name)]
    if missing:
        notes = " ".join(entry.limitations[:1])
        raise InstallError(
            f"{entry.name} needs the environment variable(s) {', '.join(missing)} ({entry.source}). {notes}"
        )


def gateway_class_yaml(name: str, controller: str, title: str) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GatewayClass",
            "metadata": {"name": name},
            "spec": {"controllerName": controller, "description": f"{title}, installed by gateway-conformance"},
        },
        sort_keys=False,
    )


@dataclass(frozen=True, slots=True)
class Placeholders:
    gateway_class: str
    controller: str
    cluster: str

    def fill(self, text: str) -> str:
        return (
            text.replace("{GATEWAY_CLASS_NAME}", self.gateway_class)
            .replace("{CONTROLLER_NAME}", self.controller)
            .replace("{CLUSTER_NAME}", self.cluster)
        )


def _sets(flag: str, values: dict[str, str], fill: Placeholders) -> list[str]:
    out: list[str] = []
    for key, value in values.items():
        out += [flag, f"{key}={fill.fill(value)}"]
    return out


def step_commands(step: InstallStep, k: str, fill: Placeholders, title: str) -> list[Step]:
    if isinstance(step, Helm):
        argv = ["helm", "upgrade", "--install", step.release, step.chart]
        argv += ["--repo", step.repo] if step.repo else []
        argv += ["--version", step.version] if step.version else []
        argv += ["--namespace", step.namespace, "--create-namespace", "--wait", "--timeout", step.timeout]
        argv += ["--wait-for-jobs"] if step.wait_for_jobs else []
        argv += ["--skip-crds"] if step.skip_crds else []
        argv += [*_sets("--set", step.values, fill), "--kubeconfig", k]
        return [cmd(*argv, why=f"install {title}: helm release {step.release}", long=True)]
    if isinstance(step, Manifests):
        return [
            cmd("kubectl", "apply", "--server-side", "-f", url, "--kubeconfig", k, why=f"install {title}")
            for url in step.urls
        ]
    if isinstance(step, Objects):
        text = fill.fill(step.text)
        kinds = ", ".join(str(d.get("kind")) for d in yaml.safe_load_all(text) if isinstance(d, dict))
        return [
            cmd(
                "kubectl",
                "apply",
                "--server-side",
                "-f",
                "-",
                "--kubeconfig",
                k,
                why=f"create {kinds}",
                stdin=text,
                stdin_label=kinds or "objects",
            )
        ]
    argv = ["cilium", "install", "--version", step.version, *_sets("--helm-set", step.values, fill)]
    return [
        cmd(*argv, why=f"install {title} with cilium-cli", long=True),
        cmd("cilium", "status", "--wait", why="wait for Cilium", long=True),
    ]


def undo_commands(step: InstallStep, k: str, fill: Placeholders) -> list[Step]:
    if isinstance(step, Helm):
        return [
            cmd(
                "helm",
                "uninstall",
                step.release,
                "--namespace",
                step.namespace,
                "--kubeconfig",
                k,
                why=f"uninstall {step.release}",
            )
        ]
    if isinstance(step, Manifests):
        return [
            cmd("kubectl", "delete", "-f", u, "--ignore-not-found", "--kubeconfig", k, why="delete manifests")
            for u in reversed(step.urls)
        ]
    if isinstance(step, Objects):
        text = fill.fill(step.text)
        return [
            cmd(
                "kubectl",
                "delete",
                "-f",
                "-",
                "--ignore-not-found",
                "--kubeconfig",
                k,
                why="delete objects",
                stdin=text,
            )
        ]
    return [cmd("cilium", "uninstall", why="uninstall Cilium")]


@dataclass
class CatalogInstaller:
    entry: Entry
    crds: gatewayapi.CRDRequest
    skip_install: bool = False
    cluster_name: str = ""
    tools: Tools = field(default_factory=Tools)
    progress: Progress = field(default_factory=Progress.quiet)
    _kubeconfig: str = ""
    _installed: bool = False
    _patcher: GatewayProxyPatcher | None = None
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.entry.name

    def _fill(self, gateway_class: str) -> Placeholders:
        return Placeholders(gateway_class, self.entry.controller_name, self.cluster_name)

    def install_steps(self, k: str, gateway_class: str) -> list[Step]:
        e = self.entry
        fill = self._fill(gateway_class)
        steps: list[Step] = []
        for step in e.install:
            steps += step_commands(step, k, fill, e.title)
        for check in e.readiness:
            steps.append(
                cmd(
                    "kubectl",
                    "rollout",
                    "status",
                    f"{check.kind}/{check.name}",
                    "-n",
                    check.namespace,
                    f"--timeout={check.timeout}",
                    "--kubeconfig",
                    k,
                    why=f"wait for {check.namespace}/{check.name}",
                    long=True,
                )
            )
        if e.gateway_class_created_by == "harness":
            text = gateway_class_yaml(gateway_class, e.controller_name, e.title)
            steps.append(
                cmd(
                    "kubectl",
                    "apply",
                    "--server-side",
                    "-f",
                    "-",
                    "--kubeconfig",
                    k,
                    why=f"create GatewayClass {gateway_class}",
                    stdin=text,
                    stdin_label=f"GatewayClass {gateway_class}",
                )
            )
        if e.address_strategy == "cilium-lb-ipam":
            steps += cilium_pool_steps(self.tools, self.cluster_name, k)
        return steps

    def plan(self, kubeconfig: str, gateway_class: str) -> list[Step]:
        if self.skip_install:
            return [Action(f"--skip-install: {self.entry.title} is expected on the cluster already", lambda: None)]
        steps = gatewayapi.plan(self.crds, kubeconfig) + self.install_steps(kubeconfig, gateway_class)
        for patch in self.entry.gateway_patches:
            steps.append(Action(f"patch Gateways of class {gateway_class} every 2s ({patch})", lambda: None))
        return steps

    # --- the Installer protocol ------------------------------------------------------------------

    def prepare(self, cluster: Cluster, client: KubeClient) -> None:
        self._kubeconfig = str(cluster.kubeconfig)
        self.tools.env.setdefault("KUBECONFIG", self._kubeconfig)
        if self.skip_install:
            return
        try:
            steps = gatewayapi.steps_for(client, self.crds, self._kubeconfig)
            execute(steps, self.tools, self.progress)
        except ProcessError as err:
            raise InstallError(f"installing the Gateway API CRDs failed: {err}") from None
        except gatewayapi.CRDInstallError as err:
            raise InstallError(str(err)) from None

    def install(self, kube: Kube, gateway_class: str) -> Installation:
        if not self.skip_install:
            try:
                execute(self.install_steps(self._kubeconfig, gateway_class), self.tools, self.progress)
            except ProcessError as err:
                raise InstallError(f"installing {self.entry.title} failed: {err}") from None
            self._installed = True
        if "apisix-gateway-proxy" in self.entry.gateway_patches:
            namespace = next((s.namespace for s in self.entry.install if isinstance(s, Helm)), "default")
            self._patcher = GatewayProxyPatcher(kube.client, gateway_class, namespace)
            self._patcher.start()
        return Installation(gateway_class, self.entry.info)

    def uninstall(self, kube: Kube) -> None:
        if self._patcher is not None:
            self._patcher.stop()
            self._patcher = None
        if not self._installed:
            return
        fill = self._fill("")
        steps: list[Step] = []
        for step in reversed(self.entry.install):
            if not isinstance(step, CiliumCLI):
                steps += undo_commands(step, self._kubeconfig, fill)
        try:
            execute(steps, self.tools, self.progress)
        except ProcessError as err:
            raise InstallError(f"uninstalling {self.entry.title} failed: {err}") from None
        self._installed = False
