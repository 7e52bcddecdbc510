"""The only writer of output/: changed pages are staged beside it and applied in place only when all are ready.

One process at a time writes an output folder: it holds a lock beside it. Before anything moves in,
a journal of the moves is written beside the folder, so that whoever takes the lock next finishes
an update a killed build left half done, and removes what killed builds left beside the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from .errors import N_, Message, UsageError

# Written into every output folder, so that a build only ever updates a folder it made itself. It
# also names the state the last build left there, so that a record of another state is not trusted.
MARKER = ".pishkhan-output"


class UnsafePath(ValueError):
    """A page path outside the output folder, a path two pages share, or an output folder the build must not update."""


def safe_relative(path: str) -> PurePosixPath:
    """Return a page path as a relative path inside the output folder, or refuse it."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or "\\" in path:
        raise UnsafePath(N_("refusing to write {path}: it is outside the output folder", path=repr(path)))
    return relative


def refuse_duplicates(paths: list[str]) -> None:
    """Refuse a plan in which two pages would be written to one path, or a page outside the output folder."""
    seen: set[str] = set()
    for path in paths:
        safe_relative(path)
        if path in seen:
            raise UnsafePath(N_("refusing to write {path} twice", path=repr(path)))
        seen.add(path)


def check_output_folder(output_dir: Path, keep: list[Path]) -> None:
    """Refuse an output folder whose update would destroy something else: a file, the working
    directory or a folder above it, a folder holding the sources, or a folder the build did not make."""
    output = output_dir.resolve()
    if output.exists() and not output.is_dir():
        raise UnsafePath(N_("the output {folder} is a file, not a folder", folder=repr(str(output_dir))))
    if output == Path.cwd().resolve() or output in Path.cwd().resolve().parents:
        raise UnsafePath(N_("the output {folder} would replace the working directory", folder=repr(str(output_dir))))
    for source in keep:
        source = source.resolve()
        if output == source or output in source.parents:
            raise UnsafePath(
                N_(
                    "the output {folder} holds {source}, which a build would delete",
                    folder=repr(str(output_dir)),
                    source=repr(str(source)),
                )
            )
        if source in output.parents:
            raise UnsafePath(
                N_(
                    "the output {folder} is inside {source}, which the build reads; choose a folder outside it",
                    folder=repr(str(output_dir)),
                    source=repr(str(source)),
                )
            )
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UnsafePath(
            N_(
                "the output {folder} has files this program did not write; choose an empty or new folder",
                folder=repr(str(output_dir)),
            )
        )


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


