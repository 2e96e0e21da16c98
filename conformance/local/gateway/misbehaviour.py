"""The data-plane side of the misbehaviour faults (faults_misbehaviour.py): resets, 5xx bursts, hangs."""

from __future__ import annotations

import asyncio
import time

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_misbehaviour as fm
from conformance.local.messages import ConnectionAbort, Response, text_response


async def intercept(faults: ActiveFaults) -> Response | None:
    """An answer that replaces routing (or never comes), or None to serve the request normally."""
    if faults.on(fm.CONNECTIONS_RESET):
        raise ConnectionAbort(reset=True)
    if faults.on(fm.DATAPLANE_HANGS):
        await asyncio.Event().wait()  # until the data plane stops and cancels the connection
    if faults.on(fm.SERVER_ERROR_BURSTS) and int(time.monotonic() / fm.BURST_SECONDS) % 2 == 0:
        return text_response(503, "the gateway is overloaded (a burst of errors)\n")
    return None
