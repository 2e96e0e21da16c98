"""Hostname intersection and label selectors, table-driven (the pure helpers of attachment.py)."""

from __future__ import annotations

import pytest

from conformance.local.gateway.attachment import label_selector_matches
from conformance.local.gateway.hostnames import intersect_hostnames, overlap

ANY = ()


@pytest.mark.parametrize(
    ("listener", "route", "expected"),
    [
        # No hostnames anywhere: any host.
        (None, [], ANY),
        # A route without hostnames takes the listener's.
        ("foo.example.com", [], ("foo.example.com",)),
        ("*.example.com", [], ("*.example.com",)),
        # A listener without hostname serves exactly the route's.
        (None, ["a.com", "*.b.com"], ("a.com", "*.b.com")),
        # Exact against exact.
        ("very.specific.com", ["very.specific.com"], ("very.specific.com",)),
        ("very.specific.com", ["other.com"], None),
        # Wildcard listener, exact route: suffix match, never the apex.
        (
            "*.wildcard.io",
            ["foo.wildcard.io", "foo.bar.wildcard.io"],
            ("foo.wildcard.io", "foo.bar.wildcard.io"),
        ),
        ("*.wildcard.io", ["wildcard.io"], None),
        # Exact listener, wildcard route: the listener's name is what is served.
        ("very.specific.com", ["*.specific.com"], ("very.specific.com",)),
        ("specific.com", ["*.specific.com"], None),
        # Wildcard against wildcard: the more specific one wins.
        ("*.anotherwildcard.io", ["*.anotherwildcard.io"], ("*.anotherwildcard.io",)),
        ("*.foo.example.com", ["*.example.com"], ("*.foo.example.com",)),
        ("*.example.com", ["*.foo.example.com"], ("*.foo.example.com",)),
        ("*.example.com", ["*.example.org"], None),
        # Non-matching route hostnames are ignored, the rest kept in order.
        ("*.wildcard.io", ["non.matching.com", "wildcard.io", "bar.wildcard.io"], ("bar.wildcard.io",)),
        (
            "very.specific.com",
            ["non.matching.com", "*.nonmatching.io", "very.specific.com"],
            ("very.specific.com",),
        ),
        # Case does not matter.
        ("Foo.Example.com", ["foo.example.COM"], ("foo.example.COM",)),
        # Duplicates collapse.
        ("a.example.com", ["a.example.com", "*.example.com"], ("a.example.com",)),
    ],
)
def test_hostname_intersection(
    listener: str | None,
    route: list[str],
    expected: tuple[str, ...] | None,
) -> None:
    assert intersect_hostnames(listener, route) == expected


LABELS = {"gateway-conformance": "backend", "kubernetes.io/metadata.name": "web", "tier": "2"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (None, False),
        ({}, True),
        ({"matchLabels": {"gateway-conformance": "backend"}}, True),
        ({"matchLabels": {"gateway-conformance": "infra"}}, False),
        ({"matchLabels": {"kubernetes.io/metadata.name": "web", "tier": "2"}}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["1", "2"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["1"]}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["1"]}]}, True),
        ({"matchExpressions": [{"key": "missing", "operator": "NotIn", "values": ["1"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "missing", "operator": "Exists"}]}, False),
        ({"matchExpressions": [{"key": "missing", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "Bogus"}]}, False),
        (
            {
                "matchLabels": {"gateway-conformance": "backend"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["3"]}],
            },
            False,
        ),
    ],
)
def test_label_selector(selector: object, expected: bool) -> None:
    assert label_selector_matches(selector, LABELS) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("foo.example.com", "*.example.com", True),
        ("*.example.com", "*.foo.example.com", True),
        ("foo.example.com", "foo.example.org", False),
        ("foo.example.com", "foo.example.com", False),  # identical is a conflict, not an overlap
        (None, "foo.example.com", True),
        (None, None, False),
        ("*.example.com", "example.com", False),
    ],
)
def test_listener_hostname_overlap(a: str | None, b: str | None, expected: bool) -> None:
    assert overlap(a, b) is expected
    assert overlap(b, a) is expected
