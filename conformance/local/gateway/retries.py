"""Forwarding under a rule's ``timeouts`` and ``retry`` policy.

Spec (``HTTPRouteTimeouts``, ``HTTPRouteRetry``):

- ``timeouts.request`` bounds the whole exchange, retries included: when it passes the gateway answers
  504 at once (pending tries are cancelled). ``timeouts.backendRequest`` bounds each try. A zero duration
  disables a timeout.
- ``retry.attempts`` is how many times a request is *retried* (so up to attempts + 1 tries);
  ``retry.codes`` the backend statuses that are retried; ``retry.backoff`` the minimum pause between
  tries. Connections the backend refuses or resets and tries that hit the backendRequest timeout are
  retried too (they have no status to list). When tries run out the last answer goes to the client; a
  connection error is reported as 503 after retrying.

Durations are Gateway API Durations (GEP-2257): ``1h``, ``30m``, ``10s``, ``500ms`` and combinations.
Unset fields: no request timeout beyond the data plane's own, one retry, 25 ms backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_filters as FF
from conformance.local.gateway import proxy
from conformance.local.messages import DEFAULT_TIMEOUTS, Response, Timeouts, text_response

if TYPE_CHECKING:
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.config import Endpoint, Rule

DEFAULT_ATTEMPTS = 1
DEFAULT_BACKOFF = 0.025
_DURATION = re.compile(r"([0-9]+)(h|ms|m|s)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: str) -> float:
    """Seconds in a Gateway API Duration; ValueError if it is not one."""
    pos, total = 0, 0.0
    while pos < len(text):
        found = _DURATION.match(text, pos)
        if found is None:
            raise ValueError(f"{text!r} is not a Gateway API duration")
        total += int(found.group(1)) * _UNITS[found.group(2)]
        pos = found.end()
    if not text:
        raise ValueError("an empty string is not a Gateway API duration")
    return total


def _timeout(value: Any, faults: ActiveFaults, ignored: bool) -> float | None:
    """A timeout in seconds, None when unset, disabled (zero) or ignored by a fault."""
    if ignored or not isinstance(value, str):
        return None
    try:
        seconds = parse_duration(value)
    except ValueError:
        return None
    if seconds == 0 and not faults.on(FF.ZERO_TIMEOUT_NOT_DISABLED):
        return None
    return seconds


@dataclass(frozen=True, slots=True)
class Policy:
    request_timeout: float | None = None
    backend_timeout: float | None = None
    retries: int = 0
    """How many times a try may be repeated."""
    codes: frozenset[int] = frozenset()
    backoff: float = DEFAULT_BACKOFF

    @classmethod
    def of(cls, rule: Rule, faults: ActiveFaults) -> Policy:
        timeouts = rule.timeouts or {}
        request = _timeout(timeouts.get("request"), faults, faults.on(FF.REQUEST_TIMEOUT_IGNORED))
        backend = _timeout(timeouts.get("backendRequest"), faults, faults.on(FF.BACKEND_TIMEOUT_IGNORED))
        retry = rule.retry
        if retry is None or faults.on(FF.RETRIES_IGNORED):
            return cls(request, backend)
        attempts = retry.get("attempts")
        retries = attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else DEFAULT_ATTEMPTS
        if faults.on(FF.RETRY_ATTEMPTS_COUNT_FIRST_TRY):
            retries -= 1
        codes = frozenset(c for c in retry.get("codes") or () if isinstance(c, int))
        backoff = DEFAULT_BACKOFF
        if isinstance(retry.get("backoff"), str):
            with contextlib.suppress(ValueError):
                backoff = parse_duration(retry["backoff"])
        return cls(request, backend, max(retries, 0), codes, backoff)


def _connection_error(response: Response) -> bool:
    return isinstance(response, proxy.FailureResponse) and response.cause in ("connect", "reset")


def _retryable(response: Response, policy: Policy, faults: ActiveFaults) -> bool:
    if isinstance(response, proxy.FailureResponse):
        if response.cause == "timeout":
            return True
        return not faults.on(FF.CONNECTION_ERRORS_NOT_RETRIED) or response.status in policy.codes
    if faults.on(FF.RETRY_ANY_STATUS) and 500 <= response.status < 600:
        return True
    return response.status in policy.codes


async def _discard(response: Response) -> None:
    body = response.body
    closer = getattr(body, "aclose", None)
    if closer is not None:
        with contextlib.suppress(Exception):
            await closer()


def _past(deadline: float | None) -> bool:
    return deadline is not None and asyncio.get_running_loop().time() >= deadline


def _request_timeout() -> Response:
    return text_response(504, "request timeout\n")


#: Sends one try to the chosen backend: (request, response timeout or None for the default) -> response.
Send = Callable[[proxy.Outgoing, float | None], Awaitable[Response]]


def plain_send(endpoint: Endpoint, faults: ActiveFaults, timeouts: Timeouts) -> Send:
    """HTTP/1.1 to ``endpoint`` (what the data plane uses when no protocol-specific sender is given)."""

    async def send(outgoing: proxy.Outgoing, response_timeout: float | None) -> Response:
        if response_timeout is None:
            return await proxy.forward(outgoing, endpoint, faults, timeouts=timeouts)
        return await proxy.forward(outgoing, endpoint, faults, timeouts=timeouts, response_timeout=response_timeout)

    return send


async def _try(
    outgoing: proxy.Outgoing,
    send: Send,
    policy: Policy,
    faults: ActiveFaults,
    timeouts: Timeouts,
    deadline: float | None,
) -> Response:
    """One try, cut off by the backendRequest timeout or the request's deadline, whichever comes first."""
    copy = replace(outgoing, headers=list(outgoing.headers))
    now = asyncio.get_running_loop().time()
    backend_limit = None if policy.backend_timeout is None else now + policy.backend_timeout
    limits = [t for t in (deadline, backend_limit) if t is not None]
    if not limits:
        return await send(copy, None)
    limit = min(limits)
    try:
        async with asyncio.timeout_at(limit):
            return await send(copy, max(limit - now, 0))
    except TimeoutError:
        return proxy.FailureResponse(
            504, [("Content-Type", "text/plain")], b"backend request timeout\n", cause="timeout"
        )


