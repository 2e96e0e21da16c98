"""What kube-apiserver does to an object's metadata and status on create and update, as pure functions.

Create: namespace from the request, ``generateName``, uid, creationTimestamp, generation 1, status
dropped for kinds with a status subresource. Update of the main resource: server-owned metadata kept,
status kept from the stored object, generation bumped when anything outside metadata and status
changed. Update through /status: only ``status`` taken from the request. Built-in kinds get the few
defaults the harness relies on (``builtin_defaults.py``). The store adds the resourceVersion at commit.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from conformance.local.api.builtin_defaults import default_builtin
from conformance.local.api.errors import BadRequest, FieldError, Invalid
from conformance.local.api.jsonutil import now_rfc3339
from conformance.local.api.kinds import ResourceType
from conformance.local.api.protocol import JSONObject

#: Metadata the server owns: a client cannot change it through an update.
_SERVER_METADATA = (
    "uid",
    "creationTimestamp",
    "name",
    "namespace",
    "generation",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
)

#: generateName suffix alphabet (apimachinery leaves out vowels and look-alikes).
_SUFFIX = "bcdfghjklmnpqrstvwxz2456789"
_random = random.SystemRandom()


def generated_name(prefix: str) -> str:
    return prefix + "".join(_random.choice(_SUFFIX) for _ in range(5))


def _metadata(obj: JSONObject) -> JSONObject:
    metadata = obj.get("metadata")
    if metadata is None:
        metadata = obj["metadata"] = {}
    if not isinstance(metadata, dict):
        raise BadRequest("metadata must be an object")
    return metadata


def check_body(rtype: ResourceType, obj: Any) -> JSONObject:
    """The request body as an object of this kind (400 when it is of another kind)."""
    if not isinstance(obj, dict):
        raise BadRequest("the request body must be a JSON object")
    kind = obj.get("kind")
    if kind not in (None, "", rtype.kind):
        raise BadRequest(f"the kind of the provided object ({kind}) does not match the resource ({rtype.kind})")
    return obj


def set_namespace(rtype: ResourceType, obj: JSONObject, namespace: str | None) -> None:
    """Fill metadata.namespace from the request (clients put it in the URL, not always in the body)."""
    metadata = _metadata(obj)
    if not rtype.namespaced:
        metadata.pop("namespace", None)
        return
    given = metadata.get("namespace")
    if namespace and given and given != namespace:
        raise BadRequest("the namespace of the provided object does not match the namespace sent on the request")
    namespace = namespace or given
    if not namespace:
        raise Invalid(
            rtype.qualified_kind,
            rtype.group,
            str(metadata.get("name", "")),
            [FieldError("metadata.namespace", "FieldValueRequired", "Required value")],
        )
    metadata["namespace"] = namespace


def prepare_create(rtype: ResourceType, obj: JSONObject, namespace: str | None) -> None:
    """Turn a POST body into the object to store (before admission and the resourceVersion)."""
    set_namespace(rtype, obj, namespace)
    metadata = _metadata(obj)
    if not metadata.get("name") and metadata.get("generateName"):
        metadata["name"] = generated_name(str(metadata["generateName"]))
    obj["apiVersion"] = rtype.api_version()
    obj["kind"] = rtype.kind
    if rtype.status:
        obj.pop("status", None)
    for key in ("deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion", "selfLink"):
        metadata.pop(key, None)
    metadata["uid"] = str(uuid.uuid4())
    metadata["creationTimestamp"] = now_rfc3339()
    metadata["generation"] = 1
    default_builtin(rtype.key, obj, None)


def check_identity(rtype: ResourceType, obj: JSONObject, namespace: str | None, name: str) -> None:
    """An update body must name the object of the URL."""
    set_namespace(rtype, obj, namespace)
    given = _metadata(obj).get("name")
    if given and given != name:
        raise BadRequest(f"the name of the object ({given}) does not match the name on the URL ({name})")
    obj["metadata"]["name"] = name


def spec_changed(old: JSONObject, new: JSONObject) -> bool:
    """Whether anything outside metadata and status differs (what bumps metadata.generation)."""
    ignored = ("metadata", "status", "apiVersion", "kind")
    keys = (set(old) | set(new)) - set(ignored)
    return any(old.get(k) != new.get(k) for k in keys)


def prepare_update(rtype: ResourceType, current: JSONObject, new: JSONObject, subresource: str | None) -> JSONObject:
    """The object to store for a PUT/PATCH ``new`` of ``current`` (before admission and resourceVersion)."""
    if subresource == "status":
        result = dict(current)
        result["metadata"] = dict(current["metadata"])
        if "status" in new:
            result["status"] = new["status"]
        else:
            result.pop("status", None)
        return result
    metadata = _metadata(new)
    for key in _SERVER_METADATA:
        if key in current["metadata"]:
            metadata[key] = current["metadata"][key]
        else:
            metadata.pop(key, None)
    if "managedFields" not in metadata and "managedFields" in current["metadata"]:
        metadata["managedFields"] = current["metadata"]["managedFields"]
    new["apiVersion"] = rtype.api_version()
    new["kind"] = rtype.kind
    if rtype.status:
        if "status" in current:
            new["status"] = current["status"]
        else:
            new.pop("status", None)
    default_builtin(rtype.key, new, current)
    return new


def bump_generation(current: JSONObject, new: JSONObject) -> None:
    """Set metadata.generation of an admitted update: +1 when anything outside metadata/status changed.

    Runs after defaulting and pruning, so a write that restates a defaulted spec in its short form
    (``kubectl apply`` of the original manifest) is no change.
    """
    generation = int(current["metadata"].get("generation", 0))
    new["metadata"]["generation"] = generation + 1 if spec_changed(current, new) else generation


def is_terminating(obj: JSONObject) -> bool:
    return bool(obj.get("metadata", {}).get("deletionTimestamp"))


def finalizers(obj: JSONObject) -> list[str]:
    return list(obj.get("metadata", {}).get("finalizers") or [])


def marked_for_deletion(obj: JSONObject) -> JSONObject:
    """A copy of ``obj`` with deletionTimestamp set (finalizers keep it until they are removed)."""
    result = dict(obj)
    metadata = dict(obj["metadata"])
    metadata.setdefault("deletionTimestamp", now_rfc3339())
    metadata.setdefault("deletionGracePeriodSeconds", 0)
    result["metadata"] = metadata
    return result
