"""Serve a built site with deploy/nginx.conf on a loopback port, as it will be served in production.

    python deploy/nginx_preview.py OUTPUT [--base /a/b/] [--port 8080]

Fills in the CHANGE lines of deploy/nginx.conf (address, folder, base path), writes a private
nginx configuration beside nothing of the system's, and runs Debian's nginx in the foreground
until interrupted. The tests and the Lighthouse benchmark use `nginx_serving` the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "nginx.conf"


def nginx_path() -> str | None:
    """Return Debian's nginx, which is in /usr/sbin (often not on a user's PATH)."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


def site_config(output: Path, port: int, base: str, extra_headers: dict[str, str] | None = None) -> str:
    """Return deploy/nginx.conf with its CHANGE lines filled in, as the README tells an operator to."""
    if not (base.startswith("/") and base.endswith("/")):
        raise ValueError(
            f"the base path {base!r} must start and end with '/': "
            "without the last one, alias would serve the folder above the site"
        )
    config = CONFIG.read_text(encoding="utf-8")
    headers = "".join(f'    add_header {name} "{value}" always;\n' for name, value in (extra_headers or {}).items())
    replacements = {
        "    listen 80;\n    listen [::]:80;\n": f"    listen 127.0.0.1:{port};\n",
        "location / {": f"location {base} {{",
        "alias /srv/pishkhan/output/;": f"alias {output.resolve()}/;",
        "error_page 403 404 =404 /404.html;": f"error_page 403 404 =404 {base}404.html;",
        "    # location = /a/b { return 301 /a/b/; }": f"    location = {base.rstrip('/')} {{ return 301 {base}; }}"
        if base != "/"
        else "",
        "    add_header X-Frame-Options": headers + "    add_header X-Frame-Options",
    }
    for old, new in replacements.items():
        if config.count(old) != 1:
            raise ValueError(f"deploy/nginx.conf no longer has exactly one {old.strip()!r} to fill in")
        config = config.replace(old, new)
    return config


@contextlib.contextmanager
def nginx_serving(
    output: Path, base: str, port: int, extra_headers: dict[str, str] | None = None, access_log: Path | None = None
) -> Iterator[str]:
    """Serve a built site with nginx on 127.0.0.1:port under a base path; yield its URL; stop nginx on leaving.

    Given an access log, nginx writes one line per request to it: the path, the status and the bytes sent.
    """
    nginx = nginx_path()
    if nginx is None:
        raise FileNotFoundError("nginx is not installed: apt-get install nginx")
    with tempfile.TemporaryDirectory(prefix="pishkhan-nginx-") as folder:
        folder = Path(folder)
        (folder / "site.conf").write_text(site_config(output, port, base, extra_headers), encoding="utf-8")
        temp = folder / "temp"
        (folder / "nginx.conf").write_text(
            f"""
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format sent '$request_uri $status $bytes_sent';
    access_log {access_log or "off"}{" sent" if access_log else ""};
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
""",
            encoding="utf-8",
        )
        temp.mkdir()
        process = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}{base}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(url, timeout=1)
                    break
                except urllib.error.HTTPError:  # it answered: it is up, whatever the page says
                    break
                except (urllib.error.URLError, ConnectionError):
                    if process.poll() is not None:
                        raise RuntimeError(f"nginx stopped: {process.stderr.read().decode()}") from None
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"nginx did not answer at {url} within 10 s")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the folder the build wrote")
    parser.add_argument("--base", default="/", help="the base path of the site's base_url (default: /)")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop nginx on the way out, as Ctrl-C does
    with nginx_serving(args.output, args.base, args.port) as url:
        print(f"serving {args.output} at {url}; Ctrl-C stops", file=sys.stderr)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
