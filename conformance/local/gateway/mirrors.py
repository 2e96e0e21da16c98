"""The RequestMirror filter: fire-and-forget copies of a request to other backends.

Spec (``HTTPRequestMirrorFilter``): the copy goes to a single endpoint of the mirror backendRef, its
response is ignored (the client's answer never waits for it nor depends on it); ``percent`` or
``fraction`` say which share of requests is mirrored (all of them when neither is set). A rule may
mirror to several backends, one filter each. Invalid mirror backendRefs are not configured at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_filters as FF
from conformance.local.gateway import proxy

if TYPE_CHECKING:
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.config import Backend
    from conformance.local.messages import Timeouts

log = logging.getLogger(__name__)

#: How long a mirrored exchange may take before it is abandoned.
MIRROR_TIMEOUT = 30.0

#: Copies in flight (the event loop keeps only weak references to tasks).
_IN_FLIGHT: set[asyncio.Task[None]] = set()


def share(spec: dict[str, Any]) -> float:
    """The fraction of requests a RequestMirror filter mirrors, from ``percent`` or ``fraction``."""
    percent = spec.get("percent")
    if isinstance(percent, int) and not isinstance(percent, bool):
        return min(max(percent, 0), 100) / 100
    fraction = spec.get("fraction")
    if isinstance(fraction, dict):
        numerator, denominator = fraction.get("numerator"), fraction.get("denominator", 100)
        if isinstance(numerator, int) and isinstance(denominator, int) and denominator > 0:
            return min(max(numerator / denominator, 0.0), 1.0)
    return 1.0


def chosen(spec: dict[str, Any], faults: ActiveFaults, draw: float | None = None) -> bool:
    """Whether this request is mirrored by the filter (``draw`` in [0, 1) for tests)."""
    if faults.on(FF.MIRROR_PERCENTAGE_IGNORED):
        return True
    value = random.random() if draw is None else draw
    return value < share(spec)


def mirror(
    outgoing: proxy.Outgoing,
    backend: Backend,
    spec: dict[str, Any],
    faults: ActiveFaults,
    timeouts: Timeouts,
) -> asyncio.Task[None] | None:
    """Start sending a copy of ``outgoing`` to one endpoint of ``backend``; returns the task, if any."""
    if backend.invalid is not None or not backend.endpoints or not chosen(spec, faults):
        return None
    endpoint = random.choice(backend.endpoints)
    copy = replace(outgoing, headers=list(outgoing.headers))
    task = asyncio.get_running_loop().create_task(_send(copy, endpoint, faults, timeouts))
    _IN_FLIGHT.add(task)
    task.add_done_callback(_IN_FLIGHT.discard)
    return task


async def _send(outgoing: proxy.Outgoing, endpoint: Any, faults: ActiveFaults, timeouts: Timeouts) -> None:
    try:
        async with asyncio.timeout(MIRROR_TIMEOUT):
            response = await proxy.forward(outgoing, endpoint, faults, timeouts=timeouts)
            body = response.body
            if not isinstance(body, bytes):
                try:
                    async for _ in body:
                        pass
                finally:
                    closer = getattr(body, "aclose", None)
                    if closer is not None:
                        with contextlib.suppress(Exception):
                            await closer()
    except Exception as exc:  # a mirror's failure never concerns the client
        log.debug("mirror to %s:%s failed: %s", endpoint.address, endpoint.port, exc)
