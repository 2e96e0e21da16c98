"""Mirrored requests, found in the mirror backends' logs (upstream ``ExpectMirroredRequest``, ``DumpEchoLogs``).

A mirrored request gets no answer anyone sees: the only evidence is the echo server's log line
``Echoing back request made to <request URI> to client (...)`` in the mirror backend's pods. The pods
are found by the label ``app=<backend>``; their container has the backend's name. Requests carry a
unique ``gateway-api-conformance-request-id`` query parameter so that a log line can only come from the
request a test sent.
"""

from __future__ import annotations

import logging
import math
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

import httpx

from conformance.clock import Clock, RealClock
from conformance.kube.errors import KubeError
from conformance.probes.compare import compare_round_trip
from conformance.probes.http import ProbeFailure

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pytest

    from conformance.kube.facade import Kube
    from conformance.probes.expectations import ExpectedResponse
    from conformance.probes.http import HTTPProbe

log = logging.getLogger(__name__)

REQUEST_ID_PARAM = "gateway-api-conformance-request-id"
#: Pause between two reads of the logs while waiting for a mirrored request.
POLL_INTERVAL = 0.5


@dataclass(frozen=True, slots=True)
class MirroredBackend:
    """A backend that must receive copies (upstream ``MirroredBackend``)."""

    name: str
    namespace: str
    percent: int | None = None
    """The share of requests it must get, for percentage mirrors."""


def with_request_id(path: str, request_id: str | None = None) -> str:
    """``path`` with the request-id query parameter set (a fresh uuid unless given), like upstream's
    ``AddRequestIDQueryParam``: other parameters are kept, the query is re-encoded sorted by name."""
    base, _, query = path.partition("?")
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != REQUEST_ID_PARAM]
    params.append((REQUEST_ID_PARAM, request_id or str(uuid.uuid4())))
    return f"{base}?{urlencode(sorted(params))}"


def add_request_id(expected: ExpectedResponse, request_id: str | None = None) -> ExpectedResponse:
    """Upstream ``AddRequestIDQueryParam``: the request and what the backend must see carry one new id."""
    request_id = request_id or str(uuid.uuid4())
    want = expected.expected_request
    if want is not None:
        seen = (
            with_request_id(want.path, request_id) if want.path else with_request_id(expected.request.path, request_id)
        )
        want = replace(want, path=seen)
    request = replace(expected.request, path=with_request_id(expected.request.path, request_id))
    return replace(expected, request=request, expected_request=want)


def mirror_log_pattern(path: str) -> re.Pattern[str]:
    """The echo server's log line for a request to ``path`` (request URI, query included)."""
    return re.compile(f"Echoing back request made to {re.escape(path)} to client")


class EchoLogs:
    """Reads echo backends' logs through the Kubernetes API."""

    def __init__(self, kube: Kube, *, clock: Clock | None = None, wall: Callable[[], float] = time.time) -> None:
        self.kube = kube
        self._clock = clock or RealClock()
        self._wall = wall

    def lines(self, backend: MirroredBackend, since: float) -> list[str]:
        """Log lines written since the wall-clock time ``since`` by every pod of ``backend`` (pods that
        failed or whose log cannot be read are skipped, as upstream does)."""
        seconds = max(1, math.ceil(self._wall() - since))
        found: list[str] = []
        for pod in self.kube.list("Pod", backend.namespace, label_selector=f"app={backend.name}"):
            if (pod.get("status") or {}).get("phase") == "Failed":
                continue
            name = str((pod.get("metadata") or {}).get("name", ""))
            try:
                text = self.kube.client.pod_logs(backend.namespace, name, container=backend.name, since_seconds=seconds)
            except KubeError as err:
                log.debug("cannot read the log of %s/%s: %s", backend.namespace, name, err)
                continue
            found.extend(text.split("\n"))
        return found

    def count(self, backend: MirroredBackend, path: str, since: float) -> int:
        pattern = mirror_log_pattern(path)
        return sum(1 for line in self.lines(backend, since) if pattern.search(line))

    def expect_mirrored(self, backends: Sequence[MirroredBackend], path: str, *, since: float, timeout: float) -> None:
        """Every backend logs a request to ``path`` within ``timeout`` seconds (reading from ``since``)."""
        __tracebackhide__ = True
        start = self._clock.monotonic()
        missing = list(backends)
        while True:
            missing = [b for b in missing if self.count(b, path, since) == 0]
            if not missing:
                return
            elapsed = self._clock.monotonic() - start
            if elapsed >= timeout:
                names = ", ".join(f"{b.namespace}/{b.name}" for b in missing)
                raise ProbeFailure(
                    f"no mirrored request to {path} in the logs of {names} after {elapsed:.1f}s "
                    f"(looked for {mirror_log_pattern(path).pattern!r})"
                )
            self._clock.sleep(POLL_INTERVAL)


