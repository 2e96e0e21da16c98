"""The local API endpoint's speed through the real ``kubernetes`` client: writes per second and watch latency.

Writes are ConfigMap creates and merge patches (the harness's and the controller's commonest writes);
watch latency is the time from just before a patch is sent to the arrival of its MODIFIED event.
"""

from __future__ import annotations

import statistics
import threading
import time

from kubernetes import client, watch

from conformance.local.api.server import ApiServer
from conformance.local.api.store import Store


def measure(objects: int = 1000, samples: int = 300) -> dict[str, float]:
    server = ApiServer(Store()).start()
    try:
        configuration = client.Configuration()
        configuration.host = server.url
        api = client.ApiClient(configuration)
        core = client.CoreV1Api(api)
        core.create_namespace({"metadata": {"name": "speed"}})
        start = time.perf_counter()
        for n in range(objects):
            core.create_namespaced_config_map("speed", {"metadata": {"name": f"cm-{n}"}, "data": {"n": str(n)}})
        creates = objects / (time.perf_counter() - start)
        start = time.perf_counter()
        for n in range(objects):
            core.patch_namespaced_config_map(f"cm-{n}", "speed", {"data": {"n": f"{n}-patched"}})
        patches = objects / (time.perf_counter() - start)
        latencies = _watch_latencies(core, samples)
        api.close()
    finally:
        server.stop()
    latencies.sort()
    return {
        "creates_per_second": creates,
        "patches_per_second": patches,
        "watch_p50_ms": statistics.median(latencies) * 1000,
        "watch_p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def _watch_latencies(core: client.CoreV1Api, samples: int) -> list[float]:
    core.create_namespaced_config_map("speed", {"metadata": {"name": "latency"}, "data": {"n": "-1"}})
    version = core.list_namespaced_config_map("speed").metadata.resource_version
    sent: dict[str, float] = {}
    latencies: list[float] = []
    ready, done = threading.Event(), threading.Event()

    def consume() -> None:
        stream = watch.Watch()
        ready.set()
        for event in stream.stream(
            core.list_namespaced_config_map,
            "speed",
            resource_version=version,
            field_selector="metadata.name=latency",
            timeout_seconds=120,
        ):
            value = (event["object"].data or {}).get("n")
            if event["type"] == "MODIFIED" and value in sent:
                latencies.append(time.perf_counter() - sent[value])
                if len(latencies) >= samples:
                    stream.stop()
        done.set()

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    ready.wait()
    time.sleep(0.2)  # let the watch connect before the first patch (measurement set-up, not a wait for state)
    for n in range(samples):
        sent[str(n)] = time.perf_counter()
        core.patch_namespaced_config_map("latency", "speed", {"data": {"n": str(n)}})
        time.sleep(0.002)  # one patch in flight at a time, so each latency is one event's
    done.wait(60)
    return latencies
