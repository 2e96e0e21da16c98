"""Shared helpers of the local API tests (a uniquely named module, imported by conftest and tests)."""

from __future__ import annotations

from pathlib import Path

#: The shared CRD bundles next to the repository (../shared/data/crds from the repo root).
CRDS = Path(__file__).resolve().parents[4] / "shared" / "data" / "crds"
EXPERIMENTAL = CRDS / "v1.6.1" / "experimental"
STANDARD_141 = CRDS / "v1.4.1" / "standard"
GATEWAY = "gateway.networking.k8s.io"

_LOGS = {("logs", "echo", "echo"): "line 1\nline 2\nline 3\n"}


def fake_log_source(namespace: str, pod: str, container: str | None, since: int | None, tail: int | None) -> str | None:
    """Logs for pod logs/echo only; honours tailLines like the kubelet does."""
    text = _LOGS.get((namespace, pod, container or "echo"))
    if text is None:
        return None
    if tail is not None:
        text = "".join(text.splitlines(keepends=True)[-tail:])
    return text


def gateway(name: str, **spec: object) -> dict[str, object]:
    return {
        "apiVersion": f"{GATEWAY}/v1",
        "kind": "Gateway",
        "metadata": {"name": name},
        "spec": {"gatewayClassName": "local", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}], **spec},
    }


def httproute(name: str, **spec: object) -> dict[str, object]:
    return {
        "apiVersion": f"{GATEWAY}/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": name},
        "spec": {"parentRefs": [{"name": "gw"}], **spec},
    }