def _marker_lines(output_dir: Path) -> list[str]:
    try:
        return (output_dir / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return []


def output_state(output_dir: Path) -> str | None:
    """Return the state the marker names: what the last build left in the output folder; None without one."""
    lines = _marker_lines(output_dir)
    return next((line.removeprefix("state: ") for line in lines if line.startswith("state: ")), None)


@dataclass(frozen=True, slots=True)
class OutputFacts:
    """What the marker records of the build that made the output: the base URL its links lead to, and the offices of
    each county, so that the next build can say which counties lost all theirs even when its cache is cold."""

    base_url: str | None = None  # None: a marker written before the base URL was recorded
    offices: dict[str, int] = field(default_factory=dict)  # by "province/county"

    def lines(self) -> str:
        """Return the facts as the marker's lines, after its state."""
        url = f"base_url: {self.base_url}\n" if self.base_url else ""
        return f"{url}offices: {json.dumps(self.offices, sort_keys=True, separators=(',', ':'))}\n"

    @classmethod
    def of_lines(cls, lines: list[str]) -> OutputFacts:
        """Read the facts from the marker's lines; what is missing or unreadable is not known."""
        values = dict(line.split(": ", 1) for line in lines if ": " in line)
        try:
            offices = json.loads(values.get("offices", "{}"))
        except ValueError:
            offices = {}
        if not isinstance(offices, dict) or not all(isinstance(count, int) for count in offices.values()):
            offices = {}
        return cls(values.get("base_url") or None, offices)


def output_facts(output_dir: Path) -> OutputFacts:
    """Return what the marker records of the build that made the output folder; nothing known without a marker."""
    return OutputFacts.of_lines(_marker_lines(output_dir))


def _facts_lines(output: Path) -> str:
    """Return the facts lines of the marker in a folder, to be kept when only its state changes."""
    lines = _marker_lines(output)
    return OutputFacts.of_lines(lines).lines() if lines else ""


class OutputBusy(UsageError):
    """Another process is writing the output folder."""


class RecoveryFailed(Exception):
    """An update a killed build left could be neither finished nor undone; its journal stays for the next try."""


def located(output_dir: Path) -> Path:
    """Return where an output folder is named: its parent's real path and its own name, not following the link that
    --publish-via-symlink makes of it."""
    absolute = Path(os.path.abspath(output_dir))
    return absolute.parent.resolve() / absolute.name


def _beside(output: Path, suffix: str) -> Path:
    """Return a file or folder kept beside an output folder (its lock, journal, stage, backup), named after it."""
    return output.parent / f".{output.name}{suffix}"


def _is_leftover(name: str, output_name: str) -> bool:
    """Return whether a name beside an output folder is something a build of it left: a stage, a backup, a published
    tree (unless the output leads to it), a half-written journal, marker or link."""
    pattern = rf"\.{re.escape(output_name)}(?:-(?:stage|backup|tree)-[a-z0-9_]{{8}}|\.journal\.tmp|\.marker|\.link)"
    return re.fullmatch(pattern, name) is not None


def _published_tree(output: Path) -> Path | None:
    """Return the tree beside the output that it links to, as --publish-via-symlink makes it; None if no such link."""
    if not output.is_symlink():
        return None
    target = os.readlink(output)
    if "/" in target or not re.fullmatch(rf"\.{re.escape(output.name)}-tree-[a-z0-9_]{{8}}", target):
        return None
    return output.parent / target


def _marker_text(state: str, facts: str = "") -> str:
    return f"Built by the Pishkhan portal generator; updated in place by every build.\nstate: {state}\n{facts}"


# What the marker says after a recovery finished an update: no record of a build names it, so the next build compares
# every file.
RECOVERED = "recovered"

# Locks this process holds: lock file → [its descriptor, how many blocks hold it].
_HELD: dict[Path, list[int]] = {}


def _forget_held_locks() -> None:
    """In a forked child: close the inherited lock files, so that a worker left behind never keeps an output locked."""
    for descriptor, _ in _HELD.values():
        os.close(descriptor)  # the parent's lock stays: it goes only when every descriptor of it is closed
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_held_locks)


class OutputLock:
    """The lock that makes one process at a time the writer of an output folder, held while a block runs.

    It is an advisory lock (flock) on a file beside the folder, which the system lets go however
    the process ends; the file names the process holding it, for whoever finds it taken. A
    process may take it again while it holds it: serve holds it for its whole life and each of
    its builds takes it too. The first taking recovers what a killed build left (see `recover`);
    `recovery` says what was done, or None (`recovered`: in English).
    """

    def __init__(self, output_dir: Path, wait: float = 0, notify: Callable[[Message], None] | None = None):
        self.output_dir = output_dir
        self.path = _beside(located(output_dir), ".lock")
        self.wait = wait  # seconds to wait for another process to finish
        self.notify = notify  # told, in a sentence, when the lock is taken and this process starts waiting
        self.recovery: Message | None = None

    @property
    def recovered(self) -> str | None:
        """Return what recovering did, in English, or None."""
        return None if self.recovery is None else str(self.recovery)

    def __enter__(self) -> OutputLock:
        held = _HELD.get(self.path)
        if held is not None:
            held[1] += 1
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _HELD[self.path] = [_take_lock(self.path, self.output_dir, self.wait, self.notify), 1]
        try:
            self.recovery = recover(self.output_dir)
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        held = _HELD[self.path]
        held[1] -= 1
        if held[1] == 0:
            self._release()

    def _release(self) -> None:
        descriptor, _ = _HELD.pop(self.path)
        # Removed while still held: a process that opened it meanwhile sees it is no longer the lock (_take_lock).
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(descriptor)


