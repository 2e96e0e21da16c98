"""Pure helpers of the local kubelet: pod naming, environment and volume resolution.

They do what the Deployment controller and a node's kubelet do to a pod template before anything runs:
name the pod ``<deployment>-<template hash>-<suffix>``, resolve ``env`` (downward API fields, Secret
and ConfigMap keys, ``$(VAR)`` references), and materialise Secret/ConfigMap volumes as files, with
container paths remapped into a per-pod directory (there is no mount namespace to put them at
``/etc/secret-volume``).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import random
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from conformance.local.api.protocol import JSONObject, ObjectStore

#: The alphabet Kubernetes uses for generated names (no vowels, no look-alike digits).
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


class PodConfigError(Exception):
    """The pod cannot start yet (a missing Secret, ConfigMap or key); retried when those change."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def template_hash(template: Mapping[str, Any]) -> str:
    """A stable 10-character name-safe hash of a pod template (the ``pod-template-hash`` label)."""
    digest = hashlib.sha256(json.dumps(template, sort_keys=True, separators=(",", ":")).encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(10):
        number, index = divmod(number, len(SAFE_ALPHABET))
        chars.append(SAFE_ALPHABET[index])
    return "".join(chars)


def random_suffix(rng: random.Random, length: int = 5) -> str:
    return "".join(rng.choice(SAFE_ALPHABET) for _ in range(length))


def owner_deployment(pod: Mapping[str, Any]) -> tuple[str, str] | None:
    """(name, uid) of the Deployment that controls this pod, if any."""
    for ref in pod.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("kind") == "Deployment" and ref.get("controller"):
            return str(ref.get("name", "")), str(ref.get("uid", ""))
    return None


def new_pod(deployment: Mapping[str, Any], pod_hash: str, name: str) -> JSONObject:
    meta = deployment["metadata"]
    template = copy.deepcopy(deployment.get("spec", {}).get("template") or {})
    template_meta = template.get("metadata") or {}
    labels = {**(template_meta.get("labels") or {}), "pod-template-hash": pod_hash}
    metadata: JSONObject = {
        "name": name,
        "generateName": f"{meta['name']}-{pod_hash}-",
        "namespace": meta["namespace"],
        "labels": labels,
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": meta["name"],
                "uid": meta.get("uid", ""),
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    }
    if template_meta.get("annotations"):
        metadata["annotations"] = dict(template_meta["annotations"])
    spec = template.get("spec") or {}
    spec.setdefault("nodeName", "local")
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": {"phase": "Pending"}}


# --- environment -------------------------------------------------------------------------------------

_FIELD_LABEL = re.compile(r"metadata\.(labels|annotations)\['([^']*)'\]")
_VAR_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def _field_ref(pod: Mapping[str, Any], path: str) -> str:
    meta, spec, status = pod.get("metadata", {}), pod.get("spec", {}), pod.get("status", {})
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName", "default"),
        "status.podIP": status.get("podIP"),
        "status.hostIP": status.get("hostIP"),
    }
    if path in simple:
        return str(simple[path] or "")
    match = _FIELD_LABEL.fullmatch(path)
    if match:
        return str((meta.get(match.group(1)) or {}).get(match.group(2), ""))
    raise PodConfigError("CreateContainerConfigError", f"unsupported fieldRef fieldPath {path!r}")


def _key_data(store: ObjectStore, kind: str, namespace: str, name: str, optional: bool) -> dict[str, bytes] | None:
    resource = "secrets" if kind == "Secret" else "configmaps"
    obj = store.get(resource, namespace, name)
    if obj is None:
        if optional:
            return None
        raise PodConfigError("CreateContainerConfigError", f'{kind.lower()} "{name}" not found')
    return object_files(obj, kind)


def object_files(obj: Mapping[str, Any], kind: str) -> dict[str, bytes]:
    """The key -> bytes content of a Secret or ConfigMap."""
    out: dict[str, bytes] = {}
    if kind == "Secret":
        for key, value in (obj.get("data") or {}).items():
            out[key] = base64.b64decode(value)
        for key, value in (obj.get("stringData") or {}).items():
            out[key] = str(value).encode()
    else:
        for key, value in (obj.get("binaryData") or {}).items():
            out[key] = base64.b64decode(value)
        for key, value in (obj.get("data") or {}).items():
            out[key] = str(value).encode()
    return out


