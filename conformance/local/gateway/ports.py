"""Listener ports the reference gateway refuses, and how a refused listener is reported.

The reference gateway can serve any port (unprivileged runs bind an ephemeral port and publish the
mapping), so a clean gateway refuses none. The ``listener-port-8080-reserved`` fault imitates proxies
that keep 8080 for their own admin endpoint: such a listener is Accepted and Programmed False with the
reason the Gateway API gives for it (``ListenerReasonPortUnavailable``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from conformance.local.gateway import faults_gateway as fg
from conformance.local.gateway.conditions import Cond

if TYPE_CHECKING:
    from collections.abc import Iterable

    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.listeners import ListenerState

ADMIN_PORT = 8080


def reserve_ports(states: Iterable[ListenerState], faults: ActiveFaults) -> tuple[ListenerState, ...]:
    """The listener states, with those on a reserved port marked PortUnavailable."""
    if not faults.on(fg.PORT_8080_RESERVED):
        return tuple(states)
    message = f"port {ADMIN_PORT} is reserved for the gateway's admin endpoint"
    return tuple(
        dataclasses.replace(
            state,
            accepted=Cond("Accepted", False, "PortUnavailable", message),
            not_programmed=Cond("Programmed", False, "PortUnavailable", message),
        )
        if state.port == ADMIN_PORT
        else state
        for state in states
    )
