"""Retry checks against the echo server's retry simulator (upstream ``assertConsistentRetryBehaviour``).

``/retry/...?uuid=U&succeedAfter=N[&responseCode=C][&delayRetry=D]`` fails the first N requests it
sees for the uuid U (answering C after D, or resetting the connection without C) and echoes from then
on. Every probe uses a fresh uuid, so each one measures how many tries the gateway made for it; the
expectation must hold for RequiredConsecutiveSuccesses probes in a row within MaxTimeToConsistency.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx

from conformance.probes.compare import compare_round_trip
from conformance.probes.expectations import ExpectedResponse, Request
from conformance.probes.http import Attempt, describe_expectation

if TYPE_CHECKING:
    from collections.abc import Mapping

    from conformance.probes.expectations import Response
    from conformance.probes.http import HTTPProbe


def retry_path(path: str, params: Mapping[str, str], request_id: str | None = None) -> str:
    """``path`` with the simulator's parameters and a fresh ``uuid`` (query sorted, as Go encodes it)."""
    query = {**params, "uuid": request_id or str(uuid.uuid4())}
    return f"{path}?{urlencode(sorted(query.items()))}"


def expect_consistent_retry_behaviour(
    http: HTTPProbe,
    gateway_address: str,
    path: str,
    params: Mapping[str, str],
    response: Response,
    *,
    backend: str,
    namespace: str,
) -> None:
    """Each probe (with a new uuid) gets ``response``; 200s must come from ``backend`` in ``namespace``."""
    __tracebackhide__ = True

    def expectation() -> ExpectedResponse:
        return ExpectedResponse(
            request=Request(path=retry_path(path, params)), response=response, backend=backend, namespace=namespace
        )

    def attempt() -> Attempt:
        expected = expectation()
        sent = http.build(gateway_address, expected)
        try:
            rt = http.round_trip(sent)
        except httpx.HTTPError as err:
            return Attempt(False, f"request failed: {type(err).__name__}: {err}")
        problem = compare_round_trip(expected, rt)
        return Attempt(problem is None, f"{sent.describe()}: {rt.describe()}" + (f": {problem}" if problem else ""))

    example = expectation()
    http.await_convergence(
        attempt,
        what=f"GET {path}?{urlencode(sorted(params.items()))}&uuid=<new per probe>\n"
        f"  expected: {describe_expectation(example)}",
    )
