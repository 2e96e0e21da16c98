"""Which conformance tests may run at the same time (pytest-xdist), and which must take turns.

Upstream runs a test concurrently with others only when it is marked ``Parallel`` (it uses Gateways of
its own). Everything else runs one at a time, because tests that attach routes to the same shared base
Gateway disturb each other: their routes compete for the same requests, and some tests count the routes
attached to a shared Gateway. This module keeps that guarantee with more parallelism: tests that touch
the same shared Gateway (read from the parentRefs of their bundles) form one group that runs in order on
one worker; groups that share no Gateway, and tests that use only Gateways of their own, run side by
side. A test that touches several shared Gateways joins their groups into one.

Tests whose bundles hold the same object (same kind, namespace and name) also take turns: upstream
bundles reuse names (two tests may both apply an HTTPRoute ``backend-v1`` to the infra namespace), and
run side by side one would overwrite the other's object, or delete it when cleaning up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from conformance.infra import ALL_NAMESPACES_GATEWAY, BACKEND_NAMESPACES_GATEWAY, HTTPS_GATEWAY, SAME_NAMESPACE_GATEWAY
from conformance.kube.apply import BundleError, read_bundle

Resource = tuple[str, str, str]
"""(kind, namespace, name); namespace is "" for cluster-scoped objects."""

SHARED_GATEWAYS: frozenset[Resource] = frozenset(
    ("Gateway", g.namespace, g.name)
    for g in (SAME_NAMESPACE_GATEWAY, HTTPS_GATEWAY, ALL_NAMESPACES_GATEWAY, BACKEND_NAMESPACES_GATEWAY)
)


@dataclass(frozen=True, slots=True)
class Footprint:
    short_name: str
    parallel: bool
    shared: frozenset[Resource]
    """What the test touches that another test might too: the shared base Gateways it attaches to and
    every object its bundles apply."""


def _documents(bundles: Iterable[Path]) -> Iterable[dict[str, object]]:
    for bundle in bundles:
        try:
            yield from read_bundle(bundle)
        except BundleError:
            continue  # the test itself will report the broken bundle


def shared_gateways(bundles: Iterable[Path]) -> frozenset[Resource]:
    found: set[Resource] = set()
    for doc in _documents(bundles):
        namespace = str(_mapping(doc.get("metadata")).get("namespace", ""))
        refs = _mapping(doc.get("spec")).get("parentRefs")
        for ref in refs if isinstance(refs, list) else []:
            if not isinstance(ref, dict) or ref.get("kind", "Gateway") != "Gateway":
                continue
            key = ("Gateway", str(ref.get("namespace") or namespace), str(ref.get("name", "")))
            if key in SHARED_GATEWAYS:
                found.add(key)
    return frozenset(found)


def bundle_objects(bundles: Iterable[Path]) -> frozenset[Resource]:
    found: set[Resource] = set()
    for doc in _documents(bundles):
        metadata = _mapping(doc.get("metadata"))
        found.add((str(doc.get("kind", "")), str(metadata.get("namespace", "")), str(metadata.get("name", ""))))
    return frozenset(found)


def footprint(short_name: str, parallel: bool, bundles: Iterable[Path]) -> Footprint:
    bundles = list(bundles)
    return Footprint(short_name, parallel, shared_gateways(bundles) | bundle_objects(bundles))


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def groups(tests: Iterable[Footprint]) -> Mapping[str, str]:
    """xdist group name per test short name: tests sharing a Gateway or an object (transitively) share a
    group."""
    tests = list(tests)
    # Union-find over resources and tests alike: a test joins the set of every resource it touches.
    parent: dict[object, object] = {}

    def root(node: object) -> object:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for test in tests:
        for key in test.shared:
            parent[root(("test", test.short_name))] = root(key)
    members: dict[object, list[str]] = {}
    for test in tests:
        members.setdefault(root(("test", test.short_name)), []).append(test.short_name)
    base_gateway_of = {root(key): key for key in sorted(SHARED_GATEWAYS) if key in parent}
    result: dict[str, str] = {}
    for test in tests:
        component = root(("test", test.short_name))
        if component in base_gateway_of:
            _, namespace, name = base_gateway_of[component]
            result[test.short_name] = f"gwconf-shared-{namespace}-{name}"
        elif len(members[component]) > 1:
            result[test.short_name] = f"gwconf-shared-{min(members[component])}"
        else:
            result[test.short_name] = f"gwconf-own-{test.short_name}"
    return result
