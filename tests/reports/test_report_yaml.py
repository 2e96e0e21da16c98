"""to_yaml / goyaml.dump: byte-compatibility with sigs.k8s.io/yaml, checked against files the Go suite wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.reports.conformance_report import to_yaml
from conformance.reports.goyaml import dump
from conformance.reports.model import (
    ConformanceReport,
    ExtendedStatus,
    Implementation,
    ProfileReport,
    Result,
    Statistics,
    Status,
)

DATA = Path(__file__).parent / "data"

# Raw suite output (flush sequences, untouched), not among the hand-edited files of report-schema.md §8.
UPSTREAM = [
    "upstream-v1.4.1-envoy-gateway-experimental-v1.7.0-default-report.yaml",
    # v1.1.0 suite output: v1alpha1, a single-quoted contact and a summary folded past column 80.
    "upstream-v1.1.0-contour-experimental-v1.30.0-default-report.yaml",
]


@pytest.mark.parametrize("name", UPSTREAM)
def test_upstream_report_round_trips_byte_for_byte(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    report = ConformanceReport.from_json(yaml.safe_load(text))
    assert to_yaml(report) == text


def test_envoy_report_rebuilt_through_the_model() -> None:
    """The envoy file's GATEWAY-TLS profile, typed out by hand, comes out exactly as the suite wrote it."""
    text = (DATA / UPSTREAM[0]).read_text(encoding="utf-8")
    parsed = ConformanceReport.from_json(yaml.safe_load(text))
    tls = ProfileReport(
        name="GATEWAY-TLS",
        summary="Core tests succeeded. Extended tests succeeded.",
        core=Status(Result.SUCCESS, Statistics(passed=11)),
        extended=ExtendedStatus(
            Result.SUCCESS,
            Statistics(passed=1),
            supported_features=("GatewayAddressEmpty", "GatewayHTTPListenerIsolation", "GatewayPort8080"),
            unsupported_features=("GatewayInfrastructurePropagation", "GatewayStaticAddresses"),
        ),
    )
    assert parsed.profiles[2] == tls
    assert parsed.implementation == Implementation(
        organization="envoyproxy",
        project="envoy-gateway",
        url="https://github.com/envoyproxy/gateway",
        version="v1.7.0",
        contact=("https://github.com/envoyproxy/gateway/blob/main/GOVERNANCE.md",),
    )


