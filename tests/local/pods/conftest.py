"""Fixtures for the local pods tests: a fake store, a kubelet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_object_store import FakeStore

from conformance.local.addresses import LoopbackAddresses
from conformance.local.loop import BackgroundLoop
from conformance.local.pods.kubelet import Kubelet


@pytest.fixture
def store() -> FakeStore:
    fake = FakeStore()
    for name in ("default", "infra"):
        fake.create("namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return fake


@pytest.fixture
def kubelet(store: FakeStore, addresses: LoopbackAddresses, loop: BackgroundLoop) -> Iterator[Kubelet]:
    node = Kubelet(store, addresses, loop)
    node.start()
    yield node
    node.stop()
