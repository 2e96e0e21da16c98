"""API errors that carry their kube-apiserver ``Status`` shape.

Every failure the store or the HTTP layer can produce is one of these. Each class is also the matching
exception of ``protocol.py`` (``NotFound`` is a ``NotFoundError``, ``Conflict`` a ``ConflictError``,
``Invalid`` an ``InvalidError``), so in-process callers catch the protocol's exceptions while the HTTP
layer turns the very same exception into the ``kind: Status`` body and HTTP code the ``kubernetes``
client parses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from conformance.local.api.protocol import ConflictError, InvalidError, JSONObject, NotFoundError


@dataclass(frozen=True, slots=True)
class FieldError:
    """One field-level problem, as apimachinery's ``field.Error`` renders it."""

    field: str
    """Path in the document, e.g. ``spec.rules[0].matches[0].path.type``."""
    reason: str
    """Cause type: ``FieldValueRequired``, ``FieldValueInvalid``, ``FieldValueNotSupported``, ..."""
    detail: str
    """What is wrong, e.g. ``Unsupported value: "Prefix": supported values: "Exact"``."""

    def __str__(self) -> str:
        return f"{self.field}: {self.detail}" if self.field else self.detail


class ApiError(Exception):
    """Base of all API errors: an HTTP code, a Status reason and a message."""

    code: ClassVar[int] = 500
    reason: ClassVar[str] = "InternalError"

    def __init__(self, message: str, *, details: JSONObject | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def status(self) -> JSONObject:
        """The ``kind: Status`` body kube-apiserver would send."""
        body: JSONObject = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            body["details"] = self.details
        return body


def _details(resource: str, name: str) -> JSONObject:
    plural, _, group = resource.partition(".")
    details: JSONObject = {"name": name, "kind": plural}
    if group:
        details["group"] = group
    return details


class NotFound(ApiError, NotFoundError):
    code = 404
    reason = "NotFound"

    @classmethod
    def object(cls, resource: str, name: str) -> NotFound:
        return cls(f'{resource} "{name}" not found', details=_details(resource, name))


class AlreadyExists(ApiError, ConflictError):
    code = 409
    reason = "AlreadyExists"

    @classmethod
    def object(cls, resource: str, name: str) -> AlreadyExists:
        return cls(f'{resource} "{name}" already exists', details=_details(resource, name))


class Conflict(ApiError, ConflictError):
    code = 409
    reason = "Conflict"

    @classmethod
    def stale(cls, resource: str, name: str) -> Conflict:
        return cls(
            f'Operation cannot be fulfilled on {resource} "{name}": the object has been modified; '
            "please apply your changes to the latest version and try again",
            details=_details(resource, name),
        )


class Invalid(ApiError, InvalidError):
    """422: the message names every failing field, and ``details.causes`` lists them one by one."""

    code = 422
    reason = "Invalid"

    def __init__(self, qualified_kind: str, group: str, name: str, errors: list[FieldError]) -> None:
        rendered = [str(e) for e in errors]
        summary = rendered[0] if len(rendered) == 1 else "[" + ", ".join(rendered) + "]"
        details: JSONObject = {
            "name": name,
            "kind": qualified_kind.split(".", 1)[0],
            "causes": [{"reason": e.reason, "message": e.detail, "field": e.field} for e in errors],
        }
        if group:
            details["group"] = group
        super().__init__(f'{qualified_kind} "{name}" is invalid: {summary}', details=details)
        self.errors = errors


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


class Forbidden(ApiError):
    code = 403
    reason = "Forbidden"


class MethodNotAllowed(ApiError):
    code = 405
    reason = "MethodNotAllowed"


class Expired(ApiError):
    code = 410
    reason = "Expired"


class UnsupportedMediaType(ApiError):
    code = 415
    reason = "UnsupportedMediaType"


class InternalError(ApiError):
    code = 500
    reason = "InternalError"


def success_status(resource: str, name: str, uid: str | None) -> JSONObject:
    """The Status kube-apiserver returns for a completed delete of most built-in kinds."""
    details: dict[str, Any] = _details(resource, name)
    if uid:
        details["uid"] = uid
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
