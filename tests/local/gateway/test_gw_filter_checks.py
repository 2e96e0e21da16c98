"""Rules whose filters cannot be implemented are dropped, with the status the spec gives them."""

from __future__ import annotations

from typing import Any

import pytest
from gwbuilders import backend, gateway, gateway_class, http_route, route_conditions, rule, run, service

from conformance.local.gateway import faults_filters as FF

PREFIX = {"type": "PathPrefix", "value": "/p"}


def redirect(**spec: Any) -> dict[str, Any]:
    return {"type": "RequestRedirect", "requestRedirect": spec}


def rewrite(**spec: Any) -> dict[str, Any]:
    return {"type": "URLRewrite", "urlRewrite": spec}


HEADERS = {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "a", "value": "b"}]}}
REPLACE_PREFIX = {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/x"}


def conditions(*rules: dict[str, Any], faults: tuple[str, ...] = ()) -> tuple[dict[str, tuple[str, str]], int]:
    """(route conditions by type, number of rules served)."""
    result = run(gateway_class(), gateway(), http_route(rules=list(rules)), service(), faults=faults)
    routes = result.config.gateways[0].listeners[0].routes
    served_rules = len(routes[0].rules) if routes else 0
    return {k: v for k, v in route_conditions(result).items() if k in ("Accepted", "PartiallyInvalid")}, served_rules


GOOD = rule(backend(), matches=[{"path": PREFIX}])


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (rule(filters=[redirect(hostname="a.example"), rewrite(hostname="b.example")]), "IncompatibleFilters"),
        (rule(backend(), filters=[HEADERS, HEADERS]), "IncompatibleFilters"),
        (rule(filters=[redirect(scheme="ftp")]), "UnsupportedValue"),
        (rule(filters=[redirect(statusCode=305)]), "UnsupportedValue"),
        (rule(filters=[redirect(path={"type": "ReplaceSomething"})]), "UnsupportedValue"),
        (rule(backend(), filters=[rewrite(path={"type": "Nope"})]), "UnsupportedValue"),
        (
            rule(
                backend(), matches=[{"path": {"type": "Exact", "value": "/p"}}], filters=[rewrite(path=REPLACE_PREFIX)]
            ),
            "UnsupportedValue",
        ),
        (rule(backend(filters=[redirect(hostname="a"), rewrite(hostname="b")])), "IncompatibleFilters"),
        (rule(backend(filters=[{"type": "CORS", "cors": {"allowOrigins": ["*"]}}])), "UnsupportedValue"),
    ],
)
def test_rules_that_cannot_be_implemented(bad: dict[str, Any], reason: str) -> None:
    alone, count = conditions(bad)
    assert alone["Accepted"][0] == "False"
    assert alone["Accepted"][1] == reason
    assert count == 0
    mixed, count = conditions(GOOD, bad)
    assert mixed == {"Accepted": ("True", "Accepted"), "PartiallyInvalid": ("True", "UnsupportedValue")}
    assert count == 1


def test_filters_that_can_be_implemented_are_kept() -> None:
    rules = [
        rule(matches=[{"path": PREFIX}], filters=[redirect(path=REPLACE_PREFIX, statusCode=301, scheme="https")]),
        rule(backend(), matches=[{"path": PREFIX}], filters=[HEADERS, rewrite(path=REPLACE_PREFIX)]),
        rule(backend(filters=[HEADERS, redirect(port=8080)])),
        rule(backend(), name="named"),
    ]
    found, count = conditions(*rules)
    assert found == {"Accepted": ("True", "Accepted")}
    assert count == len(rules)


def test_named_rules_dropped_fault() -> None:
    found, count = conditions(GOOD, rule(backend(), name="named"), faults=(FF.NAMED_RULES_DROPPED,))
    assert found["PartiallyInvalid"] == ("True", "UnsupportedValue")
    assert count == 1
