"""``gwconf report | matrix | compare | merge``: everything about reports that needs no cluster.

gwconf report RESULTS.json        rewrite every output of a run from its results.json
gwconf matrix REPORT.yaml         the support matrix of anyone's ConformanceReport (report + catalogue)
gwconf compare PATH...            implementation x feature tables from many reports (files or folders)
gwconf merge RESULTS.json...      join the results of shards into one run, and write its reports

Registered by :mod:`conformance.cli`; each command returns an exit code: 0 done, 2 bad input (the message
names the file and the field).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.reports.matrix import SupportMatrix
    from conformance.results import RunRecord

_FORMATS = ("md", "html", "json")


def cmd_report(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.reports.output import write_reports

    if rest:
        return _fail(f"unexpected arguments: {' '.join(rest)}")
    run = _load_run(args.results)
    if run is None:
        return 2
    if args.implementation_specific:
        declared = _declaration(args.implementation_specific)
        if declared is None:
            return 2
        run.implementation_specific = declared
    directory = Path(args.output_dir) if args.output_dir else args.results.parent
    for path in write_reports(run, directory):
        print(f"wrote {path}")
    return 0


def cmd_matrix(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.reports.matrix_report import matrix_from_report
    from conformance.reports.reader import ReportError, read_report

    if rest:
        return _fail(f"unexpected arguments: {' '.join(rest)}")
    try:
        parsed = read_report(args.report)
    except ReportError as err:
        return _fail(err)
    declared = _declaration(args.implementation_specific) if args.implementation_specific else {}
    if declared is None:
        return 2
    try:
        matrix = matrix_from_report(
            parsed.report,
            suite_version=args.suite_version,
            implementation_specific=declared,
            strict=args.strict_attribution,
        )
    except ValueError as err:
        return _fail(f"--suite-version: {err}" if args.suite_version else err)
    for quirk in parsed.quirks:
        print(f"gwconf matrix: {args.report}: read despite {quirk}", file=sys.stderr)
    return _emit(_render_matrix(matrix, args.format), args.output)


def cmd_compare(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.reports.compare import compare
    from conformance.reports.compare_render import comparison_to_html, comparison_to_markdown
    from conformance.reports.reader import ReportError, find_reports, read_report

    if rest:
        return _fail(f"unexpected arguments: {' '.join(rest)}")
    try:
        files = find_reports(args.paths)
    except ReportError as err:
        return _fail(err)
    parsed, errors = [], []
    for path in files:
        try:
            parsed.append(read_report(path))
        except ReportError as err:
            errors.append(str(err))
    for error in errors:
        print(f"gwconf compare: {error}" + (" (skipped)" if args.skip_invalid else ""), file=sys.stderr)
    if errors and not args.skip_invalid:
        print(
            "gwconf compare: some files are not ConformanceReports; fix or remove them, or pass --skip-invalid",
            file=sys.stderr,
        )
        return 2
    if not parsed:
        return _fail("no ConformanceReport found in " + ", ".join(map(str, args.paths)))
    comparison = compare(parsed)
    text = comparison_to_html(comparison) if args.format == "html" else comparison_to_markdown(comparison)
    return _emit(text, args.output)


def cmd_merge(args: argparse.Namespace, rest: list[str]) -> int:
    from conformance.reports.merge import MergeError, merge_runs
    from conformance.reports.output import write_reports
    from conformance.results import write_json_atomic

    if rest:
        return _fail(f"unexpected arguments: {' '.join(rest)}")
    shards = []
    for path in args.results:
        run = _load_run(path)
        if run is None:
            return 2
        shards.append((str(path), run))
    try:
        merged = merge_runs(shards)
    except MergeError as err:
        return _fail(err)
    directory = Path(args.output_dir) if args.output_dir else Path("reports") / merged.run_id
    write_json_atomic(directory / "results.json", merged.to_json())
    print(f"merged {len(shards)} results ({len(merged.tests)} tests) into {directory / 'results.json'}")
    for path in write_reports(merged, directory):
        print(f"wrote {path}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the report commands to ``gwconf``'s subcommands."""
    report = sub.add_parser(
        "report", help="rewrite every output of a run (report, matrix md/json/html) from results.json"
    )
    report.add_argument("results", type=Path, metavar="RESULTS", help="a run's results.json")
    report.add_argument("--output-dir", metavar="DIR", help="where to write (default: beside results.json)")
    _declaration_option(report)
    report.set_defaults(func=cmd_report)

    matrix = sub.add_parser(
        "matrix", help="the support matrix of any ConformanceReport, graded with the test catalogue"
    )
    matrix.add_argument("report", type=Path, metavar="REPORT", help="a ConformanceReport YAML file")
    matrix.add_argument("--format", choices=_FORMATS, default="md", help="md (default), html or json")
    matrix.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here instead of standard output")
    matrix.add_argument(
        "--suite-version",
        metavar="VERSION",
        help="catalogue to grade with, e.g. v1.4 (default: from gatewayAPIVersion)",
    )
    matrix.add_argument(
        "--strict-attribution",
        action="store_true",
        help="leave inferred passes unattributed when a profile counts fewer passes than the catalogue has tests",
    )
    _declaration_option(matrix)
    matrix.set_defaults(func=cmd_matrix)

    comp = sub.add_parser("compare", help="compare many ConformanceReports (files or folders) per version and profile")
    comp.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="report files or folders of them")
    comp.add_argument("--format", choices=("md", "html"), default="md", help="md (default) or html")
    comp.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here instead of standard output")
    comp.add_argument("--skip-invalid", action="store_true", help="leave out files that are not reports (listed)")
    comp.set_defaults(func=cmd_compare)

    merge = sub.add_parser("merge", help="join results.json files of shards into one run and write its reports")
    merge.add_argument("results", type=Path, nargs="+", metavar="RESULTS", help="results.json files")
    merge.add_argument("--output-dir", metavar="DIR", help="where to write (default: reports/<merged run id>)")
    merge.set_defaults(func=cmd_merge)


def _declaration_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--implementation-specific",
        type=Path,
        metavar="FILE",
        help="YAML/JSON declaring implementation-specific capabilities and their tests",
    )


def _render_matrix(matrix: SupportMatrix, fmt: str) -> str:
    from conformance.reports.matrix_html import matrix_to_html
    from conformance.reports.matrix_render import matrix_to_json, matrix_to_markdown

    if fmt == "html":
        return matrix_to_html(matrix)
    if fmt == "json":
        return json.dumps(matrix_to_json(matrix), indent=2) + "\n"
    return matrix_to_markdown(matrix)


def _load_run(path: Path) -> RunRecord | None:
    from conformance.results import load

    try:
        return load(path)
    except FileNotFoundError:
        _fail(f"{path}: no such file (expected a run's results.json)")
    except (ValueError, TypeError, KeyError) as err:
        _fail(f"{path}: not a readable results.json: {err}")
    return None


def _declaration(path: Path) -> dict[str, dict[str, list[str]]] | None:
    from conformance.reports.declaration import DeclarationError, load_declaration

    try:
        return load_declaration(path)
    except DeclarationError as err:
        _fail(f"--implementation-specific: {err}")
        return None


def _emit(text: str, output: Path | None) -> int:
    if output is None:
        sys.stdout.write(text)
    else:
        from conformance.results import write_text_atomic

        write_text_atomic(output, text)
        print(f"wrote {output}")
    return 0


def _fail(message: object) -> int:
    print(f"gwconf: {message}", file=sys.stderr)
    return 2
