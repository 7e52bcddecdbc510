"""Search budgets, each against its floor in one run: index time, index size, a first query's bytes, typing to results.

    python benchmarks/search.py [--offices 30000] [--national DIR] [--sample-only] [--queries 8]

For the shipped sample and for synthetic national content (`build.py synth`, seed 1, unless --national):
  index   a clean `build.py --precompress`, run here with its progress timed: the seconds of its "search
          index" stage (documents rendered, Pagefind run, its files written), the extra build time for
          search; floor: Pagefind alone (`pagefind --site`) on the same documents, already written
  size    files and bytes under output/pagefind/
  first   the site served by nginx with deploy/nginx.conf; Chromium, with an empty cache, opens /search/ and
          types an office code; the bytes nginx sent (headers and compressed bodies) from the page's request
          until the results are on screen. Budget 300 KB; Pagefind's documentation says a search of a
          10,000-page site costs "a total network payload under 300kB, including the Pagefind library itself"
  typing  from the last keystroke to the results on screen, median over the queries; floor: the same search
          run through Pagefind's API in the same page (search, then the data of the first results)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "deploy"))

from nginx_preview import nginx_serving  # noqa: E402
from pagefind.service import get_executable  # noqa: E402

from site_builder import pipeline, reading  # noqa: E402
from site_builder.cache import BuildCache  # noqa: E402
from site_builder.config import BuildOptions  # noqa: E402
from site_builder.i18n import translations  # noqa: E402
from site_builder.loader import scan  # noqa: E402
from site_builder.render import environment, render  # noqa: E402
from site_builder.routes import plan_search, plan_search_county  # noqa: E402
from site_builder.search import searchable  # noqa: E402

TODAY = "1405/09/01"
BUDGET = 300 * 1000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def timed_build(content: Path, output: Path) -> tuple[float, float]:
    """Build with --precompress and an empty cache; return the whole build's seconds and its search index stage's."""
    marks: dict[tuple[str, int], float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault((stage, done), time.perf_counter())

    options = BuildOptions(content_dir=content, output_dir=output, today=TODAY, jobs=2, precompress=True)
    started = time.perf_counter()
    pipeline.build(options, progress, BuildCache())
    return time.perf_counter() - started, marks[("search index", 1)] - marks[("search index", 0)]


def pagefind_alone(content: Path, work: Path) -> float:
    """Write the build's search documents to a folder, then time Pagefind's own run on them."""
    options = BuildOptions(content_dir=content, today=TODAY, jobs=2)
    cache = BuildCache()
    read, model = pipeline.validated(options, scan(content), lambda *_: None, cache)
    graph = pipeline.site_graph(options, read, model)
    language = model.settings.languages[0]  # search documents are written in the default language
    env = environment(options.templates_dir, graph.site_wide, language, translations(options.locales_dir, language))
    routes = plan_search(graph)
    for county_read in read.counties:
        county = next(c for c in graph.province_by_id[county_read.province].counties if c.id == county_read.county)
        routes += plan_search_county(graph, county, reading.offices_of(county_read, read, cache))
    documents = work / "documents"
    documents.mkdir()
    for number, route in enumerate(routes):
        (documents / f"{number:06d}.html").write_bytes(searchable(render(route, env)))
    started = time.perf_counter()
    subprocess.run(
        [str(get_executable()), "--site", str(documents), "--output-path", str(work / "bundle"), "--silent"], check=True
    )
    return time.perf_counter() - started


def in_browser(
    output: Path, work: Path, code: str, queries: list[str]
) -> tuple[int, list[str], list[float], list[float]]:
    """Return a first query's bytes and what they were, and each query's typing-to-results and API-alone times.

    The typing and the floor run in two browser profiles, each query on a freshly loaded search page
    whose Pagefind is ready, so that neither finds the other's index chunks or fragments in its cache.
    """
    from playwright.sync_api import sync_playwright

    log = work / "access.log"
    port = 8700 + (time.time_ns() % 200)
    with nginx_serving(output, "/", port, access_log=log) as url, sync_playwright() as playwright:

        def browser(name: str):
            return playwright.chromium.launch_persistent_context(
                str(work / name), executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )

        def ready_page(context):
            page = context.new_page()
            page.goto(url + "search/")
            page.wait_for_selector(".filters:not([hidden])")  # the script shows the filters once Pagefind is ready
            return page

        typist, floor = browser("typist"), browser("floor")
        page = typist.new_page()
        log.write_text("")
        page.goto(url + "search/")
        page.locator("#q").press_sequentially(code)
        page.wait_for_function(
            "query => document.getElementById('results').dataset.query === query", arg=code, timeout=60000
        )
        time.sleep(0.5)  # let nginx finish its log lines
        lines = [line.split() for line in log.read_text().splitlines()]
        first = sum(int(sent) for _, _, sent in lines)
        requests = [f"{path} {int(sent):,} B" for path, _, sent in lines]
        typing, alone = [], []
        for query in queries:
            page = ready_page(typist)
            page.evaluate("""() => {
                const list = document.getElementById('results');
                document.getElementById('q').addEventListener('input', () => window.lastKey = performance.now());
                window.typed = new Promise(done => new MutationObserver(() => done(performance.now() - window.lastKey))
                    .observe(list, {attributes: true, attributeFilter: ['data-query']}));
            }""")
            page.locator("#q").press_sequentially(query, delay=60)
            typing.append(page.evaluate("window.typed") / 1000)
            page.close()
            page = ready_page(floor)
            alone.append(
                page.evaluate(
                    """async query => {
                const pagefind = await import(document.getElementById('search').dataset.bundle + 'pagefind.js');
                const started = performance.now();
                const found = await pagefind.search(query.replace(/[۰-۹]/g, digit => digit.charCodeAt(0) - 0x06f0));
                await Promise.all(found.results.slice(0, 10).map(result => result.data()));
                return performance.now() - started;
            }""",
                    query,
                )
                / 1000
            )
            page.close()
        typist.close()
        floor.close()
    return first, requests, typing, alone


def measure(label: str, content: Path, work: Path, queries: int) -> None:
    output = work / "output"
    build_seconds, index_seconds = timed_build(content, output)
    floor = pagefind_alone(content, work)
    bundle = [path for path in (output / "pagefind").rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in bundle)
    offices = sorted(path.name for path in (output / "offices").iterdir())
    code = offices[len(offices) // 2]
    services = sorted((output / "services").iterdir())
    words = [code[:4], code, "خیابان", "رشت", "گذرنامه", "یارانه", "کد پستی", services[0].name.split("-")[0]][:queries]
    first, requests, typing, alone = in_browser(output, work, code, words)
    print(f"== {label}: {content}")
    print(
        f"index   search stage of a clean build {index_seconds:6.2f} s of {build_seconds:6.1f} s; "
        f"floor (Pagefind alone on the documents) {floor:6.2f} s; ratio {index_seconds / floor:.2f}"
    )
    print(f"size    {len(bundle):,} files, {size / 2**20:.1f} MiB under pagefind/")
    print(
        f"first   query for {code}: {first:,} B sent by nginx in {len(requests)} requests "
        f"(budget {BUDGET:,} B: {'within' if first <= BUDGET else 'OVER'})"
    )
    for request in requests:
        print(f"          {request}")
    print(
        f"typing  last keystroke to results on screen: median {statistics.median(typing) * 1000:.0f} ms, "
        f"slowest {max(typing) * 1000:.0f} ms (debounce 120 ms included); "
        f"floor (Pagefind's API alone) median {statistics.median(alone) * 1000:.0f} ms; queries: {', '.join(words)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=30000)
    parser.add_argument("--national", type=Path, help="national content to measure instead of synthetic content")
    parser.add_argument("--sample-only", action="store_true")
    parser.add_argument("--queries", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pishkhan-search-bench-"))
    try:
        (work / "sample").mkdir()
        measure("sample", ROOT / "content", work / "sample", args.queries)
        if not args.sample_only:
            national = args.national
            if national is None:
                national = work / "content"
                subprocess.run(
                    [
                        sys.executable,
                        str(ROOT / "build.py"),
                        "synth",
                        str(national),
                        "--offices",
                        str(args.offices),
                        "--seed",
                        "1",
                    ],
                    check=True,
                    stderr=subprocess.DEVNULL,
                )
            (work / "national").mkdir()
            measure("national", national, work / "national", args.queries)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
