"""Progress lines for the long steps of a real cluster run (creating a cluster, installing, waiting).

A kind cluster takes about a minute and an implementation several more; without a word on the terminal
a run looks hung. So each long step prints one line when it starts and one when it ends, with its
duration. Under CI (``CI=true``) or when the output is not a terminal this is quiet: CI logs get the
same facts from the log records, and redirected output should not fill up with progress chatter.

Usage::

    progress = Progress.for_terminal(sys.stderr)
    with progress.step("creating kind cluster gwconf-eg"):
        ...
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

log = logging.getLogger(__name__)


def quiet_environment(env: dict[str, str] | None = None) -> bool:
    """True under CI (``CI`` set to anything but false/0/empty)."""
    value = (env if env is not None else os.environ).get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no")


@dataclass(slots=True)
class Progress:
    write: Callable[[str], None] | None
    """Where lines go; None: quiet (the steps are still logged)."""
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def quiet(cls) -> Progress:
        return cls(None)

    @classmethod
    def for_terminal(cls, stream: TextIO, *, is_tty: bool | None = None) -> Progress:
        tty = stream.isatty() if is_tty is None else is_tty
        if not tty or quiet_environment():
            return cls(None)

        def write(line: str) -> None:
            stream.write(line + "\n")
            stream.flush()

        return cls(write)

    @property
    def enabled(self) -> bool:
        return self.write is not None

    def say(self, text: str) -> None:
        log.info("%s", text)
        if self.write is not None:
            self.write(f"gateway-conformance: {text}")

    @contextlib.contextmanager
    def step(self, text: str) -> Iterator[None]:
        started = self.clock()
        self.say(f"{text} ...")
        try:
            yield
        except BaseException:
            self.say(f"{text}: failed after {self.clock() - started:.0f}s")
            raise
        self.say(f"{text}: done ({self.clock() - started:.0f}s)")
