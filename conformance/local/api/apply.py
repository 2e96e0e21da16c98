"""Server-side apply (``application/apply-patch+yaml``), approximated the way the spec allows.

What it does: creates the object when it is missing; merges the applied configuration into the live
object (objects recursively, lists of keyed objects item by item, other lists replaced); records the
fields each manager applied in ``metadata.managedFields`` (``operation: Apply``, ``fieldsType:
FieldsV1``), and removes the fields a manager applied before but no longer sends, unless another
applier still owns them. What it does not do: detect conflicts between managers (``force`` is
accepted and changes nothing), or track ownership for non-apply writes.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.local.api.jsonutil import json_copy, now_rfc3339
from conformance.local.api.patches import merge_key
from conformance.local.api.protocol import JSONObject

#: Fields that identify the object or are server-owned; they are never part of a field set.
_IDENTITY = ("apiVersion", "kind")
_METADATA_IGNORED = ("name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields")

Path = tuple[str, ...]


def field_set(value: Any) -> JSONObject:
    """The FieldsV1 description of every field set in ``value``."""
    if isinstance(value, dict):
        return {f"f:{k}": field_set(v) for k, v in value.items()}
    if isinstance(value, list):
        key = merge_key(value)
        if key is None:
            return {}
        return {_item_token(key, item): {".": {}, **field_set(item)} for item in value}
    return {}


def _item_token(key: str, item: JSONObject) -> str:
    return "k:" + json.dumps({key: item[key]}, separators=(",", ":"))


def applied_fields(applied: JSONObject) -> JSONObject:
    fields = field_set({k: v for k, v in applied.items() if k not in _IDENTITY})
    metadata = fields.get("f:metadata")
    if isinstance(metadata, dict):
        for name in _METADATA_IGNORED:
            metadata.pop(f"f:{name}", None)
        if not metadata:
            del fields["f:metadata"]
    return fields


def _paths(fields: JSONObject, prefix: Path = ()) -> set[Path]:
    found: set[Path] = set()
    for token, children in fields.items():
        if token == ".":
            continue
        path = (*prefix, token)
        found.add(path)
        if isinstance(children, dict):
            found |= _paths(children, path)
    return found


def apply_merge(target: Any, applied: Any) -> Any:
    """Merge an applied configuration into a live value."""
    if isinstance(applied, dict):
        result = json_copy(target) if isinstance(target, dict) else {}
        for key, value in applied.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = apply_merge(result.get(key), value)
        return result
    if isinstance(applied, list) and isinstance(target, list):
        key = merge_key(target, applied)
        if key is not None:
            merged: list[Any] = json_copy(target)
            for item in applied:
                position = next((i for i, live in enumerate(merged) if live.get(key) == item.get(key)), None)
                if position is None:
                    merged.append(json_copy(item))
                else:
                    merged[position] = apply_merge(merged[position], item)
            return merged
    return json_copy(applied)


def _remove(obj: Any, path: Path) -> None:
    node = obj
    for index, token in enumerate(path):
        last = index == len(path) - 1
        if token.startswith("f:") and isinstance(node, dict):
            name = token[2:]
            if last:
                node.pop(name, None)
                return
            node = node.get(name)
        elif token.startswith("k:") and isinstance(node, list):
            wanted = json.loads(token[2:])
            position = next(
                (
                    i
                    for i, item in enumerate(node)
                    if isinstance(item, dict) and all(item.get(k) == v for k, v in wanted.items())
                ),
                None,
            )
            if position is None:
                return
            if last:
                node.pop(position)
                return
            node = node[position]
        else:
            return


def _owned_by_others(entries: list[JSONObject], manager: str, subresource: str | None) -> set[Path]:
    owned: set[Path] = set()
    for entry in entries:
        if entry.get("operation") != "Apply" or (entry.get("manager"), entry.get("subresource")) == (
            manager,
            subresource,
        ):
            continue
        owned |= _paths(entry.get("fieldsV1") or {})
    return owned


def server_side_apply(
    live: JSONObject | None,
    applied: JSONObject,
    *,
    manager: str,
    api_version: str,
    subresource: str | None = None,
) -> JSONObject:
    """The object after ``manager`` applies ``applied`` to ``live`` (None: the object does not exist)."""
    applied = {k: v for k, v in applied.items()}
    metadata = dict(applied.get("metadata") or {})
    metadata.pop("managedFields", None)
    applied["metadata"] = metadata
    entries: list[JSONObject] = list(((live or {}).get("metadata") or {}).get("managedFields") or [])
    mine = next(
        (
            e
            for e in entries
            if e.get("manager") == manager and e.get("operation") == "Apply" and e.get("subresource") == subresource
        ),
        None,
    )
    new_fields = applied_fields(applied)
    result = apply_merge(live or {}, applied)
    if mine is not None:
        dropped = (
            _paths(mine.get("fieldsV1") or {}) - _paths(new_fields) - _owned_by_others(entries, manager, subresource)
        )
        for path in sorted(dropped, key=len):
            if not any(path[:n] in dropped for n in range(1, len(path))):
                _remove(result, path)
    entry: JSONObject = {
        "manager": manager,
        "operation": "Apply",
        "apiVersion": api_version,
        "time": now_rfc3339(),
        "fieldsType": "FieldsV1",
        "fieldsV1": new_fields,
    }
    if subresource:
        entry["subresource"] = subresource
    entries = [e for e in entries if e is not mine] + [entry]
    result.setdefault("metadata", {})["managedFields"] = entries
    return result  # type: ignore[no-any-return]
