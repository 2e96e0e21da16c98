"""In-memory container logs, read back the way ``kubectl logs`` / the pods/log subresource does.

A real echo-basic writes to stdout and the kubelet keeps the stream with a timestamp per line; the
mirror tests read it with ``sinceSeconds`` and look for the echo's log line. Here every container
gets a :class:`ContainerLog` its servers write to, and the kubelet answers pods/log from it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import UTC, datetime

#: Lines kept per container; older lines are dropped (a real kubelet rotates logs too).
MAX_LINES = 20_000


def _rfc3339_nano(stamp: float) -> str:
    moment = datetime.fromtimestamp(stamp, UTC)
    nanos = round((stamp - int(stamp)) * 1e9) % 1_000_000_000
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


class ContainerLog:
    """Thread-safe: servers write on the event loop thread, the API server reads on its own."""

    def __init__(self, max_lines: int = MAX_LINES) -> None:
        self._lines: deque[tuple[float, str]] = deque(maxlen=max_lines)
        self._lock = threading.Lock()

    def write(self, line: str) -> None:
        stamp = time.time()
        with self._lock:
            for part in line.rstrip("\n").split("\n"):
                self._lines.append((stamp, part))

    def read(
        self,
        since_seconds: float | None = None,
        tail_lines: int | None = None,
        timestamps: bool = False,
        now: float | None = None,
    ) -> str:
        """Lines newer than ``since_seconds`` ago, then the last ``tail_lines`` of those, newline-terminated."""
        with self._lock:
            lines = list(self._lines)
        if since_seconds is not None:
            cutoff = (time.time() if now is None else now) - since_seconds
            lines = [entry for entry in lines if entry[0] >= cutoff]
        if tail_lines is not None:
            lines = lines[-tail_lines:] if tail_lines > 0 else []
        if timestamps:
            return "".join(f"{_rfc3339_nano(stamp)} {text}\n" for stamp, text in lines)
        return "".join(f"{text}\n" for _, text in lines)
