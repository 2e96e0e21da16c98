"""Preloading images into kind: pull once on the host, load into the nodes.

Image pulls from inside kind nodes hit registry rate limits and slow the first Gateway down, so the
suite's images (spec/implementations.yaml ``suite_images_v1_6_1``) and the implementation's are pulled
on the host and loaded with ``kind load docker-image``. That command fails for multi-platform images
when Docker uses the containerd image store (kind issues #3795, #4224), so a failed load falls back to
``docker image save --platform`` plus ``kind load image-archive``. Preloading is an optimisation: a
failure is reported and the run goes on (the nodes then pull the image themselves).
"""

from __future__ import annotations

import logging
import platform
import tempfile
from pathlib import Path

from conformance.plan import Step, cmd
from conformance.process import ProcessError, Tools
from conformance.progress import Progress

log = logging.getLogger(__name__)

SUITE_IMAGES = (
    "registry.k8s.io/gateway-api/echo-basic:v1.5.1",
    "registry.k8s.io/gateway-api/echo-basic:v1.6.0-dev.2",
    "registry.k8s.io/gateway-api/echo-basic:v1.6.0-dev.3",
    "registry.k8s.io/coredns/coredns:v1.12.2",
)


def _arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def load_steps(images: tuple[str, ...], cluster: str, tools: Tools) -> list[Step]:
    steps: list[Step] = []
    for image in dict.fromkeys((*SUITE_IMAGES, *images)):
        steps.append(cmd("docker", "pull", image, why=f"pull {image}"))
        steps.append(cmd("kind", "load", "docker-image", image, "--name", cluster, why=f"load {image} into {cluster}"))
    return steps


def preload(images: tuple[str, ...], cluster: str, tools: Tools, progress: Progress) -> list[str]:
    """Pull and load each image; returns the problems (also logged), never raises."""
    problems: list[str] = []
    wanted = list(dict.fromkeys((*SUITE_IMAGES, *images)))
    with progress.step(f"preloading {len(wanted)} images into {cluster}"):
        for image in wanted:
            try:
                tools.run(["docker", "pull", image], why=f"pull {image}")
                try:
                    tools.run(["kind", "load", "docker-image", image, "--name", cluster])
                except ProcessError:
                    with tempfile.TemporaryDirectory(prefix="gwconf-image-") as tmp:
                        archive = str(Path(tmp) / "image.tar")
                        tools.run(["docker", "image", "save", "--platform", f"linux/{_arch()}", "-o", archive, image])
                        tools.run(["kind", "load", "image-archive", archive, "--name", cluster])
            except ProcessError as err:
                problems.append(f"preloading {image} failed (the nodes will pull it): {err}")
                log.warning("%s", problems[-1])
    return problems
