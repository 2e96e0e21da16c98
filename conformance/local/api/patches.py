"""The patch formats kube-apiserver accepts on PATCH: merge (RFC 7386), JSON (RFC 6902), strategic merge.

Strategic merge patch is approximated the way the spec allows: lists whose items are objects with a
merge key (``name``, else ``containerPort``, ``port``, ``mountPath``, ``type``, ``ip``) present in every
item merge item by item on that key; other lists are replaced; ``$patch: delete``/``replace``
directives are honoured and ``$setElementOrder``/``$retainKeys`` directives are dropped. Server-side
apply lives in ``apply.py``. Every function returns a new object and leaves its inputs alone.
"""

from __future__ import annotations

from typing import Any

from conformance.local.api.errors import ApiError, BadRequest
from conformance.local.api.jsonutil import json_copy
from conformance.local.api.protocol import InvalidError

MERGE_KEYS = ("name", "containerPort", "port", "mountPath", "type", "ip")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return json_copy(patch)
    result = json_copy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# -- JSON patch --------------------------------------------------------------------------------------


class PatchFailed(ApiError, InvalidError):
    """A JSON patch that decodes but does not apply (a failed ``test``, a missing path): 422 as in kube."""

    code = 422
    reason = "Invalid"


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise BadRequest(f'invalid JSON pointer "{path}"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _index(container: list[Any], token: str, *, adding: bool) -> int:
    if adding and token == "-":
        return len(container)
    if not token.isdigit():
        raise PatchFailed(f"invalid array index {token!r}")
    index = int(token)
    if index > len(container) or (not adding and index == len(container)):
        raise PatchFailed(f"array index {index} out of bounds")
    return index


def _parent(doc: Any, tokens: list[str]) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, adding=False)]
        else:
            raise PatchFailed(f"missing path segment {token!r}")
    return node


def _get(doc: Any, path: str) -> Any:
    tokens = _pointer(path)
    if not tokens:
        return doc
    parent = _parent(doc, tokens)
    if isinstance(parent, dict):
        if tokens[-1] not in parent:
            raise PatchFailed(f"doc is missing path: {path!r}")
        return parent[tokens[-1]]
    if isinstance(parent, list):
        return parent[_index(parent, tokens[-1], adding=False)]
    raise PatchFailed(f"doc is missing path: {path!r}")


def _add(doc: Any, path: str, value: Any) -> Any:
    tokens = _pointer(path)
    if not tokens:
        return value
    parent = _parent(doc, tokens)
    if isinstance(parent, dict):
        parent[tokens[-1]] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, tokens[-1], adding=True), value)
    else:
        raise PatchFailed(f"doc is missing path: {path!r}")
    return doc


def _remove(doc: Any, path: str) -> Any:
    tokens = _pointer(path)
    parent = _parent(doc, tokens)
    if isinstance(parent, dict) and tokens and tokens[-1] in parent:
        return parent.pop(tokens[-1])
    if isinstance(parent, list) and tokens:
        return parent.pop(_index(parent, tokens[-1], adding=False))
    raise PatchFailed(f"unable to remove nonexistent key: {path!r}")


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902 operations applied to a copy of ``target``."""
    if not isinstance(operations, list):
        raise BadRequest("json patch must be a list of operations")
    doc = json_copy(target)
    for op in operations:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise BadRequest(f"invalid json patch operation: {op!r}")
        kind, path = op["op"], op["path"]
        if kind == "add":
            doc = _add(doc, path, json_copy(op.get("value")))
        elif kind == "remove":
            _remove(doc, path)
        elif kind == "replace":
            _get(doc, path)
            if _pointer(path):
                _remove(doc, path)
            doc = _add(doc, path, json_copy(op.get("value")))
        elif kind == "move":
            value = _remove(doc, op["from"])
            doc = _add(doc, path, value)
        elif kind == "copy":
            doc = _add(doc, path, json_copy(_get(doc, op["from"])))
        elif kind == "test":
            try:
                actual = _get(doc, path)
            except PatchFailed:
                actual = None
            if actual != op.get("value"):
                raise PatchFailed(f"testing value {path} failed: test failed")
        else:
            raise BadRequest(f"unexpected json patch operation {kind!r}")
    return doc


# -- strategic merge patch --------------------------------------------------------------------------


def merge_key(*lists: list[Any]) -> str | None:
    """The key list items merge on, when every item of every list is an object carrying it."""
    items = [item for lst in lists for item in lst if not (isinstance(item, dict) and "$patch" in item)]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in MERGE_KEYS:
        if all(key in item for item in items):
            return key
    return None


def _merge_lists(target: list[Any], patch: list[Any]) -> list[Any]:
    key = merge_key(target, patch)
    if key is None:
        return [strategic_merge_patch(None, item) for item in patch]
    result = json_copy(target)
    for item in patch:
        directive = item.get("$patch")
        if directive == "replace":
            return [strategic_merge_patch(None, i) for i in patch if i.get("$patch") is None]
        position = next((i for i, existing in enumerate(result) if existing.get(key) == item.get(key)), None)
        if directive == "delete":
            if position is not None:
                result.pop(position)
        elif position is None:
            result.append(strategic_merge_patch(None, item))
        else:
            result[position] = strategic_merge_patch(result[position], item)
    return result


def strategic_merge_patch(target: Any, patch: Any) -> Any:
    """Approximate strategic merge: merge patch, plus keyed list merges and ``$patch`` directives."""
    if not isinstance(patch, dict):
        return json_copy(patch)
    if patch.get("$patch") == "replace":
        return {k: json_copy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = json_copy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$setElementOrder/") or key in ("$retainKeys", "$patch"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list) and isinstance(value, list):
                result[field] = [v for v in result[field] if v not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and isinstance(result.get(key), list):
            result[key] = _merge_lists(result[key], value)
        elif isinstance(value, dict):
            merged = strategic_merge_patch(result.get(key), value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = [strategic_merge_patch(None, item) for item in value]
        else:
            result[key] = value
    return result
