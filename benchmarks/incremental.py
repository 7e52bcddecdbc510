"""Time rebuilds after no change and after an editor's one-line change, on the national content.

    python benchmarks/incremental.py [--offices 30000] [--jobs 2] [--content DIR]

Writes synthetic content (`build.py synth`, seed 1) unless --content is given (a copy is edited,
never the original), then in one run, each build `python build.py --jobs N` end to end:
  full        a clean build with an empty cache: the reference the others are compared with
  unchanged   the same command again, nothing changed
  one file    after changing one office's address in one county's offices file
  status      after changing one office's status (the counts on province and service pages change too)
and the same rebuilds inside one long-running process, as `build.py serve` does them (the
cache of files already read stays in memory there, and the search index is brought up to date
only when the search page is opened: timed too).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder import pipeline  # noqa: E402
from site_builder.cache import BuildCache  # noqa: E402
from site_builder.config import BuildOptions  # noqa: E402

TODAY = "1405/09/01"


def command_build(content: Path, output: Path, cache: Path, jobs: int) -> tuple[float, str]:
    """Run `build.py` as a command; return seconds and its last line."""
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--content",
            str(content),
            "--output",
            str(output),
            "--today",
            TODAY,
            "--jobs",
            str(jobs),
            "--cache",
            str(cache),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, result.stderr.strip().splitlines()[-1]


def edit_one_office(content: Path, word: str) -> Path:
    """Change the first office's address in the first offices file, as an editor would."""
    path = sorted(content.glob("provinces/*/offices/*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(  address: )", rf"\g<1>{word} ", text, count=1), encoding="utf-8")
    return path


def change_one_status(content: Path) -> None:
    """Turn the first active office of the first offices file inactive, or back."""
    path = sorted(content.glob("provinces/*/offices/*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    changed = (
        text.replace("status: active", "status: inactive", 1)
        if "status: active" in text
        else text.replace("status: inactive", "status: active", 1)
    )
    path.write_text(changed, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=30000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--content", type=Path, help="content to copy and edit instead of synthetic content")
    parser.add_argument("--repeat", type=int, default=5, help="times each rebuild is timed (default: 5)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pishkhan-incremental-"))
    try:
        content, output, cache = work / "content", work / "output", work / "cache"
        if args.content:
            shutil.copytree(args.content, content)
        else:
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "build.py"),
                    "synth",
                    str(content),
                    "--offices",
                    str(args.offices),
                    "--seed",
                    "1",
                ],
                check=True,
                stderr=subprocess.DEVNULL,
            )
        full, full_line = command_build(content, output, cache, args.jobs)
        unchanged = [command_build(content, output, cache, args.jobs) for _ in range(args.repeat)]
        one_file = []
        for number in range(args.repeat):
            edited = edit_one_office(content, f"ویرایش{'ی' * number}")
            one_file.append(command_build(content, output, cache, args.jobs))
        status = []
        for _ in range(args.repeat):
            change_one_status(content)
            status.append(command_build(content, output, cache, args.jobs))
        print(
            f"content: {args.content or f'synthetic, {args.offices} offices'}; "
            f"edited file: {edited.relative_to(content)}; "
            f"each rebuild {args.repeat} times: median (slowest)"
        )
        print(f"full build, empty cache     {full:6.2f} s            {full_line}")
        for name, runs, target in (
            ("rebuild, nothing changed", unchanged, "target at most 2 s"),
            ("rebuild, one file edited", one_file, "target at most 1 s"),
            ("rebuild, one status changed", status, ""),
        ):
            seconds = [run[0] for run in runs]
            print(f"{name:<27} {statistics.median(seconds):6.2f} s ({max(seconds):.2f})   {runs[-1][1]}   {target}")

        # As `build.py serve` rebuilds: one process, the cache in memory, warmed by a first build.
        options = BuildOptions(content_dir=content, output_dir=output, today=TODAY, jobs=args.jobs, search_index=False)
        memory = BuildCache(cache)
        pipeline.build(replace(options, search_index=True), cache=memory)
        edit_one_office(content, "دوباره")
        start = time.perf_counter()
        report = pipeline.build(options, cache=memory)
        in_process = time.perf_counter() - start
        start = time.perf_counter()
        pipeline.build(options, cache=memory)
        in_process_unchanged = time.perf_counter() - start
        start = time.perf_counter()
        pipeline.build(replace(options, search_index=True), cache=memory)
        search_opened = time.perf_counter() - start
        print(f"serve's rebuild, one file   {in_process:6.2f} s   {report.written} written")
        print(f"serve's rebuild, no change  {in_process_unchanged:6.2f} s")
        print(f"serve, search page opened   {search_opened:6.2f} s   (the search index brought up to date)")
        print(f"one-file rebuild / full build: {statistics.median(run[0] for run in one_file) / full:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