def _ref_value(store: ObjectStore, namespace: str, kind: str, ref: Mapping[str, Any]) -> str | None:
    optional = bool(ref.get("optional"))
    data = _key_data(store, kind, namespace, str(ref.get("name", "")), optional)
    key = str(ref.get("key", ""))
    if data is None or key not in data:
        if optional:
            return None
        raise PodConfigError(
            "CreateContainerConfigError", f"couldn't find key {key} in {kind} {namespace}/{ref.get('name')}"
        )
    return data[key].decode("utf-8", errors="replace")


def _expand(value: str, env: Mapping[str, str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env.get(name, match.group(0))

    return _VAR_REF.sub(substitute, value)


def resolve_env(container: Mapping[str, Any], pod: Mapping[str, Any], store: ObjectStore) -> dict[str, str]:
    """The container's environment as the kubelet would hand it to the process."""
    namespace = str(pod.get("metadata", {}).get("namespace", ""))
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        prefix = str(source.get("prefix", ""))
        for kind, field_name in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            ref = source.get(field_name)
            if ref:
                data = _key_data(store, kind, namespace, str(ref.get("name", "")), bool(ref.get("optional")))
                for key, raw in (data or {}).items():
                    env[prefix + key] = raw.decode("utf-8", errors="replace")
    for item in container.get("env") or []:
        name = str(item.get("name", ""))
        source = item.get("valueFrom")
        if source is None:
            env[name] = _expand(str(item.get("value", "")), env)
            continue
        value: str | None
        if "fieldRef" in source:
            value = _field_ref(pod, str(source["fieldRef"].get("fieldPath", "")))
        elif "secretKeyRef" in source:
            value = _ref_value(store, namespace, "Secret", source["secretKeyRef"])
        elif "configMapKeyRef" in source:
            value = _ref_value(store, namespace, "ConfigMap", source["configMapKeyRef"])
        else:
            raise PodConfigError("CreateContainerConfigError", f"env {name}: unsupported valueFrom {source!r}")
        if value is not None:
            env[name] = value
    return env


# --- volumes ------------------------------------------------------------------------------------------


def _write_files(directory: Path, files: Mapping[str, bytes], items: list[Mapping[str, Any]] | None) -> None:
    selected = (
        {str(item["path"]): files[str(item["key"])] for item in items if str(item.get("key")) in files}
        if items
        else dict(files)
    )
    for relative, content in selected.items():
        target = (directory / relative).resolve()
        if directory.resolve() not in target.parents:
            raise PodConfigError("CreateContainerConfigError", f"volume item path {relative!r} escapes its volume")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def materialise_volumes(pod: Mapping[str, Any], store: ObjectStore, directory: Path) -> dict[str, Path]:
    """Write each volume of the pod under ``directory``; return volume name -> its directory."""
    namespace = str(pod.get("metadata", {}).get("namespace", ""))
    paths: dict[str, Path] = {}
    for volume in pod.get("spec", {}).get("volumes") or []:
        name = str(volume.get("name", ""))
        path = directory / "volumes" / name
        path.mkdir(parents=True, exist_ok=True)
        paths[name] = path
        if "secret" in volume or "configMap" in volume:
            kind, source = ("Secret", volume["secret"]) if "secret" in volume else ("ConfigMap", volume["configMap"])
            object_name = str(source.get("secretName") if kind == "Secret" else source.get("name"))
            data = _key_data(store, kind, namespace, object_name, bool(source.get("optional")))
            if data is None:
                continue
            _write_files(path, data, source.get("items"))
        elif "emptyDir" not in volume:
            kinds = sorted(set(volume) - {"name"})
            raise PodConfigError(
                "ContainerCreating", f"volume {name!r}: type {kinds} is not supported by the local kubelet"
            )
    return paths


def container_mounts(container: Mapping[str, Any], volumes: Mapping[str, Path]) -> list[tuple[str, str]]:
    """(path inside the container, path on this machine), longest container path first."""
    mounts: list[tuple[str, str]] = []
    for mount in container.get("volumeMounts") or []:
        volume = volumes.get(str(mount.get("name", "")))
        if volume is None:
            raise PodConfigError("CreateContainerConfigError", f"volumeMount {mount.get('name')!r}: no such volume")
        host = volume / str(mount["subPath"]) if mount.get("subPath") else volume
        mounts.append((str(mount.get("mountPath", "")).rstrip("/") or "/", str(host)))
    return sorted(mounts, key=lambda pair: len(pair[0]), reverse=True)


def remapper(mounts: list[tuple[str, str]]) -> Callable[[str], str]:
    """A function that rewrites container paths (in env values and args) to where the files really are."""

    def remap(value: str) -> str:
        for inside, outside in mounts:
            if value == inside:
                return outside
            if value.startswith(inside + "/"):
                return outside + os.sep + value[len(inside) + 1 :]
        return value

    return remap
