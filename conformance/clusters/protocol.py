"""The ``ClusterProvider`` protocol: start a cluster (or find one), say how to reach it, stop it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

Address = tuple[str, int]


class ClusterError(RuntimeError):
    """The cluster could not be started or reached; the message says what was tried."""


@dataclass(frozen=True, slots=True)
class Cluster:
    kubeconfig: Path
    description: str
    """One line for headers and reports: 'local environment (pid 123, http://127.0.0.1:4567)'."""
    connect_to: Callable[[], Mapping[Address, Address]] | None = None
    """Live map of Gateway addresses that must be dialled through another socket, if the provider has one."""
    details: dict[str, str] = field(default_factory=dict)


class ClusterProvider(Protocol):
    name: str

    def start(self) -> Cluster: ...

    def stop(self) -> None: ...
