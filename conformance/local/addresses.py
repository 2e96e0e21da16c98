"""Loopback addresses for Gateways and pods of one local environment.

Linux routes all of 127.0.0.0/8 to the loopback interface, so every Gateway and every pod can have an
address of its own without any network set-up, and several Gateways can listen on port 80 at once,
as they would on a real cluster. Each environment takes its own second octet, so that several
environments (parallel self-checks, a colleague's run) on one machine do not collide.

Layout for second octet N: Gateways ``127.N.1.x``, pods ``127.N.(2..254).x``, and ``127.N.0.2`` left
free for a Gateway that asks for it as a static address (what the environment offers as the usable
address of the static-address test; its unusable one is ``UNUSABLE_ADDRESS``).
"""

from __future__ import annotations

import random
import socket
import threading

#: Every environment holds a socket bound to 127.N.0.1 on this port for its lifetime: a second environment
#: that picks the same N fails to bind it and moves on. (Probing a pod or Gateway address would not do:
#: binding an ephemeral port on an address always works, whoever else uses that address.)
RESERVATION_PORT = 47011

#: An address no Gateway can be served on: TEST-NET-1 (RFC 5737) is assigned to no host, and the reference
#: gateway only binds loopback addresses.
UNUSABLE_ADDRESS = "192.0.2.1"


def reserve_second_octet(rng: random.Random | None = None) -> tuple[int, socket.socket]:
    """Pick a second octet no other local environment on this machine holds, and hold it.

    127.0.x.x is avoided (everyone else lives there). Keep the returned socket open as long as the
    addresses are in use; closing it releases the octet.
    """
    rng = rng or random.Random()
    candidates = list(range(64, 255))
    rng.shuffle(candidates)
    last_error: OSError | None = None
    for octet in candidates:
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            holder.bind((f"127.{octet}.0.1", RESERVATION_PORT))
        except OSError as err:
            holder.close()
            last_error = err
            continue
        return octet, holder
    raise OSError(
        "cannot reserve any 127.N.0.0/16 block: the local environment needs the whole 127.0.0.0/8 on the "
        f"loopback interface (standard on Linux), and at most 191 environments at once ({last_error})"
    )


class LoopbackAddresses:
    """Hands out stable addresses: the same key always gets the same address until released."""

    def __init__(self, second_octet: int) -> None:
        self.second_octet = second_octet
        self._lock = threading.Lock()
        self._gateways: dict[str, str] = {}
        self._pods: dict[str, str] = {}
        self._next_gateway = 1
        self._next_pod = 0

    @property
    def network(self) -> str:
        return f"127.{self.second_octet}.0.0/16"

    def gateway_address(self, key: str) -> str:
        with self._lock:
            if key not in self._gateways:
                if self._next_gateway > 254:
                    raise OSError("out of Gateway addresses (254 per local environment)")
                self._gateways[key] = f"127.{self.second_octet}.1.{self._next_gateway}"
                self._next_gateway += 1
            return self._gateways[key]

    @property
    def static_usable(self) -> str:
        """An address a Gateway may request in ``spec.addresses``: in this block, never handed out."""
        return f"127.{self.second_octet}.0.2"

    def pod_address(self, key: str) -> str:
        with self._lock:
            if key not in self._pods:
                third, fourth = divmod(self._next_pod, 254)
                if third > 252:
                    raise OSError("out of pod addresses")
                self._pods[key] = f"127.{self.second_octet}.{third + 2}.{fourth + 1}"
                self._next_pod += 1
            return self._pods[key]

    def release_pod(self, key: str) -> None:
        # Addresses are not reused within one environment: a late packet for a deleted pod must not
        # reach its successor, the same reason real clusters delay IP reuse.
        with self._lock:
            self._pods.pop(key, None)
