"""Compiling an HTTPRoute's rules into data-plane rules, and the route-wide ResolvedRefs condition.

Spec sources: ``HTTPRouteRule`` (matches default to PathPrefix ``/``; a rule whose backendRefs are all
invalid answers 500, so invalid backends are compiled with their reason instead of being dropped),
``HTTPRouteMatch`` / ``HTTPPathMatch`` / ``HTTPHeaderMatch`` (type defaults: PathPrefix and Exact),
``BackendRef.weight`` (default 1) and ``RouteConditionReason`` (PartiallyInvalid with the "Dropped
Rule" approach when only some rules use values this implementation does not support; Accepted False /
UnsupportedValue when all do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway import filter_checks
from conformance.local.gateway.backendrefs import resolve_backend_ref
from conformance.local.gateway.conditions import Cond
from conformance.local.gateway.config import Backend, HeaderMatch, Match, RouteRef, Rule
from conformance.local.gateway.listeners import HTTP_ROUTE
from conformance.local.gateway.snapshot import (
    Snapshot,
    as_dict,
    as_list,
    as_str,
    creation_timestamp_of,
    name_of,
    namespace_of,
    opt_str,
    spec_of,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults

PATH_MATCH_TYPES = frozenset({"Exact", "PathPrefix", "RegularExpression"})
HEADER_MATCH_TYPES = frozenset({"Exact", "RegularExpression"})
#: Filter types the API defines for HTTPRoute rules; anything else cannot be honoured.
FILTER_TYPES = frozenset(
    {
        "RequestHeaderModifier",
        "ResponseHeaderModifier",
        "RequestMirror",
        "RequestRedirect",
        "URLRewrite",
        "ExtensionRef",
        "CORS",
        "ExternalAuth",
    }
)
_RULE_FIELDS = frozenset({"name", "matches", "filters", "backendRefs", "timeouts", "retry"})


@dataclass(frozen=True, slots=True)
class CompiledRoute:
    ref: RouteRef
    hostnames: tuple[str, ...]
    rules: tuple[Rule, ...]
    resolved_refs: Cond
    dropped: tuple[tuple[int, str], ...] = ()
    """(rule index, why) for rules left out because they use unsupported values."""
    rule_count: int = 0
    incompatible: frozenset[int] = frozenset()
    """Indexes of the dropped rules whose filters cannot be combined (reason IncompatibleFilters)."""

    def acceptance(self, attachment: Cond) -> list[Cond]:
        """Accepted (and PartiallyInvalid) conditions for one parent, given how attachment went."""
        if not attachment.status:
            return [attachment]
        if self.dropped and len(self.dropped) == self.rule_count:
            reasons = "; ".join(why for _, why in self.dropped)
            reason = "IncompatibleFilters" if {i for i, _ in self.dropped} <= self.incompatible else "UnsupportedValue"
            return [Cond("Accepted", False, reason, f"no rule can be implemented: {reasons}")]
        if self.dropped:
            listed = "; ".join(f"rule {i}: {why}" for i, why in self.dropped)
            return [
                attachment,
                Cond("PartiallyInvalid", True, "UnsupportedValue", f"Dropped Rule(s): {listed}"),
            ]
        return [attachment]


def _typed_matches(
    items: Sequence[Any],
    types: frozenset[str],
    what: str,
) -> tuple[tuple[HeaderMatch, ...], str]:
    found: list[HeaderMatch] = []
    for item in map(as_dict, items):
        kind = as_str(item.get("type"), "Exact")
        if kind not in types:
            return (), f"unsupported {what} match type {kind!r}"
        found.append(HeaderMatch(type=kind, name=as_str(item.get("name")), value=as_str(item.get("value"))))
    return tuple(found), ""


def _matches(rule: dict[str, Any], *, default_when_empty: bool = True) -> tuple[tuple[Match, ...], str]:
    """(matches, problem). No matches means one match of everything (PathPrefix ``/``).

    ``default_when_empty=False`` is the fault of a controller that relies on the API server to default
    ``matches`` (kube-apiserver only does so when the CRD schema is installed): such a rule matches nothing.
    """
    found: list[Match] = []
    for raw in map(as_dict, as_list(rule.get("matches"))):
        path = as_dict(raw.get("path"))
        path_type = as_str(path.get("type"), "PathPrefix")
        if path_type not in PATH_MATCH_TYPES:
            return (), f"unsupported path match type {path_type!r}"
        headers, problem = _typed_matches(as_list(raw.get("headers")), HEADER_MATCH_TYPES, "header")
        if problem:
            return (), problem
        query, problem = _typed_matches(as_list(raw.get("queryParams")), HEADER_MATCH_TYPES, "query")
        if problem:
            return (), problem
        found.append(
            Match(
                path_type=path_type,
                path_value=as_str(path.get("value"), "/"),
                headers=headers,
                query_params=query,
                method=opt_str(raw.get("method")),
            )
        )
    if not found and not default_when_empty:
        return (), ""
    return (tuple(found) or (Match(),)), ""


def compile_http_route(route: JSONObject, snapshot: Snapshot, faults: ActiveFaults) -> CompiledRoute:
    namespace = namespace_of(route)
    spec = spec_of(route)
    ref = RouteRef(
        kind="HTTPRoute",
        namespace=namespace,
        name=name_of(route),
        creation_timestamp=creation_timestamp_of(route),
    )
    rules: list[Rule] = []
    dropped: list[tuple[int, str]] = []
    incompatible: set[int] = set()
    problem: Cond | None = None

    def resolve(backend_ref: JSONObject) -> Backend:
        nonlocal problem
        resolved = resolve_backend_ref(
            backend_ref, route_kind=HTTP_ROUTE, route_namespace=namespace, snapshot=snapshot, faults=faults
        )
        if problem is None and resolved.problem is not None:
            problem = resolved.problem
        return resolved.backend

    # HTTPRouteSpec.rules defaults to one rule matching PathPrefix "/" (with no backends).
    raw_rules = [as_dict(r) for r in as_list(spec.get("rules"))] or [{}]
    for index, raw in enumerate(raw_rules):
        matches, why = _matches(raw, default_when_empty=not faults.on(fc.RULES_WITHOUT_MATCHES_NOT_ROUTED))
        filters = tuple(as_dict(f) for f in as_list(raw.get("filters")))
        unknown = [as_str(f.get("type")) for f in filters if as_str(f.get("type")) not in FILTER_TYPES]
        if not why and unknown:
            why = f"unsupported filter type {unknown[0]!r}"
        if not why:
            why, clash = filter_checks.rule_problem(raw, matches, faults)
            if clash:
                incompatible.add(index)
        if why:
            dropped.append((index, why))
            continue
        backends = tuple(resolve(as_dict(b)) for b in as_list(raw.get("backendRefs")))
        mirrors = tuple(
            resolve(as_dict(as_dict(f.get("requestMirror")).get("backendRef")))
            for f in filters
            if as_str(f.get("type")) == "RequestMirror"
        )
        timeouts = raw.get("timeouts")
        retry = raw.get("retry")
        rules.append(
            Rule(
                route=ref,
                index=index,
                matches=matches,
                filters=filters,
                backends=backends,
                name=opt_str(raw.get("name")),
                timeouts=timeouts if isinstance(timeouts, dict) else None,
                retry=retry if isinstance(retry, dict) else None,
                extra={k: v for k, v in raw.items() if k not in _RULE_FIELDS},
                mirrors=mirrors,
            )
        )
    return CompiledRoute(
        ref=ref,
        hostnames=tuple(str(h) for h in as_list(spec.get("hostnames"))),
        rules=tuple(rules),
        resolved_refs=problem or Cond("ResolvedRefs", True, "ResolvedRefs"),
        dropped=tuple(dropped),
        rule_count=len(raw_rules),
        incompatible=frozenset(incompatible),
    )
