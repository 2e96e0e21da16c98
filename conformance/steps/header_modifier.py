"""The request-header-modifier cases: the rule-level and the backendRef-level filter must give the same."""

from __future__ import annotations

from conformance.infra import INFRA_BACKEND_V1, INFRA_NS
from conformance.probes.expectations import ExpectedRequest, ExpectedResponse, Request


def _to_v1(
    path: str, sent: dict[str, str], seen: dict[str, str] | None, absent: tuple[str, ...] = ()
) -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(path=path, headers=sent),
        expected_request=ExpectedRequest(path=path, headers=seen, absent_headers=absent),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    )


#: The edits upstream's request and response header-modifier manifests both make, as (path, headers
#: before, headers after, names that must be gone): set overwrites, add appends, remove drops. The
#: request filter applies them to what the backend receives, the response filter to what it answers.
HEADER_EDITS: tuple[tuple[str, dict[str, str], dict[str, str] | None, tuple[str, ...]], ...] = (
    ("/set", {"Some-Other-Header": "val"}, {"Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values"}, ()),
    (
        "/set",
        {"Some-Other-Header": "val", "X-Header-Set": "some-other-value"},
        {"Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values"},
        (),
    ),
    ("/add", {"Some-Other-Header": "val"}, {"Some-Other-Header": "val", "X-Header-Add": "add-appends-values"}, ()),
    (
        "/add",
        {"Some-Other-Header": "val", "X-Header-Add": "some-other-value"},
        {"Some-Other-Header": "val", "X-Header-Add": "some-other-value,add-appends-values"},
        (),
    ),
    ("/remove", {"X-Header-Remove": "val"}, None, ("X-Header-Remove",)),
)

# httproute-request-header-modifier.go: the rule-level filter and the backendRef-level filter
# (HTTPRouteBackendRequestHeaderModifier) must give exactly these results.
REQUEST_HEADER_MODIFIER_CASES = (
    *(_to_v1(path, before, after, absent) for path, before, after, absent in HEADER_EDITS),
    _to_v1(
        "/multiple",
        {
            "X-Header-Set-2": "set-val-2",
            "X-Header-Add-2": "add-val-2",
            "X-Header-Remove-2": "remove-val-2",
            "Another-Header": "another-header-val",
        },
        {
            "X-Header-Set-1": "header-set-1",
            "X-Header-Set-2": "header-set-2",
            "X-Header-Add-1": "header-add-1",
            "X-Header-Add-2": "add-val-2,header-add-2",
            "X-Header-Add-3": "header-add-3",
            "Another-Header": "another-header-val",
        },
        ("X-Header-Remove-1", "X-Header-Remove-2"),
    ),
    # The filter names headers in canonical case, the request in lower case.
    _to_v1(
        "/case-insensitivity",
        {
            "x-header-set": "original-val-set",
            "x-header-add": "original-val-add",
            "x-header-remove": "original-val-remove",
            "Another-Header": "another-header-val",
        },
        {
            "X-Header-Set": "header-set",
            "X-Header-Add": "original-val-add,header-add",
            "Another-Header": "another-header-val",
        },
        ("x-header-remove", "X-Header-Remove"),
    ),
)
