"""``ConformanceTest``: the declarative description every suite module carries as ``CONFORMANCE``.

It mirrors upstream's ``ConformanceTest{ShortName, Description, Features, Manifests, ...}`` value. The
plugin reads it at collection time; gating on features, applying the manifests and cleaning up are the
plugin's job, so a test function only holds the checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.features import FeatureName


@dataclass(frozen=True, slots=True)
class ConformanceTest:
    short_name: str
    """Upstream's ShortName, verbatim: it is the key in every report."""
    description: str
    features: tuple[FeatureName, ...]
    """Every feature the test exercises; it is skipped unless all are supported."""
    manifests: tuple[str, ...] = ()
    """Bundle files, relative to ``manifests/<resource>/`` (``<resource>`` = the suite module's folder)."""
    provisional: bool = False
    """Upstream marks new tests provisional; reports list those that passed separately."""
    parallel: bool = False
    """Upstream runs the test concurrently with other parallel tests (it touches no shared object)."""
    slow: bool = False

    def __post_init__(self) -> None:
        if not self.short_name or not self.short_name.isidentifier():
            raise ValueError(f"ConformanceTest short_name must be a CamelCase identifier, got {self.short_name!r}")
        if not self.features:
            raise ValueError(f"ConformanceTest {self.short_name} declares no features")
        if len(set(self.features)) != len(self.features):
            raise ValueError(f"ConformanceTest {self.short_name} lists a feature twice")
