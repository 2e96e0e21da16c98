"""Misbehaving implementations: faults that make the reference gateway unreliable rather than wrong.

Real implementations flap, stall, reset connections, answer with bursts of 5xx, hang, or lose their API
server. None of these is one broken spec rule, so they are not part of ``gwconf selfcheck``'s kill matrix
(``robustness=True``). They exist to show that the harness copes: every wait ends within its timeout, the
failure says what was seen, the run does not crash, and a report is written (tests/e2e).
"""

from __future__ import annotations

from conformance.local.faults import Fault

STATUS_FLAPPING = "status-flapping"
CONVERGENCE_AFTER_TIMEOUTS = "convergence-slower-than-timeouts"
CONNECTIONS_RESET = "connections-reset"
SERVER_ERROR_BURSTS = "server-error-bursts"
DATAPLANE_HANGS = "dataplane-hangs"
API_GOES_AWAY = "api-goes-away"

#: How long the API endpoint lives with API_GOES_AWAY, once ready (seconds): long enough for set-up.
API_LIFETIME = 12.0
#: SERVER_ERROR_BURSTS: every other window of this many seconds answers 503.
BURST_SECONDS = 0.5
#: STATUS_FLAPPING: how often conditions flip.
FLAP_SECONDS = 0.3

MISBEHAVIOUR_FAULTS: tuple[Fault, ...] = (
    Fault(STATUS_FLAPPING, "controller", "Gateway and route conditions flip between their real value and False.", True),
    Fault(CONVERGENCE_AFTER_TIMEOUTS, "controller", "No change ever takes effect within the suite's timeouts.", True),
    Fault(CONNECTIONS_RESET, "dataplane", "Every request's connection is reset (TCP RST) instead of answered.", True),
    Fault(SERVER_ERROR_BURSTS, "dataplane", "Every other half second, every request gets a 503.", True),
    Fault(DATAPLANE_HANGS, "dataplane", "Requests are read and never answered.", True),
    Fault(API_GOES_AWAY, "api", f"The API endpoint stops answering {API_LIFETIME:g}s after start-up.", True),
)
