"""Which conformance tests may run at the same time (pytest-xdist), and which must take turns.

Upstream runs a test concurrently with others only when it is marked ``Parallel`` (it uses Gateways of
its own). Everything else runs one at a time, because tests that attach routes to the same shared base
Gateway disturb each other: their routes compete for the same requests, and some tests count the routes
attached to a shared Gateway. This module keeps that guarantee with more parallelism: tests that touch
the same shared Gateway (read from the parentRefs of their bundles) form one group that runs in order on
one worker; groups that share no Gateway, and tests that use only Gateways of their own, run side by
side. A test that touches several shared Gateways joins their groups into one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from conformance.infra import ALL_NAMESPACES_GATEWAY, BACKEND_NAMESPACES_GATEWAY, HTTPS_GATEWAY, SAME_NAMESPACE_GATEWAY
from conformance.kube.apply import BundleError, read_bundle

SHARED_GATEWAYS = frozenset(
    (g.namespace, g.name)
    for g in (SAME_NAMESPACE_GATEWAY, HTTPS_GATEWAY, ALL_NAMESPACES_GATEWAY, BACKEND_NAMESPACES_GATEWAY)
)


@dataclass(frozen=True, slots=True)
class Footprint:
    short_name: str
    parallel: bool
    shared: frozenset[tuple[str, str]]
    """The shared base Gateways (namespace, name) the test attaches to."""


def shared_gateways(bundles: Iterable[Path]) -> frozenset[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for bundle in bundles:
        try:
            documents = read_bundle(bundle)
        except BundleError:
            continue  # the test itself will report the broken bundle
        for doc in documents:
            namespace = str((doc.get("metadata") or {}).get("namespace", ""))
            for ref in (doc.get("spec") or {}).get("parentRefs") or []:
                if ref.get("kind", "Gateway") != "Gateway":
                    continue
                key = (str(ref.get("namespace") or namespace), str(ref.get("name", "")))
                if key in SHARED_GATEWAYS:
                    found.add(key)
    return frozenset(found)


def groups(tests: Iterable[Footprint]) -> Mapping[str, str]:
    """xdist group name per test short name: tests sharing a Gateway (transitively) share a group."""
    tests = list(tests)
    parent: dict[tuple[str, str], tuple[str, str]] = {key: key for key in SHARED_GATEWAYS}

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for test in tests:
        keys = sorted(test.shared)
        for other in keys[1:]:
            parent[root(other)] = root(keys[0])
    result: dict[str, str] = {}
    for test in tests:
        if test.shared:
            namespace, name = root(min(test.shared))
            result[test.short_name] = f"gwconf-shared-{namespace}-{name}"
        else:
            result[test.short_name] = f"gwconf-own-{test.short_name}"
    return result
