"""``x-kubernetes-validations`` CEL rules, evaluated with cel-python (``celpy``) where it can be trusted.

kube-apiserver evaluates every rule of a CRD schema on each write. Here a rule is evaluated only if
cel-python compiles it and evaluates it to a boolean: a rule that fails to parse, calls a function this
module does not provide (kube's ``format.dns1123Label()``, ``quantity()``, ...), or hits a runtime
error (missing field, mixed int/double comparison) is *skipped*, never counted as a failure, so the
local API can only ever be more lenient than a cluster, never reject an object a cluster accepts.

Transition rules (those that mention ``oldSelf``) run only on updates with a correlated old value,
as on a cluster. Property names that are CEL keywords are exposed escaped (``namespace`` becomes
``__namespace__``), as kube's CEL environment does. Without ``celpy`` installed, rules are skipped.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
from collections import OrderedDict
from typing import Any

from conformance.local.api.errors import FieldError
from conformance.local.api.protocol import JSONObject

try:
    import celpy
    from celpy import celtypes

    CEL_AVAILABLE = True
except ImportError:  # pragma: no cover - cel-python is optional; rules are then skipped.
    CEL_AVAILABLE = False

log = logging.getLogger(__name__)

_RESERVED = frozenset(
    {
        *("true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function"),
        *("if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"),
    }
)
_ACCESSIBLE = re.compile(r"^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$")
_OLD_SELF = re.compile(r"\boldSelf\b")

_lock = threading.Lock()
_programs: dict[str, Any] = {}
_MEMO_SIZE = 8192
_memo: OrderedDict[tuple[str, int, str], bool | None] = OrderedDict()
_environment: Any = None


def escape(name: str) -> str | None:
    """How kube's CEL environment names a declared property (None: not accessible from CEL)."""
    if name in _RESERVED:
        return f"__{name}__"
    if not _ACCESSIBLE.match(name):
        return None
    return (
        name.replace("__", "__underscores__").replace(".", "__dot__").replace("-", "__dash__").replace("/", "__slash__")
    )


def _functions() -> dict[str, Any]:
    """The kube CEL library functions the Gateway API rules use, beyond standard CEL."""

    def is_ip(text: Any) -> Any:
        try:
            ipaddress.ip_address(str(text))
        except ValueError:
            return celtypes.BoolType(False)
        # kube's isIP rejects IPv4-mapped IPv6 and zones; ipaddress rejects zones on its own.
        return celtypes.BoolType(True)

    def substring(text: Any, start: Any, end: Any = None) -> Any:
        if start < 0 or start > len(text) or (end is not None and (end < start or end > len(text))):
            raise ValueError("substring index out of range")
        return celtypes.StringType(str(text)[start:end])

    def split(text: Any, separator: Any, limit: Any = None) -> Any:
        parts = str(text).split(str(separator)) if limit is None else str(text).split(str(separator), int(limit) - 1)
        return celtypes.ListType([celtypes.StringType(p) for p in parts])

    return {
        "isIP": is_ip,
        "substring": substring,
        "split": split,
        "lowerAscii": lambda s: celtypes.StringType(str(s).lower()),
        "upperAscii": lambda s: celtypes.StringType(str(s).upper()),
        "trim": lambda s: celtypes.StringType(str(s).strip()),
    }


def _program(rule: str) -> Any:
    """The compiled rule, or None when cel-python cannot compile it (then the rule is skipped)."""
    global _environment
    with _lock:
        if rule in _programs:
            return _programs[rule]
        program = None
        if CEL_AVAILABLE:
            try:
                if _environment is None:
                    _environment = celpy.Environment()
                program = _environment.program(_environment.compile(rule), functions=_functions())
            except Exception as exc:
                log.debug("skipping CEL rule that does not compile (%s): %s", exc, rule)
        _programs[rule] = program
        return program


def to_cel(value: Any, schema: JSONObject | None) -> Any:
    """A JSON value as a CEL value, with declared property names escaped like kube does."""
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        if schema is not None and schema.get("type") == "number":
            return celtypes.DoubleType(value)
        return celtypes.IntType(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, list):
        items = schema.get("items") if schema else None
        return celtypes.ListType([to_cel(v, items) for v in value])
    if isinstance(value, dict):
        properties = schema.get("properties") if schema else None
        additional = schema.get("additionalProperties") if schema else None
        result: dict[Any, Any] = {}
        for key, child in value.items():
            sub = properties.get(key) if properties else None
            if sub is not None:
                name = escape(key)
                if name is not None:
                    result[celtypes.StringType(name)] = to_cel(child, sub)
            else:
                result[celtypes.StringType(key)] = to_cel(child, additional if isinstance(additional, dict) else None)
        return celtypes.MapType(result)
    return None


