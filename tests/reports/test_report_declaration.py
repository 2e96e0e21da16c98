"""The implementation-specific declaration file, and the Allure environment of a run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.features import FeatureName
from conformance.report_plugin import environment_properties, profile_levels
from conformance.reports.declaration import DeclarationError, load_declaration, parse_declaration
from conformance.results import RunRecord

RunFactory = Callable[..., RunRecord]


def test_a_whole_implementation_profile_or_just_the_mapping(tmp_path: Path) -> None:
    profile = tmp_path / "impl.yaml"
    profile.write_text(
        "name: acme\nimplementationSpecific:\n  HTTPRoute:\n    Regex: [B, A, A]\n    Other: C\n", encoding="utf-8"
    )
    assert load_declaration(profile) == {"HTTPRoute": {"Regex": ["A", "B"], "Other": ["C"]}}
    as_json = tmp_path / "impl.json"
    as_json.write_text('{"GatewayClass": {"ParametersRef": ["T"]}}', encoding="utf-8")
    assert load_declaration(as_json) == {"GatewayClass": {"ParametersRef": ["T"]}}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1], "f.yaml: field top level: expected a mapping of resource names"),
        ({"HTTPRoutes": {"X": ["T"]}}, "f.yaml: field HTTPRoutes: not a resource of the support matrix. Did you mean"),
        ({"implementationSpecific": {"ReferenceGrant": {"X": ["T"]}}}, "field implementationSpecific.ReferenceGrant"),
        ({"HTTPRoute": ["T"]}, "f.yaml: field HTTPRoute: expected a mapping of capability -> list of test names"),
        ({"HTTPRoute": {"X": []}}, "f.yaml: field HTTPRoute.X: expected a non-empty list of test short names"),
    ],
)
def test_malformed_declarations_name_the_field(data: object, message: str) -> None:
    with pytest.raises(DeclarationError) as caught:
        parse_declaration(data, where="f.yaml")
    assert message in str(caught.value)


def test_unreadable_declaration(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"bad\.yaml: not valid YAML or JSON"):
        load_declaration(bad)


def test_environment_properties_and_profile_levels(make_run: RunFactory) -> None:
    text = environment_properties(make_run([], gateway_class="eg", mode="multi\nline"))
    assert "gatewayClass=eg\n" in text
    assert "mode=multi\\nline\n" in text
    assert "implementation=example.org/acme\n" in text
    levels = dict(profile_levels((FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.GATEWAY_PORT8080)))
    assert levels == {"GATEWAY-HTTP": "extended"}
