from __future__ import annotations

import pytest

from conformance.features import FeatureName as F
from conformance.metadata import ConformanceTest
from conformance.options import Options
from conformance.profiles import ProfileName
from conformance.results import Outcome
from conformance.selection import FeaturesSource, NoSupportedFeaturesError, decide_supported, gate

HTTP_TEST = ConformanceTest("HTTPRouteSimple", "d", (F.GATEWAY, F.HTTP_ROUTE))
QUERY_TEST = ConformanceTest("HTTPRouteQuery", "d", (F.GATEWAY, F.HTTP_ROUTE, F.HTTP_ROUTE_QUERY_PARAM_MATCHING))
PROVISIONAL = ConformanceTest("HTTPRouteNew", "d", (F.GATEWAY, F.HTTP_ROUTE), provisional=True)


def test_manual_features_minus_exempt_plus_profile_core() -> None:
    options = Options(
        supported_features=frozenset({F.GATEWAY, F.HTTP_ROUTE_QUERY_PARAM_MATCHING}),
        exempt_features=frozenset({F.HTTP_ROUTE_METHOD_MATCHING}),
        conformance_profiles=(ProfileName.GATEWAY_HTTP,),
    )
    supported = decide_supported(options, ["GRPCRoute"])
    assert supported.source is FeaturesSource.MANUAL
    assert supported.features == {F.GATEWAY, F.HTTP_ROUTE, F.REFERENCE_GRANT, F.HTTP_ROUTE_QUERY_PARAM_MATCHING}


def test_all_features_minus_exempt() -> None:
    supported = decide_supported(Options(all_features=True, exempt_features=frozenset({F.MESH})), None)
    assert len(supported.features) == 60
    assert F.MESH not in supported


def test_inferred_from_gateway_class_drops_mesh_and_unknown_names() -> None:
    supported = decide_supported(Options(), ["Gateway", "HTTPRoute", "Mesh", "SomethingNew"])
    assert supported.source is FeaturesSource.INFERRED
    assert supported.features >= {F.GATEWAY, F.HTTP_ROUTE}
    assert supported.dropped == {"Mesh", "SomethingNew"}


def test_empty_inferred_set_is_an_error() -> None:
    with pytest.raises(NoSupportedFeaturesError, match="publishes no supported features"):
        decide_supported(Options(), [])


def test_default_profiles_are_those_whose_core_is_supported() -> None:
    supported = decide_supported(Options(), ["Gateway", "HTTPRoute", "ReferenceGrant"])
    assert supported.profiles == (ProfileName.GATEWAY_HTTP,)


def test_gate_unsupported_feature_uses_upstream_text() -> None:
    supported = decide_supported(Options(supported_features=frozenset({F.GATEWAY, F.HTTP_ROUTE})), None)
    result = gate(QUERY_TEST, Options(), supported)
    assert result.outcome is Outcome.NOT_SUPPORTED
    assert result.reason == "Skipping HTTPRouteQuery: suite does not support HTTPRouteQueryParamMatching"
    assert gate(HTTP_TEST, Options(), supported).outcome is None


def test_gate_skip_tests_and_run_test() -> None:
    supported = decide_supported(Options(supported_features=frozenset({F.GATEWAY, F.HTTP_ROUTE})), None)
    skipping = Options(skip_tests=frozenset({"HTTPRouteSimple"}))
    assert gate(HTTP_TEST, skipping, supported).reason == "Skipping HTTPRouteSimple: test explicitly skipped"
    focused = Options(run_test="HTTPRouteQuery")
    assert gate(QUERY_TEST, focused, supported).outcome is None  # --run-test lifts the feature gate
    assert gate(HTTP_TEST, focused, supported).outcome is Outcome.SKIPPED


def test_gate_provisional() -> None:
    supported = decide_supported(Options(supported_features=frozenset({F.GATEWAY, F.HTTP_ROUTE})), None)
    assert gate(PROVISIONAL, Options(), supported).outcome is None
    assert gate(PROVISIONAL, Options(skip_provisional_tests=True), supported).outcome is Outcome.PROVISIONAL_SKIPPED


def test_conformance_test_validates_itself() -> None:
    with pytest.raises(ValueError, match="declares no features"):
        ConformanceTest("X", "d", ())
    with pytest.raises(ValueError, match="CamelCase identifier"):
        ConformanceTest("not a name", "d", (F.GATEWAY,))
