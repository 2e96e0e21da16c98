"""Which kind binary and which node image a kind cluster uses: pinned together, overridable.

Node images are only supported with the kind release they shipped with, and an old kind cannot boot a
new node image (kind v0.17 writes kubeadm v1beta3, which Kubernetes 1.37 rejects), so the release and
the node images are pinned as a pair (spec/kind-lifecycle.md section 4) and images by digest.

The binary: ``--kind-bin`` if given, else a ``kind`` on PATH (it wins: air-gapped CI and developers pin
their own), else a copy the harness downloaded before, else a download of the pinned release through
pytest-kind-ng (the optional ``kind`` extra). The download URL is set explicitly, so the pinned release
and the machine's architecture are used, not pytest-kind-ng's old amd64 default.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
from collections.abc import Mapping
from pathlib import Path

from conformance.process import ToolMissing

KIND_VERSION = "v0.32.0"
"""The kind release the harness is built and documented for (June 2026)."""

NODE_IMAGES: Mapping[str, str] = {
    "v1.36.1": "kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5",
    "v1.35.5": "kindest/node:v1.35.5@sha256:ce977ae6d65918d0b58a5f8b5e940429c2ce42fa3a5619ec2bbc60b949c0ac95",
    "v1.34.8": "kindest/node:v1.34.8@sha256:02722c2dedddcfc00febf5d27fbeb9b7b2c14294c82109ff4a85d89ac9ba3256",
    "v1.33.12": "kindest/node:v1.33.12@sha256:3f5c8443c620245e4d355cfe09e96a91ead32ceaa569d3f1ca9edf0cb2fe2ff4",
    "v1.32.11": "kindest/node:v1.32.11@sha256:5fc52d52a7b9574015299724bd68f183702956aa4a2116ae75a63cb574b35af8",
}
"""kind v0.32.0's node images by Kubernetes version, pinned by digest."""

DEFAULT_KUBE_VERSION = "v1.36.1"
DOWNLOAD_URL = "https://github.com/kubernetes-sigs/kind/releases/download/{version}/kind-{os}-{arch}"


class KindSetupError(ValueError):
    """A bad kind-related option (unknown Kubernetes version, unpinned image ...)."""


def node_image(kube_version: str, image: str) -> str:
    """The node image to use: ``--node-image`` as given, else the pinned image for ``--kube-version``."""
    if image:
        if "@sha256:" not in image:
            raise KindSetupError(
                f"--node-image={image}: pin the image by digest (kindest/node:vX.Y.Z@sha256:...), "
                "since a tag can move and node images only work with the kind release they shipped with"
            )
        return image
    version = kube_version or DEFAULT_KUBE_VERSION
    if not version.startswith("v"):
        version = "v" + version
    if version not in NODE_IMAGES:
        raise KindSetupError(
            f"--kube-version={kube_version}: no pinned kind {KIND_VERSION} node image for it. "
            f"Known: {', '.join(NODE_IMAGES)}; or pass --node-image=kindest/node:...@sha256:..."
        )
    return NODE_IMAGES[version]


def cache_dir() -> Path:
    """Downloads and the MetalLB pool registry: ``$GWCONF_CACHE_DIR``, else ``~/.cache/gateway-conformance``."""
    explicit = os.environ.get("GWCONF_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gateway-conformance"


def download_url(version: str) -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return DOWNLOAD_URL.format(version=version, os=platform.system().lower(), arch=arch)


def describe_resolution(kind_bin: Path | None, version: str) -> str:
    """For the plan: how the binary will be found, without looking anything up."""
    if kind_bin is not None:
        return f"use kind at {kind_bin} (--kind-bin)"
    return f"use kind from PATH, else a cached or downloaded kind {version} ({download_url(version)})"


def resolve_kind(kind_bin: Path | None, version: str = KIND_VERSION) -> Path:
    if kind_bin is not None:
        return kind_bin
    on_path = shutil.which("kind")
    if on_path:
        return Path(on_path)
    cached = cache_dir() / f"kind-{version}" / "kind"
    if cached.is_file():
        return cached
    return _download(cached, version)


def _download(target: Path, version: str) -> Path:
    try:
        from pytest_kind.cluster import KindCluster  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise ToolMissing("kind") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get("KIND_DOWNLOAD_URL")
    os.environ["KIND_DOWNLOAD_URL"] = download_url(version)
    try:
        # pytest-kind-ng keeps a working directory of its own relative to the CWD: keep it in the cache.
        with contextlib.chdir(target.parent):
            KindCluster("gwconf-download", kind_path=target).ensure_kind()
    except Exception as err:  # requests and OS errors alike: say what was tried
        raise ToolMissing("kind", where=f"PATH, and downloading {download_url(version)} failed ({err})") from None
    finally:
        if previous is None:
            os.environ.pop("KIND_DOWNLOAD_URL", None)
        else:
            os.environ["KIND_DOWNLOAD_URL"] = previous
    return target
