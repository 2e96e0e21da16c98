"""Validation of object names and labels, with apimachinery's wording.

A real cluster rejects ``metadata.name: "My_Route"`` with a 422 that explains the DNS-1123 rule; a
harness that only ever ran locally must not learn that such names work. Most kinds use DNS-1123
subdomains, Namespaces DNS-1123 labels, Services DNS-1035 labels, RBAC kinds path segments.
"""

from __future__ import annotations

import re
from typing import Any

from conformance.local.api.errors import FieldError

_SUBDOMAIN = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1035 = r"[a-z]([-a-z0-9]*[a-z0-9])?"
_LABEL_VALUE = r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
_QUALIFIED_NAME = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"

_RULES: dict[str, tuple[re.Pattern[str], int, str]] = {
    "subdomain": (
        re.compile(_SUBDOMAIN),
        253,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
        "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
        f"validation is '{_SUBDOMAIN}')",
    ),
    "label": (
        re.compile(_LABEL),
        63,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
        f"start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
        f"validation is '{_LABEL}')",
    ),
    "dns1035": (
        re.compile(_DNS1035),
        63,
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
        "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
        f"regex used for validation is '{_DNS1035}')",
    ),
}


def _name_problem(rule: str, name: str) -> str | None:
    if rule == "path":
        if name in (".", ".."):
            return f"may not be '{name}'"
        for bad in ("/", "%"):
            if bad in name:
                return f"may not contain '{bad}'"
        return None
    pattern, limit, message = _RULES[rule]
    if len(name) > limit:
        return f"must be no more than {limit} characters"
    if not pattern.fullmatch(name):
        return message
    return None


def name_errors(rule: str, obj: dict[str, Any]) -> list[FieldError]:
    """Problems with ``metadata.name`` and ``metadata.labels`` of an object about to be stored."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return [FieldError("metadata", "FieldValueRequired", "Required value")]
    errors: list[FieldError] = []
    name = metadata.get("name")
    if not name:
        errors.append(
            FieldError("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")
        )
    elif not isinstance(name, str):
        errors.append(FieldError("metadata.name", "FieldValueTypeInvalid", "Invalid value: must be a string"))
    else:
        problem = _name_problem(rule, name)
        if problem:
            errors.append(FieldError("metadata.name", "FieldValueInvalid", f'Invalid value: "{name}": {problem}'))
    errors += label_errors(metadata.get("labels"))
    return errors


def label_errors(labels: Any) -> list[FieldError]:
    if labels is None:
        return []
    if not isinstance(labels, dict):
        return [FieldError("metadata.labels", "FieldValueTypeInvalid", "Invalid value: must be an object")]
    errors = []
    for key, value in labels.items():
        prefix, _, name = key.rpartition("/")
        if (prefix and _name_problem("subdomain", prefix)) or len(name) > 63 or not re.fullmatch(_QUALIFIED_NAME, name):
            errors.append(
                FieldError(
                    "metadata.labels",
                    "FieldValueInvalid",
                    f'Invalid value: "{key}": name part must consist of alphanumeric characters, '
                    "'-', '_' or '.', and must start and end with an alphanumeric character",
                )
            )
        if not isinstance(value, str) or len(value) > 63 or not re.fullmatch(_LABEL_VALUE, value):
            errors.append(
                FieldError(
                    "metadata.labels",
                    "FieldValueInvalid",
                    f'Invalid value: "{value}": a valid label must be an empty string or consist of '
                    "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character",
                )
            )
    return errors