def _take_lock(path: Path, output_dir: Path, wait: float, notify: Callable[[Message], None] | None) -> int:
    """Open and lock the lock file, waiting up to `wait` seconds for its holder; name this process; return the file."""
    deadline = time.monotonic() + wait
    waiting = False
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            left = deadline - time.monotonic()
            if left <= 0 and wait:
                raise OutputBusy(
                    N_(
                        "{folder} is still being written by {holder} after {wait:g} s of waiting; "
                        "wait longer or stop that process",
                        folder=str(output_dir),
                        holder=holder,
                        wait=wait,
                    )
                ) from None
            if left <= 0:
                raise OutputBusy(
                    N_(
                        "{folder} is being written by {holder}; wait for it to finish or pass --wait SECONDS",
                        folder=str(output_dir),
                        holder=holder,
                    )
                ) from None
            if notify is not None and not waiting:
                notify(
                    N_(
                        "{folder} is being written by {holder}; waiting up to {wait:g} s for it to finish",
                        folder=str(output_dir),
                        holder=holder,
                        wait=wait,
                    )
                )
            waiting = True
            time.sleep(min(left, 0.1))
            continue
        except BaseException:
            os.close(descriptor)
            raise
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        mine = os.fstat(descriptor)
        if current is not None and (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
            os.ftruncate(descriptor, 0)
            os.write(descriptor, _this_process().encode("utf-8", "replace"))
            return descriptor
        os.close(descriptor)  # its holder removed it as it let go: lock the file that is there now


def _holder(descriptor: int) -> str:
    """Return who holds the lock, as the lock file names it; its holder writes it just after taking it, so wait a little
    for a name, or for one whose process runs, before saying only that another process holds it."""
    for _ in range(50):
        text = os.pread(descriptor, 1000, 0).decode("utf-8", "replace").strip()
        pid = re.search(r"\(pid (\d+), since ", text)
        if pid and _running(int(pid.group(1))):
            return text
        time.sleep(0.002)
    return "another process"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _this_process() -> str:
    """Name this process as someone who finds the lock taken reads it: its command, its pid and since when it runs."""
    command = shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "python"
    return f"{command[:300]} (pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})"


PUT, DROP = "put", "drop"


class Journal(NamedTuple):
    """What an update of the output folder is about to do, written beside it before anything moves in."""

    update: str  # "files": staged files move in one by one; "tree": the staged tree becomes the
    # output folder; "link": the output, a link, is pointed at the staged tree
    stage: str  # the staging folder's name, beside the output folder
    backup: str | None  # where the files replaced or removed are set aside, beside it too
    marker: str | None  # the marker before the update, put back should it be undone
    steps: list[tuple[str, str]]  # (PUT or DROP, path) in order; a step's number names its file in the backup
    files: int  # files the update brings in
    facts: str | None = None  # the marker's facts of the build moving in (OutputFacts.lines); None: older journal


def _write_journal(path: Path, journal: Journal) -> None:
    """Write the journal whole and durably before anything moves: a temporary file, synced, renamed, folder synced."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(journal._asdict(), file)  # ASCII: the marker's undecodable bytes, if any, as escaped surrogates
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    _sync_folder(path.parent)


def _remove_journal(path: Path) -> None:
    """Remove the journal once its update is done or undone; that it is gone is on disk when this returns."""
    path.unlink()
    _sync_folder(path.parent)


def _read_journal(path: Path, output_name: str) -> Journal:
    """Read a journal, refusing one that could make recovery touch anything but the output, its stage and backup."""
    journal = Journal(**json.loads(path.read_text(encoding="utf-8")))
    folders = [journal.stage] + ([journal.backup] if journal.update == "files" else [])
    steps = [(step, str(safe_relative(target))) for step, target in journal.steps if step in (PUT, DROP)]
    known = all(folder is not None and _is_leftover(folder, output_name) for folder in folders)
    if journal.update not in ("files", "tree", "link") or not known or len(steps) != len(journal.steps):
        raise ValueError("it names folders or steps this program does not write")
    return journal._replace(steps=steps)


def _sync_folder(folder: Path) -> None:
    """Make the names in a folder durable: a file created, renamed or removed there survives a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_marker(output: Path, text: str) -> None:
    """Replace the marker in one step, never half written: written beside the folder, synced, renamed into it."""
    temporary = _beside(output, ".marker")
    with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, output / MARKER)


