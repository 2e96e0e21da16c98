"""The schema of an implementation profile (a catalog data file), and its validator.

Profiles are data written by people, often by users for their own implementation, so every mistake
must be reported with the file and the field path (``install[0].helm.chart``) and, for closed sets, the
valid choices. The schema is a small declarative table rather than JSON Schema: the project dropped the
jsonschema dependency, and these messages are better than a generic validator's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.suggest import did_you_mean


class ProfileError(ValueError):
    """A malformed implementation profile; the message lists every problem with file and field."""


@dataclass(frozen=True, slots=True)
class F:
    """One field: its type, whether it is required, and the allowed values or nested fields."""

    type: str
    """str, int, bool, list (of str), map (str -> str), object, objects (list of object), any."""
    required: bool = False
    choices: tuple[str, ...] = ()
    fields: Mapping[str, F] = field(default_factory=dict)
    pattern: str = ""
    help: str = ""


NAME = r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"
DURATION = r"^\d+(s|m|h)$"

ADDRESS_STRATEGIES = ("metallb", "cloud-provider-kind", "cilium-lb-ipam", "host-ports", "none")
FEATURE_SOURCES = ("status", "list", "all", "profiles")
CHANNELS = ("standard", "experimental")
GATEWAY_PATCHES = ("apisix-gateway-proxy",)

HELM = {
    "release": F("str", required=True, pattern=NAME),
    "chart": F("str", required=True, help="oci://... reference, a chart name with repo, or a .tgz URL"),
    "repo": F("str", help="chart repository URL (helm --repo), for charts that are not OCI or URLs"),
    "version": F("str"),
    "namespace": F("str", required=True, pattern=NAME),
    "values": F("map"),
    "skip_crds": F("bool"),
    "wait_for_jobs": F("bool"),
    "timeout": F("str", pattern=DURATION),
}
INSTALL_STEP = {
    "helm": F("object", fields=HELM),
    "manifests": F("list", help="URLs applied with kubectl apply --server-side"),
    "objects": F("str", help="YAML documents written for this catalog, applied with kubectl apply --server-side"),
    "cilium": F("object", fields={"version": F("str", required=True), "values": F("map")}),
}
SCHEMA: Mapping[str, F] = {
    "name": F("str", required=True, pattern=NAME),
    "title": F("str", required=True),
    "description": F("str"),
    "report": F(
        "object",
        required=True,
        fields={
            "organization": F("str", required=True),
            "project": F("str", required=True),
            "url": F("str", required=True),
            "version": F("str", required=True),
            "contact": F("list"),
        },
    ),
    "gateway_class": F(
        "object",
        required=True,
        fields={
            "name": F("str", required=True, pattern=NAME),
            "controller_name": F("str", required=True),
            "created_by": F("str", required=True, choices=("harness", "implementation")),
        },
    ),
    "crds": F(
        "object",
        required=True,
        fields={"channel": F("str", required=True, choices=CHANNELS), "tested_version": F("str")},
    ),
    "install": F("objects", required=True, fields=INSTALL_STEP),
    "readiness": F(
        "objects",
        fields={
            "deployment": F("str", help="NAMESPACE/NAME"),
            "daemonset": F("str", help="NAMESPACE/NAME"),
            "timeout": F("str", pattern=DURATION),
        },
    ),
    "features": F(
        "object",
        required=True,
        fields={
            "source": F("str", required=True, choices=FEATURE_SOURCES),
            "supported": F("list"),
            "exempt": F("list"),
        },
    ),
    "profiles": F("list"),
    "skip_tests": F("list"),
    "namespace_labels": F("map"),
    "address": F(
        "object",
        required=True,
        fields={
            "strategy": F("str", required=True, choices=ADDRESS_STRATEGIES),
            "metallb_version": F("str"),
            "usable_address": F("str"),
            "unusable_address": F("str"),
        },
    ),
    "kind": F(
        "object",
        fields={
            "disable_default_cni": F("bool"),
            "workers": F("int"),
            "host_ports": F("any", help="list of ports mapped from the node to the host"),
        },
    ),
    "controller": F("object", fields={"namespace": F("str", required=True), "selector": F("str", required=True)}),
    "images": F("list"),
    "gateway_patches": F("list"),
    "requires_env": F("list"),
    "limitations": F("list"),
    "facts": F("str", help="where the facts come from (spec/implementations.yaml entry)"),
}


def validate(data: object, where: str) -> None:
    """Raise ProfileError listing every problem in ``data`` (one profile file's content)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: expected a mapping of profile fields, got {type(data).__name__}")
    _object(data, SCHEMA, "", problems)
    _semantics(data, problems)
    if problems:
        raise ProfileError(f"{where}: invalid implementation profile:\n" + "\n".join(f"  {p}" for p in problems))


def _object(data: Mapping[str, Any], schema: Mapping[str, F], path: str, problems: list[str]) -> None:
    for key in data:
        if key not in schema:
            hint = did_you_mean(str(key), schema)
            problems.append(f"{path}{key}: unknown field.{hint} Valid fields: {', '.join(schema)}.")
    for key, spec in schema.items():
        if key not in data or data[key] is None:
            if spec.required:
                problems.append(f"{path}{key}: required field is missing")
            continue
        _value(data[key], spec, f"{path}{key}", problems)


def _value(value: Any, spec: F, path: str, problems: list[str]) -> None:
    kind = spec.type
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{path}: expected a non-empty string, got {value!r}")
            return
        if spec.choices and value not in spec.choices:
            hint = did_you_mean(value, spec.choices)
            problems.append(f"{path}: {value!r} is not valid.{hint} Valid choices: {', '.join(spec.choices)}.")
        if spec.pattern and not re.match(spec.pattern, value):
            problems.append(f"{path}: {value!r} does not match {spec.pattern}")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{path}: expected a non-negative integer, got {value!r}")
    elif kind == "bool":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected true or false, got {value!r}")
    elif kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{path}: expected a list of strings, got {value!r}")
    elif kind == "map":
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            problems.append(f"{path}: expected a mapping of names to values, got {value!r}")
        elif any(isinstance(v, dict | list) for v in value.values()):
            problems.append(f"{path}: values must be scalars (use dotted keys such as a.b.c for nested values)")
    elif kind == "object":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping, got {value!r}")
            return
        _object(value, spec.fields, path + ".", problems)
    elif kind == "objects":
        if not isinstance(value, list) or not value:
            problems.append(f"{path}: expected a non-empty list, got {value!r}")
            return
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                problems.append(f"{path}[{index}]: expected a mapping, got {item!r}")
                continue
            _object(item, spec.fields, f"{path}[{index}].", problems)


def _semantics(data: Mapping[str, Any], problems: list[str]) -> None:
    """Rules across fields, which a per-field table cannot say."""
    for index, step in enumerate(data.get("install") or []):
        if isinstance(step, dict) and len(step) != 1:
            kinds = ", ".join(INSTALL_STEP)
            problems.append(f"install[{index}]: each step has exactly one of {kinds}, got {', '.join(step) or 'none'}")
    for index, check in enumerate(data.get("readiness") or []):
        if isinstance(check, dict):
            targets = [k for k in ("deployment", "daemonset") if k in check]
            if len(targets) != 1:
                problems.append(f"readiness[{index}]: name exactly one deployment or daemonset")
            for key in targets:
                if "/" not in str(check[key]):
                    problems.append(f"readiness[{index}].{key}: expected NAMESPACE/NAME, got {check[key]!r}")
    features = data.get("features")
    if isinstance(features, dict):
        source = features.get("source")
        if source == "list" and not features.get("supported"):
            problems.append("features.supported: required when features.source is list")
        if source in ("status", "profiles") and features.get("supported"):
            problems.append(f"features.supported: only used with source list, not {source}")
        if source == "profiles" and not data.get("profiles"):
            problems.append("profiles: required when features.source is profiles")
    for index, patch in enumerate(data.get("gateway_patches") or []):
        if patch not in GATEWAY_PATCHES:
            problems.append(
                f"gateway_patches[{index}]: {patch!r} is not valid. Valid choices: {', '.join(GATEWAY_PATCHES)}."
            )
    kind = data.get("kind")
    if isinstance(kind, dict) and "host_ports" in kind:
        ports = kind["host_ports"]
        if not isinstance(ports, list) or not all(isinstance(p, int) and 0 < p < 65536 for p in ports):
            problems.append(f"kind.host_ports: expected a list of port numbers, got {ports!r}")
