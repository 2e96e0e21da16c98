"""LoadBalancer support for kind: Gateways need addresses the test process can dial.

Two providers, as the implementations use them (spec/implementations.md section 3):

- **MetalLB** (L2) with an address pool carved from the ``kind`` docker network. All kind clusters on a
  host share that network, so fixed ranges (EG's .200-.250, Contour's .255.200-.250) collide when
  several run at once. Each cluster therefore gets its own slice from the top of the subnet, recorded
  in a small registry file under a lock; slices of clusters that no longer exist are reused.
- **cloud-provider-kind**, one host process serving every kind cluster, run with its Gateway channel
  disabled: otherwise it installs its own Gateway API CRDs (and the safe-upgrades policy) and its own
  GatewayClass into the cluster, overriding the harness's choice of CRD version and channel.

The last address of a MetalLB slice sits in a pool MetalLB never hands out by itself (autoAssign off),
so it can serve as the ``--usable-address`` of the static-address test.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

METALLB_MANIFEST = "https://raw.githubusercontent.com/metallb/metallb/{version}/config/manifests/metallb-native.yaml"
CLOUD_PROVIDER_KIND_ARGS = ("--gateway-channel=disabled", "--enable-default-ingress=false")
EXCLUDE_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"
SLOT_SIZE = 32


class PoolError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Pool:
    first: ipaddress.IPv4Address
    last: ipaddress.IPv4Address
    """Inclusive; the last address is the static-only one."""

    @property
    def auto_range(self) -> str:
        return f"{self.first}-{self.last - 1}"

    @property
    def static_address(self) -> str:
        return str(self.last)


def ipv4_subnets(inspect_output: str) -> list[ipaddress.IPv4Network]:
    """Subnets from ``docker network inspect kind --format '{{json .IPAM.Config}}'``."""
    try:
        config = json.loads(inspect_output or "null")
    except ValueError as err:
        raise PoolError(f"cannot read docker network inspect output: {err}") from None
    found: list[ipaddress.IPv4Network] = []
    for entry in config or []:
        subnet = (entry or {}).get("Subnet", "")
        try:
            network = ipaddress.ip_network(subnet, strict=False)
        except ValueError:
            continue
        if isinstance(network, ipaddress.IPv4Network):
            found.append(network)
    return found


def slot_pool(subnet: ipaddress.IPv4Network, slot: int) -> Pool:
    """Slot 0 is the top SLOT_SIZE addresses below the broadcast address, slot 1 the block below, ..."""
    size = min(SLOT_SIZE, max(subnet.num_addresses // 8, 4))
    slots = (subnet.num_addresses // 2) // size  # the upper half only: docker hands out the lower part
    if slot >= slots:
        raise PoolError(f"the docker network {subnet} has room for {slots} MetalLB pools of {size} addresses")
    top = int(subnet.broadcast_address) - 1 - slot * size
    return Pool(ipaddress.IPv4Address(top - size + 1), ipaddress.IPv4Address(top))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[dict[str, dict[str, int]]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(path.read_text()) if path.is_file() else {}
        except ValueError:
            data = {}
        yield data
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def allocate(registry: Path, subnet: ipaddress.IPv4Network, cluster: str, live: Iterable[str]) -> Pool:
    """The cluster's slot in the shared network, keeping other live clusters' slots untouched."""
    alive = set(live) | {cluster}
    with _locked(registry) as data:
        slots = {name: slot for name, slot in data.get(str(subnet), {}).items() if name in alive}
        if cluster not in slots:
            taken = set(slots.values())
            slots[cluster] = next(i for i in range(len(taken) + 1) if i not in taken)
        data[str(subnet)] = slots
        return slot_pool(subnet, slots[cluster])


def metallb_objects(pool: Pool) -> str:
    """IPAddressPool (auto-assigned), a static-only pool of one address, and their L2Advertisement."""
    meta = {"namespace": "metallb-system"}
    docs = [
        {
            "apiVersion": "metallb.io/v1beta1",
            "kind": "IPAddressPool",
            "metadata": {"name": "gateway-conformance", **meta},
            "spec": {"addresses": [pool.auto_range]},
        },
        {
            "apiVersion": "metallb.io/v1beta1",
            "kind": "IPAddressPool",
            "metadata": {"name": "gateway-conformance-static", **meta},
            "spec": {"addresses": [f"{pool.static_address}/32"], "autoAssign": False},
        },
        {
            "apiVersion": "metallb.io/v1beta1",
            "kind": "L2Advertisement",
            "metadata": {"name": "gateway-conformance", **meta},
            "spec": {"ipAddressPools": ["gateway-conformance", "gateway-conformance-static"]},
        },
    ]
    return yaml.safe_dump_all(docs, sort_keys=False)


def cilium_objects(pool: Pool) -> str:
    """Cilium LB-IPAM: a pool over the same slice and an L2 announcement policy for worker nodes."""
    docs = [
        {
            "apiVersion": "cilium.io/v2alpha1",
            "kind": "CiliumLoadBalancerIPPool",
            "metadata": {"name": "gateway-conformance"},
            "spec": {"blocks": [{"start": str(pool.first), "stop": str(pool.last)}]},
        },
        {
            "apiVersion": "cilium.io/v2alpha1",
            "kind": "CiliumL2AnnouncementPolicy",
            "metadata": {"name": "gateway-conformance"},
            "spec": {
                "loadBalancerIPs": True,
                "interfaces": ["eth0"],
                "nodeSelector": {
                    "matchExpressions": [{"key": "node-role.kubernetes.io/control-plane", "operator": "DoesNotExist"}]
                },
            },
        },
    ]
    return yaml.safe_dump_all(docs, sort_keys=False)