def recover(output_dir: Path) -> Message | None:
    """Bring an output folder back to one whole build if a build was killed while updating it, and remove what killed
    builds left beside it; return what was done, as one sentence, or None when there was nothing to do. Call it only
    holding the lock.

    A journal beside the folder means an update was under way: every file it names was staged and
    on disk before it was written, so its steps are done again, skipping those already done; should
    that fail, what was done is undone instead. Stages, backups and half-written journals without a
    journal are what a build killed before or after its update left: they are removed.
    """
    place, real = located(output_dir), output_dir.resolve()
    done = _recover_beside(output_dir, place)
    if real != place:  # a link to a published tree, which a build without --publish-via-symlink updates in place
        done = _recover_beside(output_dir, real) or done
    return done


def _recover_beside(output_dir: Path, output: Path) -> Message | None:
    """Recover what a killed build left beside one folder or link: the output as named, or the tree it leads to."""
    journal_path = _beside(output, ".journal")
    done = None
    if journal_path.exists():
        done = _finish(output_dir, output, journal_path)
        _remove_journal(journal_path)
    published = _published_tree(output)
    leftovers = [
        name
        for name in _entries(output.parent)
        if _is_leftover(name, output.name) and (published is None or name != published.name)
    ]
    for name in leftovers:
        leftover = output.parent / name
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
    if done is None and leftovers:
        done = N_("recovered {folder}: removed leftovers of an interrupted build", folder=str(output_dir))
    return done


def _finish(output_dir: Path, output: Path, journal_path: Path) -> Message:
    """Finish the update a journal describes, or undo it should finishing fail; return what was done."""
    try:
        journal = _read_journal(journal_path, output.name)
        stage, backup = output.parent / journal.stage, output.parent / (journal.backup or "")
        if journal.update in ("files", "link") and not stage.is_dir():
            raise ValueError(f"its staging folder {journal.stage} is gone")
    except (OSError, ValueError, TypeError, UnicodeError) as exc:
        with contextlib.suppress(OSError):
            _write_marker(output, _marker_text(RECOVERED, _facts_lines(output)))
        return N_(
            "recovered {folder}: the journal of an interrupted update could not be used ({reason}); "
            "the next build compares every file",
            folder=str(output_dir),
            reason=str(exc),
        )
    # The facts of the build moving in: the journal's, or (written before journals held them) the marker's there now.
    facts = journal.facts
    if journal.update == "link":
        try:
            _publish_link(output, stage)  # what it led to before is a leftover now
            _write_marker(output, _marker_text(RECOVERED, _facts_lines(output) if facts is None else facts))
        except OSError as exc:
            return N_(
                "recovered {folder}: could not publish the tree an interrupted build made ({reason}), "
                "so kept the previous one",
                folder=str(output_dir),
                reason=str(exc.strerror or exc),
            )
        return N_(
            "recovered {folder}: published the tree an interrupted build made ({count:,} new files)",
            folder=str(output_dir),
            count=journal.files,
        )
    if journal.update == "tree":
        try:
            if stage.is_dir():
                _replay_tree(output, stage)
            _write_marker(output, _marker_text(RECOVERED, _facts_lines(output) if facts is None else facts))
        except OSError as exc:
            return N_(
                "recovered {folder}: could not finish an interrupted first build ({reason}), so removed its files",
                folder=str(output_dir),
                reason=str(exc.strerror or exc),
            )
        return N_(
            "recovered {folder}: finished an interrupted first build of {count:,} files",
            folder=str(output_dir),
            count=journal.files,
        )
    try:
        _replay_files(output, stage, backup, journal.steps, RECOVERED, _facts_lines(output) if facts is None else facts)
    except (OSError, UnsafePath) as exc:
        try:
            _undo_files(output, stage, backup, journal.steps, journal.marker)
        except OSError as again:
            raise RecoveryFailed(
                N_(
                    "the interrupted update of {folder} could be neither finished ({reason}) nor undone ({again}); "
                    "fix that and run build.py recover again",
                    folder=str(output_dir),
                    reason=str(exc),
                    again=str(again),
                )
            ) from None
        return N_(
            "recovered {folder}: could not finish an interrupted update ({reason}), so put the previous build back",
            folder=str(output_dir),
            reason=str(exc),
        )
    return N_(
        "recovered {folder}: finished an interrupted update of {count:,} files",
        folder=str(output_dir),
        count=len(journal.steps),
    )


