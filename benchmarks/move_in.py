"""Time how long a rebuild leaves a served output folder mixed, and what its writing steps cost.

    python benchmarks/move_in.py [--content DIR | --offices N] [--jobs 2] [--repeat 3] [--publish-via-symlink]

Copies the content (default: the sample; with --offices, synthetic content of that many offices),
builds it clean with --precompress, then, for each edit, edits the copy and rebuilds into the same
folder, inside this process (as `serve` does; a command adds its start-up):
  tariff   the fees of the tariff in force raised: most pages show one
  office   one office's address changed: its pages change
For each rebuild it prints the files moved in or removed, how long the output folder held files of
two builds (from the first file moved in to the last), the os.sync() before the journal, the
whole apply (sync, journal, moves, cleanup) and the whole build; the median of --repeat rebuilds.
With --publish-via-symlink the output is a link pointed at a new tree in one step: it prints the
files linked, the time that step takes (the rename of the link), and the disk the new tree takes
beyond the old one just before it (its folders and the files staged; the old tree goes after).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder import pipeline, writer  # noqa: E402
from site_builder.cache import BuildCache  # noqa: E402
from site_builder.config import BuildOptions  # noqa: E402

TODAY = "1405/09/01"


def change_the_fees(content: Path, number: int) -> None:
    """Raise every plain fee of the tariff year in force, as a yearly tariff edit does."""
    found = re.search(r"(?m)^tariff_year: *(\d+)", (content / "site.yaml").read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"{content / 'site.yaml'} names no tariff_year")
    year = found.group(1)
    path = content / "tariffs" / f"{year}.yaml"
    text = path.read_text(encoding="utf-8")
    raised = re.sub(r"(?m)^(  [a-z0-9-]+: )(\d+)$", lambda match: f"{match.group(1)}{int(match.group(2)) + 1000}", text)
    path.write_text(raised, encoding="utf-8")


def change_an_address(content: Path, number: int) -> None:
    """Change the first office's address in the first offices file."""
    path = sorted(content.glob("provinces/*/offices/*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(  address: )", rf"\g<1>{number} ", text, count=1), encoding="utf-8")


class Timings:
    """What one rebuild's writing cost, taken from the writer's own steps."""

    def __init__(self):
        self.mixed = self.sync = self.apply = 0.0
        self.moved = self.extra = 0

    def watch(self) -> None:
        replay, sync, apply, publish = writer._replay_files, os.sync, writer.OutputUpdate._apply, writer._publish_link

        def timed_publish(output, tree):
            self.extra = 0  # the tree's folders, and its files not linked from the old tree
            for folder, folders, files in os.walk(tree):
                entries = [os.lstat(os.path.join(folder, name)) for name in folders + files]
                new = [entry for entry in entries if stat.S_ISDIR(entry.st_mode) or entry.st_nlink == 1]
                self.extra += sum(entry.st_blocks * 512 for entry in new)
            self.moved = sum(len(files) for _, _, files in os.walk(tree))
            started = time.perf_counter()
            try:
                return publish(output, tree)
            finally:
                self.mixed = time.perf_counter() - started

        def timed_replay(output, stage, backup, steps, state, facts):
            started = time.perf_counter()
            try:
                return replay(output, stage, backup, steps, state, facts)
            finally:
                self.mixed, self.moved = time.perf_counter() - started, len(steps)

        def timed_sync():
            started = time.perf_counter()
            sync()
            self.sync = time.perf_counter() - started

        def timed_apply(update):
            started = time.perf_counter()
            apply(update)
            self.apply = time.perf_counter() - started

        # Timing wraps the writer's steps for this run; mypy refuses replacing a method.
        writer._replay_files, writer.os.sync = timed_replay, timed_sync
        writer.OutputUpdate._apply = timed_apply  # type: ignore[method-assign]
        writer._publish_link = timed_publish


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="content to copy (default: the sample)")
    parser.add_argument("--offices", type=int, help="write synthetic content of this many offices instead")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--publish-via-symlink", action="store_true", help="publish as a tree the output links to")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pishkhan-move-in-"))
    try:
        content, output = work / "content", work / "output"
        if args.offices:
            synth = [sys.executable, str(ROOT / "build.py"), "synth", str(content), "--offices", str(args.offices)]
            subprocess.run(synth, check=True, stderr=subprocess.DEVNULL)
        else:
            shutil.copytree(args.content, content)
        options = BuildOptions(content_dir=content, output_dir=output, today=TODAY, jobs=args.jobs, precompress=True)
        cache = BuildCache()
        started = time.perf_counter()
        pipeline.build(options, cache=cache, publish_via_symlink=args.publish_via_symlink)
        files = sum(len(names) for _, _, names in os.walk(output))
        print(f"clean build: {files:,} files in {time.perf_counter() - started:.1f} s")
        timings = Timings()
        timings.watch()
        for name, edit in (("tariff", change_the_fees), ("office", change_an_address)):
            runs = []
            for number in range(args.repeat):
                edit(content, number)
                started = time.perf_counter()
                pipeline.build(options, cache=cache, publish_via_symlink=args.publish_via_symlink)
                build = time.perf_counter() - started
                runs.append((timings.moved, timings.mixed, timings.sync, timings.apply, build, timings.extra))
            moved, mixed, sync, apply, build, extra = (statistics.median(column) for column in zip(*runs))
            slowest = max(run[1] for run in runs)
            if args.publish_via_symlink:
                print(
                    f"{name}: a tree of {moved:,.0f} files published in {mixed:.4f} s (slowest {slowest:.4f} s), "
                    f"{extra / 2**20:,.1f} MiB beyond the old one; sync {sync:.3f} s; apply {apply:.3f} s; "
                    f"build {build:.1f} s"
                )
            else:
                print(
                    f"{name}: {moved:,.0f} files moved in or removed; mixed for {mixed:.3f} s "
                    f"(slowest {slowest:.3f} s); sync {sync:.3f} s; apply {apply:.3f} s; build {build:.1f} s"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
