"""How long the suite waits for an implementation: upstream's ``TimeoutConfig`` with its defaults.

The defaults are the maximum a conformant implementation may take (upstream ``utils/config/timeout.go``);
implementations may raise them (``--timeout-config-overrides``, or ``timeoutConfig`` in the options
file) but a report made with raised timeouts says so in its configuration. All values are seconds
except ``required_consecutive_successes`` (a count).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.suggest import did_you_mean


@dataclass(frozen=True, slots=True)
class TimeoutConfig:
    create_timeout: float = 60
    """Each create or update while applying a manifest."""
    delete_timeout: float = 30
    """Deleting an object and waiting until it is gone."""
    get_timeout: float = 10
    """Single reads (ConfigMaps)."""
    gateway_must_have_address: float = 180
    """A Gateway getting status.addresses."""
    gateway_must_have_condition: float = 180
    """Gateway condition waits."""
    gateway_status_must_have_listeners: float = 60
    """Listener status matching, zero-route checks, attachedListenerSets."""
    gateway_listeners_must_have_conditions: float = 60
    """Per-listener condition waits."""
    listener_set_must_have_condition: float = 180
    listener_set_listeners_must_have_conditions: float = 60
    gwc_must_be_accepted: float = 180
    """The GatewayClass under test becoming Accepted."""
    http_route_must_not_have_parents: float = 60
    """"No accepted parents" checks, for every route kind."""
    http_route_must_have_condition: float = 60
    """HTTPRoute and BackendTLSPolicy condition waits."""
    tls_route_must_have_condition: float = 60
    tcp_route_must_have_condition: float = 60
    udp_route_must_have_condition: float = 60
    route_must_have_parents: float = 60
    """Route parent status matching."""
    manifest_fetch_timeout: float = 10
    """Fetching an https:// manifest."""
    max_time_to_consistency: float = 30
    """How long traffic may take to match a change (eventual consistency window)."""
    namespaces_must_be_ready: float = 300
    """Gateways Accepted and Programmed, pods Ready, in the suite's namespaces."""
    request_timeout: float = 10
    """One request or connection attempt."""
    latest_observed_generation_set: float = 60
    """Conditions reporting the object's current generation."""
    default_test_timeout: float = 60
    """Miscellaneous waits (infrastructure propagation, UDP polls)."""
    default_poll_interval: float = 0.1
    """Pause after a failed probe before the next one (waits on status use watches, not polling)."""
    required_consecutive_successes: int = 3
    """Matching responses in a row that count as converged."""
    test_isolation: float = 0
    """Pause before each test after the first (upstream's only default of zero that stays zero)."""


#: Upstream's Go field names (``--timeout-config-overrides``) and JSON keys (options file), by our field.
GO_NAMES: dict[str, str] = {
    "create_timeout": "CreateTimeout",
    "delete_timeout": "DeleteTimeout",
    "get_timeout": "GetTimeout",
    "gateway_must_have_address": "GatewayMustHaveAddress",
    "gateway_must_have_condition": "GatewayMustHaveCondition",
    "gateway_status_must_have_listeners": "GatewayStatusMustHaveListeners",
    "gateway_listeners_must_have_conditions": "GatewayListenersMustHaveConditions",
    "listener_set_must_have_condition": "ListenerSetMustHaveCondition",
    "listener_set_listeners_must_have_conditions": "ListenerSetListenersMustHaveConditions",
    "gwc_must_be_accepted": "GWCMustBeAccepted",
    "http_route_must_not_have_parents": "HTTPRouteMustNotHaveParents",
    "http_route_must_have_condition": "HTTPRouteMustHaveCondition",
    "tls_route_must_have_condition": "TLSRouteMustHaveCondition",
    "tcp_route_must_have_condition": "TCPRouteMustHaveCondition",
    "udp_route_must_have_condition": "UDPRouteMustHaveCondition",
    "route_must_have_parents": "RouteMustHaveParents",
    "manifest_fetch_timeout": "ManifestFetchTimeout",
    "max_time_to_consistency": "MaxTimeToConsistency",
    "namespaces_must_be_ready": "NamespacesMustBeReady",
    "request_timeout": "RequestTimeout",
    "latest_observed_generation_set": "LatestObservedGenerationSet",
    "default_test_timeout": "DefaultTestTimeout",
    "default_poll_interval": "DefaultPollInterval",
    "required_consecutive_successes": "RequiredConsecutiveSuccesses",
    "test_isolation": "TestIsolation",
}
JSON_NAMES: dict[str, str] = {
    "create_timeout": "createTimeout",
    "delete_timeout": "deleteTimeout",
    "get_timeout": "getTimeout",
    "gateway_must_have_address": "gatewayMustHaveAddress",
    "gateway_must_have_condition": "gatewayMustHaveCondition",
    "gateway_status_must_have_listeners": "gatewayStatusMustHaveListeners",
    "gateway_listeners_must_have_conditions": "gatewayListenersMustHaveConditions",
    "listener_set_must_have_condition": "listenerSetMustHaveCondition",
    "listener_set_listeners_must_have_conditions": "listenerSetListenersMustHaveConditions",
    "gwc_must_be_accepted": "gwcMustBeAccepted",
    "http_route_must_not_have_parents": "httpRouteMustNotHaveParents",
    "http_route_must_have_condition": "httpRouteMustHaveCondition",
    "tls_route_must_have_condition": "tlsRouteMustHaveCondition",
    "tcp_route_must_have_condition": "tcpRouteMustHaveCondition",
    "udp_route_must_have_condition": "udpRouteMustHaveCondition",
    "route_must_have_parents": "routeMustHaveParents",
    "manifest_fetch_timeout": "manifestFetchTimeout",
    "max_time_to_consistency": "maxTimeToConsistency",
    "namespaces_must_be_ready": "namespacesMustBeReady",
    "request_timeout": "requestTimeout",
    "latest_observed_generation_set": "latestObservedGenerationSet",
    "default_test_timeout": "defaultTestTimeout",
    "default_poll_interval": "defaultPollInterval",
    "required_consecutive_successes": "requiredConsecutiveSuccesses",
    "test_isolation": "testIsolation",
}
_BY_GO = {v: k for k, v in GO_NAMES.items()}
_BY_JSON = {v: k for k, v in JSON_NAMES.items()}


