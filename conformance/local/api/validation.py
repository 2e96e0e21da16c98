"""OpenAPI value validation of structural schemas, worded like kube-apiserver.

Covers what CRD schemas use: ``type`` (and ``nullable``, ``x-kubernetes-int-or-string``), ``enum``,
``required``, ``pattern``, ``minLength``/``maxLength``, ``minimum``/``maximum`` (and exclusive),
``minItems``/``maxItems``, ``minProperties``/``maxProperties``, ``format`` (ipv4, ipv6, date-time, ...),
``x-kubernetes-list-type`` uniqueness, and the ``allOf``/``anyOf``/``oneOf``/``not`` junctors.
Messages copy apimachinery's, e.g. ``spec.port: Invalid value: 0: spec.port in body should be greater
than or equal to 1``, because people (and tests) recognise and grep them.
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import json
import re
from typing import Any

from conformance.local.api.errors import FieldError
from conformance.local.api.protocol import JSONObject


@functools.lru_cache(maxsize=2048)
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        # A pattern Python cannot compile (RE2-only syntax) is skipped rather than rejecting objects.
        return None


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def render(value: Any) -> str:
    """A value the way apimachinery prints it after ``Invalid value:``."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    return json.dumps(_type_name(value))


def _type_ok(value: Any, expected: str) -> bool:
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "string":
        return isinstance(value, str)
    if expected == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if expected == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if expected == "number":
        return isinstance(value, (int, float))
    return True


def _date_time(value: str) -> bool:
    try:
        datetime.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return "T" in value.upper()


