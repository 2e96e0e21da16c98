"""pytest plugin for bench/run.py: per conformance test, its wall time and the local environment's busy time.

The local environment reports how many seconds its controller and data plane spent working
(``GET /gwconf/metrics``). At zero simulated latency everything else in a test's wall time is the harness:
applying manifests, reading status, watch round trips, building and checking requests, cleaning up.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path

import pytest

from conformance.local.metrics import METRICS_PATH

OUTPUT_ENV = "GWCONF_BENCH_OVERHEAD_OUT"
_rows: list[dict[str, object]] = []


def _busy(config: pytest.Config) -> float | None:
    # Imported here: conformance.fixtures is a plugin module pytest rewrites, loaded by the entry point later.
    from conformance.fixtures import SESSION_KEY

    session = config.stash.get(SESSION_KEY, None)
    if session is None or session.client is None:
        return None
    seconds = session.client.request("GET", METRICS_PATH)["seconds"]
    return float(seconds.get("controller", 0.0)) + float(seconds.get("dataplane", 0.0))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    before = _busy(item.config)  # None for the first test: it also pays for the whole session's set-up
    start = time.perf_counter()
    result = yield
    wall = time.perf_counter() - start
    after = _busy(item.config)
    if before is not None and after is not None:
        _rows.append({"test": item.nodeid, "wall": wall, "busy": after - before})
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get(OUTPUT_ENV)
    if out:
        Path(out).write_text(json.dumps(_rows, indent=1), encoding="utf-8")
