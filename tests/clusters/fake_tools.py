"""Fake ``kind``, ``kubectl``, ``helm``, ``docker`` and ``cloud-provider-kind`` for the kind path's tests.

Each fake records its argv (one JSON line in ``$FAKE_TOOLS_LOG``) and answers like the real tool for the
commands the harness uses. kind "creates" a cluster by writing a kubeconfig that points at a local
environment (``$FAKE_KIND_KUBECONFIG``), so everything after cluster creation talks to a real API.
kubectl applies Gateway API bundles from ``$FAKE_CRDS_DIR/<version>/<channel>`` and piped objects the
local API knows; GatewayClasses get ``$FAKE_CONTROLLER`` as controllerName, so the reference gateway
accepts them as if the implementation did. ``$FAKE_FAIL=<tool>:<word>`` makes a command containing
that word fail with a message on stderr.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import yaml

STATE = Path(os.environ.get("FAKE_TOOLS_STATE", "."))


def record(tool: str, args: list[str]) -> None:
    with open(os.environ["FAKE_TOOLS_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps([tool, *args]) + "\n")


def flag(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def client(args: list[str]) -> Any:
    from conformance.kube.client import KubeClient

    return KubeClient.from_kubeconfig(flag(args, "--kubeconfig") or os.environ["KUBECONFIG"])


def clusters() -> list[str]:
    path = STATE / "clusters.json"
    return json.loads(path.read_text()) if path.exists() else []


def save_clusters(names: list[str]) -> None:
    (STATE / "clusters.json").write_text(json.dumps(names))


def kind(args: list[str]) -> int:
    if args[:2] == ["get", "clusters"]:
        print("\n".join(clusters()))
        return 0
    if args[:2] == ["create", "cluster"]:
        name = flag(args, "--name") or "kind"
        config = yaml.safe_load(sys.stdin.read()) if flag(args, "--config") == "-" else {}
        label = (config.get("nodes") or [{}])[0].get("labels", {}).get("gateway-conformance.io/spec", "")
        (STATE / f"{name}.label").write_text(label)
        shutil.copyfile(os.environ["FAKE_KIND_KUBECONFIG"], flag(args, "--kubeconfig") or "kubeconfig")
        save_clusters([*clusters(), name])
        print(f"Creating cluster {name!r} ...", file=sys.stderr)
        return 0
    if args[:2] == ["delete", "cluster"]:
        save_clusters([c for c in clusters() if c != flag(args, "--name")])
        return 0
    if args[:2] == ["export", "kubeconfig"]:
        shutil.copyfile(os.environ["FAKE_KIND_KUBECONFIG"], flag(args, "--kubeconfig") or "kubeconfig")
        return 0
    if args[:1] == ["load"]:
        return 0
    if args[:1] == ["version"]:
        print("kind v0.32.0 go1.24 linux/amd64")
        return 0
    print(f"ERROR: unknown command {args}", file=sys.stderr)
    return 1


def _bundle(url: str) -> list[dict[str, Any]]:
    match = re.search(r"/download/(v[^/]+)/(standard|experimental)-install\.yaml$", url)
    if not match:
        return []
    folder = Path(os.environ["FAKE_CRDS_DIR"]) / match[1] / match[2]
    docs: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
    return docs


def kubectl(args: list[str]) -> int:
    if args[:1] == ["apply"]:
        source = flag(args, "-f") or ""
        docs = (
            [d for d in yaml.safe_load_all(sys.stdin.read()) if isinstance(d, dict)]
            if source == "-"
            else _bundle(source)
        )
        api = client(args)
        for doc in docs:
            if doc.get("kind") == "GatewayClass" and os.environ.get("FAKE_CONTROLLER"):
                doc["spec"]["controllerName"] = os.environ["FAKE_CONTROLLER"]
            try:
                api.resource_of(doc)
            except Exception:  # a kind the local API does not serve (MetalLB's): accepted and ignored
                continue
            api.apply(doc)
        return 0
    if args[:2] == ["get", "nodes"]:
        name = next((c for c in clusters()), "")
        print((STATE / f"{name}.label").read_text() if (STATE / f"{name}.label").exists() else "", end="")
        return 0
    if args[:1] == ["delete"] and len(args) > 2 and not args[1].startswith("-"):
        kinds = {
            "validatingadmissionpolicy": "ValidatingAdmissionPolicy",
            "validatingadmissionpolicybinding": "ValidatingAdmissionPolicyBinding",
        }
        if args[1] in kinds:
            client(args).delete("admissionregistration.k8s.io/v1", kinds[args[1]], args[2])
        return 0
    return 0  # rollout status, wait, label, delete -f: nothing to do against the local environment


def helm(args: list[str]) -> int:
    if args[:2] == ["upgrade", "--install"]:
        created = os.environ.get("FAKE_HELM_GATEWAYCLASS", "")
        release, _, gwc = created.partition("=")
        if release == args[2]:
            client(args).apply(
                {
                    "apiVersion": "gateway.networking.k8s.io/v1",
                    "kind": "GatewayClass",
                    "metadata": {"name": gwc},
                    "spec": {"controllerName": os.environ["FAKE_CONTROLLER"]},
                }
            )
    return 0


def docker(args: list[str]) -> int:
    if args[:3] == ["network", "inspect", "kind"]:
        print(json.dumps([{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}]))
        return 0
    return 0


def cloud_provider_kind(args: list[str]) -> int:
    while True:  # a host process: runs until stopped
        time.sleep(0.2)


def main(tool: str) -> int:
    args = sys.argv[1:]
    record(tool, args)
    fail = os.environ.get("FAKE_FAIL", "")
    if fail:
        fail_tool, _, word = fail.partition(":")
        if fail_tool == tool and word in args:
            print(f"Error: {tool} could not {word}: simulated failure", file=sys.stderr)
            return 1
    handler = {
        "kind": kind,
        "kubectl": kubectl,
        "helm": helm,
        "docker": docker,
        "cloud-provider-kind": cloud_provider_kind,
    }
    return handler[tool](args)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[0]).name))
