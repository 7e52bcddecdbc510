"""The only writer of output/: changed pages are staged beside it and applied in place only when all are ready."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import NamedTuple

# Written into every output folder, so that a build only ever updates a folder it made itself. It
# also names the state the last build left there, so that a record of another state is not trusted.
MARKER = ".pishkhan-output"


class UnsafePath(ValueError):
    """A page path outside the output folder, a path two pages share, or an output folder the build must not update."""


def safe_relative(path: str) -> PurePosixPath:
    """Return a page path as a relative path inside the output folder, or refuse it."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\\" in path:
        raise UnsafePath(f"refusing to write {path!r}: it is outside the output folder")
    return relative


def refuse_duplicates(paths: list[str]) -> None:
    """Refuse a plan in which two pages would be written to one path, or a page outside the output folder."""
    seen: set[str] = set()
    for path in paths:
        safe_relative(path)
        if path in seen:
            raise UnsafePath(f"refusing to write {path!r} twice")
        seen.add(path)


def check_output_folder(output_dir: Path, keep: list[Path]) -> None:
    """Refuse an output folder whose update would destroy something else: a file, the working
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
        if source in output.parents:
            raise UnsafePath(f"the output {str(output_dir)!r} is inside {str(source)!r}, which the build reads; "
                             f"choose a folder outside it")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UnsafePath(f"the output {str(output_dir)!r} has files this program did not write; choose an empty or new folder")


# Files a server may send compressed; fonts and images are compressed already.
COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".xml", ".json", ".txt", ".csv")


class FileRecord(NamedTuple):
    """What the output folder holds at one path after a build: the page's fingerprint and the file's size and time."""

    fingerprint: str
    size: int
    mtime_ns: int


# A file of the output as the writer reports it: its path, its record, and whether it was staged.
Entry = tuple[str, FileRecord, bool]


def _record(path: Path, fingerprint: str) -> FileRecord:
    stat = path.stat()
    return FileRecord(fingerprint, stat.st_size, stat.st_mtime_ns)


def output_state(output_dir: Path) -> str | None:
    """Return the state the marker names: what the last build left in the output folder; None without one."""
    try:
        lines = (output_dir / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return None
    return next((line.removeprefix("state: ") for line in lines if line.startswith("state: ")), None)


class OutputUpdate:
    """Changes to the output folder, staged beside it and applied in place only when every page is ready.

    Pages that differ from the previous output are written to a staging folder (flat, so that
    staging costs no folder per page); leaving the block without an error moves them into place,
    keeping each replaced or removed file in a backup folder until all have moved, so that a
    failure while applying puts every file back. A failure before that only removes the staging
    folder: the previous output is never touched. The cost follows the pages that changed, not
    the size of the site. Workers in forked processes may call `write` and `keep`; the parent
    passes what they return to `add`.
    """

    def __init__(self, output_dir: Path, previous: dict[str, tuple[str, int, int]] | None, state: str, precompress: bool = False):
        self.output_dir = output_dir.resolve()
        self.precompress = precompress  # write a .gz twin of each text file, for servers that send it as it is
        self.state = state  # names what this build leaves in the output folder, in the marker
        if previous is None:  # no record of the last build: every file there is compared, and removed if no page makes it
            previous = {path: FileRecord("", -1, -1) for path in files_below(self.output_dir)}
        self.previous = previous  # what the last build left in the output folder: FileRecords, or their fields as tuples
        self.stage: Path | None = None
        self.files: dict[str, tuple[str, int, int]] = {}  # the new output, once applied
        self.staged: set[str] = set()
        self.removed = 0
        # With nothing to keep, the site is staged as a tree and the whole folder takes the
        # output's place: a first build costs no move per page.
        self.fresh = not self.previous and not any(_entries(self.output_dir) - {MARKER})

    def __enter__(self) -> OutputUpdate:
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-stage-", dir=self.output_dir.parent))
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            if exc_type is None:
                self._apply()
        finally:
            if self.stage is not None:
                shutil.rmtree(self.stage, ignore_errors=True)

    def files_of(self, path: str) -> tuple[str, ...]:
        """Return the files a page or asset is published as: itself, and its gzip twin when precompressing."""
        return (path, path + ".gz") if self.precompress and path.endswith(COMPRESSIBLE) else (path,)

    def keep(self, path: str, fingerprint: str) -> list[Entry] | None:
        """Return the entries of a page the previous build wrote with this fingerprint, all of whose files nobody has changed since; else None."""
        entries = []
        for file in self.files_of(path):
            old = self.previous.get(file)
            if old is None or old[0] != fingerprint:
                return None
            try:  # the path was checked by refuse_duplicates; this runs for every page of the site
                stat = os.stat(os.path.join(self.output_dir, file))
            except OSError:
                return None
            if (stat.st_size, stat.st_mtime_ns) != old[1:]:
                return None
            entries.append((file, FileRecord(*old), False))
        return entries

    def write(self, path: str, data: bytes, fingerprint: str) -> list[Entry]:
        """Stage a page or asset, and its gzip twin when precompressing, unless the output already holds these bytes."""
        entries = [(path, *self._stage(path, data, fingerprint))]
        if len(self.files_of(path)) > 1:
            entries.append((path + ".gz", *self._stage(path + ".gz", gzip.compress(data, compresslevel=9, mtime=0), fingerprint)))
        return entries

    def _stage(self, path: str, data: bytes, fingerprint: str) -> tuple[FileRecord, bool]:
        """Stage one file unless the output holds these bytes; return its record (a staged one's is taken when applied) and whether it was staged."""
        target = self.output_dir / safe_relative(path)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return _record(target, fingerprint), False
        except OSError:
            pass
        if self.fresh:
            staged = self.stage / safe_relative(path)
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        else:
            (self.stage / _staged_name(path)).write_bytes(data)
        return FileRecord(fingerprint, len(data), 0), True

    def add(self, entries: list[Entry]) -> None:
        """Count files of the new output, as `keep` or `write` returned them."""
        for path, record, staged in entries:
            self.files[path] = record
            if staged:
                self.staged.add(path)

    def _apply(self) -> None:
        """Put the staged site in place: the whole tree for a first build, file by file otherwise."""
        if self.fresh:
            self._apply_tree()
        else:
            self._apply_files()

    def _apply_tree(self) -> None:
        """Rename the staged tree to the output folder (replacing it if it is empty), records and marker first."""
        for path in self.staged:
            stat = (self.stage / path).stat()
            self.files[path] = FileRecord(self.files[path][0], stat.st_size, stat.st_mtime_ns)
        (self.stage / MARKER).write_text(f"Built by the Pishkhan portal generator; updated in place by every build.\nstate: {self.state}\n")
        os.chmod(self.stage, 0o755)
        existed = self.output_dir.is_dir()
        marker = (self.output_dir / MARKER).read_bytes() if (self.output_dir / MARKER).is_file() else None
        if existed:
            (self.output_dir / MARKER).unlink(missing_ok=True)
            self.output_dir.rmdir()  # empty: nothing is lost; a folder someone filled meanwhile stops the build here
        try:
            _move(self.stage, self.output_dir)
        except BaseException:
            if existed:  # put the empty folder back as it was
                self.output_dir.mkdir(exist_ok=True)
                if marker is not None:
                    (self.output_dir / MARKER).write_bytes(marker)
            raise
        self.stage = None  # it is the output now

    def _apply_files(self) -> None:
        """Move the staged files into place and remove the files no page produces any more, undoing all of it on failure.

        A site being served while it is updated should never link what is not there: new assets
        (new names) go in first, then pages, and files no page produces go last. Only a page that
        takes the place of a removed folder, or a folder that of a removed file, waits until the
        removed files and the folders they leave empty are gone.
        """
        backup = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-backup-", dir=self.output_dir.parent))
        moved: list[tuple[Path, Path | None]] = []  # (file in the output, its old version in the backup)
        created: list[Path] = []                   # folders this build made, the output folder among them
        marker = self.output_dir / MARKER
        old_marker = backup / "marker"
        gone = sorted(set(self.previous) - set(self.files))
        gone_folders = {str(parent) for path in gone for parent in PurePosixPath(path).parents}
        gone_files = set(gone)

        def in_the_way(path: str) -> bool:
            return path in gone_folders or any(str(parent) in gone_files for parent in PurePosixPath(path).parents)

        staged = sorted(self.staged, key=lambda path: (not path.startswith("static/"), path))
        first, last = [path for path in staged if not in_the_way(path)], [path for path in staged if in_the_way(path)]
        counter = iter(range(len(staged) + len(gone)))
        try:
            self._make_folder(self.output_dir, created)
            if marker.is_file():
                shutil.copy2(marker, old_marker)
            marker.write_text("Built by the Pishkhan portal generator; updated in place by every build.\nstate: being updated\n")
            inside: set[Path] = {self.output_dir}
            self._move_in(first, backup, counter, moved, created, inside)
            for path in gone:
                target = self.output_dir / safe_relative(path)
                old = self._set_aside(target, backup / str(next(counter)))
                if old is not None:
                    moved.append((target, old))
                    self.removed += 1
                    _remove_empty_parents(target, self.output_dir)
            self._move_in(last, backup, counter, moved, created, inside)
            marker.write_text(f"Built by the Pishkhan portal generator; updated in place by every build.\nstate: {self.state}\n")
        except BaseException:
            for target, old in reversed(moved):
                if target.is_dir() and not target.is_symlink():  # folders made for pages where a removed file was
                    for folder in reversed(created):
                        if folder == target or target in folder.parents:
                            _remove_if_empty(folder)
                else:
                    target.unlink(missing_ok=True)
                if old is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(old, target)
            if old_marker.is_file():
                os.replace(old_marker, marker)
            else:
                marker.unlink(missing_ok=True)
            for folder in reversed(created):
                _remove_if_empty(folder)
            shutil.rmtree(backup, ignore_errors=True)
            raise
        shutil.rmtree(backup, ignore_errors=True)

    def _move_in(self, paths: list[str], backup: Path, counter, moved: list, created: list[Path], inside: set[Path]) -> None:
        """Move staged files into place, each old version to the backup, noting every step for a rollback."""
        for path in paths:
            target = self.output_dir / safe_relative(path)
            self._make_folder(target.parent, created, inside)  # folders made here lead nowhere else
            _check_inside(target.parent, self.output_dir, inside)
            moved.append((target, self._set_aside(target, backup / str(next(counter)))))
            _move(self.stage / _staged_name(path), target)
            stat = target.stat()
            self.files[path] = FileRecord(self.files[path][0], stat.st_size, stat.st_mtime_ns)

    @staticmethod
    def _set_aside(target: Path, backup: Path) -> Path | None:
        """Move an existing file to the backup and return where it went; None when there was none."""
        try:
            _move(target, backup)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return backup

    @staticmethod
    def _make_folder(folder: Path, created: list[Path], made: set[Path] | None = None) -> None:
        """Make a folder and its missing parents, noting each one made (also in `made`, when given)."""
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
            if made is not None:
                made.add(folder)


def _check_inside(folder: Path, root: Path, known: set[Path]) -> None:
    """Refuse to write into a folder that leads outside the output folder (a link someone put there)."""
    if folder in known:
        return
    if not Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(root)):
        raise UnsafePath(f"refusing to write into {str(folder)!r}: it leads outside the output folder")
    known.add(folder)


