"""First signal: KeyboardInterrupt. Second: no exception, just "cut cleanup short" for the cleanup code."""

from __future__ import annotations

import os
import signal

import pytest

from conformance import interrupts
from conformance.kube.apply import Applied, Cleanup


def test_first_signal_interrupts_second_only_sets_the_flag() -> None:
    restore = interrupts.install()
    try:
        # Python runs signal handlers in the main thread between bytecodes, so os.kill raises right here.
        with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
            os.kill(os.getpid(), signal.SIGTERM)
        assert interrupts.STATE.interrupted and not interrupts.cleanup_aborted()
        os.kill(os.getpid(), signal.SIGINT)  # must not raise
        assert interrupts.cleanup_aborted()
    finally:
        restore()
        interrupts.STATE.interrupted = interrupts.STATE.cleanup_aborted = False


class FakeClient:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> bool:
        self.deleted.append(name)
        return True


def test_cleanup_stops_between_objects_and_says_what_is_left() -> None:
    client = FakeClient()
    stop = [False]

    def wait_gone(item: Applied, timeout: float) -> None:
        stop[0] = True  # the user pressed Ctrl-C again while the first object was being deleted

    cleanup = Cleanup(client, delete_timeout=1, wait_gone=wait_gone, should_stop=lambda: stop[0])  # type: ignore[arg-type]
    for name in ("a", "b", "c"):
        cleanup.register(Applied("v1", "ConfigMap", "ns", name))
    problems = cleanup.run()
    assert client.deleted == ["c"]
    assert problems == ["cleanup cut short on request; left behind: ConfigMap ns/b, ConfigMap ns/a"]
