"""Which HTTPRoute rules the data plane cannot implement because of their filters (controller side).

A rule found here is dropped, and the route's status says why (``httproute.CompiledRoute.acceptance``:
Accepted False when no rule is left, else PartiallyInvalid). Spec sources:

- ``HTTPRouteRule.filters``: URLRewrite and RequestRedirect may not be combined, and a filter type may
  not be repeated unless it says so (RequestMirror and ExtensionRef do); a rejected combination may use
  the ``IncompatibleFilters`` reason.
- ``HTTPRequestRedirectFilter`` / ``HTTPURLRewriteFilter``: an unknown scheme, status code or path
  modifier type sets Accepted False with ``UnsupportedValue``; ``ReplacePrefixMatch`` is only
  compatible with PathPrefix matches.
- The same holds for the filters of each backendRef of the rule.

The API server enforces most of this with CEL when the CRDs are installed; the controller must not rely
on it (the local environment serves Gateway API kinds without schemas by default).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_filters as FF
from conformance.local.gateway.redirects import SCHEMES, STATUS_CODES
from conformance.local.gateway.rewrites import PATH_MODIFIER_TYPES, REPLACE_PREFIX_MATCH

if TYPE_CHECKING:
    from collections.abc import Sequence

    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.config import Match

#: Filter types that may appear more than once in one list.
REPEATABLE = frozenset({"RequestMirror", "ExtensionRef"})
#: Filter types the data plane implements on a backendRef (CORS and mirrors only work per rule).
BACKEND_FILTER_TYPES = frozenset(
    {"RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite", "ExtensionRef", "ExternalAuth"}
)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _path_problem(modifier: Any, matches: Sequence[Match], what: str) -> str:
    if not isinstance(modifier, dict):
        return ""
    kind = modifier.get("type")
    if kind not in PATH_MODIFIER_TYPES:
        return f"unsupported {what} path modifier type {kind!r}"
    if kind == REPLACE_PREFIX_MATCH and any(m.path_type != "PathPrefix" for m in matches):
        return f"{what} ReplacePrefixMatch needs PathPrefix matches only"
    return ""


def _list_problem(filters: Sequence[Any], matches: Sequence[Match]) -> tuple[str, bool]:
    """(why, incompatible) for one list of filters; ("", False) when it can be implemented."""
    types = [str(_dict(f).get("type")) for f in filters]
    if "RequestRedirect" in types and "URLRewrite" in types:
        return "incompatible filters: RequestRedirect and URLRewrite cannot be combined", True
    repeated = sorted(t for t, n in Counter(types).items() if n > 1 and t not in REPEATABLE)
    if repeated:
        return f"incompatible filters: {repeated[0]} is given more than once", True
    for item in map(_dict, filters):
        kind = item.get("type")
        if kind == "RequestRedirect":
            spec = _dict(item.get("requestRedirect"))
            scheme, code = spec.get("scheme"), spec.get("statusCode")
            if scheme is not None and scheme not in SCHEMES:
                return f"unsupported redirect scheme {scheme!r}", False
            if code is not None and code not in STATUS_CODES:
                return f"unsupported redirect status code {code!r}", False
            problem = _path_problem(spec.get("path"), matches, "redirect")
        elif kind == "URLRewrite":
            problem = _path_problem(_dict(item.get("urlRewrite")).get("path"), matches, "rewrite")
        else:
            continue
        if problem:
            return problem, False
    return "", False


def rule_problem(rule: dict[str, Any], matches: Sequence[Match], faults: ActiveFaults) -> tuple[str, bool]:
    """(why the rule cannot be implemented, whether it is for incompatible filters); ("", False) if it can."""
    if faults.on(FF.NAMED_RULES_DROPPED) and rule.get("name"):
        return "rule names are not supported", False
    filters = rule.get("filters")
    why, incompatible = _list_problem(filters if isinstance(filters, list) else [], matches)
    if why:
        return why, incompatible
    for ref in rule.get("backendRefs") or ():
        backend_filters = _dict(ref).get("filters")
        backend_filters = backend_filters if isinstance(backend_filters, list) else []
        unsupported = [str(_dict(f).get("type")) for f in backend_filters]
        unsupported = [t for t in unsupported if t not in BACKEND_FILTER_TYPES]
        if unsupported:
            return f"unsupported backendRef filter type {unsupported[0]!r}", False
        why, incompatible = _list_problem(backend_filters, matches)
        if why:
            return f"backendRef filters: {why}", incompatible
    return "", False