def _move(source: Path, target: Path) -> None:
    """Move a file within one file system, replacing what is there (one place, so that tests can make it fail)."""
    os.replace(source, target)


def unchanged_output(output_dir: Path, files: dict[str, tuple[str, int, int]]) -> bool:
    """Return whether the output folder still holds exactly the files a build recorded, by size and time."""
    folder = str(output_dir)
    for path, record in files.items():
        try:
            stat = os.stat(os.path.join(folder, path))
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != record[1:]:
            return False
    return True


def _entries(folder: Path) -> set[str]:
    """Return the names in a folder; none when it does not exist."""
    try:
        return set(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return set()


def _staged_name(path: str) -> str:
    """A flat file name for a page path, the same in every worker process."""
    return hashlib.blake2b(path.encode(), digest_size=16).hexdigest()


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _remove_empty_parents(file: Path, root: Path) -> None:
    """Remove the folders above a removed file that it leaves empty, up to the output folder."""
    folder = file.parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def files_below(folder: Path) -> set[str]:
    """Return the relative paths of the files below a folder, written with '/'."""
    files = set()
    for directory, _, names in os.walk(folder):
        prefix = os.path.relpath(directory, folder)
        files.update(PurePosixPath(os.path.normpath(os.path.join(prefix, name))).as_posix() for name in names)
    files.discard(MARKER)
    return files

