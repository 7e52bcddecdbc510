"""The command line: its commands and their exit codes (0 done, 1 content problems or a failed build, 2 usage)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import pipeline
from .cache import BuildCache
from .config import BuildOptions, build_date, check_base_url
from .errors import N_, ContentError, Message, TemplateFailed, UsageError, escape_controls, shown
from .i18n import SITE_LANGUAGE, Speaker, operator_language, speaker
from .report import ProgressDisplay, print_problems, summary, vanished_offices
from .schema import json_schemas
from .search import SearchIndexFailed
from .synth import synthesise
from .writer import OutputLock, RecoveryFailed, UnsafePath, check_output_folder

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
CACHE = Path(".build-cache")
PREVIEW = Path(".preview")  # serve's own output folder: a preview never touches what is published
WAIT_HELP = "if another build or serve is writing the output folder, wait up to this long for it (default: 0: exit 2)"
COMMANDS = ("build", "check", "schema", "synth", "serve", "recover", "import", "export")
CORES = os.cpu_count() or 1  # more processes than cores only wait for each other: --jobs is capped at this
LANG_HELP = "language of the messages: fa or en (default: fa when LANG or LC_ALL is Persian, else en)"


def folder(text: str) -> Path:
    """Read a folder named on the command line; the system cannot open a name with a NUL byte in it."""
    if "\0" in text:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a folder name: it holds a NUL byte")
    return Path(text)


def seconds(text: str) -> float:
    """Read --wait: a number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a number of seconds, 0 or more")
    return value


