"""Which container images the local kubelet can run, and what runs in their place.

There is no container runtime in the local environment: an image is "runnable" when this module maps
its repository to an in-process emulation. Any other image leaves its pod Pending with a message that
says so and lists what can run, the way a real kubelet reports an image it cannot pull.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from conformance.local.pods.echo import EchoContainer
from conformance.local.pods.logs import ContainerLog


class ContainerProcess(Protocol):
    """What a container "runs": servers bound to the pod's address."""

    async def start(self) -> None:
        """Bind and start serving; raise (OSError, ValueError) if the container cannot start."""
        ...

    async def stop(self) -> None: ...


#: (pod address, resolved environment, the container's log, command + args) -> the process.
ProcessFactory = Callable[[str, Mapping[str, str], ContainerLog, Sequence[str]], ContainerProcess]


@dataclass(frozen=True, slots=True)
class ImageRuntime:
    repositories: tuple[str, ...]
    factory: ProcessFactory
    description: str


def _echo_basic(address: str, env: Mapping[str, str], log: ContainerLog, argv: Sequence[str]) -> EchoContainer:
    return EchoContainer(address, env, log)


ECHO_BASIC = ImageRuntime(
    repositories=(
        "registry.k8s.io/gateway-api/conformance/echo-basic",
        "registry.k8s.io/gateway-api/echo-basic",
        "gcr.io/k8s-staging-gateway-api/echo-basic",
    ),
    factory=_echo_basic,
    description="echo-basic",
)

#: Add further emulations here (echo-advanced, coredns, ...): the kubelet consults only this tuple.
RUNTIMES: tuple[ImageRuntime, ...] = (ECHO_BASIC,)


def image_repository(image: str) -> str:
    """``registry/path/name:tag@sha256:...`` -> ``registry/path/name``."""
    name = image.partition("@")[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    return name


def runtime_for(image: str) -> ImageRuntime | None:
    repository = image_repository(image)
    return next((rt for rt in RUNTIMES if repository in rt.repositories), None)


def runnable_images() -> str:
    return ", ".join(f"{repo}:*" for rt in RUNTIMES for repo in rt.repositories)


def cannot_run_message(image: str) -> str:
    return (
        f"the local environment cannot run image {image!r}: it has no container runtime and only "
        f"emulates these images: {runnable_images()}"
    )
