"""A scaffold for pytester runs: a tiny suite plus a conftest that replaces the cluster with a fake session."""

from __future__ import annotations

import textwrap

import pytest

FAKE_CONFTEST = textwrap.dedent(
    """
    import pytest
    from conformance.kube.apply import Fill
    from conformance.options import ImplementationInfo
    from conformance.selection import decide_supported
    from conformance.session import RunFacts


    class _NoCleanup:
        def run(self):
            return []


    class FakeSession:
        def __init__(self, options, published):
            self.options = options
            supported = decide_supported(options, published)
            self.facts = RunFacts("fake cluster", options.gateway_class, "example.net/ctrl", "v1.6.1",
                                  "experimental", supported, ImplementationInfo("org", "proj", "url", "v1", ("me",)))
            self.client = object()
            self.fill = Fill(options.gateway_class)

        def new_cleanup(self):
            return _NoCleanup()


    @pytest.fixture(scope="session")
    def conformance_session(request, conformance_options):
        from conformance.plugin import LISTENER_KEY
        session = FakeSession(conformance_options, PUBLISHED)
        request.config.stash[LISTENER_KEY].set_facts(session.facts)
        return session
    """
)

SUITE = textwrap.dedent(
    """
    from conformance import ConformanceTest, FeatureName as F

    CONFORMANCE = ConformanceTest(
        short_name="{name}", description="d", features=({features},), provisional={provisional}
    )


    def test_it():
        assert {passes}, "the check failed"
    """
)


@pytest.fixture
def scaffold(pytester: pytest.Pytester):  # type: ignore[no-untyped-def]
    """Write a suite: scaffold(published=[...], tests={name: (features, passes, provisional)})."""

    def make(published: list[str] | None, tests: dict[str, tuple[str, bool, bool]]) -> None:
        pytester.makeconftest(f"PUBLISHED = {published!r}\n" + FAKE_CONFTEST)
        for name, (features, passes, provisional) in tests.items():
            pytester.makepyfile(
                **{
                    f"test_{name.lower()}": SUITE.format(
                        name=name, features=features, passes=passes, provisional=provisional
                    )
                }
            )

    return make
