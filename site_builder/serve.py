"""`build.py serve`: rebuild on every change under content/, templates/ and static/, and reload the open page.

The preview shows the last good build, or, while the content has errors, a page listing them as
file:line:col. It binds 127.0.0.1 unless told otherwise and serves nothing outside the output folder.
"""

from __future__ import annotations

import errno
import mimetypes
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from jinja2 import TemplateError
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import PeriodicCallback
from tornado.netutil import bind_sockets

from . import pipeline
from .cache import BuildCache
from .config import BuildOptions
from .errors import N_, ContentError, Mark, Message, Problem, TemplateFailed, UsageError
from .i18n import ENGLISH, Speaker
from .loader import offending_lines
from .render import render_problems
from .report import vanished_offices
from .writer import UnsafePath

# The search page in any language, or the index it loads: what makes serve bring the index up to date.
SEARCHING = re.compile(r"/(?:[a-z]{2}/)?search/|/pagefind/")


class Preview:
    """The preview server's state: the last build's problems, if it failed, and whether the search index lags behind."""

    def __init__(self, options: BuildOptions, cache: BuildCache, voice: Speaker = ENGLISH, page: Speaker = ENGLISH):
        self.options = options
        self.cache = cache  # kept across rebuilds: only the files an editor changed are read again
        self.voice = voice  # the console's language
        self.page = page  # the problems page's language
        self.problems: list[Problem] = []
        self.lines: dict[Mark, str] = {}  # the line each problem points at, as its file held it at the build
        self.search_behind = False

    def rebuild(self, search_index: bool = False) -> None:
        """Build again; on content errors keep the old output and show the problems instead.

        The search index is made again only when asked: for the national content it takes seconds,
        and an editor who saves a file wants to see the page. The search page asks (see app).
        """
        started = time.perf_counter()
        try:
            try:
                report = pipeline.build(replace(self.options, search_index=search_index), cache=self.cache)
            finally:
                for note in self.cache.take_notes():  # a cache folder that cannot be used only costs speed
                    print(f"serve: {self.voice.say(note)}", file=sys.stderr)
        except ContentError as exc:
            self.show_problems(exc.problems)
            return
        except TemplateFailed as exc:
            self.show_problems([Problem(Mark(exc.path, exc.line, 1), "error", Message(exc.message))])
            return
        except UsageError as exc:  # a link or a special file in the content folder, say
            reason = exc.args[0] if isinstance(exc.args[0], Message) else Message(str(exc))
            self.show_problems([Problem(Mark(str(self.options.content_dir), 1, 1), "error", reason)])
            return
        except (TemplateError, UnsafePath, OSError) as exc:  # a template or the output folder: show it too
            where = getattr(exc, "filename", None) or str(self.options.templates_dir)
            self.show_problems(
                [
                    Problem(
                        Mark(where, getattr(exc, "lineno", None) or 1, 1),
                        "error",
                        Message(f"{type(exc).__name__}: {exc}"),
                    )
                ]
            )
            return
        self.problems = []
        self.search_behind = not search_index
        built = N_(
            "serve: built {pages} pages in {seconds:.2f} s", pages=report.pages, seconds=time.perf_counter() - started
        )
        print(self.voice.say(built), file=sys.stderr)
        for line in vanished_offices(report.vanished, self.voice):
            print(f"serve: {line}", file=sys.stderr)

    def show_problems(self, problems: list[Problem]) -> None:
        """Show the problems in the browser instead of the site until a build succeeds."""
        self.problems = problems
        self.lines = offending_lines(problems)
        errors = N_("serve: {count} errors; the browser shows them", count=sum(p.is_error for p in problems))
        print(self.voice.say(errors), file=sys.stderr)

    def app(self, environ, start_response):
        """A WSGI app: the built site, or the problems page while the content has errors."""
        if self.problems:
            body = render_problems(self.options.templates_dir, self.problems, self.page, self.lines).encode("utf-8")
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])
            return [body]
        url_path = environ.get("PATH_INFO", "/")
        if self.search_behind and SEARCHING.match(url_path):
            self.rebuild(search_index=True)
            return self.app(environ, start_response)
        status, path = self.resolve(url_path)
        if path is None:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"not found"]
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/xml"):
            content_type += "; charset=utf-8"
        start_response(status, [("Content-Type", content_type), ("Cache-Control", "no-store")])
        return [path.read_bytes()]

    def resolve(self, url_path: str) -> tuple[str, Path | None]:
        """Return the status and the file for a request path (already percent-decoded by the server);
        nothing outside the output folder is ever served."""
        root = self.options.output_dir.resolve()
        not_found = root / "404.html"
        try:
            target = (root / url_path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if target.is_relative_to(root) and target.is_file():
                return "200 OK", target
        except (ValueError, OSError):  # a NUL byte, a name too long for the file system
            pass
        return "404 Not Found", not_found if not_found.is_file() else None


POLL_MILLISECONDS = 100


class QuickWatcher(Watcher):
    """livereload's watcher, looking for changes every 100 ms instead of its fixed 800 ms.

    A look is a stat of each watched file (a few milliseconds for the national content), and
    the wait for it is most of the time between an editor's save and the page reloading.
    """

    def start(self, callback) -> bool:
        PeriodicCallback(callback, POLL_MILLISECONDS).start()
        return True  # livereload then starts no polling of its own


def check_port(host: str, port: int) -> None:
    """Refuse, before the first build, a port the server cannot listen on: bind it as the server will, then let it go.

    livereload binds its own socket and takes none from its caller, so this is a probe: a port
    taken while the site is built is reported by `serve` in the same words.
    """
    try:
        sockets = bind_sockets(port, address=host)
    except OSError as exc:
        raise UsageError(_cannot_listen(host, port, exc)) from None
    for listening in sockets:
        listening.close()


def _cannot_listen(host: str, port: int, exc: OSError) -> Message:
    if exc.errno == errno.EADDRINUSE:
        return N_("port {port} on {host} is in use; pass --port to choose another", port=str(port), host=host)
    return N_(
        "cannot listen on port {port} of {host}: {reason}", port=str(port), host=host, reason=str(exc.strerror or exc)
    )


def serve(
    options: BuildOptions,
    host: str,
    port: int,
    cache: BuildCache,
    wait: float = 0,
    notify: Callable[[Message], None] | None = None,
    voice: Speaker = ENGLISH,
    page: Speaker = ENGLISH,
) -> None:
    """Build, then serve with live reload until interrupted, holding the output folder's lock: it rebuilds on saves."""
    check_port(host, port)
    # livereload drops a reload that comes within 3 s of the last one; an editor's second quick save
    # would then leave the browser on the first. Every rebuild must reach the browser.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    with pipeline.claim_output(options, wait, notify) as claim:
        if claim.recovery:
            print(voice.say(claim.recovery), file=sys.stderr)
        if not options.force and options.base_url:  # a folder named on the command line: refused before building
            pipeline.refuse_another_base_url(options.output_dir, options.base_url)
        preview = Preview(options, cache, voice, page)
        preview.rebuild(search_index=True)
        server = Server(preview.app, watcher=QuickWatcher())
        for folder in (options.content_dir, options.templates_dir, options.static_dir, options.locales_dir):
            server.watch(str(folder), preview.rebuild)
        try:
            server.serve(host=host, port=port, debug=False, open_url_delay=None, restart_delay=0)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise UsageError(_cannot_listen(host, port, exc)) from None
