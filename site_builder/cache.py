"""The build cache: what reading and checking content produced, kept by content so that nothing unchanged is read twice.

It keeps the catalogue checked, each offices file read, each county's counts and offices, and a
record of the last build into each output folder; compiled templates sit beside it. It lives in
memory (serve keeps one across rebuilds) and, given a folder, on disk between runs.
A cache file that is damaged or from another version is treated as missing; a cache that cannot
be written is simply not kept. Entries are pickles: restore a cache folder only from your own builds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

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
    versions = (babel.__version__, icu.VERSION, icu.ICU_VERSION, jinja2.__version__, markdown.__version__, nh3.__version__, persiantools.__version__, yaml.__version__)
    digest.update(repr(versions).encode())
    return digest.digest()


CODE_VERSION = _code_version()


def key_of(path: Path, data: bytes) -> str:
    """Return the cache key of a file's bytes as read from a path, reported relative to the working directory."""
    digest = hashlib.blake2b(CODE_VERSION, digest_size=20)
    digest.update(str(path).encode() + b"\0" + os.getcwd().encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


# An entry on disk that no build has used for this long is deleted: edits leave old ones behind.
UNUSED_DAYS = 30


class BuildCache:
    """Results of reading files, by key: in memory, and on disk when given a folder.

    `trim`, after each build, keeps in memory only what that build used and deletes what no
    build has used for UNUSED_DAYS from disk, so that neither serve's memory nor the folder grows
    with every edit.
    """

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.memory: dict[str, object] = {}
        self.used: set[str] = set()

    def get(self, key: str) -> object | None:
        """Return what was kept under a key, or None."""
        if key in self.memory:
            self.used.add(key)
            return self.memory[key]
        if self.folder is None:
            return None
        path = self.folder / f"{key}.pickle"
        try:
            stored = path.read_bytes()
            checksum, payload = stored[:32], stored[32:]
            if hashlib.blake2b(payload, digest_size=32).digest() != checksum:
                return None
            found = pickle.loads(payload)
            os.utime(path)  # used now: trimming goes by the time of last use
        except Exception:  # missing, damaged or unreadable: read the file again instead
            return None
        self.memory[key] = found
        self.used.add(key)
        return found

    def remember(self, key: str, value: object) -> None:
        """Keep a result in memory only: another process has written it to disk."""
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

    def put(self, key: str, value: object) -> None:
        """Keep a result; a cache folder that cannot be written only costs speed."""
        self.memory[key] = value
        self.used.add(key)
        if self.folder is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}"
            temporary.write_bytes(hashlib.blake2b(payload, digest_size=32).digest() + payload)
            temporary.replace(self.folder / f"{key}.pickle")
        except OSError:
            pass
