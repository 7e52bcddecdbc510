"""The plan of a build: which pages to render, which groups of pages keep their files whole, what national to make."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import Environment

from .cache import BuildCache
from .config import BuildOptions
from .fingerprint import Fingerprints
from .incremental import BuildInputs, BuildRecord, GroupRecord, kept_group, page_groups
from .models import Content
from .publish import NationalGroup, data_group, search_group
from .reading import ContentRead
from .routes import Route, in_languages, plan_home
from .site import SiteGraph
from .writer import Entry


@dataclass(frozen=True, slots=True)
class BuildPlan:
    """What a build will do: the pages to render (or keep one by one), the groups kept whole, the national to make."""

    routes: list[Route]
    planned: dict[str, tuple[str, list[str]]]  # a group of pages planned -> its fingerprint and its pages' output files
    kept: dict[str, GroupRecord]  # groups whose files the last build left as they are now
    kept_files: list[Entry]  # those groups' files
    national: list[NationalGroup]  # the open data and the search index, where they must be made again

    @property
    def pages(self) -> int:
        return len(self.routes) + sum(group.pages for group in self.kept.values())

    def rendered(self, files_of: Callable[[str], tuple[str, ...]]) -> dict[str, GroupRecord]:
        """Return the records of the groups planned, given the files each page is published as."""
        return {
            name: GroupRecord(fingerprint, tuple(file for output in outputs for file in files_of(output)), len(outputs))
            for name, (fingerprint, outputs) in self.planned.items()
        }


def plan_build(
    options: BuildOptions,
    previous: BuildRecord | None,
    read: ContentRead,
    content: Content,
    graph: SiteGraph,
    fingerprints: Fingerprints,
    cache: BuildCache,
    envs: dict[str, Environment],
    data_gettext: Callable[[str], str],
    inputs: BuildInputs,
) -> BuildPlan:
    """Plan the pages of each group whose fingerprint changed or whose files were touched; keep the others whole."""
    languages = content.settings.languages
    routes = in_languages([plan_home(graph)], languages)
    planned: dict[str, tuple[str, list[str]]] = {}
    kept: dict[str, GroupRecord] = {}
    kept_files: list[Entry] = []
    for group in page_groups(read, content, graph, fingerprints, cache):
        old = kept_group(previous, group.name, group.fingerprint, options.output_dir)
        if old is not None:
            kept[group.name] = old[0]
            kept_files += old[1]
            continue
        pages = in_languages(group.plan(), languages)
        routes += pages
        planned[group.name] = (group.fingerprint, [route.output_file for route in pages])
    national = []
    for made in (
        data_group(read, content, graph, fingerprints, cache, data_gettext),
        search_group(read, graph, fingerprints, cache, envs[languages[0]], inputs.interface, not options.search_index),
    ):
        # A lagging group keeps its own fingerprint: it is made again by the next build that wants it.
        old = kept_group(previous, made.name, None if made.may_lag else made.fingerprint, options.output_dir)
        if old is not None:
            kept[made.name] = old[0]
            kept_files += old[1]
        elif not made.may_lag:
            national.append(made)
    return BuildPlan(routes, planned, kept, kept_files, national)
