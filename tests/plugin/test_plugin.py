"""The plugin through pytester: options, gating, skip texts, errors and what a run writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HTTP = "F.GATEWAY, F.HTTP_ROUTE"
QUERY = "F.GATEWAY, F.HTTP_ROUTE, F.HTTP_ROUTE_QUERY_PARAM_MATCHING"


def results(pytester: pytest.Pytester) -> dict:  # type: ignore[type-arg]
    files = list(Path(pytester.path, "reports").glob("*/results.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text())  # type: ignore[no-any-return]


def test_options_are_parsed_into_the_stash(pytester: pytest.Pytester) -> None:
    from conformance.plugin import OPTIONS_KEY

    config = pytester.parseconfigure("--supported-features=Gateway,HTTPRoute", "--mode=expressions")
    options = config.stash[OPTIONS_KEY].options
    assert options.mode == "expressions"
    assert {str(f) for f in options.supported_features} == {"Gateway", "HTTPRoute"}


def test_ini_values_are_used_and_cli_wins(pytester: pytest.Pytester) -> None:
    from conformance.plugin import OPTIONS_KEY

    pytester.makeini("[pytest]\ngateway_class = from-ini\nmode = ini-mode\n")
    options = pytester.parseconfigure("--mode=cli-mode").stash[OPTIONS_KEY].options
    assert (options.gateway_class, options.mode) == ("from-ini", "cli-mode")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--supported-features=HTTPRouteQuery"],
            "*'HTTPRouteQuery' is not a known feature in --supported-features. "
            "Did you mean HTTPRouteQueryParamMatching?*",
        ),
        (["--conformance-profiles=GATEWAY-HTTPS"], "*Did you mean GATEWAY-HTTP? Valid profiles:*"),
        (
            ["--cluster=kindd"],
            "*'kindd' is not a cluster provider. Did you mean kind? Valid choices: local, kind, kubeconfig.*",
        ),
        (["--local-faults=no-such-fault"], "*--local-faults: 'no-such-fault' is not a known fault*Known faults:*"),
    ],
)
def test_bad_options_are_usage_errors(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_plugin_is_inert_without_conformance_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert not Path(pytester.path, "reports").exists()
    assert "gateway-conformance:" in result.stdout.str()  # the header is shown, nothing else
    result.stdout.no_fnmatch_line("*= gateway-conformance =*")


def test_unsupported_features_skip_with_upstream_text(pytester: pytest.Pytester, scaffold) -> None:  # type: ignore[no-untyped-def]
    scaffold(
        ["Gateway", "HTTPRoute", "ReferenceGrant"],
        {"HTTPRouteA": (HTTP, True, False), "HTTPRouteQ": (QUERY, True, False)},
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*Skipping HTTPRouteQ: suite does not support HTTPRouteQueryParamMatching*"])
    data = results(pytester)
    outcomes = {t["short_name"]: t["outcome"] for t in data["tests"]}
    assert outcomes == {"HTTPRouteA": "SUCCEEDED", "HTTPRouteQ": "NOT_SUPPORTED"}
    assert data["features_source"] == "inferred"
    assert data["profiles"] == ["GATEWAY-HTTP"]


def test_failures_exit_nonzero_and_are_recorded(pytester: pytest.Pytester, scaffold) -> None:  # type: ignore[no-untyped-def]
    scaffold(["Gateway", "HTTPRoute"], {"HTTPRouteA": (HTTP, False, False)})
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    record = results(pytester)["tests"][0]
    assert record["outcome"] == "FAILED"
    assert "the check failed" in record["reason"]
    result.stdout.fnmatch_lines(["*= gateway-conformance =*", "FAILED*HTTPRouteA*"])


def test_skip_tests_and_run_test(pytester: pytest.Pytester, scaffold) -> None:  # type: ignore[no-untyped-def]
    scaffold(["Gateway", "HTTPRoute"], {"HTTPRouteA": (HTTP, True, False), "HTTPRouteB": (HTTP, True, False)})
    result = pytester.runpytest("--skip-tests=HTTPRouteB", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*Skipping HTTPRouteB: test explicitly skipped*"])


def test_run_test_lifts_the_feature_gate(pytester: pytest.Pytester, scaffold) -> None:  # type: ignore[no-untyped-def]
    scaffold(["Gateway", "HTTPRoute"], {"HTTPRouteA": (HTTP, True, False), "HTTPRouteQ": (QUERY, True, False)})
    result = pytester.runpytest("--run-test=HTTPRouteQ")
    result.assert_outcomes(passed=1, skipped=1)
    outcomes = {t["short_name"]: t["outcome"] for t in results(pytester)["tests"]}
    # As upstream, --run-test turns feature inference off: the other test is recorded as not supported.
    assert outcomes == {"HTTPRouteA": "NOT_SUPPORTED", "HTTPRouteQ": "SUCCEEDED"}


def test_unknown_run_test_suggests(pytester: pytest.Pytester, scaffold) -> None:  # type: ignore[no-untyped-def]
    scaffold(["Gateway", "HTTPRoute"], {"HTTPRouteAlpha": (HTTP, True, False)})
    result = pytester.runpytest("--run-test=HTTPRouteAlfa")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no collected test is named 'HTTPRouteAlfa'. Did you mean HTTPRouteAlpha?*"])


def test_collect_only_lists_tests(pytester: pytest.Pytester, scaffold) -> None:  # type: ignore[no-untyped-def]
    scaffold(["Gateway", "HTTPRoute"], {"HTTPRouteA": (HTTP, True, False)})
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["*test_httproutea.py::test_it*"])
    assert not Path(pytester.path, "reports").exists()


def test_reports_are_written(pytester: pytest.Pytester, scaffold) -> None:  # type: ignore[no-untyped-def]
    scaffold(["Gateway", "HTTPRoute", "ReferenceGrant"], {"HTTPRouteA": (HTTP, True, False)})
    result = pytester.runpytest("--run-id=r1")
    result.assert_outcomes(passed=1)
    directory = Path(pytester.path, "reports", "r1")
    assert {p.name for p in directory.iterdir()} >= {"results.json", "conformance-report.yaml", "support-matrix.md"}
    report = (directory / "conformance-report.yaml").read_text()
    assert "name: GATEWAY-HTTP" in report
    assert "Core tests succeeded." in report