def _evaluate(rule: str, value: Any, schema: JSONObject, old: Any, has_old: bool) -> bool | None:
    """True/False when the rule evaluates cleanly, None when it must be skipped.

    cel-python interprets a rule in about 1-10 ms, so results of rules that do not look at
    ``oldSelf`` are memoized by (rule, value): manifests repeat the same small values (parentRefs,
    path matches, filters) over and over.
    """
    program = _program(rule)
    if program is None:
        return None
    memo_key = None
    if not has_old:
        # The schema takes part in the key: it decides how property names are exposed to CEL.
        memo_key = (rule, id(schema), json.dumps(value, sort_keys=True, separators=(",", ":")))
        with _lock:
            if memo_key in _memo:
                _memo.move_to_end(memo_key)
                return _memo[memo_key]
    result = _run(program, rule, value, schema, old, has_old)
    if memo_key is not None:
        with _lock:
            _memo[memo_key] = result
            if len(_memo) > _MEMO_SIZE:
                _memo.popitem(last=False)
    return result


def _run(program: Any, rule: str, value: Any, schema: JSONObject, old: Any, has_old: bool) -> bool | None:
    activation = {"self": to_cel(value, schema)}
    if has_old:
        activation["oldSelf"] = to_cel(old, schema)
    try:
        with _lock:
            result = program.evaluate(activation)
    except Exception as exc:
        log.debug("skipping CEL rule that did not evaluate (%s): %s", exc, rule)
        return None
    if isinstance(result, celtypes.BoolType):
        return bool(result)
    return None


def _type_label(value: Any, schema: JSONObject) -> str:
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "string"


def cel_errors(value: Any, schema: JSONObject, path: str, old: Any, has_old: bool) -> list[FieldError]:
    """Failures of the CEL rules of ``schema`` and of every nested schema under ``value``."""
    if not CEL_AVAILABLE:
        return []
    errors: list[FieldError] = []
    _walk(value, schema, path, old, has_old, errors)
    return errors


def _walk(value: Any, schema: JSONObject, path: str, old: Any, has_old: bool, errors: list[FieldError]) -> None:
    if has_old and value == old:
        # Ratcheting, as kube-apiserver does since 1.30: an unchanged value is not re-judged, so
        # status writes and metadata patches do not pay for the rules of an unchanged spec.
        return
    for rule_spec in schema.get("x-kubernetes-validations") or ():
        rule = rule_spec.get("rule")
        if not isinstance(rule, str):
            continue
        if _OLD_SELF.search(rule) and not has_old:
            continue
        if _evaluate(rule, value, schema, old, has_old) is False:
            message = rule_spec.get("message") or f"failed rule: {rule}"
            field = path + rule_spec["fieldPath"] if rule_spec.get("fieldPath") else path
            reason = {"FieldValueForbidden": "FieldValueForbidden", "FieldValueRequired": "FieldValueRequired"}.get(
                str(rule_spec.get("reason")), "FieldValueInvalid"
            )
            errors.append(FieldError(field, reason, f'Invalid value: "{_type_label(value, schema)}": {message}'))
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        old_map = old if has_old and isinstance(old, dict) else None
        for key, child in value.items():
            sub = properties.get(key)
            child_path = f"{path}.{key}" if path else key
            if sub is None and isinstance(additional, dict):
                sub, child_path = additional, f"{path}[{key}]"
            if sub is not None:
                child_has_old = old_map is not None and key in old_map
                _walk(child, sub, child_path, old_map.get(key) if old_map else None, child_has_old, errors)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            old_items = _correlate(value, old, schema) if has_old else {}
            for index, child in enumerate(value):
                found = old_items.get(index)
                _walk(child, items, f"{path}[{index}]", found[0] if found else None, found is not None, errors)


def _correlate(value: list[Any], old: Any, schema: JSONObject) -> dict[int, tuple[Any]]:
    """Old list items matching new ones, for transition rules (only map lists correlate, as in kube)."""
    if schema.get("x-kubernetes-list-type") != "map" or not isinstance(old, list):
        return {}
    keys = schema.get("x-kubernetes-list-map-keys") or []
    by_key = {tuple(item.get(k) for k in keys): item for item in old if isinstance(item, dict)}
    result: dict[int, tuple[Any]] = {}
    for index, item in enumerate(value):
        if isinstance(item, dict):
            match = by_key.get(tuple(item.get(k) for k in keys))
            if match is not None:
                result[index] = (match,)
    return result