async def _tries(
    outgoing: proxy.Outgoing,
    send: Send,
    policy: Policy,
    faults: ActiveFaults,
    timeouts: Timeouts,
    deadline: float | None,
) -> Response:
    # The request timeout is checked explicitly after every step rather than trusted to a cancellation:
    # closing an upstream connection may swallow one.
    repeated = 0
    while True:
        response = await _try(outgoing, send, policy, faults, timeouts, deadline)
        if _past(deadline):
            await _discard(response)
            return _request_timeout()
        if repeated >= policy.retries or not _retryable(response, policy, faults):
            break
        await _discard(response)
        repeated += 1
        pause = policy.backoff
        if deadline is not None:
            pause = min(pause, deadline - asyncio.get_running_loop().time())
        await asyncio.sleep(max(pause, 0.0))
        if _past(deadline):
            return _request_timeout()
    if repeated and _connection_error(response):
        return text_response(503, "upstream connect error or disconnect/reset before headers; retries exhausted\n")
    return response


async def forward(
    outgoing: proxy.Outgoing,
    endpoint: Endpoint,
    rule: Rule,
    faults: ActiveFaults,
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    send: Send | None = None,
) -> Response:
    """Forward ``outgoing`` to ``endpoint`` under the rule's timeouts and retry policy.

    ``send`` delivers one try in the backend's protocol (TLS, h2c, WebSocket: upstreams.py); by default
    plain HTTP/1.1.
    """
    policy = Policy.of(rule, faults)
    deadline = None
    if policy.request_timeout is not None:
        deadline = asyncio.get_running_loop().time() + policy.request_timeout
    return await _tries(outgoing, send or plain_send(endpoint, faults, timeouts), policy, faults, timeouts, deadline)
