"""``gwconf implementations`` and the ``--dry-run`` plan: the real-cluster side of the command line.

Registered from ``cli.py`` (``register``) and from the plugin (``dry_run``), so the dry run works the
same through ``gwconf run``, ``pytest suites`` and ``nox -s conformance``.
"""

from __future__ import annotations

import argparse
import sys

from conformance.implementations import catalog
from conformance.implementations.schema import ProfileError


def cmd_implementations(args: argparse.Namespace, rest: list[str]) -> int:
    try:
        entries = [catalog.load(args.name)] if args.name else catalog.load_all()
    except ProfileError as err:
        print(f"gwconf implementations: {err}", file=sys.stderr)
        return 2
    if args.name:
        print(describe(entries[0]))
        return 0
    rows = [("NAME", "INSTALL", "GATEWAYCLASS", "CONTROLLER", "ADDRESSES", "FEATURES")]
    rows += [
        (
            e.name,
            e.install_method,
            e.gateway_class,
            e.controller_name,
            e.address_strategy,
            e.features_summary,
        )
        for e in entries
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0


def describe(entry: catalog.Entry) -> str:
    lines = [
        f"{entry.title} ({entry.name}) from {entry.source}",
        f"  GatewayClass:    {entry.gateway_class} -> {entry.controller_name}"
        f" (created by {entry.gateway_class_created_by})",
        f"  install:         {entry.install_method}; CRD channel {entry.channel}"
        + (f" (tested with {entry.tested_version})" if entry.tested_version else ""),
        f"  addresses:       {entry.address_strategy}",
        f"  features:        {entry.features_summary}",
        f"  profiles:        {', '.join(entry.profiles) or 'inferred'}",
    ]
    if entry.skip_tests:
        lines.append(f"  skipped tests:   {', '.join(entry.skip_tests)}")
    if entry.requires_env:
        lines.append(f"  needs env:       {', '.join(entry.requires_env)}")
    lines += [f"  limitation:      {text}" for text in entry.limitations]
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("implementations", help="list the implementation catalog (or describe one entry)")
    parser.add_argument("name", nargs="?", help="catalog name or profile file to describe")
    parser.set_defaults(func=cmd_implementations)
