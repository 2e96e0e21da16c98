"""The pytest plugin (entry point ``pytest11``): options, collection, reporting. Hooks only.

It is inert unless conformance tests are collected: options are parsed (so typos fail fast), but no
cluster starts and nothing is written until an item whose module declares ``CONFORMANCE`` runs.
Fixtures live in ``conformance.fixtures``.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from conformance import interrupts
from conformance import options as opts
from conformance.listener import ResultsListener
from conformance.metadata import ConformanceTest
from conformance.parallel import WORKERINPUT_GROUPS, WORKERINPUT_RUN_ID, WORKERINPUT_SOCKET
from conformance.recorder import PROP_DESCRIPTION, PROP_FEATURES, PROP_PROVISIONAL, PROP_SHORT_NAME
from conformance.resources import bundle_path
from conformance.results import write_json_atomic
from conformance.suggest import did_you_mean
from conformance.timeouts import differences

pytest_plugins = ("conformance.fixtures", "conformance.report_plugin")

OPTIONS_KEY = pytest.StashKey[opts.Resolved]()
LISTENER_KEY = pytest.StashKey[ResultsListener]()
TEST_KEY = pytest.StashKey[ConformanceTest]()
CALL_FAILED_KEY = pytest.StashKey[bool]()
SESSION_SOCKET_KEY = pytest.StashKey[str]()
"""On a pytest-xdist worker: where the controller serves the run's session ("" otherwise)."""


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from conformance import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember a failed test body, so that its teardown saves diagnostics before cleaning up."""
    report = yield
    if report.when == "call" and report.failed:
        item.stash[CALL_FAILED_KEY] = True
    return report


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gateway-conformance", "Gateway API conformance")
    for spec in opts.SPECS:
        kwargs: dict[str, object] = {"dest": opts.dest(spec), "default": None, "help": spec.help}
        if spec.is_flag:
            group.addoption(spec.flag, nargs="?", const="true", metavar="BOOL", **kwargs)
            if spec.negatable:
                group.addoption(
                    "--no-" + spec.flag.removeprefix("--"),
                    action="store_const",
                    const="false",
                    dest=opts.dest(spec),
                    help=f"Same as {spec.flag}=false",
                )
        else:
            group.addoption(spec.flag, metavar=spec.metavar, **kwargs)
        if spec.ini:
            parser.addini(spec.ini, spec.help, type="string", default=None)


def _resolve(config: pytest.Config) -> opts.Resolved:
    cli = {spec.flag: getattr(config.option, opts.dest(spec), None) for spec in opts.SPECS}
    ini: dict[str, object] = {}
    for spec in opts.SPECS:
        if spec.ini:
            value = config.getini(spec.ini)
            ini[spec.flag] = value if value not in (None, "") else None
    try:
        resolved = opts.resolve(cli, ini)
    except opts.OptionsError as err:
        raise pytest.UsageError(str(err)) from None
    if resolved.options.local_faults:
        from conformance.local.faults import ActiveFaults, UnknownFaultError

        try:
            ActiveFaults.parse(resolved.options.local_faults)
        except UnknownFaultError as err:
            raise pytest.UsageError(f"--local-faults: {err}") from None
    return resolved


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    """--dry-run: print the plan (every command and manifest URL) and stop before anything runs."""
    if getattr(config.option, "gwconf_dry_run", None) in (None, "false"):
        return None
    from conformance import dryrun
    from conformance.implementations.schema import ProfileError
    from conformance.session import SetupError

    options = _resolve(config).options
    if not options.dry_run:
        return None
    try:
        print(dryrun.text(options, options.run_id or "<run id>"), end="")
    except (ProfileError, SetupError) as err:
        raise pytest.UsageError(str(err)) from None
    return 0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "conformance(short_name): a Gateway API conformance test (set from the module's CONFORMANCE)"
    )
    resolved = _resolve(config)
    config.stash[OPTIONS_KEY] = resolved
    workerinput: dict[str, object] = getattr(config, "workerinput", {})
    session_socket = str(workerinput.get(WORKERINPUT_SOCKET, ""))
    listener = ResultsListener(
        config, resolved.options, run_id=str(workerinput.get(WORKERINPUT_RUN_ID, "")), worker=bool(session_socket)
    )
    config.stash[LISTENER_KEY] = listener
    config.stash[SESSION_SOCKET_KEY] = session_socket
    config.pluginmanager.register(listener, "gateway-conformance-results")
    config.add_cleanup(lambda: config.pluginmanager.unregister(listener))
    if config.pluginmanager.hasplugin("xdist") and not workerinput:
        from conformance.xdist_plugin import XdistController

        controller = XdistController(config, resolved.options, listener)
        config.pluginmanager.register(controller, "gateway-conformance-xdist")
        config.add_cleanup(lambda: config.pluginmanager.unregister(controller))
    # SIGTERM (CI cancelling a job) gets the same orderly end as Ctrl-C, and a second signal only cuts
    # the cleanup short instead of killing the run before it writes its reports.
    config.add_cleanup(interrupts.install())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Generator[None]:
    """If finishing the run is itself interrupted (a second Ctrl-C during cleanup), still write the reports."""
    try:
        return (yield)
    except BaseException:
        listener = session.config.stash.get(LISTENER_KEY, None)
        if listener is not None:
            listener.write_after_abort()
        raise


def options_of(config: pytest.Config) -> opts.Options:
    return config.stash[OPTIONS_KEY].options


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect: the catalogue lists every collected test
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    seen: dict[str, str] = {}
    catalogue: dict[str, dict[str, object]] = {}
    for item in items:
        module = getattr(item, "module", None)
        test = getattr(module, "CONFORMANCE", None)
        if not isinstance(test, ConformanceTest):
            continue
        if test.short_name in seen and seen[test.short_name] != item.nodeid:
            raise pytest.UsageError(
                f"two tests declare the short name {test.short_name}: {seen[test.short_name]} and {item.nodeid}"
            )
        seen[test.short_name] = item.nodeid
        catalogue[test.short_name] = {"features": [str(f) for f in test.features], "provisional": test.provisional}
        item.stash[TEST_KEY] = test
        item.add_marker(pytest.mark.conformance(test.short_name))
        item.extra_keyword_matches.add(test.short_name)  # so that -k HTTPRouteSimpleSameNamespace selects it
        item.user_properties += [
            (PROP_SHORT_NAME, test.short_name),
            (PROP_FEATURES, ",".join(test.features)),
            (PROP_PROVISIONAL, "true" if test.provisional else "false"),
            (PROP_DESCRIPTION, test.description),
        ]
    config.stash[LISTENER_KEY].catalogue = catalogue
    if config.pluginmanager.hasplugin("xdist"):
        _mark_groups(config, items)
    options = options_of(config)
    if seen and options.run_test and options.run_test not in seen:
        raise pytest.UsageError(
            f"--run-test: no collected test is named {options.run_test!r}.{did_you_mean(options.run_test, seen)}"
        )
    unknown = sorted(name for name in options.skip_tests if seen and name not in seen)
    if unknown:
        hint = did_you_mean(unknown[0], seen)
        raise pytest.UsageError(f"--skip-tests: no collected test is named {', '.join(unknown)}.{hint}")


def _mark_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests sharing a base Gateway or an object take turns on one pytest-xdist worker (see
    conformance.grouping). A worker also leaves every test's group where the controller's scheduler
    reads it (conformance.xdist_plugin)."""
    from conformance.grouping import footprint, groups

    resources = []
    for item in items:
        test = item.stash.get(TEST_KEY, None)
        if test is not None:
            module_file = Path(str(item.fspath))
            bundles = [bundle_path(module_file, name) for name in test.manifests]
            resources.append(footprint(test.short_name, test.parallel, bundles))
    names = groups(resources)
    by_id: dict[str, str] = {}
    for item in items:
        test = item.stash.get(TEST_KEY, None)
        if test is not None:
            item.add_marker(pytest.mark.xdist_group(names[test.short_name]))
        marks = sorted(
            str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")
        )
        if marks:
            by_id[item.nodeid] = "_".join(marks)
    groups_file = str(getattr(config, "workerinput", {}).get(WORKERINPUT_GROUPS, ""))
    if groups_file:
        write_json_atomic(Path(groups_file), by_id)


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    """With --collect-only, list the conformance tests by upstream short name (the key reports use)."""
    if not config.option.collectonly:
        return []
    names = [item.stash[TEST_KEY].short_name for item in items if TEST_KEY in item.stash]
    return [f"gateway-conformance: {len(names)} conformance test(s):", *(f"  {n}" for n in names)] if names else []