def _publish_link(output: Path, tree: Path) -> Path | None:
    """Make the output a link to a tree beside it, in one rename for a server that follows the link; return what it was
    before (the tree it led to, or the folder it was), to be removed, unless that is the tree itself."""
    link = _beside(output, ".link")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(tree.name, link)
    old = _published_tree(output)
    if old is None and output.is_dir() and not output.is_symlink():  # a folder until now: gone for an instant
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}-tree-", dir=output.parent))
        _move(output, old)
    _move(link, output)
    _sync_folder(output.parent)
    return None if old == tree else old


def _replay_tree(output: Path, stage: Path) -> None:
    """Rename the staged tree to the output folder, in place of an empty one: one step, which a filled folder stops."""
    marker = output / MARKER
    try:
        old = marker.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        old = None
    try:
        if old is not None:
            marker.unlink()
        _move(stage, output)  # rename(2) replaces an empty folder
    except BaseException:
        if old is not None and output.is_dir() and not marker.exists():  # the folder stays as it was
            marker.write_bytes(old)
        raise


def _replay_files(output: Path, stage: Path, backup: Path, steps: list[tuple[str, str]], state: str, facts: str) -> int:
    """Do the steps of an update in order, each file replaced or removed set aside in the backup; return how many were
    removed. The marker says the folder is being updated, then names `state`, with the new build's `facts`.

    A step already done is skipped (a staged file is in the stage until it has moved), so running
    it again after it stopped anywhere finishes the same update.
    """
    _write_marker(output, _marker_text("being updated", facts))
    root, staging, aside = str(output), str(stage), str(backup)  # strings: this runs for every file that changed
    inside, made = {root}, {root}  # folders known to lead nowhere else; folders known to be there
    removed = 0
    for number, (step, path) in enumerate(steps):
        target = os.path.join(root, path)
        folder = os.path.dirname(target)
        _check_inside(folder, root, inside)
        if step == PUT:
            staged = os.path.join(staging, _staged_name(path))
            if not os.path.lexists(staged):
                continue
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            _set_aside(target, os.path.join(aside, str(number)))
            _move(staged, target)
        else:
            removed += _set_aside(target, os.path.join(aside, str(number)))
            _remove_empty_parents(target, root)
    _write_marker(output, _marker_text(state, facts))
    return removed


def _undo_files(output: Path, stage: Path, backup: Path, steps: list[tuple[str, str]], marker: str | None) -> None:
    """Take every new file an update moved in back to the stage and put back every file it set aside, the marker last.

    Whichever steps were done, running it again after it stopped anywhere does the same. It moves
    with os.replace, not `_move`: a test making `_move` fail must not stop the undoing.
    """
    for number in reversed(range(len(steps))):
        step, path = steps[number]
        target, old = output / path, backup / str(number)
        staged = stage / _staged_name(path)
        if step == PUT and not os.path.lexists(staged) and os.path.lexists(target):
            os.replace(target, staged)
        if os.path.lexists(old):
            if target.is_dir() and not target.is_symlink():  # folders made for new files where the old file was
                for folder, _, _ in sorted(os.walk(target), reverse=True):
                    os.rmdir(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, target)
    for step, path in steps:
        if step == PUT:
            _remove_empty_parents(str(output / path), str(output))
    if marker is None:
        (output / MARKER).unlink(missing_ok=True)
    else:
        _write_marker(output, marker)


