"""Building status conditions the way the Gateway API asks controllers to write them.

The API's notes for implementors (on every ``conditions`` field of Gateway, GatewayClass, listener and
route-parent status) require: merge by ``type`` instead of duplicating, never remove or reorder
conditions another controller owns, and set ``observedGeneration`` to the object's
``metadata.generation``. ``lastTransitionTime`` follows metav1.Condition: it changes only when the
condition's ``status`` changes, which is also what keeps our status writes idempotent (no write loops).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from conformance.local.gateway.snapshot import as_dict, as_list, as_str, opt_int

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from conformance.local.api.protocol import JSONObject


class ConditionDict(TypedDict):
    """metav1.Condition as JSON."""

    type: str
    status: str
    reason: str
    message: str
    observedGeneration: int
    lastTransitionTime: str


@dataclass(frozen=True, slots=True)
class Cond:
    """A condition the controller wants, before generation and transition time are filled in."""

    type: str
    status: bool
    reason: str
    message: str = ""

    @property
    def status_str(self) -> str:
        return "True" if self.status else "False"


def rfc3339(moment: datetime | None = None) -> str:
    """metav1.Time renders with second precision in UTC."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_conditions(
    desired: Sequence[Cond],
    previous: Any,
    generation: int,
    now: str,
    *,
    owned: Collection[str],
    stale_generation: bool = False,
) -> list[JSONObject]:
    """Merge ``desired`` into the ``previous`` condition list.

    Conditions of types in ``owned`` that are no longer desired are dropped; other types are kept where
    they were. ``stale_generation`` is the fault where an existing condition keeps its old
    observedGeneration.
    """
    old: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for item in as_list(previous):
        cond = as_dict(item)
        ctype = as_str(cond.get("type"))
        if ctype and ctype not in old:
            old[ctype] = cond
            order.append(ctype)

    rendered: dict[str, JSONObject] = {}
    for want in desired:
        before = old.get(want.type)
        transition = now
        observed = generation
        if before is not None:
            if as_str(before.get("status")) == want.status_str and as_str(before.get("lastTransitionTime")):
                transition = as_str(before.get("lastTransitionTime"))
            previous_generation = opt_int(before.get("observedGeneration"))
            if stale_generation and previous_generation is not None:
                observed = previous_generation
        condition: ConditionDict = {
            "type": want.type,
            "status": want.status_str,
            "reason": want.reason,
            "message": want.message,
            "observedGeneration": observed,
            "lastTransitionTime": transition,
        }
        rendered[want.type] = dict(condition)

    result: list[JSONObject] = []
    for ctype in order:
        if ctype in rendered:
            result.append(rendered.pop(ctype))
        elif ctype not in owned:
            result.append(old[ctype])
    result.extend(rendered.values())
    return result


def _normalized(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normalized(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def same_content(a: Any, b: Any) -> bool:
    """Equal up to the order of list items: a status that only differs in ordering is not rewritten."""
    return bool(_normalized(a) == _normalized(b))
