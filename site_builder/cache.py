"""The build cache: what reading and checking content produced, kept by content so that nothing unchanged is read twice.

It keeps the catalogue checked, each offices file read, each county's counts and offices, and a
record of the last build into each output folder; compiled templates sit beside it. It lives in
memory (serve keeps one across rebuilds) and, given a folder, on disk between runs.
A cache can only ever cost speed: every file in the folder is sealed with a digest of its name
and bytes, and one that fails the seal is deleted and made again; a folder that cannot be read
or written makes the build slower, never failed. Either is noted once per build (`notes`), for
the command to tell the user. Entries are pickles: restore a cache folder only from your own builds.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import pickle
import shutil
import sys
import time
from enum import StrEnum
from pathlib import Path

from .errors import N_, Message


def _code_version() -> bytes:
    """Return a digest of this program's code and of the Python and libraries it runs on.

    Cache keys, page fingerprints and the digest of a build's inputs all include it, so that a
    change of code or library is never answered from what the old one made. (The libraries' own
    version attributes: importlib.metadata costs more than a rebuild can spare.)
    """
    import babel
    import icu
    import jinja2
    import markdown
    import nh3
    import persiantools
    import yaml

    digest = hashlib.blake2b(sys.version.encode(), digest_size=20)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    versions = (
        babel.__version__,
        icu.VERSION,
        icu.ICU_VERSION,
        jinja2.__version__,
        markdown.__version__,
        nh3.__version__,  # type: ignore[attr-defined]  # there at run time, not in its stubs
        persiantools.__version__,
        yaml.__version__,
    )
    digest.update(repr(versions).encode())
    return digest.digest()


CODE_VERSION = _code_version()


def key_of(path: Path, data: bytes) -> str:
    """Return the cache key of a file's bytes as read from a path, reported relative to the working directory."""
    digest = hashlib.blake2b(CODE_VERSION, digest_size=20)
    digest.update(str(path).encode() + b"\0" + os.getcwd().encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


class Kind(StrEnum):
    """What a cache entry holds: its name is the kind, a dash and a key_of digest of what it was made from."""

    CATALOGUE = "catalogue"  # the catalogue checked (validate.Catalogue)
    PARSE = "parse"  # one offices file parsed, not yet checked (validate.OfficesFile)
    COUNTY = "county"  # one offices file read and checked, without its offices (reading.CountyRead)
    OFFICES = "offices"  # one offices file's offices
    DATA = "data"  # one county's open-data rows, serialised (opendata.CountyData)
    SEARCH = "search"  # one county's search documents
    OUTPUT = "output"  # the record of the last build into an output folder (incremental.BuildRecord)


# The folder beside the entries holding the compiled templates, one per code version (Jinja's key is the source alone).
COMPILED_TEMPLATES = f"templates-{CODE_VERSION.hex()[:16]}"


# An entry on disk that no build has used for this long is deleted: edits leave old ones behind.
UNUSED_DAYS = 30


# Bytes of the seal that starts every file in the cache folder.
SEAL_SIZE = 32


def _seal(name: str, payload: bytes | memoryview) -> bytes:
    """Return the digest of an entry's name and bytes: a renamed or swapped entry fails like a damaged one."""
    digest = hashlib.blake2b(name.encode() + b"\0", digest_size=SEAL_SIZE)
    digest.update(payload)
    return digest.digest()


class BuildCache:
    """Results of reading files, by key: in memory, and on disk when given a folder.

    `trim`, after each build, keeps in memory only what that build used and deletes what no
    build has used for UNUSED_DAYS from disk, so that neither serve's memory nor the folder grows
    with every edit. `notes` says, each once, what went wrong with the folder: a damaged entry
    discarded, a folder that could not be read or written.
    """

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.memory: dict[str, object] = {}
        self.used: set[str] = set()
        self.notes: list[Message] = []
        # A write failed: the others would too (a full disk), so none is tried until the notes are taken.
        self.unwritable = False

    def get(self, kind: Kind, key: str) -> object | None:
        """Return what was kept of a kind under a key, or None."""
        key = f"{kind}-{key}"
        if key in self.memory:
            self.used.add(key)
            return self.memory[key]
        name = f"{key}.pickle"
        payload = self.load(name)
        if payload is None:
            return None
        try:
            found = pickle.loads(payload)
        except Exception:  # sealed by a build, yet not readable by this one: made again like a damaged entry
            self.discard(name)
            return None
        self.memory[key] = found
        self.used.add(key)
        return found

    def load(self, name: str) -> memoryview | None:
        """Return the bytes kept in the folder under a name (a path below it), their seal checked, or None.

        An entry that fails its seal is deleted; a folder that cannot be read is noted. Either way
        the caller makes what it needed again.
        """
        if self.folder is None:
            return None
        path = self.folder / name
        try:
            stored = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # not made yet, or a file in the folder's place: see store
            return None
        except OSError as exc:
            self.note(
                N_(
                    "warning: cache: cannot read {folder} ({reason}); this build is slower",
                    folder=str(self.folder),
                    reason=str(exc.strerror or exc),
                )
            )
            return None
        payload = memoryview(stored)[SEAL_SIZE:]
        if len(stored) < SEAL_SIZE or stored[:SEAL_SIZE] != _seal(name, payload):
            self.discard(name)
            return None
        with contextlib.suppress(OSError):  # a read-only folder: it is not trimmed either
            os.utime(path)  # used now: trimming goes by the time of last use
        return payload

    def discard(self, name: str) -> None:
        """Delete an entry that failed its check, and say so: it is made again."""
        self.note(N_("note: cache: discarded a damaged entry ({name}); it is made again", name=name))
        if self.folder is not None:
            with contextlib.suppress(OSError):  # it fails its seal again next time
                os.unlink(self.folder / name)

    def store(self, name: str, payload: bytes) -> None:
        """Keep bytes in the folder under a name (a path below it), sealed; a folder not writable is only noted."""
        if self.folder is None or self.unwritable:
            return
        path = self.folder / name
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as file:
                file.write(_seal(name, payload))
                file.write(payload)
            temporary.replace(path)  # whole or not at all, for a reader in another process
        except OSError as exc:
            self.unwritable = True
            # mkdir reports a file where a folder should be as "File exists"
            reason = os.strerror(errno.ENOTDIR) if isinstance(exc, FileExistsError) else exc.strerror or str(exc)
            self.note(
                N_(
                    "warning: cache: cannot write to {folder} ({reason}); "
                    "this build is slower and the next one will not reuse it",
                    folder=str(self.folder),
                    reason=reason,
                )
            )
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def note(self, message: Message) -> None:
        """Keep a message for the user about the cache folder, once however often it happens."""
        if message not in self.notes:
            self.notes.append(message)

    def take_notes(self) -> list[Message]:
        """Return the notes since last asked and forget them; the folder is tried for writing again."""
        notes, self.notes, self.unwritable = self.notes, [], False
        return notes

    def remember(self, kind: Kind, key: str, value: object) -> None:
        """Keep a result in memory only: another process has written it to disk."""
        key = f"{kind}-{key}"
        self.memory[key] = value
        self.used.add(key)

    def trim(self, keep: tuple[str, ...] = ()) -> None:
        """Forget in memory what the last build did not use; delete from disk what none has used for UNUSED_DAYS.

        `keep` names folders beside the entries that are in use (the compiled templates).
        """
        self.memory = {key: value for key, value in self.memory.items() if key in self.used}
        self.used = set()
        if self.folder is None:
            return
        too_old = time.time() - UNUSED_DAYS * 86400
        try:
            for entry in os.scandir(self.folder):
                if entry.name in keep or entry.stat(follow_symlinks=False).st_mtime >= too_old:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                elif entry.name.endswith(".pickle") or entry.name.startswith("."):
                    os.unlink(entry.path)
        except OSError:  # a cache that cannot be trimmed only costs disk space
            pass

    def put(self, kind: Kind, key: str, value: object) -> None:
        """Keep a result of a kind under a key; a cache folder that cannot be written only costs speed."""
        key = f"{kind}-{key}"
        self.memory[key] = value
        self.used.add(key)
        if self.folder is not None and not self.unwritable:
            self.store(f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
