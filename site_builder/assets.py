"""Static files named after their bytes, so that a web server may let browsers keep them for a year.

`site.css` is published as `static/site.<digest>.css`; a stylesheet's `url(...)` references to
other static files are rewritten to those files' published names before its own digest is taken,
so that a new font gives the stylesheet a new name too. Licence texts (`.txt`) keep their names:
people look for them, and nothing links to them.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass

from .errors import N_, UsageError

# url("fonts/a.woff2"), url('a.svg') or url(a.png) in a stylesheet; data: and absolute URLs are left alone.
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)""")
_KEEP_NAME = (".txt",)


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file as published."""

    source: str  # its path below static/, as templates name it: "site.css"
    path: str  # its path in the output: "static/site.1a2b3c4d5e.css"
    data: bytes


def hashed_assets(files: list[tuple[str, bytes]]) -> dict[str, Asset]:
    """Name each static file (path below static/, bytes) after its bytes; stylesheets after their rewritten bytes."""
    assets: dict[str, Asset] = {}
    for source, data in sorted(
        files, key=lambda file: file[0].endswith(".css")
    ):  # what stylesheets refer to comes first
        if source.endswith(".css"):
            data = _rewrite_urls(source, data, assets)
        assets[source] = Asset(source, "static/" + _published_name(source, data), data)
    return dict(sorted(assets.items()))


def _published_name(source: str, data: bytes) -> str:
    if source.endswith(_KEEP_NAME):
        return source
    stem, dot, suffix = source.rpartition(".")
    if not dot or "/" in suffix:
        stem, suffix = source, ""
    digest = hashlib.blake2b(data, digest_size=5).hexdigest()
    return f"{stem}.{digest}.{suffix}" if suffix else f"{stem}.{digest}"


def _rewrite_urls(source: str, data: bytes, assets: dict[str, Asset]) -> bytes:
    """Point a stylesheet's relative url()s at the published names of the files they name.

    A url() naming no file in static/ is refused: once names carry digests it could only be a
    mistake. A query or fragment (`font.eot?#iefix`) is kept after the published name.
    """
    folder = posixpath.dirname(source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(N_("static/{source} is not UTF-8 text; save it as UTF-8", source=source)) from None

    def published(match: re.Match) -> str:
        quote, url = match.group(1), match.group(2)
        if ":" in url or url.startswith(("/", "#")):
            return match.group(0)
        suffix = re.search(r"[?#]", url)
        name, tail = (url[: suffix.start()], url[suffix.start() :]) if suffix else (url, "")
        target = assets.get(posixpath.normpath(posixpath.join(folder, name)))
        if target is None:
            raise UsageError(N_("static/{source}: url({url}) names no file in static/", source=source, url=url))
        relative = posixpath.relpath(target.path, posixpath.dirname("static/" + source))
        return f"url({quote}{relative}{tail}{quote})"

    return _CSS_URL.sub(published, text).encode("utf-8")
