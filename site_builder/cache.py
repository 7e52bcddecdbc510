"""The build cache: offices files already read, kept by content so that an unchanged file is never parsed twice.

It lives in memory (serve keeps one across rebuilds) and, given a folder, on disk between runs.
A cache file that is damaged or from another version is treated as missing; a cache that cannot
be written is simply not kept. Entries are pickles: restore a cache folder only from your own builds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

# The modules that read and check content and count offices, and the libraries they lean on:
# a change to any of them gives every file a new key.
_READERS = ("errors", "yamlio", "persian", "fields", "models", "schema", "loader", "validate", "pickling", "site")


def _code_version() -> bytes:
    import icu  # the libraries' own version attributes: importlib.metadata costs more than a rebuild can spare
    import persiantools
    import yaml

    digest = hashlib.blake2b(sys.version.encode(), digest_size=16)
    for name in _READERS:
        digest.update((Path(__file__).parent / f"{name}.py").read_bytes())
    digest.update(repr((yaml.__version__, persiantools.__version__, icu.VERSION, icu.ICU_VERSION)).encode())
    return digest.digest()


_CODE_VERSION = _code_version()


def key_of(path: Path, data: bytes) -> str:
    """Return the cache key of a file's bytes as read from a path, reported relative to the working directory."""
    digest = hashlib.blake2b(_CODE_VERSION, digest_size=20)
    digest.update(str(path).encode() + b"\0" + os.getcwd().encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


class BuildCache:
    """Results of reading files, by key: in memory, and on disk when given a folder."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.memory: dict[str, object] = {}

    def get(self, key: str) -> object | None:
        """Return what was kept under a key, or None."""
        if key in self.memory:
            return self.memory[key]
        if self.folder is None:
            return None
        try:
            stored = (self.folder / f"{key}.pickle").read_bytes()
            checksum, payload = stored[:32], stored[32:]
            if hashlib.blake2b(payload, digest_size=32).digest() != checksum:
                return None
            found = pickle.loads(payload)
        except Exception:  # missing, damaged or unreadable: read the file again instead
            return None
        self.memory[key] = found
        return found

    def put(self, key: str, value: object) -> None:
        """Keep a result; a cache folder that cannot be written only costs speed."""
        self.memory[key] = value
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
