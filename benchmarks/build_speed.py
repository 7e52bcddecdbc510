"""Time the national build against the floor: the same templates rendered by a bare one-process loop.

    python benchmarks/build_speed.py [--offices 30000] [--jobs 2] [--content DIR]

Writes synthetic content (`build.py synth`, seed 1) unless --content is given, then in one run:
  floor  the content model already in memory; for each page: template.render, write the file; one process
  build  `python build.py --jobs N` end to end, loading and validation included, as a separate process
and prints both, their ratio (the figure that holds on a noisy machine) and the build's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder import incremental, pipeline, reading  # noqa: E402
from site_builder.assets import hashed_assets  # noqa: E402
from site_builder.cache import BuildCache  # noqa: E402
from site_builder.config import BuildOptions  # noqa: E402
from site_builder.i18n import translations  # noqa: E402
from site_builder.loader import scan  # noqa: E402
from site_builder.render import environment, render  # noqa: E402
from site_builder.routes import in_languages, plan, plan_county  # noqa: E402

TODAY = "1405/09/01"


def floor(content_dir: Path, output: Path) -> tuple[float, int]:
    """Render every page with a bare loop on one process; return seconds and pages."""
    options = BuildOptions(content_dir=content_dir, today=TODAY, jobs=2)
    cache = BuildCache()
    read, content = pipeline.validated(options, scan(content_dir), lambda *_: None, cache)
    graph = pipeline.site_graph(options, read, content)
    assets = hashed_assets(incremental.static_files(options.static_dir))
    languages = content.settings.languages
    envs = {
        language: environment(
            options.templates_dir,
            graph.site_wide,
            language,
            translations(options.locales_dir, language),
            None,
            {source: asset.path for source, asset in assets.items()},
        )
        for language in languages
    }
    offices = {(county.province, county.county): reading.offices_of(county, read, cache) for county in read.counties}
    routes = plan(graph)
    for province in content.provinces:
        for county in province.counties:
            routes += plan_county(graph, county, offices.get((province.id, county.id), ()))
    routes = in_languages(routes, languages)
    start = time.perf_counter()
    for route in routes:
        html = render(route, envs[route.language])
        target = output / route.output_file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return time.perf_counter() - start, len(routes)


def build(content_dir: Path, output: Path, jobs: int) -> tuple[float, float]:
    """Run the real build as a command, cache empty; return seconds and its largest process's peak memory (MiB)."""
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--content",
            str(content_dir),
            "--output",
            str(output),
            "--today",
            TODAY,
            "--jobs",
            str(jobs),
            "--cache",
            str(output.parent / "cache"),
        ],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=30000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--content", type=Path, help="content to build instead of synthetic content")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pishkhan-bench-"))
    try:
        content = args.content
        if content is None:
            content = work / "content"
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "build.py"),
                    "synth",
                    str(content),
                    "--offices",
                    str(args.offices),
                    "--seed",
                    "1",
                ],
                check=True,
                stderr=subprocess.DEVNULL,
            )
        size = sum(f.stat().st_size for f in content.rglob("*") if f.is_file())
        floor_seconds, pages = floor(content, work / "floor")
        build_seconds, peak = build(content, work / "output", args.jobs)
        print(f"content: {content} ({size / 2**20:.1f} MiB of YAML and Markdown), {pages} pages")
        print(f"floor (bare render loop, 1 process): {floor_seconds:6.1f} s")
        print(f"build (build.py --jobs {args.jobs}, end to end): {build_seconds:6.1f} s, peak memory {peak:.0f} MiB")
        print(f"ratio build / floor: {build_seconds / floor_seconds:.2f} (target: at most 1.00)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