def test_layout_keys_sorted_sequences_flush_statistics_capitalised() -> None:
    report = ConformanceReport(
        implementation=Implementation("o", "p", "https://x", "1.22", ("@team",)),
        date="2026-03-02T09:15:00Z",
        gateway_api_version="v1.6.1",
        gateway_api_channel="standard",
        mode="default",
        profiles=(
            ProfileReport(
                name="GATEWAY-HTTP",
                summary="Core tests failed with 1 test failures.",
                core=Status(Result.FAILURE, Statistics(passed=3, failed=1), failed_tests=("HTTPRouteWeight",)),
            ),
        ),
        succeeded_provisional_tests=("UDPRoute",),
    )
    assert to_yaml(report) == (
        "apiVersion: gateway.networking.k8s.io/v1\n"
        'date: "2026-03-02T09:15:00Z"\n'
        "gatewayAPIChannel: standard\n"
        "gatewayAPIVersion: v1.6.1\n"
        "implementation:\n"
        "  contact:\n"
        "  - '@team'\n"
        "  organization: o\n"
        "  project: p\n"
        "  url: https://x\n"
        '  version: "1.22"\n'
        "kind: ConformanceReport\n"
        "mode: default\n"
        "profiles:\n"
        "- core:\n"
        "    failedTests:\n"
        "    - HTTPRouteWeight\n"
        "    result: failure\n"
        "    statistics:\n"
        "      Failed: 1\n"
        "      Passed: 3\n"
        "      Skipped: 0\n"
        "  name: GATEWAY-HTTP\n"
        "  summary: Core tests failed with 1 test failures.\n"
        "succeededProvisionalTests:\n"
        "- UDPRoute\n"
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("v1.7.0", "v1.7.0"),
        ("2.3.0", "2.3.0"),
        ("1.22", '"1.22"'),  # a float to YAML 1.1
        ("2", '"2"'),
        ("0x1F", '"0x1F"'),
        ("1_000", '"1_000"'),
        ("08", '"08"'),  # not octal, but a float
        ("1e5", '"1e5"'),
        (".5", '".5"'),
        ("1:20", '"1:20"'),  # base-60 float
        ("yes", '"yes"'),
        ("Off", '"Off"'),
        ("y", '"y"'),
        ("null", '"null"'),
        ("~", '"~"'),
        ("", '""'),
        ("2026-08-18T14:04:23+02:00", '"2026-08-18T14:04:23+02:00"'),
        ("2026-8-1", '"2026-8-1"'),
        ("2026-02-30", "2026-02-30"),  # not a date
        ("@org/team", "'@org/team'"),
        ("a: b", "'a: b'"),
        ("it's #1", "'it''s #1'"),
        ("it's", "it's"),
        ("x #y", "'x #y'"),
        ("- item", "'- item'"),
        (" lead", "' lead'"),
        ("tab\there", '"tab\\there"'),
        ('say "hi"', 'say "hi"'),
        ("'q'", "'''q'''"),
        ("üñí", "üñí"),
        ("https://github.com/cilium/cilium#L6", "https://github.com/cilium/cilium#L6"),
    ],
)
def test_strings_are_quoted_as_go_yaml_quotes_them(value: str, written: str) -> None:
    assert dump({"k": value}) == f"k: {written}\n"


def test_multi_line_text_becomes_a_literal_block() -> None:
    assert dump({"a": "one\ntwo", "b": ["x\n"]}) == "a: |-\n  one\n  two\nb:\n- |\n  x\n"


def test_long_text_folds_at_a_space_past_column_80() -> None:
    text = "Core tests partially succeeded with 1 test skips. Extended tests partially succeeded with 3 test skips."
    assert dump({"profiles": [{"summary": text}]}) == (
        "profiles:\n"
        "- summary: Core tests partially succeeded with 1 test skips. Extended tests partially\n"
        "    succeeded with 3 test skips.\n"
    )
    assert yaml.safe_load(dump({"s": "word " * 40 + "end"})) == {"s": "word " * 40 + "end"}


def test_other_values_and_empty_containers() -> None:
    assert dump({"n": None, "t": True, "f": False, "i": 7, "l": [], "m": {}}) == (
        'f: false\ni: 7\nl: []\nm: {}\n"n": null\nt: true\n'  # "n" is a YAML 1.1 bool, even as a key
    )
    assert dump({"nested": [["a", "b"], {"x": [1]}]}) == "nested:\n- - a\n  - b\n- x:\n  - 1\n"


def test_keys_follow_go_yaml_order() -> None:
    """Letters by code point, after other characters; digit runs by value (``a9`` before ``a10``)."""
    text = dump(dict.fromkeys(["b", "a10", "a9", "B", "a_b", "ab", "a"], 1))
    assert [line.split(":")[0] for line in text.splitlines()] == ["B", "a", "a_b", "a9", "a10", "ab", "b"]


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        dump({"x": 1.5})


def test_model_json_omits_empty_lists_but_keeps_contact() -> None:
    data: dict[str, Any] = ConformanceReport(
        implementation=Implementation(),
        date="",
        gateway_api_version="UNDEFINED",
        gateway_api_channel="UNDEFINED",
        mode="default",
        profiles=(),
    ).to_json()
    assert data["implementation"]["contact"] == []
    assert data["profiles"] == []
    assert "succeededProvisionalTests" not in data
    assert ConformanceReport.from_json(data).to_json() == data
