"""The test catalogue (every known test's features) and how a test counts as evidence for the support matrix.

The support matrix must also see tests that never ran: a core test nobody ran leaves a resource
unevidenced, which only a list of *all* known tests reveals. That list is the catalogue; the harness builds
it from its ported tests. Which matrix cell a test is evidence for follows support-matrix.md §2-§3 and
depends on nothing but the test's feature list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeAlias

from conformance.features import FEATURES, FeatureName, resolve_feature
from conformance.results import RunRecord


class Resource(StrEnum):
    """Rows of the matrix, in display order (the APISIX table's order, then ListenerSet and Mesh)."""

    GATEWAY_CLASS = "GatewayClass"
    GATEWAY = "Gateway"
    HTTP_ROUTE = "HTTPRoute"
    GRPC_ROUTE = "GRPCRoute"
    REFERENCE_GRANT = "ReferenceGrant"
    TLS_ROUTE = "TLSRoute"
    TCP_ROUTE = "TCPRoute"
    UDP_ROUTE = "UDPRoute"
    BACKEND_TLS_POLICY = "BackendTLSPolicy"
    LISTENER_SET = "ListenerSet"
    MESH = "Mesh"


class Level(StrEnum):
    CORE = "core"
    EXTENDED = "extended"


GATES: Mapping[Resource, FeatureName] = {
    Resource.GATEWAY: FeatureName.GATEWAY,
    Resource.HTTP_ROUTE: FeatureName.HTTP_ROUTE,
    Resource.GRPC_ROUTE: FeatureName.GRPC_ROUTE,
    Resource.REFERENCE_GRANT: FeatureName.REFERENCE_GRANT,
    Resource.TLS_ROUTE: FeatureName.TLS_ROUTE,
    Resource.TCP_ROUTE: FeatureName.TCP_ROUTE,
    Resource.UDP_ROUTE: FeatureName.UDP_ROUTE,
    Resource.BACKEND_TLS_POLICY: FeatureName.BACKEND_TLS_POLICY,
    Resource.MESH: FeatureName.MESH,
}
"""The feature that gates each row's core level. GatewayClass has none (its tests need only Gateway) and
ListenerSet has none (the resource is gated by the extended feature ``ListenerSet``)."""

_GATE_FEATURES = frozenset(GATES.values())
# Core-only tests go to the most specific resource they touch: a ReferenceGrant test also needs a Gateway
# and a route, and those prerequisites must not share its failure.
_TIERS = (
    frozenset({FeatureName.REFERENCE_GRANT, FeatureName.BACKEND_TLS_POLICY}),
    frozenset(
        {
            FeatureName.HTTP_ROUTE,
            FeatureName.GRPC_ROUTE,
            FeatureName.TLS_ROUTE,
            FeatureName.TCP_ROUTE,
            FeatureName.UDP_ROUTE,
        }
    ),
    frozenset({FeatureName.GATEWAY}),
)
_MESH_ROUTES = frozenset({FeatureName.MESH, FeatureName.HTTP_ROUTE, FeatureName.GRPC_ROUTE})


def resource_of(feature: FeatureName) -> Resource:
    return Resource(FEATURES[feature].resource)


def is_extended_feature(feature: FeatureName) -> bool:
    """Every feature that does not gate a row is an extended feature of its resource's row."""
    return feature not in _GATE_FEATURES


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    short_name: str
    features: frozenset[FeatureName]
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class Attribution:
    """One (row, level) a test is evidence for; ``feature`` is the extended feature it evidences."""

    resource: Resource
    level: Level
    feature: FeatureName | None = None


class TestLike(Protocol):
    """What a catalogue needs from a test description: ConformanceTest and TestRecord both fit."""

    @property
    def short_name(self) -> str: ...

    @property
    def features(self) -> Sequence[str]: ...

    @property
    def provisional(self) -> bool: ...


Catalogue: TypeAlias = Mapping[str, CatalogueEntry]
CatalogueSource: TypeAlias = Mapping[str, CatalogueEntry | Sequence[str]]
"""What callers may pass: full entries, or bare feature lists (then the test is not provisional)."""


def catalogue_from_tests(tests: Iterable[TestLike]) -> dict[str, CatalogueEntry]:
    """A catalogue from test descriptions, e.g. the harness's ported ``ConformanceTest`` values."""
    return {t.short_name: _entry(t.short_name, t.features, t.provisional) for t in tests}


def normalise_catalogue(source: CatalogueSource) -> dict[str, CatalogueEntry]:
    """Resolve feature names (legacy aliases included); a bad name fails naming the test it belongs to."""
    catalogue: dict[str, CatalogueEntry] = {}
    for name, value in source.items():
        if isinstance(value, CatalogueEntry):
            catalogue[name] = _entry(name, value.features, value.provisional)
        elif isinstance(value, str):
            raise TypeError(f"catalogue entry {name}: expected a list of feature names, got the string {value!r}")
        else:
            catalogue[name] = _entry(name, value, False)
    return catalogue


def with_run(catalogue: Catalogue, run: RunRecord) -> tuple[dict[str, CatalogueEntry], tuple[str, ...]]:
    """The catalogue plus the run's tests it lacks (their records carry their features), and those names."""
    merged = dict(catalogue)
    added = []
    for test in run.tests:
        if test.short_name not in merged:
            merged[test.short_name] = _entry(test.short_name, test.features, test.provisional)
            added.append(test.short_name)
    return merged, tuple(sorted(set(added)))


def attribute(entry: CatalogueEntry) -> tuple[Attribution, ...]:
    """The matrix cells a test is evidence for (support-matrix.md §3).

    1. A mesh test counts for Mesh: extended evidence for each feature beyond Mesh and the route kind,
       otherwise core evidence.
    2. Any other test with extended features is extended evidence for each of them, in each one's row.
    3. A core-only test is core evidence for the features of the most specific tier it touches; a test
       needing only Gateway whose name starts with ``GatewayClass`` is GatewayClass's.
    """
    features = entry.features
    if FeatureName.MESH in features:
        extras = sorted(features - _MESH_ROUTES)
        if extras:
            return tuple(Attribution(Resource.MESH, Level.EXTENDED, f) for f in extras)
        return (Attribution(Resource.MESH, Level.CORE),)
    extended = sorted(f for f in features if is_extended_feature(f))
    if extended:
        return tuple(Attribution(resource_of(f), Level.EXTENDED, f) for f in extended)
    for tier in _TIERS:
        hit = sorted(features & tier)
        if not hit:
            continue
        if hit == [FeatureName.GATEWAY] and entry.short_name.startswith("GatewayClass"):
            return (Attribution(Resource.GATEWAY_CLASS, Level.CORE),)
        return tuple(Attribution(resource_of(f), Level.CORE) for f in hit)
    return ()


def _entry(name: str, features: Iterable[str], provisional: bool) -> CatalogueEntry:
    resolved = frozenset(resolve_feature(f, where=f"the catalogue entry of test {name}") for f in features)
    return CatalogueEntry(short_name=name, features=resolved, provisional=provisional)
