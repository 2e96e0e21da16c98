"""From options and an implementation profile to a kind provider, a catalog installer and the run's options.

The session (``conformance.session``) keeps the flow; this module holds the decisions that turn a
profile into settings, so that the real run and ``--dry-run`` make them in one place:

- which profile (``--implementation``; ``envoy-gateway`` by default on kind),
- the kind cluster's name, node image, LoadBalancer and images,
- what the profile contributes to the options when the user did not say: the GatewayClass, the
  supported features (for implementations that publish none), profiles, skips, namespace labels and
  the static-address test's addresses.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from conformance.clusters import kindbin
from conformance.clusters.kind import KindSettings
from conformance.features import FeatureName
from conformance.implementations import catalog
from conformance.implementations.gatewayapi import DEFAULT_VERSION, CRDRequest
from conformance.options import ClusterKind, Options
from conformance.profiles import PROFILES
from conformance.selection import MESH_FEATURES

if TYPE_CHECKING:
    from pathlib import Path

    from conformance.implementations.catalog import Entry

DEFAULT_KIND_IMPLEMENTATION = "envoy-gateway"
DEFAULT_GATEWAY_CLASS = Options().gateway_class


def implementation_name(options: Options) -> str:
    if options.implementation:
        return options.implementation
    if options.cluster is ClusterKind.KIND:
        return DEFAULT_KIND_IMPLEMENTATION
    if options.cluster is ClusterKind.LOCAL:
        return "local"
    return ""  # an existing cluster with the implementation already installed, described by the options


def resolve_entry(options: Options) -> Entry | None:
    """The implementation profile of this run (ProfileError names the file and field when it is bad)."""
    name = implementation_name(options)
    return catalog.load(name) if name else None


def cluster_name(options: Options, entry: Entry, run_id: str) -> str:
    """``--cluster-name``, else ``gwconf-<implementation>`` (reusable) or ``...-<run id>`` (one per run)."""
    if options.cluster_name:
        return options.cluster_name
    base = "gwconf-" + re.sub(r"[^a-z0-9.-]+", "-", entry.name.lower())
    if options.reuse_cluster or options.keep_cluster or not run_id:
        return base[:49].rstrip("-.")
    suffix = re.sub(r"[^a-z0-9]+", "", run_id.lower())[-8:]
    return f"{base[: 48 - len(suffix)].rstrip('-.')}-{suffix}"


def kind_settings(options: Options, entry: Entry, run_id: str, log_dir: Path | None) -> KindSettings:
    return KindSettings(
        name=cluster_name(options, entry, run_id),
        node_image=kindbin.node_image(options.kube_version, options.node_image),
        kind_version=options.kind_version or kindbin.KIND_VERSION,
        kind_bin=options.kind_bin,
        reuse=options.reuse_cluster,
        keep=options.keep_cluster,
        load_balancer=options.load_balancer or entry.address_strategy,
        metallb_version=entry.metallb_version,
        preload_images=options.preload_images,
        images=entry.images,
        workers=entry.workers,
        disable_default_cni=entry.disable_default_cni,
        host_ports=entry.host_ports,
        log_dir=log_dir,
    )


def crd_request(options: Options, entry: Entry) -> CRDRequest:
    return CRDRequest(
        version=options.gateway_api_version or DEFAULT_VERSION,
        channel=options.gateway_api_channel or entry.channel,
        force=options.force,
    )


def user_declared_features(options: Options) -> bool:
    return bool(options.supported_features or options.exempt_features or options.all_features or options.run_test)


def catalog_features(entry: Entry) -> dict[str, object]:
    """Options fields that carry the profile's feature declaration (empty when it relies on status)."""
    if entry.features_source == "list":
        return {"supported_features": entry.supported}
    if entry.features_source == "all":
        # A GatewayClass-based run never tests mesh features (upstream drops them from inference too).
        return {"all_features": True, "exempt_features": entry.exempt | MESH_FEATURES}
    if entry.features_source == "profiles":
        core: set[FeatureName] = set()
        for profile in entry.profiles:
            core |= PROFILES[profile].core
        return {"supported_features": frozenset(core)}
    return {}


def effective_options(options: Options, entry: Entry | None, details: dict[str, str] | None = None) -> Options:
    """Fill what the user left unset from the profile; anything the user gave wins."""
    if entry is None or entry.name == "local":
        return options
    changes: dict[str, object] = {}
    if options.gateway_class == DEFAULT_GATEWAY_CLASS:
        changes["gateway_class"] = entry.gateway_class
    if not user_declared_features(options):
        changes.update(catalog_features(entry))
    if not options.conformance_profiles and entry.profiles:
        changes["conformance_profiles"] = entry.profiles
    if entry.skip_tests and not options.run_test:
        changes["skip_tests"] = options.skip_tests | frozenset(entry.skip_tests)
    if not options.namespace_labels and entry.namespace_labels:
        changes["namespace_labels"] = dict(entry.namespace_labels)
    if not options.unusable_address and entry.unusable_address:
        changes["unusable_address"] = entry.unusable_address
    if not options.usable_address and entry.usable_address:
        usable = (details or {}).get("usable_address", "") if entry.usable_address == "pool" else entry.usable_address
        if usable:
            changes["usable_address"] = usable
    return dataclasses.replace(options, **changes) if changes else options  # type: ignore[arg-type]


def features_from_catalog(given: Options, entry: Entry | None) -> bool:
    """True when the supported features come from the profile (``given``: the options before filling)."""
    return (
        entry is not None
        and entry.name != "local"
        and not user_declared_features(given)
        and bool(catalog_features(entry))
    )
