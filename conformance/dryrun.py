"""``--dry-run``: the whole plan of a run, printed without touching anything.

It builds the same provider and installer a real run would (from the same options and profile) and
renders their step lists: every command, shell-quoted, and every manifest URL, in order. Nothing is
executed: no docker, no kind, no cluster access; decisions that depend on the machine are stated.
"""

from __future__ import annotations

from conformance import realcluster
from conformance.clusters.kind import KindCluster
from conformance.clusters.kindbin import KindSetupError
from conformance.implementations.installer import CatalogInstaller, check_environment
from conformance.implementations.local import CONTROLLER_NAME
from conformance.options import ClusterKind, Options
from conformance.plan import Action, Section, Step, render
from conformance.session import SetupError, installer_for, provider_for


def _noop() -> None:
    return None


def build(options: Options, run_id: str = "<run id>") -> list[Section]:
    entry = realcluster.resolve_entry(options)
    options = realcluster.effective_options(options, entry)
    sections: list[Section] = []
    if entry is not None and entry.requires_env and not options.skip_install:
        try:
            check_environment(entry)
            note = f"{', '.join(entry.requires_env)} is set"
        except Exception as err:  # the plan still prints; the real run would stop here
            note = f"the run would stop here: {err}"
        sections.append(Section("environment", [Action(note, _noop)]))
    kubeconfig = str(options.kubeconfig) if options.kubeconfig else "<kubeconfig>"
    cluster_steps: list[Step]
    teardown: list[Step] = []
    name = ""
    if options.cluster is ClusterKind.LOCAL:
        cluster_steps = [Action("start the local environment (API endpoint, local pods, reference gateway)", _noop)]
        teardown = [Action("stop the local environment", _noop)]
    elif options.cluster is ClusterKind.KUBECONFIG:
        cluster_steps = [Action(f"use the existing cluster of {kubeconfig}", _noop)]
    else:
        from pathlib import Path

        try:
            provider = provider_for(options, Path("reports") / run_id, entry=entry)
        except KindSetupError as err:
            raise SetupError(str(err)) from None
        assert isinstance(provider, KindCluster)
        name = provider.settings.name
        cluster_steps = provider.plan()
        teardown = provider.stop_plan()
        kubeconfig = "<kubeconfig>"
    sections.append(Section(f"cluster ({options.cluster})", cluster_steps))
    installer = installer_for(options, entry=entry, cluster_name=name)
    if isinstance(installer, CatalogInstaller):
        sections.append(
            Section(f"implementation: {installer.entry.title}", installer.plan(kubeconfig, options.gateway_class))
        )
    elif installer is not None:
        text = f"create GatewayClass {options.gateway_class} (controllerName {CONTROLLER_NAME})"
        sections.append(Section("implementation: reference gateway", [Action(text, _noop)]))
    else:
        sections.append(Section("implementation", [Action("none: it is installed on the cluster already", _noop)]))
    sections.append(Section("conformance run", [Action(_run_summary(options), _noop)]))
    sections.append(Section("teardown", teardown))
    return sections


def _run_summary(options: Options) -> str:
    if options.all_features:
        features = f"all features minus {len(options.exempt_features)} exempt"
    elif options.supported_features:
        features = f"{len(options.supported_features)} declared features"
    else:
        features = "features from the GatewayClass's status.supportedFeatures"
    profiles = ",".join(options.conformance_profiles) or "inferred"
    return (
        f"check Gateway API CRDs; wait for GatewayClass {options.gateway_class} Accepted; run the suite with "
        f"{features}, profiles {profiles}; write reports"
    )


def text(options: Options, run_id: str = "<run id>") -> str:
    return render(build(options, run_id))