def parser() -> argparse.ArgumentParser:
    """Describe the commands."""
    root = argparse.ArgumentParser(
        prog="build.py", description="Build the Pishkhan transparency portal from content/ into output/."
    )
    commands = root.add_subparsers(dest="command", metavar="{build,check,serve,recover,import,export,schema,synth}")

    build = commands.add_parser("build", help="validate content/ and build the site into output/ (the default)")
    build.add_argument("--content", type=folder, default=Path("content"), help="content folder (default: content)")
    build.add_argument("--output", type=folder, default=Path("output"), help="output folder (default: output)")
    build.add_argument("--base-url", help="absolute URL the site is published at, overriding site.yaml")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument(
        "--precompress",
        action="store_true",
        help="also write a .gz twin of each page, stylesheet and text file, "
        "for servers that send them as they are (nginx's gzip_static)",
    )
    build.add_argument("--today", help="build date, Solar Hijri (1405/09/01); default: SOURCE_DATE_EPOCH, else today")
    build.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes that render pages (default and most: one per core)",
    )
    build.add_argument(
        "--cache", type=folder, default=CACHE, help=f"where offices files already read are kept (default: {CACHE})"
    )
    build.add_argument("--wait", type=seconds, default=0, metavar="SECONDS", help=WAIT_HELP)
    build.add_argument(
        "--force", action="store_true", help="update an output folder even if it holds a build for another base URL"
    )
    build.add_argument(
        "--publish-via-symlink",
        action="store_true",
        help="make the output a link, pointed in one step at a new folder holding the whole site, so "
        "that a server following it never mixes two builds (costs a link per unchanged file)",
    )
    build.add_argument("--lang", choices=("fa", "en"), help=LANG_HELP)

    check = commands.add_parser("check", help="validate content/ and report every problem as file:line:col")
    check.add_argument("--content", type=folder, default=Path("content"), help="content folder (default: content)")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument(
        "--today",
        help="build date, Solar Hijri (1405/09/01), after which no news may be dated; "
        "default: SOURCE_DATE_EPOCH, else today",
    )
    check.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes that read offices files (default and most: one per core)",
    )
    check.add_argument(
        "--cache", type=folder, default=CACHE, help=f"where offices files already read are kept (default: {CACHE})"
    )
    check.add_argument(
        "--lang", choices=("fa", "en"), help=LANG_HELP + "; GitHub annotations are fa unless --lang says otherwise"
    )

    schema = commands.add_parser("schema", help="write a JSON Schema per content file type, for editors' YAML plugins")
    schema.add_argument(
        "dir", nargs="?", type=folder, default=Path("schemas"), help="folder to write into (default: schemas)"
    )
    serve = commands.add_parser(
        "serve", help="build, serve on 127.0.0.1 and rebuild and reload the page on every change"
    )
    serve.add_argument("--content", type=folder, default=Path("content"), help="content folder (default: content)")
    serve.add_argument(
        "--output",
        type=folder,
        help=f"output folder (default: {PREVIEW}); refused if it holds a build for another base URL",
    )
    serve.add_argument("--today", help="build date, Solar Hijri (1405/09/01)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes that read and render (default and most: one per core)",
    )
    serve.add_argument(
        "--cache", type=folder, default=CACHE, help=f"where offices files already read are kept (default: {CACHE})"
    )
    serve.add_argument("--wait", type=seconds, default=0, metavar="SECONDS", help=WAIT_HELP)
    serve.add_argument(
        "--lang",
        choices=("fa", "en"),
        help=LANG_HELP + "; the browser's problems page is fa unless --lang says otherwise",
    )

    recover = commands.add_parser(
        "recover", help="finish the update a killed build left in the output folder, and remove its leftovers"
    )
    recover.add_argument("--output", type=folder, default=Path("output"), help="output folder (default: output)")
    recover.add_argument("--wait", type=seconds, default=0, metavar="SECONDS", help=WAIT_HELP)
    recover.add_argument("--lang", choices=("fa", "en"), help=LANG_HELP)

    spreadsheet_in = commands.add_parser(
        "import", help="bring a directorate's spreadsheet (XLSX or CSV) of offices into a province's offices files"
    )
    spreadsheet_in.add_argument("file", type=folder, metavar="FILE", help="the spreadsheet: .xlsx or .csv")
    spreadsheet_in.add_argument("--province", required=True, help="id of the province the offices belong to")
    spreadsheet_in.add_argument(
        "--content", type=folder, default=Path("content"), help="content folder (default: content)"
    )
    spreadsheet_in.add_argument("--dry-run", action="store_true", help="print what would change, and write nothing")
    spreadsheet_in.add_argument(
        "--remove-missing",
        action="store_true",
        help="remove offices the sheet no longer lists (default: only report them)",
    )
    spreadsheet_in.add_argument(
        "--cache", type=folder, default=CACHE, help=f"where offices files already read are kept (default: {CACHE})"
    )
    spreadsheet_in.add_argument("--lang", choices=("fa", "en"), help=LANG_HELP)

    spreadsheet_out = commands.add_parser("export", help="write a province's offices as a spreadsheet (XLSX)")
    spreadsheet_out.add_argument("file", type=folder, metavar="FILE.xlsx", help="the workbook to write")
    spreadsheet_out.add_argument("--province", required=True, help="id of the province")
    spreadsheet_out.add_argument(
        "--content", type=folder, default=Path("content"), help="content folder (default: content)"
    )
    spreadsheet_out.add_argument(
        "--include-private", action="store_true", help="also write the private fields, which are never published"
    )
    spreadsheet_out.add_argument("--lang", choices=("fa", "en"), help=LANG_HELP)

    synth = commands.add_parser("synth", help="write a synthetic national content tree to measure the build on")
    synth.add_argument("dir", type=folder, help="folder to write into (must be new or empty)")
    synth.add_argument("--offices", type=int, default=30000, help="number of offices (default: 30000)")
    synth.add_argument("--services", type=int, default=700, help="number of services (default: 700)")
    synth.add_argument(
        "--seed", type=int, default=1, help="random seed; the same seed writes the same files (default: 1)"
    )
    return root


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    try:
        with argparse_speaking(speaker(operator_language(requested_language(argv)))):
            args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    try:
        return {
            "build": run_build,
            "check": run_check,
            "schema": run_schema,
            "synth": run_synth,
            "serve": run_serve,
            "recover": run_recover,
            "import": run_import,
            "export": run_export,
        }[args.command](args)
    except UsageError as exc:
        print(failure(voice(args), exc), file=sys.stderr)
        return EXIT_USAGE
    except RecoveryFailed as exc:
        print(failure(voice(args), exc), file=sys.stderr)
        return EXIT_CONTENT


# argparse's own words that an operator may meet, here so that the catalogues carry them (see argparse_speaking).
ARGPARSE_WORDS = tuple(
    message.text
    for message in (
        N_("usage: "),
        N_("%(prog)s: error: %(message)s\n"),
        N_("argument %(argument_name)s: %(message)s"),
        N_("the following arguments are required: %s"),
        N_("unrecognized arguments: %s"),
        N_("invalid choice: %(value)r (choose from %(choices)s)"),
        N_("invalid %(type)s value: %(value)r"),
        N_("expected one argument"),
        N_("ambiguous option: %(option)s could match %(matches)s"),
        N_("not allowed with argument %s"),
        N_("positional arguments"),
        N_("options"),
        N_("show this help message and exit"),
    )
)


def requested_language(argv: list[str]) -> str | None:
    """Return the language --lang asks for, read before argparse reads the rest, so that its errors can use it."""
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.partition("=")[2] if arg.partition("=")[2] in ("fa", "en") else None
        if arg == "--lang" and index + 1 < len(argv) and argv[index + 1] in ("fa", "en"):
            return argv[index + 1]
    return None


