"""Which features count as supported, and what each test's starting outcome is (upstream e.1 / e.2).

Pure functions of the options, the GatewayClass's published features and a test's metadata, so the
rules can be tested without pytest or a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from conformance.features import FEATURES, FeatureName
from conformance.profiles import PROFILES, ProfileName
from conformance.results import Outcome

if TYPE_CHECKING:
    from collections.abc import Iterable

    from conformance.metadata import ConformanceTest
    from conformance.options import Options


class FeaturesSource(StrEnum):
    MANUAL = "manual"
    """--supported-features (minus --exempt-features)."""
    ALL = "all-features"
    INFERRED = "inferred"
    """GatewayClass status.supportedFeatures."""
    CATALOG = "catalog"
    """The implementation profile's declaration (for implementations that publish no status features)."""
    NONE = "none"
    """Nothing declared or published: only the requested profiles' core features."""


class NoSupportedFeaturesError(RuntimeError):
    pass


MESH_FEATURES = frozenset(f.name for f in FEATURES.values() if f.resource == "Mesh")


@dataclass(frozen=True, slots=True)
class SupportedFeatures:
    features: frozenset[FeatureName]
    source: FeaturesSource
    profiles: tuple[ProfileName, ...]
    dropped: frozenset[str] = frozenset()
    """Names published by the GatewayClass that we ignored (unknown, or mesh features on a GatewayClass)."""

    def __contains__(self, feature: object) -> bool:
        return feature in self.features


def decide_supported(
    options: Options,
    published: Iterable[str] | None,
    *,
    gateway_class: str = "",
) -> SupportedFeatures:
    """The supported feature set and the profiles to report on.

    ``published`` is the GatewayClass's ``status.supportedFeatures[].name`` (None when it could not be read).
    """
    dropped: set[str] = set()
    if options.all_features:
        features = frozenset(FEATURES) - options.exempt_features
        source = FeaturesSource.ALL
    elif options.supported_features or options.exempt_features or options.run_test:
        features = options.supported_features - options.exempt_features
        source = FeaturesSource.MANUAL
    elif published is not None:
        found: set[FeatureName] = set()
        for name in published:
            if name in FEATURES and name not in MESH_FEATURES:
                found.add(FeatureName(name))
            else:
                dropped.add(name)
        features = frozenset(found)
        source = FeaturesSource.INFERRED
        if not features:
            raise NoSupportedFeaturesError(
                f"GatewayClass {gateway_class or options.gateway_class} publishes no supported features in "
                "status.supportedFeatures, and none were given; pass --supported-features=... or --all-features"
            )
    else:
        features = frozenset()
        source = FeaturesSource.NONE

    profiles = options.conformance_profiles or default_profiles(features)
    for profile in profiles:
        features |= PROFILES[profile].core
    return SupportedFeatures(frozenset(features), source, tuple(profiles), frozenset(dropped))


def default_profiles(features: frozenset[FeatureName]) -> tuple[ProfileName, ...]:
    """Profiles whose core features are all supported: what a run reports on when none were named.

    Upstream reports no profile at all then; naming the profiles an implementation evidently targets
    makes the default run's report useful without inventing any claim (core is required in full).
    """
    return tuple(p.name for p in PROFILES.values() if p.core <= features)


@dataclass(frozen=True, slots=True)
class Gate:
    outcome: Outcome | None
    """None: run the test. Otherwise the outcome it is recorded with without running."""
    reason: str = ""


def gate(test: ConformanceTest, options: Options, supported: SupportedFeatures) -> Gate:
    """Decide before running whether a test runs, with upstream's skip texts and outcome precedence."""
    unsupported = next((f for f in test.features if f not in supported), None)
    explicitly_skipped = f"Skipping {test.short_name}: test explicitly skipped"
    if options.run_test:
        if options.run_test == test.short_name:
            return Gate(None)  # --run-test lifts the feature gate for the focused test, as upstream does
        # Upstream still records tests it could not have run as NOT_SUPPORTED (counted nowhere).
        return Gate(Outcome.NOT_SUPPORTED if unsupported else Outcome.SKIPPED, explicitly_skipped)
    if unsupported is not None:
        return Gate(Outcome.NOT_SUPPORTED, f"Skipping {test.short_name}: suite does not support {unsupported}")
    if options.skip_provisional_tests and test.provisional:
        # Upstream still executes these and only changes the bookkeeping; we honour the option's name.
        return Gate(Outcome.PROVISIONAL_SKIPPED, f"Skipping {test.short_name}: provisional tests are skipped")
    if test.short_name in options.skip_tests:
        return Gate(Outcome.SKIPPED, explicitly_skipped)
    return Gate(None)


def extended_features(profile: ProfileName, supported: SupportedFeatures) -> tuple[list[str], list[str]]:
    """(supported, unsupported) extended features of a profile, sorted, as a report lists them."""
    extended = PROFILES[profile].extended
    return (
        sorted(str(f) for f in extended & supported.features),
        sorted(str(f) for f in extended - supported.features),
    )
