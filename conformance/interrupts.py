"""Ctrl-C and SIGTERM: the first stops the run in order, a second one cuts the cleanup short.

The first signal raises KeyboardInterrupt, as Python does by default, so pytest stops the current test,
tears fixtures down (deleting what the run created) and writes the reports. A second signal must not
raise again: it could land anywhere (in pytest's own error formatting, half-way through writing a
file) and lose the reports. It only sets a flag that the cleanup code checks between steps, so cleanup
stops early and everything else finishes.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class InterruptState:
    interrupted: bool = False
    cleanup_aborted: bool = False


STATE = InterruptState()


def cleanup_aborted() -> bool:
    return STATE.cleanup_aborted


def _handler(signum: int, frame: object) -> None:
    if not STATE.interrupted:
        STATE.interrupted = True
        raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")
    STATE.cleanup_aborted = True
    sys.stderr.write("\ngateway-conformance: second interrupt, cutting cleanup short (reports are still written)\n")


def install() -> Callable[[], None]:
    """Take over SIGINT and SIGTERM in the main thread; returns a function restoring the previous handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    STATE.interrupted = STATE.cleanup_aborted = False
    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
