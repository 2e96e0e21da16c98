"""Structural schemas of CRD versions: pruning and defaulting, then validation (``validation.py``, ``cel.py``).

kube-apiserver treats an ``openAPIV3Schema`` in three passes, and so do we, in the same order:

1. pruning: fields the schema does not declare are dropped silently (unless
   ``x-kubernetes-preserve-unknown-fields``), and so are ``null`` values of non-nullable fields;
2. defaulting: a property's ``default`` is set where the property is missing and its parent object
   exists; defaults are applied top-down, so a defaulted object gets its own nested defaults too;
3. validation: OpenAPI value constraints and the ``x-kubernetes-validations`` CEL rules.

Only ``properties`` outside ``allOf``/``anyOf``/``oneOf``/``not`` count for pruning and defaulting, as
the structural-schema rules require.
"""

from __future__ import annotations

from typing import Any

from conformance.local.api.cel import cel_errors
from conformance.local.api.errors import FieldError
from conformance.local.api.jsonutil import json_copy
from conformance.local.api.protocol import JSONObject
from conformance.local.api.validation import validate_value

#: Top-level fields every object keeps whatever its schema says.
_ROOT_KEPT = ("apiVersion", "kind", "metadata")


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def prune(value: Any, schema: JSONObject, path: str, pruned: list[str]) -> None:
    """Drop undeclared fields and non-nullable nulls from ``value`` in place; record their paths."""
    if isinstance(value, dict):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        for key in list(value):
            child = value[key]
            sub = properties.get(key) if properties else None
            if sub is None and isinstance(additional, dict):
                sub = additional
            if sub is not None:
                if child is None and not sub.get("nullable"):
                    del value[key]
                    continue
                prune(child, sub, join(path, key), pruned)
            elif not preserve and additional is not True:
                del value[key]
                pruned.append(join(path, key))
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for index, child in enumerate(value):
                prune(child, items, f"{path}[{index}]", pruned)


def default(value: Any, schema: JSONObject) -> None:
    """Apply ``default`` values in place, top-down, only where the parent object exists."""
    if isinstance(value, dict):
        properties = schema.get("properties")
        if properties:
            for key, sub in properties.items():
                if key not in value and "default" in sub:
                    value[key] = json_copy(sub["default"])
                if key in value:
                    default(value[key], sub)
        additional = schema.get("additionalProperties")
        if isinstance(additional, dict):
            for child in value.values():
                default(child, additional)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for child in value:
                default(child, items)


class StructuralSchema:
    """One CRD version's ``openAPIV3Schema``, ready to admit objects."""

    def __init__(self, schema: JSONObject, *, cel: bool = True) -> None:
        self.root = schema
        # CEL rules are the slow part of admission (cel-python interprets: up to ~50 ms per HTTPRoute).
        self.cel = cel

    def admit(self, obj: JSONObject, old: JSONObject | None, pruned: list[str]) -> list[FieldError]:
        """Prune, default and validate a whole object in place; return the validation errors."""
        properties = self.root.get("properties") or {}
        for key in list(obj):
            if key in _ROOT_KEPT:
                continue
            sub = properties.get(key)
            if sub is None:
                if self.root.get("x-kubernetes-preserve-unknown-fields") is not True:
                    del obj[key]
                    pruned.append(key)
            elif obj[key] is None and not sub.get("nullable"):
                del obj[key]
            else:
                prune(obj[key], sub, key, pruned)
        errors: list[FieldError] = []
        for key, sub in properties.items():
            if key in _ROOT_KEPT:
                continue
            if key not in obj and "default" in sub:
                obj[key] = json_copy(sub["default"])
            if key in obj:
                default(obj[key], sub)
                errors += self._check(obj[key], sub, key, old, key)
        for key in self.root.get("required") or ():
            if key not in obj:
                errors.append(FieldError(key, "FieldValueRequired", "Required value"))
        errors += self._check_root_rules(obj, old)
        return errors

    def admit_property(self, key: str, obj: JSONObject, old: JSONObject | None, pruned: list[str]) -> list[FieldError]:
        """Admit one top-level property only (``status`` for /status writes)."""
        sub = (self.root.get("properties") or {}).get(key)
        if sub is None or key not in obj:
            return []
        if obj[key] is None and not sub.get("nullable"):
            del obj[key]
            return []
        prune(obj[key], sub, key, pruned)
        default(obj[key], sub)
        return self._check(obj[key], sub, key, old, key)

    def _check(self, value: Any, schema: JSONObject, path: str, old: JSONObject | None, key: str) -> list[FieldError]:
        errors = validate_value(value, schema, path)
        if not self.cel:
            return errors
        has_old = isinstance(old, dict) and key in old
        errors += cel_errors(value, schema, path, old[key] if has_old and old is not None else None, has_old)
        return errors

    def _check_root_rules(self, obj: JSONObject, old: JSONObject | None) -> list[FieldError]:
        if not self.cel or not self.root.get("x-kubernetes-validations"):
            return []
        # Root rules see the whole object; pass a schema without properties so cel_errors does not
        # descend again into what _check already covered.
        shallow = {k: v for k, v in self.root.items() if k not in ("properties", "additionalProperties")}
        shallow["x-kubernetes-preserve-unknown-fields"] = True
        return cel_errors(obj, shallow, "", old, old is not None)
