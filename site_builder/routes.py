"""The only place a URL or an output path is made: one Route per page of the site.

Templates make their links with the `url`, `absolute`, `board_url` and `data_url` filters
(render.py), which call `url_of`, `board_of` and `data_file` here; the open data and the search
index take their paths from here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .datatables import LICENSES, TABLES
from .models import Agency, County, NewsItem, Office, Page, Province, Service, Tariff
from .site import CountySummary, ProvinceCoverage, SiteGraph, coverage, hours_of, reach


@dataclass(frozen=True, slots=True)
class Route:
    """One output page: its URL path below the base, its template and what the template receives."""

    path: str  # "" for the home page, "offices/13100123/" for an office, "en/offices/13100123/" in English
    template: str
    context: dict = field(default_factory=dict)
    language: str = ""  # the page's language; "" until `in_languages` gives it one
    twins: tuple[tuple[str, str], ...] = ()  # (language, path) of every language version of the page, itself included

    @property
    def output_file(self) -> str:
        """Return the file the page is written to, relative to the output folder."""
        return self.path + "index.html" if self.path == "" or self.path.endswith("/") else self.path


# Pages in the default language only: a board is the Persian notice the regulation makes each office post,
# and what crawlers and hosts read has no language.
ONE_LANGUAGE = frozenset({"board.html", "feed.xml", "sitemap.xml", "robots.txt", "404.html"})


def language_prefix(language: str, languages: tuple[str, ...]) -> str:
    """Return the path below the base under which a language's pages lie: "" for the default (first) language,
    "en/" for English."""
    return "" if language == languages[0] else f"{language}/"


def in_languages(routes: list[Route], languages: tuple[str, ...]) -> list[Route]:
    """Return each route once per language, each knowing its twins; a route in ONE_LANGUAGE only in the default
    language."""
    localised = []
    for route in routes:
        versions = languages[:1] if route.template in ONE_LANGUAGE else languages
        twins = tuple((language, language_prefix(language, languages) + route.path) for language in versions)
        localised += [
            Route(path, route.template, route.context, language, twins if len(twins) > 1 else ())
            for language, path in twins
        ]
    return localised


def base_path(base_url: str) -> str:
    """Return the path part of the base URL: '/' at a domain root, '/a/b/' under a sub-path."""
    return urlsplit(base_url).path or "/"


# The site's pages and folders that no model object stands for, by the name templates give them: {{ "services"|url }}.
SECTIONS = {
    "home": "",
    "services": "services/",
    "tariffs": "tariffs/",
    "news": "news/",
    "data": "data/",
    "stats": "stats/",
    "search": "search/",
    "search index": "pagefind/",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "not found": "404.html",
    "robots": "robots.txt",
}


def url_of(target: object, service: Service | None = None) -> str:
    """Return the path below the base of a model object's page or of a section (SECTIONS); of a county and a service,
    the county's offices offering it."""
    if service is not None:
        return f"{url_of(target)}services/{service.id}/"
    match target:
        case str():
            return SECTIONS[target]
        case Province():
            return f"provinces/{target.id}/"
        case County():
            return f"provinces/{target.province_id}/{target.id}/"
        case Office():
            return office_url(target.code)
        case Page():
            return f"{target.slug}/"
        case NewsItem():
            return f"news/{target.slug}/"
        case Service():
            return f"services/{target.id}/"
        case Agency():
            return f"agencies/{target.id}/"
        case Tariff():
            return f"tariffs/{target.year}/"
        case ProvinceCoverage():
            return f"stats/{target.province.id}/"
    raise TypeError(f"no page for {type(target).__name__}")


def office_url(code: str) -> str:
    """Return the path below the base of the page of the office with this code."""
    return f"offices/{code}/"


def board_of(office: Office) -> str:
    """Return the path below the base of the board an office must post (in the default language only: ONE_LANGUAGE)."""
    return url_of(office) + "board/"


def data_file(name: str) -> str:
    """Return the path below the base of a file of the open data."""
    return url_of("data") + name


def _places(graph: SiteGraph) -> tuple[tuple[Province, tuple[CountySummary, ...]], ...]:
    """Return the provinces in Persian order, each with its counties' summaries: what the home and search pages list."""
    return tuple((province, tuple(graph.counties_of(province))) for province in graph.provinces)


def plan_home(graph: SiteGraph) -> Route:
    """Return the home page: each province and county with its count of offices, the national figures, the news."""
    return Route(
        url_of("home"),
        "home.html",
        {"places": _places(graph), "figures": graph.figures, "news": graph.content.news[:3]},
    )


