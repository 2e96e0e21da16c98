"""Diagnostics for a failed test: its objects with status, related events, the controller's logs.

Saved under ``reports/<run>/debug/<ShortName>/`` before the test's objects are cleaned up, because an
implementation's status and logs are what a vendor needs to see why a test failed, and they are gone
after cleanup. Reports are shared and uploaded, so everything is redacted on the way out: Secret data,
bearer and basic credentials, Authorization headers, tokens, passwords and private keys.

Other plugins (the Allure adapter) receive the saved files through the ``pytest_gwconf_diagnostics``
hook (``conformance.hookspecs``) and attach them as they see fit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from conformance.kube.errors import KubeError

if TYPE_CHECKING:
    from conformance.kube.apply import Applied
    from conformance.kube.client import KubeClient

log = logging.getLogger(__name__)

LOG_LINES = 500
REDACTED = "<redacted>"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        "<redacted private key>",
    ),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic)\s+)?[^\s\"',;}]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + REDACTED),
    (
        re.compile(
            r"(?i)(\b(?:[a-z_-]*token|password|passwd|secret|api[_-]?key|license[_-]?data)[\"']?\s*[:=]\s*[\"']?)"
            r"[^\s\"',;}]+"
        ),
        r"\1" + REDACTED,
    ),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"), REDACTED),  # JWTs
)


def redact_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_object(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy without Secret values, managed fields and last-applied annotations (which repeat the data)."""
    out = dict(obj)
    meta = dict(out.get("metadata") or {})
    meta.pop("managedFields", None)
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if "last-applied" not in k}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    out["metadata"] = meta
    if out.get("kind") == "Secret":
        for key in ("data", "stringData"):
            if isinstance(out.get(key), dict):
                out[key] = {k: f"{REDACTED} ({len(str(v))} bytes)" for k, v in out[key].items()}
    return out


def _objects(client: KubeClient, applied: Sequence[Applied]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in applied:
        try:
            obj = client.get(item.api_version, item.kind, item.name, item.namespace)
        except KubeError as err:
            obj = {"kind": item.kind, "metadata": {"name": item.name, "namespace": item.namespace}, "error": str(err)}
        if obj is not None:
            found.append(redact_object(obj))
    return found


def _events(client: KubeClient, applied: Sequence[Applied]) -> list[dict[str, Any]]:
    names = {(i.namespace, i.name) for i in applied}
    events: list[dict[str, Any]] = []
    for namespace in sorted({i.namespace for i in applied if i.namespace}):
        try:
            items, _ = client.list("v1", "Event", namespace)
        except KubeError as err:
            log.debug("listing events in %s failed: %s", namespace, err)
            continue
        for event in items:
            involved = event.get("involvedObject") or {}
            if (involved.get("namespace") or namespace, involved.get("name")) in names:
                events.append(redact_object(event))
    return events


def _logs(client: KubeClient, namespace: str, selector: str, directory: Path) -> list[Path]:
    files: list[Path] = []
    try:
        pods, _ = client.list("v1", "Pod", namespace, label_selector=selector)
    except KubeError as err:
        log.debug("listing controller pods failed: %s", err)
        return files
    for pod in pods:
        name = str(pod["metadata"]["name"])
        for container in (pod.get("spec") or {}).get("containers") or []:
            cname = str(container.get("name"))
            path = f"/api/v1/namespaces/{namespace}/pods/{name}/log"
            try:
                text = client.request_text(path, query={"container": cname, "tailLines": LOG_LINES})
            except KubeError as err:
                text = f"(logs unavailable: {err})\n"
            target = directory / "logs" / f"{name}_{cname}.log"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(redact_text(text), encoding="utf-8")
            files.append(target)
    return files


def _dump(path: Path, docs: Iterable[dict[str, Any]]) -> Path:
    path.write_text(redact_text(yaml.safe_dump_all(list(docs), sort_keys=False)), encoding="utf-8")
    return path


def collect(
    client: KubeClient,
    directory: Path,
    applied: Sequence[Applied],
    *,
    controller: tuple[str, str] | None = None,
) -> list[Path]:
    """Write objects.yaml, events.yaml and logs/ for one failed test; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    files = [_dump(directory / "objects.yaml", _objects(client, applied))]
    files.append(_dump(directory / "events.yaml", _events(client, applied)))
    if controller is not None and controller[0] and controller[1]:
        files += _logs(client, controller[0], controller[1], directory)
    return files
