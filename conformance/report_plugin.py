"""Report extras of a run: JUnit properties and Allure labels per test, the implementation-specific declaration.

Registered by :mod:`conformance.plugin` (``pytest_plugins``); hooks only, run after the main plugin's.

* **JUnit** (pytest's own ``--junitxml`` writer) writes each report's ``user_properties``: the main plugin
  adds the short name, features and provisional flag; this adds ``conformance.profiles`` (each profile
  that records the test, with its level there: ``GATEWAY-HTTP:core``).
* **Allure** (allure-pytest, active with ``--alluredir``) reads ``allure_label`` markers: epic = profile,
  feature = resource (the support-matrix row the test is evidence for), story = Gateway API feature,
  tag = level (``core``/``extended``, plus ``provisional``), severity core -> critical, extended -> normal.
  The title is the upstream short name. allure-pytest itself records the status and, on failure, the
  message and trace. At the end, the effective configuration goes to ``environment.properties``.
* ``--implementation-specific=FILE`` declares the implementation-specific capabilities and their tests;
  the declaration is stored in results.json so that ``gwconf report`` regenerates the same matrix.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conformance.features import FeatureName
from conformance.profiles import PROFILES
from conformance.reports.catalog import CatalogueEntry, Level, attribute
from conformance.reports.declaration import DeclarationError, load_declaration

if TYPE_CHECKING:
    from conformance.metadata import ConformanceTest
    from conformance.results import RunRecord

PROP_PROFILES = "conformance.profiles"
_SEVERITY = {Level.CORE: "critical", Level.EXTENDED: "normal"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gateway-conformance", "Gateway API conformance")
    group.addoption(
        "--implementation-specific",
        dest="gwconf_implementation_specific",
        metavar="FILE",
        default=None,
        help="YAML/JSON declaring implementation-specific capabilities per resource and the tests behind them",
    )
    parser.addini("implementation_specific", "Same as --implementation-specific", type="string", default=None)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from conformance.plugin import LISTENER_KEY

    # allure-pytest registers it too; declared here so --strict-markers never depends on plugin order.
    config.addinivalue_line("markers", "allure_label: an Allure label (set from the test's CONFORMANCE)")
    config.addinivalue_line("markers", "allure_description: the Allure description (the test's description)")

    path = config.getoption("gwconf_implementation_specific") or config.getini("implementation_specific")
    if path and LISTENER_KEY in config.stash:
        try:
            declared = load_declaration(Path(str(path)))
        except DeclarationError as err:
            raise pytest.UsageError(f"--implementation-specific: {err}") from None
        config.stash[LISTENER_KEY].implementation_specific = declared


@pytest.hookimpl(trylast=True)  # after the main plugin put the CONFORMANCE description in the stash
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from conformance.plugin import TEST_KEY

    for item in items:
        if TEST_KEY not in item.stash:
            continue
        test = item.stash[TEST_KEY]
        profiles = profile_levels(test.features)
        item.user_properties.append((PROP_PROFILES, ",".join(f"{p}:{lvl}" for p, lvl in profiles)))
        for marker in allure_markers(test, [p for p, _ in profiles]):
            item.add_marker(marker)


def profile_levels(features: tuple[FeatureName, ...]) -> list[tuple[str, str]]:
    """Every profile that records a test with these features, and whether it counts as core or extended."""
    return [
        (str(p.name), "extended" if p.is_extended(features) else "core")
        for p in PROFILES.values()
        if p.covers(features)
    ]


def allure_markers(test: ConformanceTest, profiles: list[str]) -> list[pytest.MarkDecorator]:
    where = attribute(CatalogueEntry(test.short_name, frozenset(test.features), test.provisional))
    levels = sorted({a.level for a in where}) or [Level.CORE]
    tags = [str(level) for level in levels] + (["provisional"] if test.provisional else [])
    label = pytest.mark.allure_label
    return [
        label(*profiles, label_type="epic"),
        label(*sorted({str(a.resource) for a in where}), label_type="feature"),
        label(*sorted(str(f) for f in test.features), label_type="story"),
        label(*tags, label_type="tag"),
        label(_SEVERITY[levels[0]], label_type="severity"),
        pytest.mark.allure_description(test.description),
    ]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """The Allure title is the upstream short name (the function name is only our port's).

    Set when the call starts: allure-pytest names the test after setup, from the function name.
    """
    from conformance.plugin import TEST_KEY

    if TEST_KEY in item.stash and getattr(item.config.option, "allure_report_dir", None):
        import allure

        allure.dynamic.title(item.stash[TEST_KEY].short_name)  # type: ignore[no-untyped-call]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    from conformance.plugin import LISTENER_KEY

    directory = getattr(session.config.option, "allure_report_dir", None)
    listener = session.config.stash.get(LISTENER_KEY, None)
    if not directory or listener is None or listener.run is None:
        return
    path = Path(directory) / "environment.properties"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(environment_properties(listener.run), encoding="utf-8")


def environment_properties(run: RunRecord) -> str:
    """The run's effective configuration as Java properties, for Allure's Environment widget."""
    impl = run.implementation
    values = {
        "run.id": run.run_id,
        "implementation": f"{impl.get('organization', '')}/{impl.get('project', '')}",
        "implementation.version": impl.get("version", ""),
        "gatewayClass": run.gateway_class,
        "controllerName": run.controller_name,
        "gatewayAPIVersion": run.gateway_api_version,
        "gatewayAPIChannel": run.gateway_api_channel,
        "mode": run.mode,
        "cluster": run.cluster,
        "profiles": ",".join(run.profiles),
        "supportedFeatures": ",".join(run.supported_features),
        "supportedFeatures.source": run.features_source,
        "exemptFeatures": ",".join(run.exempt_features),
        "skipTests": ",".join(run.skip_tests),
        "runTest": run.run_test,
        "harness.version": run.harness_version,
    }
    return "".join(f"{key}={_escape(str(value))}\n" for key, value in values.items())


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
