"""One conformance run's shared state, set up once: cluster, clients, implementation, base resources.

The steps follow upstream's suite setup (spec/infra.md a.1), each a small method so that a failure
says which step broke:

    start cluster -> connect -> check CRDs -> install implementation -> GatewayClass Accepted
    -> decide supported features -> apply base manifests -> create certificates -> namespaces ready

``close`` undoes what was done, in reverse, honouring the cleanup options, and never raises.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conformance import interrupts, realcluster
from conformance.certificates import setup_objects
from conformance.clusters.kind import KindCluster
from conformance.clusters.kindbin import KindSetupError
from conformance.clusters.kubeconfig import KubeconfigCluster
from conformance.clusters.local import LocalCluster, LocalSettings
from conformance.clusters.protocol import Cluster, ClusterError, ClusterProvider
from conformance.features import FeatureName
from conformance.implementations.installer import CatalogInstaller, InstallError, check_environment
from conformance.implementations.local import LocalInstaller
from conformance.implementations.schema import ProfileError
from conformance.infra import BASE_NAMESPACES
from conformance.kube.apply import Applied, Cleanup, Fill, apply_objects, read_bundle
from conformance.kube.client import KubeClient
from conformance.kube.crds import UNDEFINED, check_crds
from conformance.kube.errors import KubeError, Unreachable
from conformance.kube.facade import Kube
from conformance.options import ClusterKind, ImplementationInfo, Options
from conformance.probes.connect import ConnectTo
from conformance.probes.http import HTTPProbe
from conformance.process import Tools
from conformance.progress import Progress
from conformance.resources import base_manifests
from conformance.selection import FeaturesSource, SupportedFeatures, decide_supported

if TYPE_CHECKING:
    from pathlib import Path

    from conformance.implementations.catalog import Entry
    from conformance.implementations.protocol import Installer

log = logging.getLogger(__name__)

#: The Gateway API release whose conformance tests this suite carries (CRDs must match it).
BUNDLE_VERSION = "v1.6.1"
CONNECT_TIMEOUT = 10.0


class SetupError(RuntimeError):
    """A setup step failed; the message names the step and what to do."""


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the report needs to know about the run, learned during setup."""

    cluster: str
    gateway_class: str
    controller_name: str
    gateway_api_version: str
    gateway_api_channel: str
    supported: SupportedFeatures
    implementation: ImplementationInfo


def provider_for(
    options: Options,
    report_dir: Path | None,
    *,
    entry: Entry | None = None,
    tools: Tools | None = None,
    progress: Progress | None = None,
) -> ClusterProvider:
    if options.cluster is ClusterKind.LOCAL:
        return LocalCluster(
            LocalSettings(
                faults=options.local_faults,
                latency=options.local_latency,
                jitter=options.local_jitter,
                crds=options.gateway_api_crds,
                keep_log=report_dir / "local-environment.log" if report_dir else None,
            )
        )
    if options.cluster is ClusterKind.KUBECONFIG:
        assert options.kubeconfig is not None  # checked when options were resolved
        return KubeconfigCluster(options.kubeconfig)
    entry = entry or realcluster.resolve_entry(options)
    assert entry is not None
    if entry.name == "local":
        raise SetupError("--implementation=local (the reference gateway) only runs with --cluster=local")
    try:
        settings = realcluster.kind_settings(options, entry, report_dir.name if report_dir else "", report_dir)
    except KindSetupError as err:
        raise SetupError(str(err)) from None
    return KindCluster(settings, tools or Tools(), progress or Progress.quiet())


def installer_for(
    options: Options,
    *,
    entry: Entry | None = None,
    cluster_name: str = "",
    tools: Tools | None = None,
    progress: Progress | None = None,
) -> Installer | None:
    name = realcluster.implementation_name(options)
    if not name:
        return None  # an existing cluster with the implementation already installed
    if name == "local":
        if options.cluster is not ClusterKind.LOCAL:
            raise SetupError("--implementation=local (the reference gateway) only runs with --cluster=local")
        return LocalInstaller()
    if options.cluster is ClusterKind.LOCAL:
        raise SetupError(
            f"--implementation={name} needs a real cluster: use --cluster=kind, or --cluster=kubeconfig "
            "--kubeconfig=PATH for an existing one (the local environment only runs the reference gateway)"
        )
    entry = entry or realcluster.resolve_entry(options)
    assert entry is not None
    return CatalogInstaller(
        entry,
        realcluster.crd_request(options, entry),
        skip_install=options.skip_install,
        cluster_name=cluster_name,
        tools=tools or Tools(),
        progress=progress or Progress.quiet(),
    )


