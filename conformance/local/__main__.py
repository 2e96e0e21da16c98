"""``python -m conformance.local serve --state-dir DIR``: run the local environment (started by the provider)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from conformance.local.environment import Settings, serve
from conformance.local.faults import ActiveFaults, UnknownFaultError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.local")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="run the local environment until SIGTERM")
    run.add_argument("--state-dir", required=True, type=Path, help="where to write kubeconfig and ready.json")
    run.add_argument("--faults", default="", help="comma list of faults to switch on")
    run.add_argument("--latency", type=float, default=0.0, help="seconds before any change takes effect")
    run.add_argument("--jitter", type=float, default=0.0, help="random extra seconds per change")
    run.add_argument("--crds", type=Path, help="Gateway API CRD file or directory (default: built-in kinds)")
    run.add_argument("--api-port", type=int, default=0, help="API port (default: any free port)")
    run.add_argument("--ready-fd", type=int, help="file descriptor to write a line to once ready")
    run.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        faults = ActiveFaults.parse(args.faults.split(","))
    except UnknownFaultError as err:
        print(f"--faults: {err}", file=sys.stderr)
        return 2
    if args.crds is not None and not args.crds.exists():
        print(f"--crds: {args.crds} does not exist", file=sys.stderr)
        return 2
    settings = Settings(
        state_dir=args.state_dir,
        faults=faults,
        latency=args.latency,
        jitter=args.jitter,
        crds=args.crds,
        api_port=args.api_port,
        ready_fd=args.ready_fd,
    )
    return serve(settings)


if __name__ == "__main__":
    raise SystemExit(main())
