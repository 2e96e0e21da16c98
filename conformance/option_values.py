"""Option values: the parser of each kind of value, and the error every bad value raises.

A parser takes the raw value and where it came from (``--flag``, ``ini option x`` or ``file: key``), so
that every message names the place the user has to fix, the bad value and the valid choices.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from conformance import timeouts
from conformance.features import FeatureName, UnknownFeatureError, resolve_features
from conformance.profiles import ProfileName, UnknownProfileError, resolve_profiles
from conformance.suggest import did_you_mean


class OptionsError(ValueError):
    """A bad option value; the message names the option, the value and the valid choices."""


class ClusterKind(StrEnum):
    LOCAL = "local"
    KIND = "kind"
    KUBECONFIG = "kubeconfig"


# --- value parsers: (raw value, where it came from) -> typed value ------------------------------------


def _text(raw: object, where: str) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str | int | float) and not isinstance(raw, bool):
        return str(raw).strip()
    raise OptionsError(f"{where}: expected a string, got {raw!r}")


def _items(raw: object, where: str) -> list[str]:
    """Comma-separated text (command line, ini) or a YAML list (options file)."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        out: list[str] = []
        for item in raw:
            out.extend(_items(item, where))
        return out
    return [p.strip() for p in _text(raw, where).split(",") if p.strip()]


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def parse_bool(raw: object, where: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw, where).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise OptionsError(f"{where}: {raw!r} is not a boolean; use true or false")


def parse_features(raw: object, where: str) -> frozenset[FeatureName]:
    try:
        return resolve_features(_items(raw, where), where=where)
    except UnknownFeatureError as err:
        raise OptionsError(str(err)) from None


def parse_profiles(raw: object, where: str) -> tuple[ProfileName, ...]:
    try:
        return resolve_profiles(_items(raw, where), where=where)
    except UnknownProfileError as err:
        raise OptionsError(str(err)) from None


def parse_mapping(raw: object, where: str) -> dict[str, str]:
    """``k=v,k2=v2`` (command line, ini) or a YAML mapping (options file)."""
    if isinstance(raw, Mapping):
        return {str(k): _text(v, f"{where}.{k}") for k, v in raw.items()}
    result: dict[str, str] = {}
    for item in _items(raw, where):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise OptionsError(f"{where}: {item!r} is not key=value (expected e.g. istio-injection=enabled)")
        result[key.strip()] = value.strip()
    return result


def parse_seconds(raw: object, where: str) -> float:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = _text(raw, where)
        try:
            value = float(text)
        except ValueError:
            try:
                value = timeouts.parse_go_duration(text)
            except ValueError:
                raise OptionsError(f"{where}: {raw!r} is not a number of seconds (e.g. 1, 0.5 or 250ms)") from None
    if value < 0:
        raise OptionsError(f"{where}: must not be negative, got {raw!r}")
    return value


def parse_path(raw: object, where: str) -> Path | None:
    text = _text(raw, where)
    return Path(text).expanduser() if text else None


def parse_cluster(raw: object, where: str) -> ClusterKind:
    text = _text(raw, where)
    try:
        return ClusterKind(text)
    except ValueError:
        valid = ", ".join(k.value for k in ClusterKind)
        raise OptionsError(
            f"{where}: {text!r} is not a cluster provider.{did_you_mean(text, [k.value for k in ClusterKind])} "
            f"Valid choices: {valid}."
        ) from None


_ADDRESS = re.compile(r"^\[?(?P<host>[^\]]+?)\]?:(?P<port>\d{1,5})$")


def _host_port(text: str, where: str) -> tuple[str, int]:
    match = _ADDRESS.match(text.strip())
    if not match or not 0 < int(match["port"]) < 65536:
        raise OptionsError(f"{where}: {text!r} is not HOST:PORT")
    return match["host"], int(match["port"])


def parse_connect_to(raw: object, where: str) -> dict[tuple[str, int], tuple[str, int]]:
    """``ADDR:PORT=ADDR:PORT`` pairs: reach a Gateway address through another socket (port-forwards, NAT)."""
    result: dict[tuple[str, int], tuple[str, int]] = {}
    for item in _items(raw, where):
        source, sep, target = item.partition("=")
        if not sep:
            raise OptionsError(f"{where}: {item!r} is not GATEWAY_ADDR:PORT=REACHABLE_ADDR:PORT")
        result[_host_port(source, where)] = _host_port(target, where)
    return result


def _names(raw: object, where: str) -> frozenset[str]:
    return frozenset(_items(raw, where))


def _name_tuple(raw: object, where: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_items(raw, where)))


def _address(raw: object, where: str) -> str:
    # Upstream's file form is a list of {type, value}; the flag takes one address.
    if isinstance(raw, list):
        if len(raw) > 1:
            raise OptionsError(f"{where}: only one address is supported, got {len(raw)}")
        raw = raw[0] if raw else ""
    if isinstance(raw, Mapping):
        raw = raw.get("value", "")
    return _text(raw, where)


# --- the declarations -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OptionSpec:
    field: str
    """Options field this sets (``implementation_info.<x>`` for the report metadata fields)."""
    flag: str
    help: str
    parse: Callable[[object, str], Any]
    metavar: str | None = None
    ini: str | None = None
    """ini key, if the option may be set in pytest's configuration file."""
    file_key: str | None = None
    """Key in upstream's options file (dotted for nested keys)."""
    is_flag: bool = False
    """A switch: ``--x`` means true, ``--x=false`` is accepted too, and ``--no-x`` when negatable."""
    negatable: bool = False


def _spec(field: str, flag: str, help: str, parse: Callable[[object, str], Any], **kw: Any) -> OptionSpec:
    return OptionSpec(field, flag, help, parse, **kw)
