"""ReferenceGrant: may an object in one namespace reference an object in another?

Spec (ReferenceGrant, v1beta1/v1): all cross-namespace references except Gateway-route attachment
need a ReferenceGrant in the *target* namespace. ``spec.from`` entries (group, kind, namespace) and
``spec.to`` entries (group, kind, optional name) are each ORed; a grant permits a reference when one
``from`` entry names the referrer and one ``to`` entry names the referent (no ``to.name`` = every
object of that group/kind in the grant's namespace). Removing the grant revokes the access.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway import faults_gateway as fg
from conformance.local.gateway.snapshot import Snapshot, as_dict, as_list, as_str, opt_str, spec_of

if TYPE_CHECKING:
    from conformance.local.faults import ActiveFaults


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference from one object to another, as the ReferenceGrant matching needs it."""

    from_group: str
    from_kind: str
    from_namespace: str
    to_group: str
    to_kind: str
    to_namespace: str
    to_name: str


def reference_permitted(ref: Reference, snapshot: Snapshot, faults: ActiveFaults) -> bool:
    """True when the reference stays in its namespace or a ReferenceGrant allows it."""
    if ref.from_namespace == ref.to_namespace:
        return True
    grants = snapshot.grants_in(ref.to_namespace)
    if faults.on(fg.GRANTS_READ_FROM_REFERRER_NAMESPACE):
        grants = [*grants, *snapshot.grants_in(ref.from_namespace)]
    for grant in grants:
        spec = spec_of(grant)
        from_ok = any(
            as_str(entry.get("group")) == ref.from_group
            and as_str(entry.get("kind")) == ref.from_kind
            and as_str(entry.get("namespace")) == ref.from_namespace
            for entry in map(as_dict, as_list(spec.get("from")))
        )
        if not from_ok:
            continue
        for entry in map(as_dict, as_list(spec.get("to"))):
            if as_str(entry.get("group")) != ref.to_group or as_str(entry.get("kind")) != ref.to_kind:
                continue
            name = opt_str(entry.get("name"))
            if not name or name == ref.to_name or faults.on(fc.REFERENCE_GRANT_NAME_IGNORED):
                return True
    return False
