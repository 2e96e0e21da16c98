"""Traffic split checks (upstream ``utils/weight``): send many requests, compare shares with the weights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

TOTAL_REQUESTS = 500
CONCURRENCY = 10
TOLERANCE = 0.05
MAX_ROUNDS = 10


def backend_of(pod: str) -> str:
    """Deployment name from a pod name (drop the ReplicaSet hash and the pod suffix)."""
    parts = pod.split("-")
    return "-".join(parts[:-2]) if len(parts) >= 3 else pod


def distribution_problems(send: Callable[[], str], weights: Mapping[str, float]) -> list[str]:
    """One round: TOTAL_REQUESTS requests, CONCURRENCY at a time; empty list when every share fits."""
    seen: Counter[str] = Counter()
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        for result in pool.map(lambda _: _safe(send), range(TOTAL_REQUESTS)):
            if isinstance(result, Exception):
                errors.append(str(result))
                continue
            backend = backend_of(result)
            if backend not in weights:
                errors.append(f"request was handled by an unexpected pod {result!r} (backend {backend!r})")
                continue
            seen[backend] += 1
    if errors:
        return [f"{len(errors)} of {TOTAL_REQUESTS} requests failed, first: {errors[0]}"]
    problems = []
    active = sum(1 for w in weights.values() if w > 0)
    if len(seen) != active:
        problems.append(f"expected {active} backends to receive traffic, got {len(seen)} ({dict(seen)})")
    for backend, weight in sorted(weights.items()):
        share = seen.get(backend, 0) / TOTAL_REQUESTS
        if backend not in seen and weight > 0:
            problems.append(f"backend {backend} received no traffic (weight {weight})")
        elif abs(share - weight) > TOLERANCE:
            problems.append(f"backend {backend} got {share:.3f} of traffic, expected {weight} +/- {TOLERANCE}")
    return problems


def _safe(send: Callable[[], str]) -> str | Exception:
    try:
        return send()
    except Exception as err:  # one failed request must not hide the others' results
        return err