@contextmanager
def argparse_speaking(speaking: Speaker) -> Iterator[None]:
    """Let argparse say its usage errors and headings in the operator's language while it reads the command line.

    argparse looks its words up through its module's `_` at the moment it speaks; no parser option reaches them.
    """
    saved = argparse._  # type: ignore[attr-defined]
    argparse._ = speaking.gettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = saved  # type: ignore[attr-defined]


def voice(args: argparse.Namespace) -> Speaker:
    """Return how to speak to the operator: --lang, else the environment's language (LANG, LC_ALL), else English."""
    return speaker(operator_language(getattr(args, "lang", None)))


def site_voice(args: argparse.Namespace) -> Speaker:
    """Return how to speak to every editor (GitHub's annotations, serve's page): --lang, else the site's language."""
    return speaker(getattr(args, "lang", None) or SITE_LANGUAGE)


def failure(speaking: Speaker, exc: Exception) -> str:
    """Return `build.py: error: …` for an exception whose argument is a Message (or a system's own text)."""
    return error_line(
        speaking, exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Message | str) else str(exc)
    )


def error_line(speaking: Speaker, reason: Message | str) -> str:
    """Return `build.py: error: …` in the operator's language."""
    return f"build.py: {speaking.gettext('error')}: {speaking.say(reason)}"


def teller(speaking: Speaker):
    """Return what tells the operator what the program is doing, on stderr, in their language."""

    def tell(message: Message | str) -> None:
        print(speaking.say(message), file=sys.stderr, flush=True)

    return tell


def jobs(args: argparse.Namespace) -> int:
    """Return the processes asked for, at most one per core; refuse fewer than one."""
    if args.jobs < 1:
        raise UsageError(N_("--jobs must be at least 1"))
    return min(args.jobs, CORES)


def cache(args: argparse.Namespace) -> BuildCache:
    """Return the cache in the folder asked for; an unusable one (a file in its place, a full disk) only costs speed."""
    return BuildCache(args.cache)


def run_check(args: argparse.Namespace) -> int:
    """Validate and report; exit 1 on errors (or warnings with --strict)."""
    options = BuildOptions(content_dir=args.content, strict=args.strict, today=args.today, jobs=jobs(args))
    build_date(options)  # refuse a bad --today or SOURCE_DATE_EPOCH before reading anything
    build_cache = cache(args)
    speaking = voice(args)
    try:
        report = pipeline.check(options, cache=build_cache, offices=False)
    finally:
        print_cache_notes(build_cache, speaking)
    print_problems(report.problems, speaking, site_voice(args))
    failed = bool(report.errors or (args.strict and report.warnings))
    print(summary(report.errors, report.warnings, args.content, failed, speaking), file=sys.stderr)
    return EXIT_CONTENT if failed else EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    """Validate, then build the site; content problems leave the previous output untouched."""
    if args.base_url:
        check_base_url(args.base_url)
    options = BuildOptions(
        args.content,
        args.output,
        args.base_url,
        args.strict,
        args.today,
        jobs=jobs(args),
        precompress=args.precompress,
        force=args.force,
    )
    build_date(options)
    build_cache = cache(args)
    started = time.perf_counter()
    speaking = voice(args)
    tell = teller(speaking)
    progress = ProgressDisplay(sys.stderr, speaking)
    output = str(args.output)
    untouched = N_("build.py: nothing was written; {output} is as it was", output=output)
    try:
        try:
            with pipeline.claim_output(options, args.wait, tell) as claim:  # held from here: the build takes it again
                if claim.recovery:
                    tell(claim.recovery)
                report = pipeline.build(options, progress, build_cache, args.publish_via_symlink)
        finally:
            progress.close()
            print_cache_notes(build_cache, speaking)
    except ContentError as exc:
        print_problems(exc.problems, speaking, site_voice(args))
        errors = sum(problem.is_error for problem in exc.problems)
        print(summary(errors, len(exc.problems) - errors, args.content, True, speaking), file=sys.stderr)
        tell(untouched)
        return EXIT_CONTENT
    except UnsafePath as exc:
        print(failure(speaking, exc), file=sys.stderr)
        return EXIT_USAGE
    except pipeline.BuiltForAnotherUrl as exc:
        message = N_(
            "{output} holds a build for {held}, not for {wanted}: its pages link to that address; build into "
            "another folder, or pass --force to replace that build",
            output=str(exc.output_dir),
            held=exc.held,
            wanted=exc.wanted,
        )
        print(error_line(speaking, message), file=sys.stderr)
        return EXIT_USAGE
    except TemplateFailed as exc:
        place = escape_controls(f"{exc.path}:{exc.line}")  # Jinja's own words follow, in English
        print(speaking.line(place, "error", Message(exc.message)), file=sys.stderr)
        tell(untouched)
        return EXIT_CONTENT
    except SearchIndexFailed as exc:
        reason = exc.args[0] if exc.args else str(exc)
        tell(N_("build.py: error: {reason}; {output} is as it was", reason=reason, output=output))
        return EXIT_CONTENT
    except OSError as exc:  # a full disk or a folder that cannot be written: the old site stays
        reason = str(exc.strerror or exc)
        tell(
            N_("build.py: error: cannot write the site: {reason}; {output} is as it was", reason=reason, output=output)
        )
        return EXIT_CONTENT
    print_problems(report.problems, speaking, site_voice(args))
    tell(
        N_(
            "built {pages} pages into {output}: {written} written, {unchanged} unchanged, {removed} removed, "
            "in {seconds:.1f} s",
            pages=report.pages,
            output=output,
            written=report.written,
            unchanged=report.unchanged,
            removed=report.removed,
            seconds=time.perf_counter() - started,
        )
    )
    for line in vanished_offices(report.vanished, speaking):
        print(line, file=sys.stderr)
    return EXIT_OK