def expect_each_mirrored(
    http: HTTPProbe,
    logs: EchoLogs,
    gateway_address: str,
    cases: Sequence[ExpectedResponse],
    mirrors: Sequence[MirroredBackend],
    subtests: pytest.Subtests,
) -> None:
    """Upstream's mirror loop: each case (a subtest) gets its answer and every mirror logs a copy of it."""
    for i, case in enumerate(cases):
        with subtests.test(msg=case.case_name(i)):
            tagged = add_request_id(case)  # fresh ids: a log line can only come from this run's requests
            # As upstream, the log window opens MaxTimeToConsistency before the first request.
            since = time.time() - http.timeouts.max_time_to_consistency
            http.expect_eventually_consistent_response(gateway_address, tagged)
            logs.expect_mirrored(mirrors, tagged.request.path, since=since, timeout=http.timeouts.request_timeout)


#: Percentage mirrors (upstream's constants): requests per round, in flight at once, rounds, and the
#: acceptance band in binomial standard deviations.
TOTAL_REQUESTS = 500
CONCURRENCY = 10
MAX_ROUNDS = 5
TOLERANCE_STDDEVS = 3.0


def share_problem(count: int, percent: int, total: int = TOTAL_REQUESTS) -> str | None:
    """None when ``count`` mirrored requests out of ``total`` fit ``percent`` (each request is mirrored
    independently with that probability, so the count is binomial)."""
    p = percent / 100
    expected = total * p
    margin = TOLERANCE_STDDEVS * math.sqrt(total * p * (1 - p))
    if expected - margin <= count <= expected + margin:
        return None
    return f"{count} of {total} requests were mirrored, expected {expected:g} +/- {margin:.1f} ({percent}%)"


def send_all(http: HTTPProbe, gateway_address: str, expected: ExpectedResponse, total: int = TOTAL_REQUESTS) -> None:
    """Send ``expected``'s request ``total`` times, CONCURRENCY at a time; each must match (retried within
    MaxTimeToConsistency until it does once, as upstream with RequiredConsecutiveSuccesses 1)."""
    __tracebackhide__ = True
    sent = http.build(gateway_address, expected)
    limit = http.timeouts.max_time_to_consistency

    def one(_: int) -> str | None:
        start = time.monotonic()
        while True:
            try:
                rt = http.round_trip(sent)
                problem = compare_round_trip(expected, rt)
                detail = f"{rt.describe()}: {problem}"
            except httpx.HTTPError as err:
                problem = detail = f"request failed: {type(err).__name__}: {err}"
            if problem is None:
                return None
            if time.monotonic() - start >= limit:
                return detail
            time.sleep(http.timeouts.default_poll_interval)

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        failures = [problem for problem in pool.map(one, range(total)) if problem is not None]
    if failures:
        raise ProbeFailure(f"{len(failures)} of {total} requests {sent.describe()} never matched; first: {failures[0]}")