def _ip(value: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(value).version == version
    except ValueError:
        return False


_FORMATS: dict[str, Any] = {
    "ipv4": lambda v: _ip(v, 4),
    "ipv6": lambda v: _ip(v, 6),
    "date-time": _date_time,
    "datetime": _date_time,
    "date": lambda v: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)),
    "uuid": lambda v: bool(re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", v)),
    "hostname": lambda v: bool(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", v)),
}


def validate_value(value: Any, schema: JSONObject, path: str) -> list[FieldError]:
    """All OpenAPI constraint violations of ``value`` (a value at ``path``) against ``schema``."""
    errors: list[FieldError] = []
    _validate(value, schema, path, errors)
    return errors


def _invalid(errors: list[FieldError], path: str, value: Any, detail: str) -> None:
    errors.append(FieldError(path, "FieldValueInvalid", f"Invalid value: {render(value)}: {detail}"))


def _validate(value: Any, schema: JSONObject, path: str, errors: list[FieldError]) -> None:
    if value is None and schema.get("nullable"):
        return
    expected = schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        if not (isinstance(value, str) or _type_ok(value, "integer")):
            errors.append(
                FieldError(
                    path,
                    "FieldValueTypeInvalid",
                    f'Invalid value: "{_type_name(value)}": {path} in body must be of type integer,string: '
                    f"{render(value)}",
                )
            )
            return
    elif expected and not _type_ok(value, expected):
        errors.append(
            FieldError(
                path,
                "FieldValueTypeInvalid",
                f'Invalid value: "{_type_name(value)}": {path} in body must be of type {expected}: {render(value)}',
            )
        )
        return
    enum = schema.get("enum")
    if enum is not None and value not in enum:
        supported = ", ".join(render(v) for v in enum)
        errors.append(
            FieldError(
                path, "FieldValueNotSupported", f"Unsupported value: {render(value)}: supported values: {supported}"
            )
        )
    if isinstance(value, str):
        _validate_string(value, schema, path, errors)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _validate_number(value, schema, path, errors)
    elif isinstance(value, list):
        _validate_array(value, schema, path, errors)
    elif isinstance(value, dict):
        _validate_object(value, schema, path, errors)
    _validate_junctors(value, schema, path, errors)


def _validate_string(value: str, schema: JSONObject, path: str, errors: list[FieldError]) -> None:
    max_length = schema.get("maxLength")
    if max_length is not None and len(value) > max_length:
        errors.append(FieldError(path, "FieldValueTooLong", f"Too long: may not be more than {max_length} bytes"))
    min_length = schema.get("minLength")
    if min_length is not None and len(value) < min_length:
        _invalid(errors, path, value, f"{path} in body should be at least {min_length} chars long")
    pattern_text = schema.get("pattern")
    if pattern_text is not None:
        pattern = _pattern(pattern_text)
        if pattern is not None and not pattern.search(value):
            _invalid(errors, path, value, f"{path} in body should match '{pattern_text}'")
    fmt = schema.get("format")
    check = _FORMATS.get(fmt) if isinstance(fmt, str) else None
    if check is not None and not check(value):
        _invalid(errors, path, value, f"{path} in body must be of type {fmt}: {render(value)}")


def _validate_number(value: float, schema: JSONObject, path: str, errors: list[FieldError]) -> None:
    minimum = schema.get("minimum")
    if minimum is not None:
        if schema.get("exclusiveMinimum") and value <= minimum:
            _invalid(errors, path, value, f"{path} in body should be greater than {render(minimum)}")
        elif value < minimum:
            _invalid(errors, path, value, f"{path} in body should be greater than or equal to {render(minimum)}")
    maximum = schema.get("maximum")
    if maximum is not None:
        if schema.get("exclusiveMaximum") and value >= maximum:
            _invalid(errors, path, value, f"{path} in body should be less than {render(maximum)}")
        elif value > maximum:
            _invalid(errors, path, value, f"{path} in body should be less than or equal to {render(maximum)}")


def _validate_array(value: list[Any], schema: JSONObject, path: str, errors: list[FieldError]) -> None:
    max_items = schema.get("maxItems")
    if max_items is not None and len(value) > max_items:
        errors.append(
            FieldError(path, "FieldValueTooMany", f"Too many: {len(value)}: must have at most {max_items} items")
        )
    min_items = schema.get("minItems")
    if min_items is not None and len(value) < min_items:
        _invalid(errors, path, len(value), f"{path} in body should have at least {min_items} items")
    items = schema.get("items")
    if isinstance(items, dict):
        for index, child in enumerate(value):
            _validate(child, items, f"{path}[{index}]", errors)
    list_type = schema.get("x-kubernetes-list-type")
    if list_type in ("set", "map"):
        keys = schema.get("x-kubernetes-list-map-keys") or []
        seen: set[str] = set()
        for index, child in enumerate(value):
            identity = child
            if list_type == "map" and isinstance(child, dict):
                identity = {k: child.get(k) for k in keys}
            marker = json.dumps(identity, sort_keys=True)
            if marker in seen:
                errors.append(FieldError(f"{path}[{index}]", "FieldValueDuplicate", f"Duplicate value: {marker}"))
            seen.add(marker)


def _validate_object(value: JSONObject, schema: JSONObject, path: str, errors: list[FieldError]) -> None:
    for key in schema.get("required") or ():
        if key not in value:
            errors.append(FieldError(f"{path}.{key}" if path else key, "FieldValueRequired", "Required value"))
    max_props = schema.get("maxProperties")
    if max_props is not None and len(value) > max_props:
        errors.append(
            FieldError(path, "FieldValueTooMany", f"Too many: {len(value)}: must have at most {max_props} items")
        )
    min_props = schema.get("minProperties")
    if min_props is not None and len(value) < min_props:
        _invalid(errors, path, len(value), f"{path} in body should have at least {min_props} properties")
    properties = schema.get("properties")
    additional = schema.get("additionalProperties")
    for key, child in value.items():
        sub = properties.get(key) if properties else None
        if sub is None and isinstance(additional, dict):
            _validate(child, additional, f"{path}[{key}]", errors)
        elif sub is not None:
            _validate(child, sub, f"{path}.{key}" if path else key, errors)


def _fewest(failures: list[list[FieldError]]) -> list[FieldError]:
    """The errors of the alternative that came closest to validating."""
    return sorted(failures, key=len)[0]


def _validate_junctors(value: Any, schema: JSONObject, path: str, errors: list[FieldError]) -> None:
    for sub in schema.get("allOf") or ():
        _validate(value, sub, path, errors)
    any_of = schema.get("anyOf")
    if any_of:
        failures: list[list[FieldError]] = [validate_value(value, sub, path) for sub in any_of]
        if all(failures):
            _invalid(errors, path, value, f"{path} in body must validate at least one schema (anyOf)")
            errors.extend(_fewest(failures))
    one_of = schema.get("oneOf")
    if one_of:
        failures = [validate_value(value, sub, path) for sub in one_of]
        passing = sum(1 for f in failures if not f)
        if passing == 0:
            _invalid(errors, path, value, f"{path} in body must validate one and only one schema (oneOf)")
            errors.extend(_fewest(failures))
        elif passing > 1:
            _invalid(
                errors,
                path,
                value,
                f"{path} in body must validate one and only one schema (oneOf). Found {passing} valid alternatives",
            )
    negated = schema.get("not")
    if isinstance(negated, dict) and not validate_value(value, negated, path):
        _invalid(errors, path, value, f"{path} in body must not validate the schema (not)")
