"""How busy the local environment's parts were: seconds spent, per part, since start.

The benchmark (bench/) subtracts the reference gateway's own work from a test's wall time to see what
the harness costs. Adding is cheap (a lock and two additions); the totals are served as JSON at
``GET /gwconf/metrics`` on the local API endpoint.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

METRICS_PATH = "/gwconf/metrics"


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds: dict[str, float] = {}
        self._counts: dict[str, int] = {}

    def add(self, part: str, seconds: float) -> None:
        with self._lock:
            self._seconds[part] = self._seconds.get(part, 0.0) + seconds
            self._counts[part] = self._counts.get(part, 0) + 1

    @contextmanager
    def timed(self, part: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(part, time.perf_counter() - start)

    def snapshot(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {"seconds": dict(self._seconds), "counts": {k: float(v) for k, v in self._counts.items()}}


#: One per local-environment process.
METRICS = Metrics()
