"""The implementation-specific declaration: which implementation-specific capabilities a project claims.

No conformance test can show implementation-specific support (support-matrix.md §5), so the matrix's third
column comes from the implementation itself: per resource, the capabilities it implements, each backed by
tests of its own (short names in the run). Today the declaration is a YAML or JSON file given with
``--implementation-specific``; it may be a whole implementation profile, in which case only its
``implementationSpecific`` key is read::

    implementationSpecific:
      HTTPRoute:
        RegularExpressionPathMatch: [AcmeHTTPRouteRegexPath]
      GatewayClass:
        ParametersRef: [AcmeGatewayClassParameters]
"""

from __future__ import annotations

from pathlib import Path

import yaml

from conformance.reports.catalog import Resource
from conformance.suggest import did_you_mean

KEY = "implementationSpecific"
_VALID = [str(r) for r in Resource if r is not Resource.REFERENCE_GRANT]


class DeclarationError(ValueError):
    """The declaration file is malformed; the message names the file and the field."""


def load_declaration(path: Path) -> dict[str, dict[str, list[str]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DeclarationError(f"{path}: cannot read the implementation-specific declaration: {err}") from None
    except yaml.YAMLError as err:
        raise DeclarationError(f"{path}: not valid YAML or JSON: {' '.join(str(err).split())}") from None
    return parse_declaration(data, where=str(path))


def parse_declaration(data: object, *, where: str) -> dict[str, dict[str, list[str]]]:
    if isinstance(data, dict) and KEY in data:
        data, prefix = data[KEY], f"{KEY}."
    else:
        prefix = ""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DeclarationError(f"{where}: field {prefix or 'top level'}: expected a mapping of resource names")
    declared: dict[str, dict[str, list[str]]] = {}
    for resource, capabilities in data.items():
        field = f"{prefix}{resource}"
        if resource not in _VALID:
            why = (
                "its API documents no implementation-specific support"
                if resource == "ReferenceGrant"
                else "not a resource of the support matrix"
            )
            raise DeclarationError(
                f"{where}: field {field}: {why}.{did_you_mean(str(resource), _VALID)} Valid: {', '.join(_VALID)}."
            )
        if not isinstance(capabilities, dict) or not capabilities:
            raise DeclarationError(f"{where}: field {field}: expected a mapping of capability -> list of test names")
        declared[resource] = {}
        for capability, tests in capabilities.items():
            names = [tests] if isinstance(tests, str) else tests
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
                raise DeclarationError(
                    f"{where}: field {field}.{capability}: expected a non-empty list of test short names"
                )
            declared[resource][str(capability)] = sorted(set(names))
    return declared
