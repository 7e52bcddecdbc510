"""The only writer of output/: everything goes into a fresh folder that then replaces the old one."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


class UnsafePath(ValueError):
    """A page path that would land outside the output folder."""


def safe_relative(path: str) -> PurePosixPath:
    """Return a page path as a relative path inside the output folder, or refuse it."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\\" in path:
        raise UnsafePath(f"refusing to write {path!r}: it is outside the output folder")
    return relative


def write_site(output_dir: Path, files: list[tuple[str, bytes]], static_dir: Path | None = None) -> int:
    """Write every file into a fresh folder beside output_dir, then swap it in; return the number of files.

    A failure before the swap leaves the previous output exactly as it was. Two files for one path
    are refused rather than one silently replacing the other.
    """
    paths = [path for path, _ in files]
    twice = sorted({path for path in paths if paths.count(path) > 1}) if len(set(paths)) != len(paths) else []
    if twice:
        raise UnsafePath(f"refusing to write {twice[0]!r} twice")
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-new-", dir=output_dir.parent))
    try:
        if static_dir is not None and static_dir.is_dir():
            shutil.copytree(static_dir, fresh / "static", dirs_exist_ok=True)
        for path, data in sorted(files):
            target = fresh / safe_relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(fresh, 0o755)
        _swap(fresh, output_dir)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return len(files)


def _swap(fresh: Path, output_dir: Path) -> None:
    """Put the fresh folder in place of the old output with two renames, then delete the old one."""
    if not output_dir.exists():
        fresh.rename(output_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-old-", dir=output_dir.parent))
    old.rmdir()
    output_dir.rename(old)
    fresh.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)
