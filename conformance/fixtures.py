"""The public fixtures of the plugin. No hooks here.

Session fixtures hold the run's shared state (``conformance_session``), and small fixtures expose single
values that a conftest may override (``gateway_class_name``, ``supported_features``, ``timeout_config``).
An autouse fixture does for each conformance test what upstream's ``ConformanceTest.Run`` does: gate on
features and skip lists, apply the manifests, and clean them up afterwards. Heavy set-up happens only
for items whose module declares ``CONFORMANCE``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conformance import diagnostics, selection
from conformance.kube.apply import Applied, BundleError, apply_objects, read_bundle
from conformance.kube.errors import KubeError
from conformance.kube.facade import Kube
from conformance.parallel import RemoteSession, Request
from conformance.probes.http import HTTPProbe
from conformance.progress import Progress, quiet_environment
from conformance.recorder import PROP_GATE
from conformance.resources import bundle_path
from conformance.session import ConformanceSession, SetupError

if TYPE_CHECKING:
    from conformance.features import FeatureName
    from conformance.options import Options
    from conformance.timeouts import TimeoutConfig

__all__ = ["HTTPProbe", "Kube"]

log = logging.getLogger(__name__)


@pytest.fixture(scope="session")
def conformance_options(request: pytest.FixtureRequest) -> Options:
    """The run's effective options (frozen)."""
    from conformance.plugin import options_of

    return options_of(request.config)


SESSION_KEY = pytest.StashKey["ConformanceSession"]()
"""The running session, for plugins that look at the cluster between tests (bench/)."""


@pytest.fixture(scope="session")
def conformance_session(request: pytest.FixtureRequest, conformance_options: Options) -> Generator[ConformanceSession]:
    """Cluster, implementation and base resources for the whole run (started on first use).

    Under pytest-xdist the controller process owns them and each worker gets a client-only view
    (``conformance.parallel``), typed the same way for the fixtures below.
    """
    from conformance.plugin import LISTENER_KEY, SESSION_SOCKET_KEY

    listener = request.config.stash[LISTENER_KEY]
    focused = listener.features_of(conformance_options.run_test)
    socket_path = request.config.stash.get(SESSION_SOCKET_KEY, "")
    session: ConformanceSession
    if socket_path:
        request_ = Request(listener.catalogue, sorted(focused))
        session = RemoteSession(conformance_options, socket_path, request_, listener.report_dir)  # type: ignore[assignment]
    else:
        session = ConformanceSession(
            conformance_options,
            report_dir=listener.report_dir,
            run_test_features=focused,
            progress=terminal_progress(request.config),
        )
    try:
        try:
            facts = session.start()
        except (SetupError, KubeError, AssertionError, OSError) as err:
            raise SetupError(f"gateway-conformance setup failed: {err}") from err
        if not socket_path:
            listener.set_facts(facts)
        request.config.stash[SESSION_KEY] = session
        yield session
    finally:
        # Teardown problems must be visible but must not mask the test results.
        problems = session.close()
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        for problem in problems:
            if reporter is not None:
                reporter.write_line(f"gateway-conformance cleanup: {problem}", yellow=True)


@pytest.fixture(scope="session")
def kube(conformance_session: ConformanceSession) -> Kube:
    """Cluster access with upstream-style status helpers (``conformance.kube.facade.Kube``)."""
    assert conformance_session.kube is not None
    return conformance_session.kube


@pytest.fixture(scope="session")
def http(conformance_session: ConformanceSession) -> HTTPProbe:
    """HTTP traffic to Gateways with upstream's comparison and eventual-consistency rules."""
    assert conformance_session.http is not None
    return conformance_session.http


@pytest.fixture(scope="session")
def gateway_class_name(conformance_options: Options) -> str:
    return conformance_options.gateway_class


@pytest.fixture(scope="session")
def controller_name(conformance_session: ConformanceSession) -> str:
    assert conformance_session.facts is not None
    return conformance_session.facts.controller_name


@pytest.fixture(scope="session")
def supported_features(conformance_session: ConformanceSession) -> frozenset[FeatureName]:
    assert conformance_session.facts is not None
    return conformance_session.facts.supported.features


@pytest.fixture(scope="session")
def timeout_config(conformance_options: Options) -> TimeoutConfig:
    return conformance_options.timeout_config


_LAST_TEST_END: list[float] = []


def terminal_progress(config: pytest.Config) -> Progress:
    """Progress lines on the terminal, written past pytest's output capture (quiet under CI or without a TTY)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or not reporter.isatty or quiet_environment():
        return Progress.quiet()

    def write(line: str) -> None:
        if capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line(line)
        else:
            reporter.write_line(line)

    return Progress(write)


def save_diagnostics(
    request: pytest.FixtureRequest, session: ConformanceSession, short_name: str, applied: list[Applied]
) -> None:
    """For a failed test: objects, events and controller logs under debug/<test>/, then the hook."""
    from conformance.plugin import CALL_FAILED_KEY, LISTENER_KEY

    if not request.node.stash.get(CALL_FAILED_KEY, False) or not session.options.collect_diagnostics:
        return
    if session.client is None:
        return
    entry = session.entry
    controller = (entry.controller_namespace, entry.controller_selector) if entry is not None else None
    directory = request.config.stash[LISTENER_KEY].report_dir / "debug" / short_name
    try:
        files = diagnostics.collect(session.client, directory, applied, controller=controller)
    except (KubeError, OSError) as err:
        log.warning("saving diagnostics for %s failed: %s", short_name, err)
        return
    request.config.hook.pytest_gwconf_diagnostics(item=request.node, directory=directory, files=files)


@pytest.fixture(autouse=True)
def _gwconf_conformance_test(request: pytest.FixtureRequest) -> Generator[None]:
    """Gate, apply manifests, run, clean up: upstream's ConformanceTest.Run around each test body."""
    from conformance.plugin import TEST_KEY

    test = request.node.stash.get(TEST_KEY, None)
    if test is None:
        yield
        return
    session: ConformanceSession = request.getfixturevalue("conformance_session")
    options = session.options
    assert session.facts is not None and session.client is not None and session.fill is not None
    gate = selection.gate(test, options, session.facts.supported)
    if gate.outcome is not None:
        request.node.user_properties.append((PROP_GATE, str(gate.outcome)))
        pytest.skip(gate.reason)
    isolation = options.timeout_config.test_isolation
    if isolation and _LAST_TEST_END:
        time.sleep(isolation)  # requested by the user (TestIsolation), not a wait for state
    cleanup = session.new_cleanup() if options.cleanup_test_resources else None
    module_file = Path(str(request.node.fspath))
    applied: list[Applied] = []
    try:
        for name in test.manifests:
            path = bundle_path(module_file, name)
            applied += apply_objects(session.client, read_bundle(path), session.fill, cleanup=cleanup, where=str(path))
        yield
    except (BundleError, KubeError) as err:
        pytest.fail(f"applying the manifests of {test.short_name} failed: {err}", pytrace=False)
    finally:
        _LAST_TEST_END[:] = [time.monotonic()]
        save_diagnostics(request, session, test.short_name, applied)  # before cleanup deletes the evidence
        if cleanup is not None:
            problems = cleanup.run()
            if problems:
                pytest.fail("cleanup failed: " + "; ".join(problems), pytrace=False)