class TimeoutConfigError(ValueError):
    pass


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_go_duration(text: str) -> float:
    """Seconds in a Go duration string such as ``30s``, ``1m30s`` or ``250ms`` (Go's ``time.ParseDuration``)."""
    raw = text.strip()
    if raw in ("0", "+0", "-0"):
        return 0.0
    sign = -1.0 if raw.startswith("-") else 1.0
    body = raw.lstrip("+-")
    total = 0.0
    pos = 0
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if not match:
            raise ValueError(f"{text!r} is not a duration (expected e.g. 30s, 1m30s, 250ms)")
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if not body:
        raise ValueError(f"{text!r} is not a duration (expected e.g. 30s, 1m30s, 250ms)")
    return sign * total


def _coerce(field: str, value: object, where: str, key: str) -> float | int:
    if field == "required_consecutive_successes":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise TimeoutConfigError(f"{where}: {key} must be a whole number of at least 1, not {value!r}")
        return value
    try:
        if isinstance(value, bool):
            raise ValueError("a boolean is not a duration")
        if isinstance(value, int | float):
            seconds = float(value) / 1e9  # Go's JSON form of time.Duration is nanoseconds
        elif isinstance(value, str):
            seconds = parse_go_duration(value)
        else:
            raise ValueError(f"{value!r} is not a duration")
    except ValueError as err:
        raise TimeoutConfigError(f"{where}: {key}: {err}") from None
    if seconds < 0:
        raise TimeoutConfigError(f"{where}: {key} must not be negative, got {value!r}")
    return seconds


def _with_defaults_for_zero(values: dict[str, Any]) -> dict[str, Any]:
    # Upstream replaces zero values by the defaults (SetupTimeoutConfig), except TestIsolation.
    defaults = TimeoutConfig()
    return {k: (getattr(defaults, k) if v == 0 and k != "test_isolation" else v) for k, v in values.items()}


def from_mapping(data: Mapping[str, object], *, base: TimeoutConfig, where: str) -> TimeoutConfig:
    """Apply an options-file ``timeoutConfig`` mapping (JSON keys; Go durations or nanoseconds)."""
    changes: dict[str, Any] = {}
    for key, value in data.items():
        field = _BY_JSON.get(str(key))
        if field is None:
            raise TimeoutConfigError(
                f"{where}: unknown timeoutConfig key {key!r}.{did_you_mean(str(key), _BY_JSON)} "
                f"Valid keys: {', '.join(_BY_JSON)}."
            )
        changes[field] = _coerce(field, value, where, f"timeoutConfig.{key}")
    return dataclasses.replace(base, **_with_defaults_for_zero(changes))


def from_overrides(text: str, *, base: TimeoutConfig, where: str = "--timeout-config-overrides") -> TimeoutConfig:
    """Apply ``Name:seconds;Name:seconds`` with upstream's Go field names (integer seconds, or a count)."""
    changes: dict[str, Any] = {}
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, raw = pair.partition(":")
        name, raw = name.strip(), raw.strip()
        field = _BY_GO.get(name)
        if not sep or field is None:
            hint = did_you_mean(name, _BY_GO) if sep else ""
            raise TimeoutConfigError(
                f"{where}: {pair!r} is not Name:seconds with a known name.{hint} Valid names: {', '.join(_BY_GO)}."
            )
        try:
            number = int(raw)
        except ValueError:
            raise TimeoutConfigError(
                f"{where}: {name} takes a whole number of "
                f"{'successes' if field == 'required_consecutive_successes' else 'seconds'}, not {raw!r}"
            ) from None
        changes[field] = _coerce(
            field, number if field == "required_consecutive_successes" else f"{number}s", where, name
        )
    return dataclasses.replace(base, **_with_defaults_for_zero(changes))


#: However far timeouts are scaled down, one request may still take this long (or RequestTimeout, if
#: shorter): upstream's timeout tests wait for backends that answer after a second.
MIN_SCALED_REQUEST_TIMEOUT = 5.0


def scaled(config: TimeoutConfig, factor: float) -> TimeoutConfig:
    """Every timeout multiplied by ``factor``; counts and the poll interval are kept, and a request keeps
    at least ``MIN_SCALED_REQUEST_TIMEOUT``."""
    keep = {"required_consecutive_successes", "default_poll_interval", "test_isolation"}
    values = {f.name: getattr(config, f.name) * factor for f in dataclasses.fields(config) if f.name not in keep}
    floor = min(config.request_timeout, MIN_SCALED_REQUEST_TIMEOUT)
    values["request_timeout"] = max(values["request_timeout"], floor)
    return dataclasses.replace(config, **values)


def differences(config: TimeoutConfig) -> dict[str, float | int]:
    """Upstream Go names of the values that differ from the defaults (for headers and reports)."""
    defaults = TimeoutConfig()
    return {
        GO_NAMES[f.name]: getattr(config, f.name)
        for f in dataclasses.fields(config)
        if getattr(config, f.name) != getattr(defaults, f.name)
    }
