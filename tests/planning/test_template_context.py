"""Templates receive exactly what a page's fingerprint digests: the shared SiteWide object and their route's context."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_TODAY
from jinja2 import Environment, StrictUndefined, UndefinedError
from jinja2.utils import missing

from site_builder import pipeline, reading
from site_builder.assets import hashed_assets
from site_builder.cache import BuildCache
from site_builder.config import BuildOptions
from site_builder.fingerprint import Fingerprints
from site_builder.i18n import translations
from site_builder.incremental import static_files
from site_builder.loader import scan
from site_builder.render import TEMPLATE_TYPES, environment, render
from site_builder.routes import Route, in_languages, plan, plan_county, plan_search, plan_search_county
from site_builder.site import SiteGraph, build_graph, count_offices

TEMPLATES = ROOT / "templates"


class Unsupplied(StrictUndefined):
    """Fails at the lookup of any name neither the environment nor the route supplies, even under `is defined`."""

    def __init__(self, hint=None, obj=missing, name=None, exc=UndefinedError):
        if obj is missing and name is not None:
            raise UndefinedError(f"a template looked up {name!r}, which neither site_wide nor its route supplies")
        super().__init__(hint, obj, name, exc)


@pytest.fixture(scope="module")
def sample() -> tuple[SiteGraph, dict[tuple[str, str], tuple]]:
    """The sample content's site graph and each county's offices."""
    options = BuildOptions(content_dir=ROOT / "content", today=SAMPLE_TODAY)
    cache = BuildCache()
    read, content = pipeline.validated(options, scan(options.content_dir), lambda *_: None, cache)
    graph = pipeline.site_graph(options, read, content)
    offices = {(county.province, county.county): reading.offices_of(county, read, cache) for county in read.counties}
    return graph, offices


def strict_environments(graph: SiteGraph) -> dict[str, Environment]:
    """Return each language's environment as the build makes it, with lookups of unsupplied names failing."""
    assets = hashed_assets(static_files(ROOT / "static"))
    languages = graph.content.settings.languages
    envs = {}
    for language in languages:
        env = environment(
            TEMPLATES,
            graph.site_wide,
            language,
            translations(ROOT / "locales", language),
            None,
            {source: asset.path for source, asset in assets.items()},
            translations(ROOT / "locales", languages[0]),
        )
        env.undefined = Unsupplied  # read by the compiled templates when they render
        envs[language] = env
    return envs


def every_route(graph: SiteGraph, offices: dict[tuple[str, str], tuple]) -> list[Route]:
    """Return every page of the sample in every language, and the search documents (in the default language)."""
    routes = plan(graph)
    documents = plan_search(graph)
    for province in graph.content.provinces:
        for county in province.counties:
            found = offices.get((province.id, county.id), ())
            routes += plan_county(graph, county, found)
            documents += plan_search_county(graph, county, found)
    languages = graph.content.settings.languages
    return in_languages(routes, languages) + in_languages(documents, languages[:1])


def test_the_environment_holds_site_wide_and_no_site_graph(sample):
    graph, _ = sample
    for env in strict_environments(graph).values():
        assert "graph" not in env.globals
        assert env.globals["site_wide"] is graph.site_wide
        assert not any(isinstance(value, SiteGraph) for value in env.globals.values())


def test_every_template_renders_from_site_wide_and_its_route_context_alone(sample):
    graph, offices = sample
    envs = strict_environments(graph)
    rendered = set()
    for route in every_route(graph, offices):
        assert not any(isinstance(value, SiteGraph) for value in route.context.values()), route.path
        assert render(route, envs[route.language])
        rendered.add(route.template)
    pages = {
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*")
        if path.suffix[1:] in TEMPLATE_TYPES and not path.name.startswith("_")
    }
    # base.html is every page's frame; problems.html is serve's page of content problems, made without a site.
    assert pages - rendered == {"base.html", "problems.html"}


@pytest.mark.parametrize(
    "source", ["{{ graph.today }}", "{% if graph is defined %}shown{% endif %}", "{{ site_wide.today }}{{ counties }}"]
)
def test_a_template_reading_anything_else_fails(sample, source):
    graph, _ = sample
    env = strict_environments(graph)["fa"]
    with pytest.raises(UndefinedError):
        env.from_string(source).render()


def _fingerprints(graph: SiteGraph) -> Fingerprints:
    return Fingerprints(graph, b"the same templates")


def _by_path(routes: list[Route], fingerprints: Fingerprints) -> dict[str, str]:
    return {route.path: fingerprints.of(route) for route in routes}


def test_a_changed_tariff_changes_the_fee_pages_fingerprints(sample):
    graph, _ = sample
    content = graph.content
    in_force = graph.site_wide.tariff_in_force
    service_id, fee = next(iter(in_force.fees.items()))
    raised = dataclasses.replace(
        in_force, fees={**in_force.fees, service_id: dataclasses.replace(fee, urban=fee.urban + 1)}
    )
    changed = dataclasses.replace(
        content, tariffs=tuple(raised if tariff is in_force else tariff for tariff in content.tariffs)
    )
    before = _by_path(plan(graph), _fingerprints(graph))
    after_graph = build_graph(changed, graph.counts, graph.today)
    after = _by_path(plan(after_graph), _fingerprints(after_graph))
    for path in ("tariffs/", f"tariffs/{in_force.year}/", "services/", f"services/{service_id}/"):
        assert before[path] != after[path], path


def test_a_changed_office_changes_its_pages_and_its_countys_but_no_other_countys(sample):
    graph, offices = sample
    (province_id, county_id), found = next((key, found) for key, found in offices.items() if found)
    (other_province_id, other_county_id), other_found = next(
        (key, found) for key, found in offices.items() if found and key != (province_id, county_id)
    )
    county = next(c for c in graph.province_by_id[province_id].counties if c.id == county_id)
    other = next(c for c in graph.province_by_id[other_province_id].counties if c.id == other_county_id)
    office = found[0]
    moved = (dataclasses.replace(office, address=(office.address or "") + " (moved)"), *found[1:])
    fingerprints = _fingerprints(graph)
    before = _by_path(plan_county(graph, county, found), fingerprints)
    after = _by_path(plan_county(graph, county, moved), fingerprints)
    for path in (f"offices/{office.code}/", f"offices/{office.code}/board/", f"provinces/{province_id}/{county_id}/"):
        assert before[path] != after[path], path
    untouched = _by_path(plan_county(graph, other, other_found), fingerprints)
    assert untouched == _by_path(plan_county(graph, other, other_found), _fingerprints(graph))


def test_the_home_and_search_pages_change_with_a_countys_count(sample):
    graph, offices = sample
    key, found = next((key, found) for key, found in offices.items() if found)
    counts = {**graph.counts, key: count_offices(found[1:])}
    fewer = build_graph(graph.content, counts, graph.today)
    before = _by_path(plan(graph), _fingerprints(graph))
    after = _by_path(plan(fewer), _fingerprints(fewer))
    assert before[""] != after[""]
    assert before["search/"] != after["search/"]
    assert before["news/"] == after["news/"]


def test_the_fee_row_fragment_reads_site_wide_only(sample, tmp_path: Path):
    graph, offices = sample
    env = strict_environments(graph)["fa"]
    office = next(office for found in offices.values() for office in found if office.services)
    assert "<tr>" in env.filters["fee_row"](office.services[0], office.kind)
