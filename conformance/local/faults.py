"""Named faults: each one breaks a single piece of spec behaviour of the reference gateway.

A conformance test is only worth something if it can fail. ``--local-faults=a,b`` switches faults on;
``gwconf selfcheck`` runs the suite once clean and once per fault and prints which tests each fault
kills. A fault must break one behaviour the way a real implementation might get it wrong (ignore
header matches, skip the ReferenceGrant check, never bump observedGeneration), never "everything".

The catalogue of faults lives next to the code that honours them, in ``faults_*.py`` modules of the
``gateway`` and ``pods`` packages (each exporting ``*_FAULTS`` tuples); this module merges them and checks
names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Component = Literal["controller", "dataplane", "pods", "api"]


@dataclass(frozen=True, slots=True)
class Fault:
    name: str
    component: Component
    breaks: str
    """One sentence: which spec behaviour goes wrong, and how."""
    robustness: bool = False
    """A misbehaving implementation (flapping, hanging, resets) rather than one broken spec rule: used to
    check that the harness fails cleanly and in time, not part of the self-check's kill matrix."""
    awaiting: str = ""
    """The upstream tests that would observe this fault when they are not ported yet: the self-check
    leaves it out by default (and says so) until they are, because no ported test can see it."""


class UnknownFaultError(ValueError):
    pass


def _fault_modules() -> list[str]:
    """Every ``faults_*`` module of the gateway and pods packages: new areas add a module, not an edit here."""
    import pkgutil

    import conformance.local.gateway as gateway
    import conformance.local.pods as pods

    names = []
    for package in (gateway, pods):
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("faults_"):
                names.append(f"{package.__name__}.{info.name}")
    return sorted(names)


def catalog() -> Mapping[str, Fault]:
    """Every fault the local environment knows, by name (each ``*_FAULTS`` tuple of every faults module)."""
    import importlib

    merged: dict[str, Fault] = {}
    for module_name in _fault_modules():
        module = importlib.import_module(module_name)
        for attribute, value in vars(module).items():
            if not attribute.endswith("_FAULTS"):
                continue
            for fault in value:
                if fault.name in merged:
                    raise RuntimeError(f"fault {fault.name!r} is declared twice (again in {module_name})")
                merged[fault.name] = fault
    return dict(sorted(merged.items()))


@dataclass(frozen=True, slots=True)
class ActiveFaults:
    """The set of faults switched on for one local environment. Empty means a clean reference gateway."""

    names: frozenset[str] = frozenset()

    def on(self, name: str) -> bool:
        return name in self.names

    @classmethod
    def parse(cls, names: Iterable[str]) -> ActiveFaults:
        known = catalog()
        chosen = {n.strip() for n in names if n.strip()}
        for name in sorted(chosen):
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" Did you mean {close[0]}?" if close else ""
                raise UnknownFaultError(
                    f"{name!r} is not a known fault of the local environment.{hint} Known faults: {', '.join(known)}."
                )
        return cls(frozenset(chosen))
