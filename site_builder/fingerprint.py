"""Page fingerprints: a digest of everything a page shows, so that an unchanged page is not rendered again.

A page's fingerprint covers exactly what its template receives: its route's context and what every
page may show (site.SiteWide: the settings, the build date, the pages menu, the catalogue, the
tariffs), plus the templates, the code and its libraries. Templates reach nothing else of the site
(render.environment), so a fact a page shows cannot be left out of its fingerprint. Pages also come
in groups with one fingerprint each, so that an unchanged group costs nothing: a county's page and
its offices' pages (of_county), and the site's own pages, which show the content but the offices
and the counts of the offices (of_site).
"""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path

from .cache import CODE_VERSION
from .models import County, Province
from .routes import Route
from .site import SiteGraph


def digest(*parts: bytes) -> bytes:
    """Return one digest of several byte strings, each delimited by its length."""
    combined = hashlib.blake2b(digest_size=20)
    for part in parts:
        combined.update(len(part).to_bytes(8, "little"))
        combined.update(part)
    return combined.digest()


def folder_digest(folder: Path, pattern: str = "**/*") -> bytes:
    """Return a digest of the names and bytes of the files below a folder."""
    parts = []
    for path in sorted(folder.glob(pattern)):
        if path.is_file():
            parts += [str(path.relative_to(folder)).encode(), path.read_bytes()]
    return digest(*parts)


class Fingerprints:
    """Computes page fingerprints for one build; digests of shared objects are computed once."""

    def __init__(self, graph: SiteGraph, templates: bytes):
        """Take the graph and the digest of the templates and catalogues (pipeline.interface_digest), read once per
        build."""
        self.shared = digest(_canonical(graph.site_wide), templates, CODE_VERSION)
        self.graph = graph
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._content_and_counts_digest: bytes | None = None

    def of(self, route: Route) -> str:
        """Return a route's fingerprint: of what its template receives, the shared part and its context."""
        parts = [self.shared, route.template.encode(), route.path.encode()]
        for key in sorted(route.context):
            parts += [key.encode(), self._value(route.context[key])]
        return digest(*parts).hex()

    def of_site(self) -> str:
        """Return one fingerprint for the site's own pages, which show the content but the offices, and the counts of
        the offices."""
        return digest(self.shared, b"site", self._content_and_counts()).hex()

    def of_national(self, name: str, county_keys: list[str]) -> str:
        """Return one fingerprint for files made from every county (the open data, the search index): from the keys of
        what each county gives them, the content and the counts."""
        return digest(
            self.shared, name.encode(), self._content_and_counts(), *(key.encode() for key in county_keys)
        ).hex()

    def of_county(self, county: County, source: bytes) -> str:
        """Return one fingerprint for a county's page and its offices' pages, from the key of what was read for them.

        Those pages show the county, its province, its offices (which `source` stands for) and
        what every page may show; while this is unchanged none of them is planned or rendered.
        """
        province = self.graph.province_by_id[county.province_id]
        return digest(self.shared, b"county", self._value(province), self._value(county), source).hex()

    def _content_and_counts(self) -> bytes:
        """Return the digest of the content without the offices and of every county's counts, computed once: both
        groups read it."""
        if self._content_and_counts_digest is None:
            self._content_and_counts_digest = digest(_canonical((self.graph.content, self.graph.counts)))
        return self._content_and_counts_digest

    def _value(self, value: object) -> bytes:
        # Keyed by identity, holding the value: an identity is another object's once the value is collected.
        known = self._memo.get(id(value))
        if known is None:
            buffer = io.BytesIO()
            _Pickler(buffer, value, self).dump(value)
            known = self._memo[id(value)] = (value, digest(buffer.getvalue()))
        return known[1]


def _canonical(value: object) -> bytes:
    """Pickle a value the same way whenever it is equal: without the memo, whose back-references follow object
    identity."""
    buffer = io.BytesIO()
    _Pickler(buffer, value).dump(value)
    return buffer.getvalue()


class _Pickler(pickle.Pickler):
    """Pickles a value canonically, with the provinces and counties inside it written as their digests when given
    fingerprints.

    Many contexts hold the same province and county objects (where a service is offered lists
    them all); each is pickled once per build instead of once per page.
    """

    def __init__(self, file, value: object, fingerprints: Fingerprints | None = None):
        super().__init__(file, protocol=5)
        self.fast = True  # no memo: equal values give equal bytes, however their objects are shared
        self.value = value
        self.fingerprints = fingerprints

    def reducer_override(self, obj: object):
        # Called for objects other than the built-in containers and scalars, so it costs little.
        if self.fingerprints is not None and obj is not self.value and type(obj) in (Province, County):
            return bytes, (self.fingerprints._value(obj),)
        return NotImplemented