def _set_aside(target: str, backup: str) -> bool:
    """Move an existing file to the backup; return whether there was one."""
    try:
        _move(target, backup)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


class OutputUpdate:
    """Changes to the output folder, staged beside it and applied in place only when every page is ready.

    Pages that differ from the previous output are written to a staging folder (flat, so that
    staging costs no folder per page); leaving the block without an error moves them into place,
    keeping each replaced or removed file in a backup folder until all have moved, so that a
    failure while applying puts every file back. A failure before that only removes the staging
    folder: the previous output is never touched. The cost follows the pages that changed, not
    the size of the site. Workers in forked processes may call `write` and `keep`; the parent
    passes what they return to `add`.

    The block holds the output folder's lock (see OutputLock). Before anything moves in, the
    staged files are synced to disk and a journal of the moves is written beside the folder: a
    build killed while moving files is finished by whoever takes the lock next.

    Publishing via a link instead, the whole new site is made beside the output: the files that
    changed are staged at their paths and the others linked (hard links) from the old site; the
    output, a link, is then pointed at it in one rename, so a server following the link never sees
    two builds mixed; the old site is removed after. The cost is a link per unchanged file.
    """

    def __init__(
        self,
        output_dir: Path,
        previous: dict[str, tuple[str, int, int]] | None,
        state: str,
        precompress: bool = False,
        publish_via_symlink: bool = False,
        facts: OutputFacts | None = None,
    ):
        self.linked = publish_via_symlink
        self.output_dir = located(output_dir) if self.linked else output_dir.resolve()  # linked: the link, not its tree
        self.precompress = precompress  # write a .gz twin of each text file, for servers that send it as it is
        self.state = state  # names what this build leaves in the output folder, in the marker
        self.facts = facts.lines() if facts else ""  # what the marker records of this build besides
        self.record = previous  # the record of the last build into the folder; None: no record to trust
        self.previous: dict[str, tuple[str, int, int]] = {}  # what the last build left there: FileRecords or tuples
        self.stage: Path | None = None
        self.files: dict[str, tuple[str, int, int]] = {}  # the new output, once applied
        self.staged: set[str] = set()
        self.removed = 0
        self.fresh = False
        self.lock = OutputLock(output_dir)

    def __enter__(self) -> OutputUpdate:
        self.lock.__enter__()  # a build killed while updating the folder is recovered first
        try:
            if self.linked and self.output_dir.is_symlink() and _published_tree(self.output_dir) is None:
                raise UnsafePath(
                    N_(
                        "the output {folder} is a link this program did not make; "
                        "publishing via a link would replace it",
                        folder=repr(str(self.output_dir)),
                    )
                )
            # Without a record every file there is compared, and removed if no page makes it.
            unknown = FileRecord("", -1, -1)
            self.previous = dict.fromkeys(files_below(self.output_dir), unknown) if self.record is None else self.record
            # With nothing to keep, the site is staged as a tree and the whole folder takes the
            # output's place: a first build costs no move per page.
            self.fresh = not self.previous and not any(_entries(self.output_dir) - {MARKER})
            kind = "tree" if self.linked else "stage"  # a tree to publish is staged under the name it keeps
            self.stage = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-{kind}-", dir=self.output_dir.parent))
        except BaseException:
            self.lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            if exc_type is None:
                self._apply()
        finally:
            try:
                if self.stage is not None:
                    shutil.rmtree(self.stage, ignore_errors=True)
            finally:
                self.lock.__exit__(None, None, None)

    @property
    def staging(self) -> Path:
        """The staging folder, which exists only inside `with OutputUpdate(...)`."""
        if self.stage is None:
            raise RuntimeError("an output update stages files only inside its with block")
        return self.stage

    def files_of(self, path: str) -> tuple[str, ...]:
        """Return the files a page or asset is published as: itself, and its gzip twin when precompressing."""
        return (path, path + ".gz") if self.precompress and path.endswith(COMPRESSIBLE) else (path,)

    def keep(self, path: str, fingerprint: str) -> list[Entry] | None:
        """Return a page's entries if the last build wrote it with this fingerprint and none changed; else None."""
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
            entries.append(
                (path + ".gz", *self._stage(path + ".gz", gzip.compress(data, compresslevel=9, mtime=0), fingerprint))
            )
        return entries

    def _stage(self, path: str, data: bytes, fingerprint: str) -> tuple[FileRecord, bool]:
        """Stage a file unless the output holds its bytes; return its record (taken when applied) and whether staged."""
        target = self.output_dir / safe_relative(path)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return _record(target, fingerprint), False
        except OSError:
            pass
        if self.fresh or self.linked:
            staged = self.staging / safe_relative(path)
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
        else:
            (self.staging / _staged_name(path)).write_bytes(data)
        return FileRecord(fingerprint, len(data), 0), True

    def add(self, entries: list[Entry]) -> None:
        """Count files of the new output, as `keep` or `write` returned them."""
        for path, record, staged in entries:
            self.files[path] = record
            if staged:
                self.staged.add(path)

    def _apply(self) -> None:
        """Put the staged site in place: a tree the output links to, a first build's whole tree, or file by file."""
        if self.linked:
            self._apply_link()
        elif self.fresh:
            self._apply_tree()
        else:
            self._apply_files()

    def _apply_tree(self) -> None:
        """Rename the staged tree to the output folder (in place of an empty one), records, marker and journal first."""
        stage = self.staging
        for path in self.staged:
            stat = (stage / path).stat()
            self.files[path] = FileRecord(self.files[path][0], stat.st_size, stat.st_mtime_ns)
        (stage / MARKER).write_text(_marker_text(self.state, self.facts))
        os.chmod(stage, 0o755)
        os.sync()  # the staged bytes are on disk before the journal lets them become the output
        journal = _beside(self.output_dir, ".journal")
        _write_journal(journal, Journal("tree", stage.name, None, None, [], len(self.staged), self.facts))
        try:
            _replay_tree(self.output_dir, stage)
        finally:
            if not stage.exists():
                self.stage = None  # it is the output now
            _remove_journal(journal)

    def _apply_link(self) -> None:
        """Add links to the files kept to the staged tree, point the output at it in one step, remove the old site."""
        tree = self.staging
        for path in self.staged:
            stat = (tree / path).stat()
            self.files[path] = FileRecord(self.files[path][0], stat.st_size, stat.st_mtime_ns)
        gone = set(self.previous) - set(self.files)
        if not self.staged and not gone and _published_tree(self.output_dir) is not None:  # the same files: the marker
            _write_marker(self.output_dir, _marker_text(self.state, self.facts))
            return
        source, target, made = str(self.output_dir), str(tree), {str(tree)}  # strings: this runs for every file kept
        for path in sorted(set(self.files) - self.staged):
            linked = os.path.join(target, path)
            folder = os.path.dirname(linked)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            os.link(os.path.join(source, path), linked)
        (tree / MARKER).write_text(_marker_text(self.state, self.facts))
        os.chmod(tree, 0o755)
        os.sync()  # the staged bytes are on disk before the journal lets the tree be published
        journal = _beside(self.output_dir, ".journal")
        _write_journal(journal, Journal("link", tree.name, None, None, [], len(self.staged), self.facts))
        try:
            old = _publish_link(self.output_dir, tree)
        finally:
            if _published_tree(self.output_dir) == tree:
                self.stage = None  # it is the output now
            _remove_journal(journal)
        self.removed = len(gone)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _apply_files(self) -> None:
        """Move the staged files into place and remove the files no page produces any more, undoing it all on failure.

        A site being served while it is updated should never link what is not there: new assets
        (new names) go in first, then pages, and files no page produces go last. Only a page that
        takes the place of a removed folder, or a folder that of a removed file, waits until the
        removed files and the folders they leave empty are gone.
        """
        stage = self.staging
        gone = sorted(set(self.previous) - set(self.files))
        gone_folders = {folder for path in gone for folder in _folders_of(path)}
        gone_files = set(gone)
        staged = sorted(self.staged, key=lambda path: (not path.startswith("static/"), path))
        in_the_way = {path for path in staged if path in gone_folders or not gone_files.isdisjoint(_folders_of(path))}
        steps = (
            [(PUT, path) for path in staged if path not in in_the_way]
            + [(DROP, path) for path in gone]
            + [(PUT, path) for path in staged if path in in_the_way]
        )
        for path in self.staged:  # a move keeps a file's time: its record is known before it moves
            stat = os.stat(stage / _staged_name(path))
            self.files[path] = FileRecord(self.files[path][0], stat.st_size, stat.st_mtime_ns)
        self.output_dir.mkdir(exist_ok=True)
        if not steps:
            _write_marker(self.output_dir, _marker_text(self.state, self.facts))
            return
        try:
            marker = (self.output_dir / MARKER).read_text(encoding="utf-8", errors="surrogateescape")
        except FileNotFoundError:
            marker = None
        backup = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-backup-", dir=self.output_dir.parent))
        journal = _beside(self.output_dir, ".journal")
        if self.staged:
            os.sync()  # the staged bytes are on disk before the journal lets them move in
        _write_journal(journal, Journal("files", stage.name, backup.name, marker, steps, len(self.staged), self.facts))
        try:
            self.removed = _replay_files(self.output_dir, stage, backup, steps, self.state, self.facts)
        except BaseException:
            _undo_files(self.output_dir, stage, backup, steps, marker)
            _remove_journal(journal)
            shutil.rmtree(backup, ignore_errors=True)
            raise
        _remove_journal(journal)
        shutil.rmtree(backup, ignore_errors=True)


