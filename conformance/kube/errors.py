"""The harness's own Kubernetes errors.

Test authors and the rest of the harness never catch the client library's exception types: the
client turns them into these, chained with ``from``, so the original stays visible in tracebacks and the
library can be swapped or upgraded without touching callers::

    KubeError
     ├── Unreachable        no answer from the API server (wrong address, down, TLS trouble)
     ├── ApiError           the server answered with an error Status
     │    ├── NotFound
     │    ├── Conflict      stale resourceVersion, or AlreadyExists on create
     │    └── Invalid       the object failed validation (422); the message names the field
     ├── UnknownKind        no resource serves this apiVersion/kind (CRDs missing?)
     ├── WaitTimeout       a condition did not hold in time; says what was last seen
     └── WaitAborted       the user cut waiting short (a second Ctrl-C during cleanup)
"""

from __future__ import annotations

from typing import Any


class KubeError(Exception):
    pass


class Unreachable(KubeError):
    pass


class ApiError(KubeError):
    def __init__(self, message: str, *, status: int, reason: str = "", body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.body = body or {}


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    pass


class Invalid(ApiError):
    pass


class UnknownKind(KubeError):
    pass


class WaitTimeout(KubeError, AssertionError):
    """A wait gave up. An AssertionError too, so pytest reports it as a test failure, not an error."""

    def __init__(self, what: str, *, waited: float, observations: int, last_seen: str) -> None:
        self.what = what
        self.waited = waited
        self.observations = observations
        self.last_seen = last_seen
        super().__init__(
            f"{what} within {waited:g}s ({observations} observation{'s' if observations != 1 else ''}); "
            f"last seen: {last_seen}"
        )


class WaitAborted(KubeError):
    pass


def api_error(status: int, body: dict[str, Any] | None, context: str) -> ApiError:
    """Build the right ApiError subclass from an HTTP status and a Kubernetes Status body."""
    body = body or {}
    reason = str(body.get("reason", ""))
    message = str(body.get("message", "")) or f"HTTP {status}"
    text = f"{context}: {message}"
    if status == 404:
        return NotFound(text, status=status, reason=reason or "NotFound", body=body)
    if status == 409:
        return Conflict(text, status=status, reason=reason or "Conflict", body=body)
    if status == 422:
        return Invalid(text, status=status, reason=reason or "Invalid", body=body)
    return ApiError(text, status=status, reason=reason, body=body)
