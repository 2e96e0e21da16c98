"""The waiting logic against a fake clock: a 180 s timeout runs in microseconds."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from conformance.clock import FakeClock
from conformance.kube.client import ResourceInfo
from conformance.kube.errors import ApiError, WaitTimeout
from conformance.kube.waits import Observation, WatchTarget, wait_until

GATEWAYS = ResourceInfo("gateway.networking.k8s.io", "v1", "Gateway", "gateways", True)


class FakeFeed:
    """Each wait for a change advances the clock by ``step`` (or the whole timeout) and may change the world."""

    def __init__(self, clock: FakeClock, step: float | None = None, on_wait: Callable[[], None] | None = None):
        self.clock = clock
        self.step = step
        self.on_wait = on_wait
        self.waits: list[float] = []

    def wait_for_change(self, target: WatchTarget, timeout: float) -> None:
        self.waits.append(timeout)
        self.clock.advance(timeout if self.step is None else min(self.step, timeout))
        if self.on_wait:
            self.on_wait()


def test_a_180s_timeout_finishes_at_once_and_says_what_was_seen() -> None:
    clock = FakeClock()
    feed = FakeFeed(clock)
    target = WatchTarget(GATEWAYS, "ns", "gw", "7")
    started = time.monotonic()
    with pytest.raises(WaitTimeout) as err:
        wait_until(
            lambda: Observation(False, "Programmed=False reason=Pending", target=target),
            what="Gateway ns/gw: condition Programmed never became True",
            timeout=180,
            feed=feed,
            clock=clock,
        )
    assert time.monotonic() - started < 0.5
    assert clock.slept == pytest.approx(180)
    message = str(err.value)
    assert message.startswith("Gateway ns/gw: condition Programmed never became True within 180s")
    assert "last seen: Programmed=False reason=Pending" in message
    assert err.value.observations == len(feed.waits) + 1


def test_the_wait_returns_as_soon_as_the_change_arrives() -> None:
    clock = FakeClock()
    state = {"ready": False}
    feed = FakeFeed(clock, step=0.002, on_wait=lambda: state.update(ready=True))
    target = WatchTarget(GATEWAYS, "ns", "gw", "7")
    value = wait_until(
        lambda: Observation(state["ready"], "waiting", value="address" if state["ready"] else None, target=target),
        what="x",
        timeout=60,
        feed=feed,
        clock=clock,
    )
    assert value == "address"
    assert clock.slept == pytest.approx(0.002)


def test_api_errors_count_as_failed_looks_until_the_deadline() -> None:
    clock = FakeClock()

    def look() -> Observation[None]:
        raise ApiError("GET /x: boom", status=500)

    with pytest.raises(WaitTimeout, match="last seen: error: GET /x: boom"):
        wait_until(look, what="x", timeout=5, feed=FakeFeed(clock), clock=clock, poll_interval=0.1)
    assert clock.slept == pytest.approx(5)


def test_no_target_falls_back_to_the_poll_interval() -> None:
    clock = FakeClock()
    looks = []

    def look() -> Observation[None]:
        looks.append(clock.monotonic())
        return Observation(len(looks) >= 4, "not yet")

    wait_until(look, what="x", timeout=5, feed=FakeFeed(clock), clock=clock, poll_interval=0.1)
    assert [round(t - looks[0], 3) for t in looks] == [0, 0.1, 0.2, 0.3]
