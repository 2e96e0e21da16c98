"""Requests to the upstream mirror manifests: infra-backend-v1 answers, the mirrors get copies."""

from __future__ import annotations

from conformance.infra import INFRA_BACKEND_V1, INFRA_NS
from conformance.probes.expectations import ExpectedRequest, ExpectedResponse, Request


def mirrored_to_v1(path: str, *, modify_headers: bool = False) -> ExpectedResponse:
    """A request infra-backend-v1 answers while mirrors get a copy. With ``modify_headers`` the rule's
    RequestHeaderModifier (the same one in every upstream mirror manifest) must have changed its headers."""
    if not modify_headers:
        return ExpectedResponse(
            request=Request(path=path),
            expected_request=ExpectedRequest(path=path),
            backend=INFRA_BACKEND_V1,
            namespace=INFRA_NS,
        )
    return ExpectedResponse(
        request=Request(path=path, headers={"X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1"}),
        expected_request=ExpectedRequest(
            path=path,
            headers={
                "X-Header-Add": "header-val-1",
                "X-Header-Add-Append": "append-val-1,header-val-2",
                "X-Header-Set": "set-overwrites-values",
            },
            absent_headers=("X-Header-Remove",),
        ),
        backend=INFRA_BACKEND_V1,
        namespace=INFRA_NS,
    )