def print_cache_notes(cache: BuildCache, speaking: Speaker) -> None:
    """Tell the user, once each, what went wrong with the cache folder: it cost speed, nothing else."""
    for note in cache.take_notes():
        print(f"build.py: {speaking.say(note)}", file=sys.stderr)


def run_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas of the content files."""
    schemas = json_schemas()
    args.dir.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        (args.dir / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(schemas)} schemas into {args.dir}", file=sys.stderr)
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    """Serve the site for editors with live reload."""
    if not args.content.is_dir():
        raise UsageError(N_("the content folder {folder} does not exist", folder=repr(str(args.content))))
    if not 1 <= args.port <= 65535:
        raise UsageError(N_("--port {port} is not a port number", port=str(args.port)))
    shown_host = (
        "localhost" if args.host in ("0.0.0.0", "::") else (f"[{args.host}]" if ":" in args.host else args.host)
    )
    # Its own folder unless told otherwise: there it replaces whatever an earlier preview, on another port, left.
    options = BuildOptions(
        args.content,
        args.output or PREVIEW,
        base_url=f"http://{shown_host}:{args.port}/",
        today=args.today,
        jobs=jobs(args),
        force=args.output is None,
    )
    build_date(options)
    from .serve import serve  # livereload and tornado are needed by this command only

    speaking = voice(args)
    try:
        serve(options, args.host, args.port, cache(args), args.wait, teller(speaking), speaking, site_voice(args))
    except KeyboardInterrupt:
        pass
    except UnsafePath as exc:
        print(failure(speaking, exc), file=sys.stderr)
        return EXIT_USAGE
    except pipeline.BuiltForAnotherUrl as exc:
        message = N_(
            "{output} holds a build for {held}, not for the preview at {wanted}, and serve would replace it; "
            "leave out --output to preview in .preview/, or name another folder",
            output=str(exc.output_dir),
            held=exc.held,
            wanted=exc.wanted,
        )
        print(error_line(speaking, message), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def run_recover(args: argparse.Namespace) -> int:
    """Finish or undo what a killed build left in the output folder, and remove its leftovers."""
    speaking = voice(args)
    tell = teller(speaking)
    try:
        check_output_folder(args.output, [])
    except UnsafePath as exc:
        print(failure(speaking, exc), file=sys.stderr)
        return EXIT_USAGE
    nothing = N_("nothing to recover in {output}: no build was interrupted there", output=str(args.output))
    if not args.output.resolve().parent.is_dir():  # then nothing was ever written there, not even the lock
        tell(nothing)
        return EXIT_OK
    with OutputLock(args.output, args.wait, tell) as claim:
        tell(claim.recovery or nothing)
    return EXIT_OK


def run_synth(args: argparse.Namespace) -> int:
    """Write a synthetic national content tree."""
    if args.dir.exists() and (not args.dir.is_dir() or any(args.dir.iterdir())):
        raise UsageError(f"{args.dir} is not an empty folder: synth writes into a new or empty folder")
    if not 500 <= args.offices <= 1_000_000 or not 100 <= args.services <= 800:
        raise UsageError("--offices must be 500 to 1000000 (every county gets an office) and --services 100 to 800")
    files = synthesise(args.dir, args.offices, args.seed, args.services)
    print(f"wrote {files} files for {args.offices} offices into {args.dir}", file=sys.stderr)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    """Bring a spreadsheet of offices into a province's offices files; nothing is written while there are errors."""
    from .spreadsheets import run_import as import_spreadsheet

    return import_spreadsheet(args, cache(args), CORES)


def run_export(args: argparse.Namespace) -> int:
    """Write a province's offices as a spreadsheet."""
    from .spreadsheets import run_export as export_spreadsheet

    return export_spreadsheet(args)
