"""Conformance profiles: named sets of core and extended features (upstream ``utils/suite/profiles.go``).

A profile is what an implementation claims conformance for (``GATEWAY-HTTP``, ``MESH-GRPC``, ...). Its core
features are mandatory; its extended features are optional and reported one by one. The sets below are
upstream's, composed the way upstream composes them, so that a change there is a one-line change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from conformance.features import ALL_FEATURES, FeatureName, SupportLevel
from conformance.suggest import did_you_mean


class ProfileName(StrEnum):
    GATEWAY_HTTP = "GATEWAY-HTTP"
    GATEWAY_TLS = "GATEWAY-TLS"
    GATEWAY_TCP = "GATEWAY-TCP"
    GATEWAY_UDP = "GATEWAY-UDP"
    GATEWAY_GRPC = "GATEWAY-GRPC"
    MESH_HTTP = "MESH-HTTP"
    MESH_GRPC = "MESH-GRPC"


@dataclass(frozen=True, slots=True)
class ConformanceProfile:
    name: ProfileName
    core: frozenset[FeatureName]
    extended: frozenset[FeatureName]

    @property
    def features(self) -> frozenset[FeatureName]:
        return self.core | self.extended

    def covers(self, features: Iterable[FeatureName]) -> bool:
        """True when every feature is in this profile: the test is recorded in it."""
        return set(features) <= self.features

    def is_extended(self, features: Iterable[FeatureName]) -> bool:
        """A test is extended in a profile when any of its features is not a core feature there."""
        return not set(features) <= self.core


def _extended_of(resource: str) -> frozenset[FeatureName]:
    return frozenset(f.name for f in ALL_FEATURES if f.resource == resource and f.level is SupportLevel.EXTENDED)


# ListenerSet is filed among upstream's Gateway extended features although it is a resource of its own.
_GATEWAY_EXTENDED = _extended_of("Gateway") | {FeatureName.LISTENER_SET}
_BACKEND_TLS = frozenset({FeatureName.BACKEND_TLS_POLICY, FeatureName.BACKEND_TLS_POLICY_SAN_VALIDATION})
_MESH_EXTENDED = _extended_of("Mesh")


def _profile(name: ProfileName, core: set[FeatureName], extended: frozenset[FeatureName]) -> ConformanceProfile:
    return ConformanceProfile(name, frozenset(core), extended)


PROFILES: Mapping[ProfileName, ConformanceProfile] = {
    p.name: p
    for p in (
        _profile(
            ProfileName.GATEWAY_HTTP,
            {FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.REFERENCE_GRANT},
            _GATEWAY_EXTENDED | _extended_of("HTTPRoute") | _BACKEND_TLS,
        ),
        _profile(
            ProfileName.GATEWAY_TLS,
            {FeatureName.GATEWAY, FeatureName.TLS_ROUTE, FeatureName.REFERENCE_GRANT},
            _GATEWAY_EXTENDED | _extended_of("TLSRoute") | _BACKEND_TLS,
        ),
        # TCPRoute and UDPRoute are in both lists upstream; reports therefore show them as supported
        # extended features of their own profiles, and we keep that so our reports match.
        _profile(
            ProfileName.GATEWAY_TCP,
            {FeatureName.GATEWAY, FeatureName.TCP_ROUTE, FeatureName.REFERENCE_GRANT},
            _GATEWAY_EXTENDED | {FeatureName.TCP_ROUTE},
        ),
        _profile(
            ProfileName.GATEWAY_UDP,
            {FeatureName.GATEWAY, FeatureName.UDP_ROUTE, FeatureName.REFERENCE_GRANT},
            _GATEWAY_EXTENDED | {FeatureName.UDP_ROUTE},
        ),
        _profile(
            ProfileName.GATEWAY_GRPC,
            {FeatureName.GATEWAY, FeatureName.GRPC_ROUTE, FeatureName.REFERENCE_GRANT},
            _GATEWAY_EXTENDED | _BACKEND_TLS,
        ),
        _profile(ProfileName.MESH_HTTP, {FeatureName.MESH, FeatureName.HTTP_ROUTE}, _MESH_EXTENDED),
        _profile(ProfileName.MESH_GRPC, {FeatureName.MESH, FeatureName.GRPC_ROUTE}, _MESH_EXTENDED),
    )
}


class UnknownProfileError(ValueError):
    pass


def resolve_profile(name: str, *, where: str = "") -> ProfileName:
    name = name.strip()
    if name in PROFILES:
        return ProfileName(name)
    suffix = f" in {where}" if where else ""
    valid = ", ".join(PROFILES)
    raise UnknownProfileError(
        f"{name!r} is not a known conformance profile{suffix}.{did_you_mean(name, PROFILES)} Valid profiles: {valid}."
    )


def resolve_profiles(names: Iterable[str], *, where: str = "") -> tuple[ProfileName, ...]:
    """Resolve in the given order (upstream accumulates supported features profile by profile)."""
    seen: list[ProfileName] = []
    for raw in names:
        if raw.strip():
            profile = resolve_profile(raw, where=where)
            if profile not in seen:
                seen.append(profile)
    return tuple(seen)
