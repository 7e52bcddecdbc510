"""The built site behind Debian's nginx with deploy/nginx.conf, at a domain root and under a sub-path:
every link, anchor and asset works (linkchecker), the security and cache headers are sent, and
Chromium loads the pages with the Content-Security-Policy in force and nothing refused."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_TODAY, free_port, require

from site_builder.cli import main

sys.path.insert(0, str(ROOT / "deploy"))
from nginx_preview import nginx_path, nginx_serving

BASES = ["/", "/a/b/"]


@pytest.fixture(scope="module", params=BASES, ids=["root", "sub-path"])
def nginx_site(request, tmp_path_factory):
    """The sample built for a base URL and served by nginx with deploy/nginx.conf; stopped when the tests end.

    One header is the tests' own: linkchecker waits 0.1-0.6 s between requests to a host unless
    the host answers with a LinkChecker header, which made a crawl of the sample take minutes.
    """
    require(nginx_path() is not None, "nginx", "install Debian's nginx (apt-get install nginx)")
    base = request.param
    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    output = folder / "output"
    assert (
        main(
            [
                "build",
                "--content",
                str(ROOT / "content"),
                "--output",
                str(output),
                "--today",
                SAMPLE_TODAY,
                "--base-url",
                f"http://127.0.0.1:{port}{base}",
                "--precompress",
                "--cache",
                str(folder / "cache"),
            ]
        )
        == 0
    )
    with nginx_serving(output, base, port, {"LinkChecker": "crawl at full speed"}) as url:
        yield url, output


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy")


def test_pages_carry_the_security_headers_and_a_short_cache_lifetime(nginx_site):
    url, _ = nginx_site
    status, headers, body = fetch(url + "offices/13101001/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert all(name in headers for name in SECURITY_HEADERS)
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "public, max-age=300"
    assert "دفتر" in body.decode("utf-8")


def test_assets_named_after_their_bytes_are_kept_for_a_year(nginx_site):
    url, output = nginx_site
    for asset in [*output.glob("static/site.*.css"), *output.glob("static/fonts/*.woff2")]:
        status, headers, _ = fetch(url + str(asset.relative_to(output)))
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable", asset.name
        assert all(name in headers for name in SECURITY_HEADERS)


def test_the_search_index_chunks_are_kept_for_a_year_and_its_entry_file_is_checked_again(nginx_site):
    url, output = nginx_site
    chunks = [next(output.glob(f"pagefind/{kind}/*")) for kind in ("index", "fragment", "filter")] + [
        next(output.glob("pagefind/*.pf_meta"))
    ]
    for chunk in chunks:
        status, headers, _ = fetch(url + chunk.relative_to(output).as_posix())
        assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable", chunk.name
    for named in ("pagefind/pagefind-entry.json", "pagefind/pagefind.js", "pagefind/wasm.unknown.pagefind"):
        status, headers, _ = fetch(url + named)
        assert status == 200 and headers["Cache-Control"] == "public, max-age=300", named


def test_search_runs_under_the_content_security_policy(nginx_site, chromium):
    """Pagefind compiles WebAssembly and runs a worker: the policy must allow both and nothing more."""
    url, _ = nginx_site
    page = chromium.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(url + "search/?q=" + urllib.parse.quote("۱۳۱۰۱۰۰۱"))
    page.wait_for_selector("#results[data-query] > li")
    assert page.locator("#results > li a").first.get_attribute("href").endswith("offices/13101001/")
    assert problems == []
    page.close()


def test_precompressed_twins_are_sent_to_browsers_that_accept_gzip(nginx_site):
    url, output = nginx_site
    status, headers, body = fetch(url + "services/", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert headers.get("Vary") == "Accept-Encoding"  # a shared cache must not hand gzip to a client that did not ask
    assert gzip.decompress(body) == (output / "services/index.html").read_bytes()
    status, headers, body = fetch(url + "services/")
    assert status == 200 and "Content-Encoding" not in headers
    assert body == (output / "services/index.html").read_bytes()


@pytest.mark.parametrize("path", ["offices/99999999/", ".pishkhan-output", "index.html.gz", "static/", "static/fonts/"])
def test_a_missing_page_the_marker_the_twins_and_folders_get_the_site_404_page_with_the_same_headers(nginx_site, path):
    url, output = nginx_site
    status, headers, body = fetch(url + path)
    assert status == 404
    assert body == (output / "404.html").read_bytes()
    assert all(name in headers for name in SECURITY_HEADERS)


def test_a_folder_without_its_slash_is_redirected_on_the_same_host(nginx_site):
    url, _ = nginx_site
    status, _, _ = fetch(url + "offices/13101001")
    assert status == 200  # urllib followed the redirect
    request = urllib.request.Request(url + "offices/13101001", method="HEAD")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=10)
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"] == urllib.parse.urlsplit(url).path + "offices/13101001/"


def test_the_base_path_without_its_slash_is_redirected(nginx_site):
    url, _ = nginx_site
    base = urllib.parse.urlsplit(url).path
    if base == "/":  # a domain root has no path to leave the slash off: the home page answers
        assert fetch(url)[0] == 200
        return
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(urllib.request.Request(url.rstrip("/"), method="HEAD"), timeout=10)
    assert redirect.value.code == 301 and redirect.value.headers["Location"] == base
    assert all(name in redirect.value.headers for name in SECURITY_HEADERS)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_every_link_anchor_and_asset_works(nginx_site, tmp_path):
    url, _ = nginx_site
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nthreads=4\nmaxrequestspersecond=1000\n[AnchorCheck]\n", encoding="utf-8")
    linkchecker = Path(sys.executable).parent / "linkchecker"
    # Links outside the site (maps, agencies' sites, tel: and mailto:) are only checked for syntax:
    # the tests have no network. A missing anchor is a warning to linkchecker, and fails here too.
    result = subprocess.run(
        [
            str(linkchecker),
            "--config",
            str(config),
            "--no-robots",
            "--no-status",
            "-o",
            "text",
            "--ignore-url",
            r"^(?!" + re.escape(url) + ")",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    checked = re.search(
        r"(\d+) links? in (\d+) URLs? checked\. (\d+) warnings? found.*?(\d+) errors? found", result.stdout
    )
    assert checked, result.stdout[-3000:]
    assert int(checked.group(2)) > 300
    assert (checked.group(3), checked.group(4)) == ("0", "0"), result.stdout[-5000:]


def test_links_stay_below_the_base_path(nginx_site):
    url, output = nginx_site
    base = urllib.parse.urlsplit(url).path
    for page in output.rglob("*.html"):
        for link in re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text(encoding="utf-8")):
            assert link.startswith(base), (page, link)


@pytest.mark.parametrize(
    "path", ["", "provinces/gilan/rasht/", "offices/13101001/", "services/", "tariffs/", "about/", "offices/99999999/"]
)
def test_chromium_loads_pages_with_the_policy_in_force_and_nothing_refused(nginx_site, chromium, path):
    url, _ = nginx_site
    page = chromium.new_page()
    problems = []
    missing_page = url + path if path.startswith("offices/9999") else None  # its own 404 status is the point

    def console(message) -> None:
        if message.type in ("error", "warning") and message.location.get("url") != missing_page:
            problems.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    response = page.goto(url + path)
    page.evaluate("document.fonts.ready")
    assert (
        "Content-Security-Policy" in {name.title() for name in response.all_headers()}
        or "content-security-policy" in response.all_headers()
    )
    assert problems == [] and failed == []
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Vazirmatn")
    page.close()


@pytest.mark.parametrize("base", ["/pishkhan", "pishkhan/", ""])
def test_a_base_path_without_both_slashes_is_refused(tmp_path, base):
    """Without the last slash, `location /pishkhan { alias …/; }` serves the folder above the site."""
    from nginx_preview import site_config

    with pytest.raises(ValueError):
        site_config(tmp_path, 8080, base)
