"""build_report: upstream's roll-up of per-test outcomes into a ConformanceReport (report-schema.md §3, §5)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from conformance.features import UnknownFeatureError
from conformance.profiles import UnknownProfileError
from conformance.reports.conformance_report import build_report, summary, to_yaml
from conformance.reports.model import (
    API_VERSION,
    ConformanceReport,
    ExtendedStatus,
    ProfileReport,
    Result,
    Statistics,
    Status,
)
from conformance.results import Outcome, RunRecord
from conformance.results import TestRecord as Record  # not "Test*": pytest would try to collect it

RecordFactory = Callable[..., Record]
RunFactory = Callable[..., RunRecord]

S, F, K = Outcome.SUCCEEDED, Outcome.FAILED, Outcome.SKIPPED
HTTP = ("Gateway", "HTTPRoute")


def profile(report: ConformanceReport, name: str) -> ProfileReport:
    matches = [p for p in report.profiles if p.name == name]
    assert matches, f"{name} missing from {[p.name for p in report.profiles]}"
    return matches[0]


def test_a_test_counts_in_every_profile_that_covers_all_its_features(
    record: RecordFactory, make_run: RunFactory
) -> None:
    run = make_run(
        [
            record("GatewayOnly", S, "Gateway"),
            record("HTTPOnly", S, *HTTP),
            record("TLSOnly", S, "Gateway", "TLSRoute"),
            record("HTTPRouteDisallowedKind", S, "Gateway", "HTTPRoute", "TLSRoute"),
        ],
        profiles=["GATEWAY-HTTP", "GATEWAY-TLS"],
        supported_features=["Gateway", "HTTPRoute", "TLSRoute", "ReferenceGrant"],
    )
    report = build_report(run)
    assert profile(report, "GATEWAY-HTTP").core.statistics == Statistics(passed=2)
    assert profile(report, "GATEWAY-TLS").core.statistics == Statistics(passed=2)
    assert [p.name for p in report.profiles] == ["GATEWAY-HTTP", "GATEWAY-TLS"]


def test_a_test_fitting_no_enabled_profile_leaves_no_trace(record: RecordFactory, make_run: RunFactory) -> None:
    report = build_report(make_run([record("HTTPRouteDisallowedKind", F, "Gateway", "HTTPRoute", "TLSRoute")]))
    assert report.profiles == ()


def test_a_test_is_extended_when_any_feature_is_not_core_in_that_profile(
    record: RecordFactory, make_run: RunFactory
) -> None:
    run = make_run(
        [
            record("HTTPRouteQueryParamMatching", S, *HTTP, "HTTPRouteQueryParamMatching"),
            record("GatewayWithAttachedRoutesWithPort8080", S, *HTTP, "GatewayPort8080"),
            record("TCPRouteSimple", S, "Gateway", "TCPRoute"),
            record("HTTPRouteSimpleSameNamespace", S, *HTTP),
        ],
        profiles=["GATEWAY-HTTP", "GATEWAY-TCP"],
        supported_features=["HTTPRouteQueryParamMatching", "GatewayPort8080", "TCPRoute"],
    )
    report = build_report(run)
    http = profile(report, "GATEWAY-HTTP")
    assert http.core.statistics == Statistics(passed=1)
    assert http.extended is not None
    assert http.extended.statistics == Statistics(passed=2)
    tcp = profile(report, "GATEWAY-TCP")  # TCPRoute is core there, although also listed as extended
    assert tcp.core.statistics == Statistics(passed=1)
    assert tcp.extended is None


def test_each_outcome_lands_where_upstream_puts_it(record: RecordFactory, make_run: RunFactory) -> None:
    run = make_run(
        [
            record("B", S, *HTTP),
            record("D", F, *HTTP),
            record("C", F, *HTTP),
            record("A", K, *HTTP),
            record("E", Outcome.NOT_SUPPORTED, *HTTP),
            record("G", Outcome.PROVISIONAL_SKIPPED, *HTTP, provisional=True),
        ]
    )
    core = profile(build_report(run), "GATEWAY-HTTP").core
    assert core == Status(
        result=Result.FAILURE,
        statistics=Statistics(passed=1, failed=2, skipped=1),
        skipped_tests=("A",),
        failed_tests=("C", "D"),
    )


@pytest.mark.parametrize("outcome", [Outcome.NOT_SUPPORTED, Outcome.PROVISIONAL_SKIPPED])
def test_uncounted_outcomes_still_make_the_profile_appear(
    outcome: Outcome, record: RecordFactory, make_run: RunFactory
) -> None:
    run = make_run([record("GRPCRouteHeaderMatching", outcome, "Gateway", "GRPCRoute")], profiles=["GATEWAY-GRPC"])
    (grpc,) = build_report(run).profiles
    assert grpc == ProfileReport(
        name="GATEWAY-GRPC",
        summary="Core tests succeeded.",
        core=Status(result=Result.SUCCESS, statistics=Statistics()),
    )


def test_extended_block_needs_a_passed_failed_or_skipped_extended_test(
    record: RecordFactory, make_run: RunFactory
) -> None:
    not_run = make_run([record("HTTPRouteCORS", Outcome.NOT_SUPPORTED, *HTTP, "HTTPRouteCORS"), record("X", S, *HTTP)])
    http = profile(build_report(not_run), "GATEWAY-HTTP")
    assert http.extended is None
    assert "supportedFeatures" not in to_yaml(build_report(not_run))

    skipped = make_run([record("HTTPRouteCORS", K, *HTTP, "HTTPRouteCORS")], supported_features=["HTTPRouteCORS"])
    extended = profile(build_report(skipped), "GATEWAY-HTTP").extended
    assert extended is not None
    assert extended.result is Result.PARTIAL
    assert extended.skipped_tests == ("HTTPRouteCORS",)


def test_extended_feature_lists_split_the_profiles_extended_set_by_support(
    record: RecordFactory, make_run: RunFactory
) -> None:
    run = make_run(
        [record("HTTPRouteResponseHeaderModifier", S, *HTTP, "HTTPRouteResponseHeaderModification")],
        profiles=["GATEWAY-GRPC", "GATEWAY-HTTP"],
        # A legacy name is understood; a mesh feature is not in these profiles and is not listed.
        supported_features=["HTTPResponseHeaderModification", "GatewayPort8080", "MeshConsumerRoute", "GRPCRoute"],
    )
    report = build_report(run)
    extended = profile(report, "GATEWAY-HTTP").extended
    assert isinstance(extended, ExtendedStatus)
    assert extended.supported_features == ("GatewayPort8080", "HTTPRouteResponseHeaderModification")
    assert "HTTPRouteCORS" in extended.unsupported_features
    assert list(extended.unsupported_features) == sorted(extended.unsupported_features)
    assert "GatewayPort8080" not in extended.unsupported_features
    assert [p.name for p in report.profiles] == ["GATEWAY-HTTP"]  # the HTTPRoute test does not fit GATEWAY-GRPC


@pytest.mark.parametrize(
    ("outcomes", "result"),
    [
        ((), Result.SUCCESS),
        ((S, S), Result.SUCCESS),
        ((S, K), Result.PARTIAL),
        ((K, F), Result.FAILURE),
    ],
)
def test_result_is_failure_then_partial_then_success(
    outcomes: tuple[Outcome, ...], result: Result, record: RecordFactory, make_run: RunFactory
) -> None:
    tests = [record(f"T{i}", o, *HTTP) for i, o in enumerate(outcomes)] or [record("T", Outcome.NOT_SUPPORTED, *HTTP)]
    assert profile(build_report(make_run(tests)), "GATEWAY-HTTP").core.result is result


@pytest.mark.parametrize(
    ("core", "extended", "expected"),
    [
        ((S,), None, "Core tests succeeded."),
        ((S, K, K), None, "Core tests partially succeeded with 2 test skips."),
        ((F, K), (S,), "Core tests failed with 1 test failures. Extended tests succeeded."),
        ((S,), (K,), "Core tests succeeded. Extended tests partially succeeded with 1 test skips."),
        ((S,), (F, F, K), "Core tests succeeded. Extended tests failed with 2 test failures."),
    ],
)
def test_summary_sentence_matches_upstream(
    core: tuple[Outcome, ...],
    extended: tuple[Outcome, ...] | None,
    expected: str,
    record: RecordFactory,
    make_run: RunFactory,
) -> None:
    tests = [record(f"Core{i}", o, *HTTP) for i, o in enumerate(core)]
    tests += [record(f"Ext{i}", o, *HTTP, "HTTPRouteCORS") for i, o in enumerate(extended or ())]
    report = build_report(make_run(tests, supported_features=["HTTPRouteCORS"]))
    http = profile(report, "GATEWAY-HTTP")
    assert http.summary == expected
    assert summary(http.core, http.extended) == expected


def test_succeeded_provisional_tests_regardless_of_profile(record: RecordFactory, make_run: RunFactory) -> None:
    run = make_run(
        [
            record("UDPRoute", S, "UDPRoute", "Gateway", provisional=True),  # GATEWAY-UDP is not enabled
            record("HTTPRouteNamedRule", S, *HTTP, "HTTPRouteNamedRouteRule", provisional=True),
            record("GRPCRouteNamedRule", F, "Gateway", "GRPCRoute", provisional=True),
            record("HTTPRoute303Redirect", Outcome.PROVISIONAL_SKIPPED, *HTTP, provisional=True),
            record("HTTPRouteSimpleSameNamespace", S, *HTTP),
        ]
    )
    assert build_report(run).succeeded_provisional_tests == ("HTTPRouteNamedRule", "UDPRoute")
    assert "succeededProvisionalTests" not in to_yaml(build_report(make_run([record("X", S, *HTTP)])))


def test_run_metadata_is_copied(record: RecordFactory, make_run: RunFactory) -> None:
    run = make_run([record("X", S, *HTTP)], gateway_api_channel="standard", mode="gateway-namespace-mode")
    report = build_report(run)
    assert (report.api_version, report.kind) == (API_VERSION, "ConformanceReport")
    assert report.date == "2026-03-02T09:15:00+01:00"
    assert (report.gateway_api_version, report.gateway_api_channel, report.mode) == (
        "v1.6.1",
        "standard",
        "gateway-namespace-mode",
    )
    assert report.implementation.contact == ("@acme/maintainers",)
    assert report.implementation.version == "v1.0.0"


def test_contact_given_as_comma_separated_text_is_split(record: RecordFactory, make_run: RunFactory) -> None:
    implementation = {"organization": "o", "project": "p", "url": "u", "version": "1", "contact": "a@x, @b"}
    report = build_report(make_run([], implementation=implementation))
    assert report.implementation.contact == ("a@x", "@b")


def test_profiles_come_out_sorted_by_name(record: RecordFactory, make_run: RunFactory) -> None:
    run = make_run(
        [record("G", S, "Gateway")],
        profiles=["GATEWAY-TLS", "GATEWAY-HTTP", "GATEWAY-GRPC"],
        supported_features=["Gateway", "HTTPRoute", "TLSRoute", "GRPCRoute", "ReferenceGrant"],
    )
    assert [p.name for p in build_report(run).profiles] == ["GATEWAY-GRPC", "GATEWAY-HTTP", "GATEWAY-TLS"]


def test_same_input_gives_identical_text_whatever_the_test_order(acme_run: RunRecord) -> None:
    first = to_yaml(build_report(acme_run))
    assert to_yaml(build_report(acme_run)) == first
    for seed in range(3):
        shuffled = list(acme_run.tests)
        random.Random(seed).shuffle(shuffled)
        again = RunRecord.from_json(acme_run.to_json())
        again.tests = shuffled
        assert again.tests != acme_run.tests
        assert to_yaml(build_report(again)) == first


class TestInterrupted:
    """INTERRUPTED: counted nowhere, listed with the skipped tests, and never a success."""

    def test_listed_not_counted_and_partial(self, record: RecordFactory, make_run: RunFactory) -> None:
        run = make_run([record("A", S, *HTTP), record("B", Outcome.INTERRUPTED, *HTTP)])
        http = profile(build_report(run), "GATEWAY-HTTP")
        assert http.core == Status(result=Result.PARTIAL, statistics=Statistics(passed=1), skipped_tests=("B",))
        assert http.summary == "Core tests partially succeeded with 1 test skips."

    def test_a_failure_still_wins(self, record: RecordFactory, make_run: RunFactory) -> None:
        run = make_run([record("A", F, *HTTP), record("B", Outcome.INTERRUPTED, *HTTP)])
        core = profile(build_report(run), "GATEWAY-HTTP").core
        assert core.result is Result.FAILURE
        assert core.statistics == Statistics(failed=1)

    def test_creates_the_extended_block(self, record: RecordFactory, make_run: RunFactory) -> None:
        run = make_run(
            [record("CORS", Outcome.INTERRUPTED, *HTTP, "HTTPRouteCORS")], supported_features=["HTTPRouteCORS"]
        )
        http = profile(build_report(run), "GATEWAY-HTTP")
        assert http.extended is not None
        assert (http.extended.result, http.extended.statistics) == (Result.PARTIAL, Statistics())
        assert http.summary == "Core tests succeeded. Extended tests partially succeeded with 1 test skips."


def test_unknown_profile_is_named(make_run: RunFactory) -> None:
    with pytest.raises(UnknownProfileError, match="GATEWAY-HTTPS"):
        build_report(make_run([], profiles=["GATEWAY-HTTPS"]))


def test_unknown_feature_names_the_test(record: RecordFactory, make_run: RunFactory) -> None:
    with pytest.raises(UnknownFeatureError, match=r"HTTPRouteTeleport.*results\.json test X"):
        build_report(make_run([record("X", S, "Gateway", "HTTPRouteTeleport")]))


def test_omitted_fields_never_appear_and_required_ones_always_do(record: RecordFactory, make_run: RunFactory) -> None:
    text = to_yaml(build_report(make_run([record("X", S, *HTTP)], mode="default")))
    for absent in ("extended:", "skippedTests", "failedTests", "supportedFeatures", "succeededProvisionalTests"):
        assert absent not in text
    for present in ("summary: Core tests succeeded.", "mode: default", "gatewayAPIChannel: experimental"):
        assert present in text
    assert "      Failed: 0\n      Passed: 1\n      Skipped: 0\n" in text