def plan(graph: SiteGraph, with_home: bool = True) -> list[Route]:
    """Return every page of the site but the counties' and their offices' (see plan_county); the home page first."""
    content = graph.content
    places = reach(graph)
    site_wide = graph.site_wide
    routes = [plan_home(graph)] if with_home else []
    for province in graph.provinces:
        routes.append(
            Route(url_of(province), "province.html", {"province": province, "counties": graph.counties_of(province)})
        )
    routes.append(Route(url_of("services"), "services.html"))
    for service in content.services:
        routes.append(
            Route(
                url_of(service),
                "service.html",
                {"service": service, "agency": site_wide.agencies[service.agency_id], "places": places[service.id]},
            )
        )
    for agency in content.agencies:
        routes.append(
            Route(url_of(agency), "agency.html", {"agency": agency, "services": site_wide.services_of(agency)})
        )
    in_force = site_wide.tariff_in_force
    routes.append(Route(url_of("tariffs"), "tariff.html", {"tariff": in_force, "in_force": True}))
    for tariff in site_wide.tariffs:
        routes.append(Route(url_of(tariff), "tariff.html", {"tariff": tariff, "in_force": tariff is in_force}))
    for page in content.pages:
        routes.append(Route(url_of(page), "page.html", {"page": page}))
    routes.append(Route(url_of("news"), "news_index.html", {"news": content.news}))
    for item in content.news:
        about = graph.province_by_id[item.province_id] if item.province_id else None  # the province it is about
        routes.append(Route(url_of(item), "news.html", {"item": item, "province": about}))
    license = LICENSES[content.settings.data_license]
    routes.append(Route(url_of("data"), "data.html", {"tables": TABLES, "license": license}))
    national = coverage(graph)
    routes.append(Route(url_of("stats"), "stats.html", {"national": national}))
    for measured in national.provinces:
        routes.append(Route(url_of(measured), "stats_province.html", {"measured": measured}))
    routes.append(Route(url_of("search"), "search.html", {"places": _places(graph)}))
    routes.append(Route(url_of("feed"), "feed.xml", {"news": content.news}))
    languages = content.settings.languages
    prefixes = tuple((language, language_prefix(language, languages)) for language in languages)
    routes.append(
        Route(
            url_of("sitemap"),
            "sitemap.xml",
            {"pages": tuple(_sitemap(graph, routes)), "prefixes": prefixes if len(languages) > 1 else ()},
        )
    )
    routes.append(Route(url_of("not found"), "404.html"))
    routes.append(Route(url_of("robots"), "robots.txt"))
    return routes


def _sitemap(graph: SiteGraph, routes: list[Route]) -> Iterator[str]:
    """Yield the path of every page crawlers should index: the site's, the counties' and the offices' (not the boards,
    which repeat them).

    Each is the default language's; the sitemap names the other languages' twins as its alternates, which
    keeps the national sitemap under the protocol's 50,000 addresses.
    """
    yield url_of("home")
    yield from (route.path for route in routes if route.path.endswith("/"))
    for province in graph.provinces:
        for county in province.counties:
            yield url_of(county)
            counts = graph.counts.get((province.id, county.id))
            yield from (office_url(code) for code in (counts.codes if counts else ()))


def plan_county(graph: SiteGraph, county: County, offices: tuple[Office, ...]) -> list[Route]:
    """Return the pages of one county: its own, its offices' and, for each service its active offices list, those
    offices (those that may serve it first)."""
    province = graph.province_by_id[county.province_id]
    summary = graph.counties[(province.id, county.id)]
    pages = graph.county_pages(offices)
    routes = [
        Route(
            url_of(county),
            "county.html",
            {"province": province, "summary": summary, "offered": graph.offered_in(county), **pages},
        )
    ]
    for office in offices:
        shown = {
            "office": office,
            "province": province,
            "county": county,
            "hours": hours_of(office, province),
            "nearby": graph.serving_near(office, pages["offices"]),  # for an office that may not serve
        }
        routes.append(Route(url_of(office), "office.html", shown))
        routes.append(Route(board_of(office), "board.html", shown))
    for service, offering, not_serving in graph.offices_by_service(pages["offices"]):
        routes.append(
            Route(
                url_of(county, service),
                "finder.html",
                {
                    "province": province,
                    "county": county,
                    "service": service,
                    "agency": graph.site_wide.agencies[service.agency_id],
                    "offices": offering,
                    "not_serving": not_serving,  # active offices listing it whose license has expired
                },
            )
        )
    return routes


def plan_search(graph: SiteGraph) -> list[Route]:
    """Return the search documents of the site's own pages: provinces, counties, services, pages and news."""
    routes = []
    for province in graph.provinces:
        routes.append(Route(url_of(province), "search/place.html", {"province": province, "county": None}))
        for summary in graph.counties_of(province):
            routes.append(
                Route(
                    url_of(summary.county),
                    "search/place.html",
                    {"province": province, "county": summary.county, "summary": summary},
                )
            )
    for service in graph.content.services:
        routes.append(
            Route(
                url_of(service),
                "search/service.html",
                {"service": service, "agency": graph.site_wide.agencies[service.agency_id]},
            )
        )
    for page in graph.content.pages:
        routes.append(Route(url_of(page), "search/page.html", {"page": page, "item": None}))
    for item in graph.content.news:
        routes.append(Route(url_of(item), "search/page.html", {"page": None, "item": item}))
    return routes


def plan_search_county(graph: SiteGraph, county: County, offices: tuple[Office, ...]) -> list[Route]:
    """Return the search documents of a county's offices."""
    province = graph.province_by_id[county.province_id]
    return [
        Route(url_of(office), "search/office.html", {"office": office, "province": province, "county": county})
        for office in offices
    ]
