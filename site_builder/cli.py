"""The command line: `build`, `check` and `schema`, and their exit codes (0 done, 1 content problems, 2 usage)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import pipeline
from .config import BuildOptions, check_base_url
from .errors import ContentError, Problem, UsageError
from .schema import json_schemas

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("build", "check", "schema")


def parser() -> argparse.ArgumentParser:
    """Describe the commands."""
    root = argparse.ArgumentParser(prog="build.py", description="Build the Pishkhan transparency portal from content/ into output/.")
    commands = root.add_subparsers(dest="command", metavar="{build,check,schema}")

    build = commands.add_parser("build", help="validate content/ and build the site into output/ (the default)")
    build.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    build.add_argument("--output", type=Path, default=Path("output"), help="output folder (default: output)")
    build.add_argument("--base-url", help="absolute URL the site is published at, overriding site.yaml")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--today", help="build date, Solar Hijri (1405/09/01); default: SOURCE_DATE_EPOCH, else today")

    check = commands.add_parser("check", help="validate content/ and report every problem as file:line:col")
    check.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    schema = commands.add_parser("schema", help="write a JSON Schema per content file type, for editors' YAML plugins")
    schema.add_argument("dir", nargs="?", type=Path, default=Path("schemas"), help="folder to write into (default: schemas)")
    return root


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    try:
        return {"build": run_build, "check": run_check, "schema": run_schema}[args.command](args)
    except UsageError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def run_check(args: argparse.Namespace) -> int:
    """Validate and report; exit 1 on errors (or warnings with --strict)."""
    report = pipeline.check(BuildOptions(content_dir=args.content, strict=args.strict))
    print_problems(report.problems)
    failed = report.errors or (args.strict and report.warnings)
    print(summary(report.errors, report.warnings, args.content, failed), file=sys.stderr)
    return EXIT_CONTENT if failed else EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    """Validate, then build the site; content problems leave the previous output untouched."""
    if args.base_url:
        check_base_url(args.base_url)
    options = BuildOptions(args.content, args.output, args.base_url, args.strict, args.today)
    try:
        report = pipeline.build(options)
    except ContentError as exc:
        print_problems(exc.problems)
        errors = sum(problem.is_error for problem in exc.problems)
        print(summary(errors, len(exc.problems) - errors, args.content, True), file=sys.stderr)
        print(f"build.py: nothing was written; {args.output} is as it was", file=sys.stderr)
        return EXIT_CONTENT
    print_problems(report.problems)
    print(f"built {report.pages} pages into {args.output}", file=sys.stderr)
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas of the content files."""
    schemas = json_schemas()
    args.dir.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        (args.dir / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(schemas)} schemas into {args.dir}", file=sys.stderr)
    return EXIT_OK


def print_problems(problems: list[Problem]) -> None:
    """Print problems as path:line:col, and as GitHub annotations when running in GitHub Actions."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(github_annotation(problem))


def github_annotation(problem: Problem) -> str:
    """Format a problem as a GitHub Actions workflow command, escaped as the runner expects."""
    def escape(text: str, extra: str = "") -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        for char, code in ((":", "%3A"), (",", "%2C")):
            if char in extra:
                text = text.replace(char, code)
        return text

    mark = problem.mark
    return f"::{problem.severity} file={escape(mark.path, ':,')},line={mark.line},col={mark.col}::{escape(problem.message)}"


def summary(errors: int, warnings: int, content: Path, failed: bool) -> str:
    """Return the last line of a check."""
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    verdict = "failed" if failed else "passed"
    return f"check {verdict}: {count(errors, 'error')}, {count(warnings, 'warning')} in {content}"