def merge_info(defaults: ImplementationInfo, given: ImplementationInfo) -> ImplementationInfo:
    """Options override the installer's metadata field by field."""
    return ImplementationInfo(
        organization=given.organization or defaults.organization,
        project=given.project or defaults.project,
        url=given.url or defaults.url,
        version=given.version or defaults.version,
        contact=given.contact or defaults.contact,
    )


class ConformanceSession:
    def __init__(
        self,
        options: Options,
        *,
        report_dir: Path | None = None,
        run_test_features: frozenset[str] = frozenset(),
        progress: Progress | None = None,
    ) -> None:
        self.options = options
        self.given_options = options
        """The options as the user gave them (``options`` gets the implementation profile's defaults)."""
        self.progress = progress or Progress.quiet()
        self.tools = Tools()
        self.entry: Entry | None = None
        self.report_dir = report_dir
        self.run_test_features = run_test_features
        """Features of the --run-test test: it runs whatever the supported set says, so its needs count too."""
        self.provider: ClusterProvider | None = None
        self.cluster: Cluster | None = None
        self.client: KubeClient | None = None
        self.kube: Kube | None = None
        self.http: HTTPProbe | None = None
        self.installer: Installer | None = None
        self.facts: RunFacts | None = None
        self.fill: Fill | None = None
        self._base_cleanup: Cleanup | None = None

    # --- setup -------------------------------------------------------------------------------------

    def start(self) -> RunFacts:
        try:
            entry = realcluster.resolve_entry(self.options)
            if entry is not None and not self.options.skip_install:
                check_environment(entry)
        except (ProfileError, InstallError) as err:
            raise SetupError(str(err)) from None
        self.entry = entry
        options = self.options = realcluster.effective_options(self.options, entry)
        self.provider = provider_for(options, self.report_dir, entry=entry, tools=self.tools, progress=self.progress)
        name = getattr(getattr(self.provider, "settings", None), "name", "")
        installer = installer_for(options, entry=entry, cluster_name=name, tools=self.tools, progress=self.progress)
        try:
            self.cluster = self.provider.start()
        except ClusterError as err:
            raise SetupError(f"starting the {self.provider.name} cluster failed: {err}") from err
        options = self.options = realcluster.effective_options(options, entry, self.cluster.details)
        self.client = self._connect(self.cluster)
        kube = Kube(self.client, options.timeout_config)
        kube.abort = interrupts.cleanup_aborted
        self.kube = kube
        if installer is not None:
            self.installer = installer  # from here on, close() undoes what it did
            try:
                installer.prepare(self.cluster, self.client)
            except InstallError as err:
                raise SetupError(str(err)) from None
        version, channel = self._check_crds()
        info = options.implementation_info
        if installer is not None:
            try:
                installation = installer.install(kube, options.gateway_class)
            except InstallError as err:
                raise SetupError(str(err)) from None
            info = merge_info(installation.info, info)
        try:
            controller_name = kube.gatewayclass_must_be_accepted(options.gateway_class)
        except AssertionError as err:
            raise SetupError(
                f"GatewayClass {options.gateway_class} never became Accepted: {err}. Is the implementation "
                "installed and running, and does --gateway-class name its GatewayClass?"
            ) from err
        kube.controller_name = controller_name
        published = self._published_features()
        supported = decide_supported(options, published, gateway_class=options.gateway_class)
        if realcluster.features_from_catalog(self.given_options, entry):
            supported = dataclasses.replace(supported, source=FeaturesSource.CATALOG)
        connect_to = ConnectTo(options.connect_to, self.cluster.connect_to)
        self.http = HTTPProbe(options.timeout_config, connect_to=connect_to)
        self.fill = Fill(
            gateway_class=options.gateway_class,
            controller_name=controller_name,
            namespace_labels=options.namespace_labels,
            namespace_annotations=options.namespace_annotations,
            # A provider may offer a usable and an unusable address (the local environment does).
            usable_address=options.usable_address or self.cluster.details.get("usableAddress", ""),
            unusable_address=options.unusable_address or self.cluster.details.get("unusableAddress", ""),
        )
        self.facts = RunFacts(
            cluster=self.cluster.description,
            gateway_class=options.gateway_class,
            controller_name=controller_name,
            gateway_api_version=version,
            gateway_api_channel=channel,
            supported=supported,
            implementation=info,
        )
        if FeatureName.GATEWAY in supported or FeatureName.GATEWAY in self.run_test_features:
            self._setup_base()
        return self.facts

    def _connect(self, cluster: Cluster) -> KubeClient:
        try:
            client = KubeClient.from_kubeconfig(str(cluster.kubeconfig))
        except Unreachable as err:
            raise SetupError(str(err)) from err
        try:
            client.version()
        except KubeError as err:
            raise SetupError(
                f"cannot reach the Kubernetes API at {client.server} ({client.source}): {err}. "
                "Check that the cluster is running and that the kubeconfig points at it."
            ) from err
        return client

    def _check_crds(self) -> tuple[str, str]:
        assert self.client is not None
        result = check_crds(self.client, BUNDLE_VERSION)
        self._publish_crd_check(result.by_crd, result.problems)
        if result.ok:
            return result.version, result.channel
        if self.options.allow_crds_mismatch:
            log.warning(
                "Gateway API CRD check failed (allowed by --allow-crds-mismatch): %s", "; ".join(result.problems)
            )
            return UNDEFINED, UNDEFINED
        raise SetupError("Gateway API CRD check failed: " + "; ".join(result.problems))

    def _publish_crd_check(self, by_crd: dict[str, tuple[str, str]], problems: tuple[str, ...]) -> None:
        """``crd-check.json`` in the report directory: which CRD has which version and channel."""
        if self.report_dir is None:
            return
        data = {
            "expected_version": BUNDLE_VERSION,
            "crds": {name: {"bundleVersion": v, "channel": c} for name, (v, c) in sorted(by_crd.items())},
            "problems": list(problems),
        }
        with contextlib.suppress(OSError):
            self.report_dir.mkdir(parents=True, exist_ok=True)
            (self.report_dir / "crd-check.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def _published_features(self) -> list[str] | None:
        assert self.kube is not None
        gwc = self.kube.get("GatewayClass", self.options.gateway_class)
        entries = ((gwc or {}).get("status") or {}).get("supportedFeatures")
        if not isinstance(entries, list):
            return None
        return [str(e.get("name")) if isinstance(e, dict) else str(e) for e in entries]

    def _setup_base(self) -> None:
        assert self.client is not None and self.kube is not None and self.fill is not None
        cleanup = self.new_cleanup()
        self._base_cleanup = cleanup
        path = base_manifests()
        apply_objects(self.client, read_bundle(path), self.fill, cleanup=cleanup, where=str(path))
        for obj in setup_objects():
            meta = obj["metadata"]
            existing = self.client.get(obj["apiVersion"], obj["kind"], meta["name"], meta["namespace"])
            if existing is None:  # upstream keeps pre-existing material (runs with base cleanup off)
                self.client.create(obj)
            cleanup.register(Applied(obj["apiVersion"], obj["kind"], meta["namespace"], meta["name"]))
        self.kube.namespaces_must_be_ready(BASE_NAMESPACES)

    def _wait_gone(self, item: Applied, timeout: float) -> None:
        assert self.kube is not None and self.client is not None
        self.kube.wait_gone(self.client.resource(item.api_version, item.kind), item.namespace, item.name, timeout)

    def new_cleanup(self) -> Cleanup:
        assert self.client is not None
        return Cleanup(
            self.client,
            delete_timeout=self.options.timeout_config.delete_timeout,
            wait_gone=self._wait_gone,
            should_stop=interrupts.cleanup_aborted,
        )

    # --- teardown ----------------------------------------------------------------------------------

    def close(self) -> list[str]:
        """Undo setup; returns problems (never raises: teardown must reach the cluster's stop)."""
        problems: list[str] = []
        if self._base_cleanup is not None and self.options.cleanup_base_resources:
            problems += self._base_cleanup.run()
        # A cluster about to be deleted needs no uninstall; a second Ctrl-C cuts cleanup short.
        ephemeral = bool(getattr(self.provider, "deletes_cluster", False))
        uninstall = self.options.cleanup_base_resources and not interrupts.cleanup_aborted() and not ephemeral
        if self.installer is not None and self.kube is not None and uninstall:
            try:
                self.installer.uninstall(self.kube)
            except (KubeError, AssertionError, InstallError) as err:
                problems.append(f"uninstalling {self.installer.name} failed: {err}")
        if self.http is not None:
            self.http.close()
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close()
        if self.provider is not None:
            try:
                self.provider.stop()
            except (ClusterError, OSError) as err:
                problems.append(f"stopping the {self.provider.name} cluster failed: {err}")
        return problems
