"""The golden copy: the small fixture site (tests/fixtures/small/) built on a fixed date, kept in tests/golden/.

Its pages, feed, sitemap and open data are kept as text in tests/golden/small/, so that a change to the output shows
as a diff in review; the static files and Pagefind's bundle, copies of bytes made elsewhere, are kept as digests in
tests/golden/small.sha256. `python3 tasks.py golden` runs this file to make both again: never edit them by hand.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "tests" / "fixtures" / "small"
GOLDEN = ROOT / "tests" / "golden" / "small"
DIGESTS = ROOT / "tests" / "golden" / "small.sha256"
TODAY = "1405/09/01"
EPOCH = "1795348800"  # noon UTC on 22 November 2026, which is 1405/09/01: the same day whichever the build reads
TEXT = frozenset({".html", ".xml", ".txt", ".csv", ".json"})
DIGESTED = ("static/", "pagefind/")
MARKER = ".pishkhan-output"  # the writer's note of its last build, not part of the site
ACCEPT = "If the change is intended, run `python3 tasks.py golden` and commit tests/golden/."


def build(output: Path, cache: Path) -> None:
    """Build the small site into output as a fresh process would, with its own cache and a fixed build date."""
    command = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(CONTENT), "--output", str(output)]
    command += ["--today", TODAY, "--cache", str(cache), "--jobs", "1"]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def is_text(path: str) -> bool:
    """Whether the golden copy keeps this output file as text (else as a digest)."""
    return Path(path).suffix in TEXT and not path.startswith(DIGESTED)


def files_of(output: Path) -> list[str]:
    """Every file of a build, as paths relative to its output folder, in order."""
    paths = (path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file())
    return sorted(path for path in paths if path != MARKER)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def golden_digests() -> dict[str, str]:
    lines = DIGESTS.read_text(encoding="utf-8").splitlines() if DIGESTS.exists() else []
    return {name: value for value, name in (line.split("  ", 1) for line in lines)}


def differences(output: Path, shown: int = 5, lines: int = 60) -> list[str]:
    """Say how a build differs from the golden copy: files missing or new, digests, and the first diffs in full."""
    built = files_of(output)
    kept = set(files_of(GOLDEN)) | set(golden_digests())
    found = [f"missing from the build: {path}" for path in sorted(kept - set(built))]
    found += [f"new in the build: {path}" for path in built if path not in kept]
    digests = golden_digests()
    found += [
        f"{path}: its bytes differ (sha256 {digests[path][:12]}… kept, {digest(output / path)[:12]}… built)"
        for path in built
        if path in digests and digest(output / path) != digests[path]
    ]
    diffs = []
    for path in built:
        if is_text(path) and path in kept and (output / path).read_bytes() != (GOLDEN / path).read_bytes():
            diff = difflib.unified_diff(
                (GOLDEN / path).read_text(encoding="utf-8").splitlines(),
                (output / path).read_text(encoding="utf-8").splitlines(),
                f"tests/golden/small/{path}",
                f"built/{path}",
                lineterm="",
            )
            diffs.append((path, list(diff)))
    found += [f"{path} differs" for path, _ in diffs]
    for _, diff in diffs[:shown]:
        found.append("\n".join(diff[:lines] + ([f"… ({len(diff) - lines} more lines)"] if len(diff) > lines else [])))
    return found


def write(output: Path) -> None:
    """Make the golden copy again from a build: its text files, and the digests of the others."""
    shutil.rmtree(GOLDEN, ignore_errors=True)
    digests = []
    for path in files_of(output):
        if is_text(path):
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(output / path, GOLDEN / path)
        else:
            digests.append(f"{digest(output / path)}  {path}\n")
    DIGESTS.write_text("".join(digests), encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        build(Path(scratch) / "output", Path(scratch) / "cache")
        write(Path(scratch) / "output")
    kept = files_of(GOLDEN)
    size = sum((GOLDEN / path).stat().st_size for path in kept)
    print(f"{GOLDEN.relative_to(ROOT)}: {len(kept)} text files, {size / 1024:.0f} KB; {DIGESTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