def _check_inside(folder: str, root: str, known: set[str]) -> None:
    """Refuse to write into a folder below the output folder (in `known`) that leads outside it (a link put there).

    Each folder on the way is looked at once: a folder that is no link, in one leading nowhere else, leads nowhere else.
    """
    if folder in known:
        return
    if not folder.startswith(root + os.sep):  # not below it at all (paths were checked by safe_relative: never so)
        raise UnsafePath(N_("refusing to write into {folder}: it is outside the output folder", folder=repr(folder)))
    _check_inside(os.path.dirname(folder), root, known)
    if os.path.islink(folder) and not Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(root)):
        raise UnsafePath(N_("refusing to write into {folder}: it leads outside the output folder", folder=repr(folder)))
    known.add(folder)


def _move(source: str | Path, target: str | Path) -> None:
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


def _folders_of(path: str) -> list[str]:
    """Return the folders a page path lies in, outermost first: 'a/b/c.html' → ['a', 'a/b']."""
    return [path[:index] for index, character in enumerate(path) if character == "/"]


def _staged_name(path: str) -> str:
    """A flat file name for a page path, the same in every worker process."""
    return hashlib.blake2b(path.encode(), digest_size=16).hexdigest()


def _remove_empty_parents(file: str, root: str) -> None:
    """Remove the folders above a removed file that it leaves empty, up to the output folder."""
    folder = os.path.dirname(file)
    while folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)


def files_below(folder: Path) -> set[str]:
    """Return the relative paths of the files below a folder, written with '/'."""
    files: set[str] = set()
    for directory, _, names in os.walk(folder):
        prefix = os.path.relpath(directory, folder)
        files.update(PurePosixPath(os.path.normpath(os.path.join(prefix, name))).as_posix() for name in names)
    files.discard(MARKER)
    return files
