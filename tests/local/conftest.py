"""Fixtures shared by the local environment's tests: an event loop thread and a block of loopback addresses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.local.addresses import LoopbackAddresses, reserve_second_octet
from conformance.local.loop import BackgroundLoop


@pytest.fixture
def loop() -> Iterator[BackgroundLoop]:
    background = BackgroundLoop("test-loop")
    background.start()
    yield background
    background.stop()


@pytest.fixture
def addresses() -> Iterator[LoopbackAddresses]:
    octet, reservation = reserve_second_octet()
    yield LoopbackAddresses(octet)
    reservation.close()
