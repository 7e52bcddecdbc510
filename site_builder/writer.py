"""The only writer of output/: pages go into a fresh folder that replaces the old one only when all are written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

# Written into every output folder, so that a later build only ever replaces a folder it made itself.
MARKER = ".pishkhan-output"


class UnsafePath(ValueError):
    """A page path outside the output folder, a path two pages share, or an output folder the build must not replace."""


def safe_relative(path: str) -> PurePosixPath:
    """Return a page path as a relative path inside the output folder, or refuse it."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\\" in path:
        raise UnsafePath(f"refusing to write {path!r}: it is outside the output folder")
    return relative


def refuse_duplicates(paths: list[str]) -> None:
    """Refuse a plan in which two pages would be written to one path."""
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise UnsafePath(f"refusing to write {path!r} twice")
        seen.add(path)


def check_output_folder(output_dir: Path, keep: list[Path]) -> None:
    """Refuse an output folder whose replacement would destroy something else: a file, the working
    directory or a folder above it, a folder holding the sources, or a folder the build did not make."""
    output = output_dir.resolve()
    if output.exists() and not output.is_dir():
        raise UnsafePath(f"the output {str(output_dir)!r} is a file, not a folder")
    if output == Path.cwd().resolve() or output in Path.cwd().resolve().parents:
        raise UnsafePath(f"the output {str(output_dir)!r} would replace the working directory")
    for source in keep:
        source = source.resolve()
        if output == source or output in source.parents:
            raise UnsafePath(f"the output {str(output_dir)!r} holds {str(source)!r}, which a build would delete")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UnsafePath(f"the output {str(output_dir)!r} has files this program did not write; choose an empty or new folder")


class FreshOutput:
    """A fresh folder beside the output folder; on success it takes the output's place, on failure it is removed."""

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir.resolve()
        self.folder: Path | None = None
        self.removed = 0  # files of the old output that the new one no longer has

    def __enter__(self) -> FreshOutput:
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-new-", dir=self.output_dir.parent))
        os.chmod(self.folder, 0o755)
        (self.folder / MARKER).write_text("Built by the Pishkhan portal generator; replaced whole on every build.\n")
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            if exc_type is None:
                self._swap()
        finally:
            if self.folder.exists():
                shutil.rmtree(self.folder, ignore_errors=True)

    def write(self, path: str, data: bytes) -> bool:
        """Write one file of the site; return whether it differs from the same file in the old output."""
        relative = safe_relative(path)
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        try:
            return (self.output_dir / relative).read_bytes() != data
        except OSError:
            return True

    def reuse(self, path: str) -> bool:
        """Take a file unchanged from the old output (a hard link, else a copy); False when there is none."""
        relative = safe_relative(path)
        old, target = self.output_dir / relative, self.folder / relative
        if not old.is_file():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, target)
        except OSError:
            shutil.copyfile(old, target)
        return True

    def copy_tree(self, source: Path, into: str) -> None:
        """Copy a folder of assets into the site."""
        if source.is_dir():
            shutil.copytree(source, self.folder / safe_relative(into), dirs_exist_ok=True)

    def _swap(self) -> None:
        """Put the fresh folder in place of the old output with two renames; if the second fails, put the old one back."""
        self.removed = len(_files_below(self.output_dir) - _files_below(self.folder))
        if not self.output_dir.exists():
            self.folder.rename(self.output_dir)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-old-", dir=self.output_dir.parent))
        old.rmdir()
        self.output_dir.rename(old)
        try:
            self.folder.rename(self.output_dir)
        except BaseException:
            old.rename(self.output_dir)
            raise
        shutil.rmtree(old, ignore_errors=True)


def _files_below(folder: Path) -> set[str]:
    """Return the relative paths of the files below a folder."""
    files = set()
    for directory, _, names in os.walk(folder):
        prefix = os.path.relpath(directory, folder)
        files.update(os.path.normpath(os.path.join(prefix, name)) for name in names)
    return files