def pytest_report_header(config: pytest.Config) -> list[str]:
    options = options_of(config)
    parts = [f"cluster={options.cluster}", f"class={options.gateway_class}"]
    if options.implementation:
        parts.append(f"implementation={options.implementation}")
    if options.all_features:
        parts.append(
            "features=all" + (f" minus {len(options.exempt_features)} exempt" if options.exempt_features else "")
        )
    elif options.supported_features:
        parts.append(f"features={len(options.supported_features)} supported/{len(options.exempt_features)} exempt")
    else:
        parts.append("features=from GatewayClass status")
    parts.append("profiles=" + (",".join(options.conformance_profiles) if options.conformance_profiles else "inferred"))
    if options.run_test:
        parts.append(f"run-test={options.run_test}")
    if options.skip_tests:
        parts.append(f"skip-tests={len(options.skip_tests)}")
    if options.local_faults:
        parts.append(f"local-faults={','.join(options.local_faults)}")
    if options.local_latency:
        parts.append(f"local-latency={options.local_latency:g}s+{options.local_jitter:g}s")
    changed = differences(options.timeout_config)
    if options.timeout_scale != 1.0:
        parts.append(f"timeouts x{options.timeout_scale:g}")
    elif changed:
        parts.append("timeouts: " + ", ".join(f"{k}={v:g}" for k, v in changed.items()))
    return ["gateway-conformance: " + ", ".join(parts)]
