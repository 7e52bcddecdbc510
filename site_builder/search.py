"""The search index: Pagefind indexes one small document per office, place, service and page into static files.

The documents are not the site's pages: they hold only what a citizen searches by, with every
digit Latin and every Arabic ي/ك Persian, because Pagefind matches neither ۱۲۳ with 123 nor ي
with ی. The search page's script normalises queries the same way. Each document names its page
in a `url` meta, so the documents can lie in one flat folder that Pagefind reads quickly.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import cbor2
from pagefind.service import get_executable

from .errors import N_
from .persian import latin_digits, persian_letters
from .routes import url_of

BUNDLE = url_of("search index")
# What the search page loads of Pagefind's bundle; its own UIs and their styles are left out.
_PUBLISHED = re.compile(
    r"(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|wasm\.[^/]+\.pagefind|(index|fragment|filter)/[^/]+)"
)


class SearchIndexFailed(OSError):
    """Pagefind could not be run, or failed; the previous site stays as it was."""


def searchable(document: str) -> bytes:
    """Return a rendered document as Pagefind should index it: Latin digits, Persian ی and ک."""
    return persian_letters(latin_digits(document)).encode("utf-8")


def index(documents: Iterable[bytes]) -> list[tuple[str, bytes]]:
    """Index the documents with Pagefind; return the bundle's files as (path in the output, bytes), in path order."""
    executable = get_executable()
    if executable is None:
        raise SearchIndexFailed(
            N_("Pagefind's program is missing: install the requirements (pip install 'pagefind[bin]')")
        )
    with tempfile.TemporaryDirectory(prefix="pishkhan-search-") as scratch:
        site, bundle = Path(scratch, "documents"), Path(scratch, "bundle")
        site.mkdir()
        for number, document in enumerate(documents):
            (site / f"{number:06d}.html").write_bytes(document)
        finished = subprocess.run(
            [str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"],
            capture_output=True,
            text=True,
        )
        if finished.returncode != 0:
            raise SearchIndexFailed(
                N_(
                    "Pagefind failed (exit {code:d}): {output}",
                    code=finished.returncode,
                    output=(finished.stderr or finished.stdout).strip(),
                )
            )
        files = {
            name: (bundle / name).read_bytes()
            for name in (path.relative_to(bundle).as_posix() for path in bundle.rglob("*"))
            if _PUBLISHED.fullmatch(name)
        }
    return [(BUNDLE + name, data) for name, data in sorted(_stable(files).items())]


_HEADER = b"pagefind_dcd"  # what Pagefind's compressed files start with, before their CBOR


def _stable(files: dict[str, bytes]) -> dict[str, bytes]:
    """Return the bundle with its filter files and their list in a stable order.

    Pagefind writes them in hash-map order, which changes from run to run (its issue #638: the
    fragments are stable since 1.3, "the filter/metadata indexes" are not), so the same content
    would give a different bundle each time. Each filter's values are sorted, each filter file is
    named after its new bytes, and the metadata file that lists them after its own.
    """
    entry = json.loads(files.pop("pagefind-entry.json"))
    for language in entry["languages"].values():
        meta_name = f"pagefind.{language['hash']}.pf_meta"
        meta = _decode(files.pop(meta_name))
        prefix = language["hash"].split("_")[0]
        listed = []
        for name, old_hash in sorted(meta[3]):
            values = _decode(files.pop(f"filter/{old_hash}.pf_filter"))
            body = _encode([values[0], sorted(values[1])])
            new_hash = f"{prefix}_{hashlib.blake2b(body, digest_size=4).hexdigest()[:7]}"
            files[f"filter/{new_hash}.pf_filter"] = body
            listed.append([name, new_hash])
        meta[3] = listed
        body = _encode(meta)
        language["hash"] = f"{prefix}_{hashlib.blake2b(body, digest_size=5).hexdigest()}"
        files[f"pagefind.{language['hash']}.pf_meta"] = body
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return files


def _decode(data: bytes) -> list:
    plain = gzip.decompress(data)
    if not plain.startswith(_HEADER):
        raise SearchIndexFailed(N_("Pagefind wrote a file this program cannot read; is pagefind the pinned version?"))
    return cbor2.loads(plain[len(_HEADER) :])


def _encode(value: list) -> bytes:
    return gzip.compress(_HEADER + cbor2.dumps(value), compresslevel=9, mtime=0)
