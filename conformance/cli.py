"""``gwconf``: the command line. Each subcommand is a small function returning an exit code.

gwconf run [PYTEST ARGS]        run the bundled suite (same as ``pytest suites``)
gwconf selfcheck [OPTIONS]      clean run + one run per local fault, and the kill matrix
gwconf features | profiles | faults    list the valid names
gwconf report | matrix | compare | merge    reports without a cluster (conformance.cli_reports)
gwconf implementations [NAME]   the implementation catalog (cli_clusters.py)
gwconf run --dry-run [OPTIONS]  print the plan of a run without touching anything
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from conformance import cli_clusters, cli_reports
from conformance.features import ALL_FEATURES
from conformance.profiles import PROFILES


def cmd_run(args: argparse.Namespace, rest: list[str]) -> int:
    import pytest

    from conformance.resources import suites_root

    # pytest-kind-ng (the optional 'kind' extra, used only to download kind) also registers --kubeconfig.
    return int(pytest.main([str(suites_root()), "-p", "no:cacheprovider", "-p", "no:pytest-kind-ng", *rest]))


def cmd_selfcheck(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance import selfcheck

    faults = [f for f in (args.faults or "").split(",") if f.strip()] or None
    if faults:
        from conformance.local.faults import ActiveFaults, UnknownFaultError

        try:
            ActiveFaults.parse(faults)
        except UnknownFaultError as err:
            print(f"gwconf selfcheck: --faults: {err}", file=sys.stderr)
            return 2
    return selfcheck.main(faults, rest, Path(args.reports_dir).resolve(), args.parallel, strict=args.strict)


def cmd_features(args: argparse.Namespace, rest: list[str]) -> int:
    width = max(len(f.name) for f in ALL_FEATURES)
    for feature in sorted(ALL_FEATURES, key=lambda f: (f.resource, f.level != "core", f.name)):
        print(f"{feature.name:<{width}}  {feature.resource:<16} {feature.level:<10} {feature.channel}")
    return 0


def cmd_profiles(args: argparse.Namespace, rest: list[str]) -> int:
    for profile in PROFILES.values():
        print(f"{profile.name}: core {', '.join(sorted(profile.core))}; {len(profile.extended)} extended features")
    return 0


def cmd_faults(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.local.faults import catalog

    faults = catalog()
    width = max((len(n) for n in faults), default=10)
    for name, fault in faults.items():
        kind = " (robustness)" if fault.robustness else f" (waits for {fault.awaiting})" if fault.awaiting else ""
        print(f"{name:<{width}}  [{fault.component}] {fault.breaks}{kind}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="gwconf", description="Gateway API conformance suite and harness")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the conformance suite; other arguments go to pytest", add_help=False)
    run.set_defaults(func=cmd_run)
    check = sub.add_parser(
        "selfcheck",
        help="run clean and once per local fault; print the kill matrix (other arguments go to pytest)",
    )
    check.add_argument("--faults", help="comma list of faults to use (default: all)")
    check.add_argument("--reports-dir", default="reports", help="where to write the runs (default: reports)")
    check.add_argument("--strict", action="store_true", help="also fail when a fault is caught by no test")
    check.add_argument(
        "--parallel", type=int, default=os.cpu_count() or 2, help="runs at once (default: number of CPUs)"
    )
    check.set_defaults(func=cmd_selfcheck)
    for name, func, text in (
        ("features", cmd_features, "list the 61 feature names with resource, level and channel"),
        ("profiles", cmd_profiles, "list the conformance profiles"),
        ("faults", cmd_faults, "list the faults of the local reference gateway"),
    ):
        sub.add_parser(name, help=text).set_defaults(func=func)
    cli_reports.register(sub)
    cli_clusters.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args, rest = parser().parse_known_args(argv)
    return int(args.func(args, rest))


if __name__ == "__main__":
    raise SystemExit(main())
