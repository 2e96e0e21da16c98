from __future__ import annotations

import pytest

from conformance.features import FEATURES, Channel, FeatureName, SupportLevel, UnknownFeatureError, resolve_feature
from conformance.profiles import PROFILES, ProfileName, UnknownProfileError, resolve_profile, resolve_profiles


def test_there_are_61_features_and_7_profiles() -> None:
    assert len(FEATURES) == 61
    assert len(PROFILES) == 7


def test_feature_metadata_matches_upstream_sets() -> None:
    assert FEATURES[FeatureName.HTTP_ROUTE].level is SupportLevel.CORE
    assert FEATURES[FeatureName.HTTP_ROUTE_RETRY].channel is Channel.EXPERIMENTAL
    assert FEATURES[FeatureName.UDP_ROUTE].level is SupportLevel.UNLABELLED
    assert FEATURES[FeatureName.LISTENER_SET].resource == "ListenerSet"
    experimental = sorted(f.name for f in FEATURES.values() if f.channel is Channel.EXPERIMENTAL)
    assert experimental == [
        "HTTPRouteDestinationPortMatching",
        "HTTPRouteRetry",
        "HTTPRouteRetryBackendTimeout",
        "HTTPRouteRetryConnectionError",
        "TLSRouteModeMixed",
    ]


@pytest.mark.parametrize(
    ("profile", "core", "extended"),
    [
        ("GATEWAY-HTTP", 3, 40),
        ("GATEWAY-TLS", 3, 14),
        ("GATEWAY-TCP", 3, 11),
        ("GATEWAY-UDP", 3, 11),
        ("GATEWAY-GRPC", 3, 12),
        ("MESH-HTTP", 2, 9),
        ("MESH-GRPC", 2, 9),
    ],
)
def test_profile_sizes(profile: str, core: int, extended: int) -> None:
    p = PROFILES[ProfileName(profile)]
    assert (len(p.core), len(p.extended)) == (core, extended)


def test_profile_sets_match_the_spec_file(shared_dir) -> None:  # type: ignore[no-untyped-def]
    import yaml

    spec = yaml.safe_load((shared_dir / "spec" / "features.yaml").read_text())
    for name, facts in spec["profiles"].items():
        profile = PROFILES[ProfileName(name)]
        assert sorted(profile.core) == sorted(facts["core"]), name
        assert sorted(profile.extended) == sorted(facts["extended"]), name
    for facts in spec["features"]:
        feature = FEATURES[FeatureName(facts["name"])]
        assert feature.resource == facts["resource"]
        assert feature.channel == facts["channel"]


def test_legacy_aliases_resolve() -> None:
    assert resolve_feature("HTTPResponseHeaderModification") is FeatureName.HTTP_ROUTE_RESPONSE_HEADER_MODIFICATION
    assert resolve_feature("RouteDestinationPortMatching") is FeatureName.HTTP_ROUTE_DESTINATION_PORT_MATCHING


def test_unknown_feature_suggests_the_closest_and_names_the_option() -> None:
    with pytest.raises(UnknownFeatureError) as err:
        resolve_feature("HTTPRouteQuery", where="--supported-features")
    message = str(err.value)
    assert "'HTTPRouteQuery' is not a known feature in --supported-features" in message
    assert "Did you mean HTTPRouteQueryParamMatching?" in message


def test_unknown_profile_lists_valid_ones() -> None:
    with pytest.raises(UnknownProfileError) as err:
        resolve_profile("GATEWAY-HTTPS", where="--conformance-profiles")
    assert "Did you mean GATEWAY-HTTP?" in str(err.value)
    assert "MESH-GRPC" in str(err.value)


def test_profiles_keep_order_and_drop_duplicates() -> None:
    assert resolve_profiles(["MESH-HTTP", "GATEWAY-HTTP", "MESH-HTTP"]) == (
        ProfileName.MESH_HTTP,
        ProfileName.GATEWAY_HTTP,
    )


def test_extended_membership() -> None:
    http = PROFILES[ProfileName.GATEWAY_HTTP]
    assert http.covers([FeatureName.GATEWAY, FeatureName.HTTP_ROUTE])
    assert not http.is_extended([FeatureName.GATEWAY, FeatureName.HTTP_ROUTE])
    assert http.is_extended([FeatureName.GATEWAY, FeatureName.HTTP_ROUTE_QUERY_PARAM_MATCHING])
    assert not http.covers([FeatureName.GATEWAY, FeatureName.TLS_ROUTE])
