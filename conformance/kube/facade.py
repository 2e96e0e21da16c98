"""``Kube``: what a conformance test does with the cluster, one helper per assertion.

The helpers are generic over the route kind (``kind="TCPRoute"``) instead of upstream's copies per type,
hold the client and the timeouts themselves (no ``(t, client, timeoutConfig)`` on every call), and
when they give up they say which object, which condition, what was last seen and how long they
waited. ``*_must_*`` helpers fail the test; ``wait_for_*`` helpers return a value.

They are grouped by what they look at (``gateway_checks``, ``route_checks``, ``misc_checks``), all on the
plumbing of ``base.KubeBase``; ``Kube`` is their union.
"""

from __future__ import annotations

from conformance.kube.base import KIND_GROUPS, LISTENERS_READY, JSONObject, Labelled
from conformance.kube.misc_checks import OtherChecks
from conformance.kube.route_checks import RouteChecks


class Kube(RouteChecks, OtherChecks):
    """Cluster access for one session (or one xdist worker); the ``kube`` fixture.

    Usage::

        address = kube.gateway_and_routes_must_be_accepted(gateway, [route])
        kube.route_must_have_condition(route, gateway, Condition("ResolvedRefs", "False", "BackendNotFound"))
    """


__all__ = ["KIND_GROUPS", "LISTENERS_READY", "JSONObject", "Kube", "Labelled"]
