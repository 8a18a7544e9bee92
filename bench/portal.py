"""The benchmark's generated portal: a ``twisted.web`` server in its own process, serving from memory.

    python bench/portal.py --docs 2000 [--port 0] [--lifetime 1200]
    python bench/portal.py --dir DIR [--port P]     # serve the files under DIR instead (bench/e2e.py)

Why not ``portal.localsite.LocalSite``: that one is built for tests (a request log, hangs, redirects on
demand) on ``http.server`` threads, and it tops out near 300 requests/s on this machine — below what bare
Scrapy can fetch, so the benchmark measured the server. Here every page, its ETag and Last-Modified are
built once at start-up; each request is one dict look-up, and Twisted's own ``setETag`` /
``setLastModified`` answer conditional requests with 304 (If-None-Match wins over If-Modified-Since, as
RFC 9110 says). One process, one core: the crawler under test gets the other core of a 2-core machine.

The parent reads the URL from the first stdout line. ``GET /_stats`` returns the server's own CPU seconds
and request counts, so the benchmark can show how busy the server was (and that it was not the
bottleneck). The server stops on SIGTERM/SIGINT, when its parent process goes away, or after
``--lifetime`` seconds, whichever comes first: it never outlives a benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

PER_INDEX = 100
MODIFIED = 1_700_000_000  # Last-Modified of every page (2023-11-14): fixed, so re-crawls see no change
POLICY_TEXT = "<p>Esketamine may be covered when criteria are met; ketamine infusion is unproven.</p>" * 12


def build_pages(n: int) -> dict[str, bytes]:
    """``/`` → ``/index/<k>.html`` (100 links each) → ``/doc/<i>.html`` (~1.2 KB of HTML each)."""
    pages = {}
    for i in range(n):
        pages[f"/doc/{i}.html"] = (
            f"<html><head><title>Policy {i}</title></head><body><h1>Sample policy {i}</h1>"
            f"{POLICY_TEXT}</body></html>"
        ).encode()
    for k in range(0, n, PER_INDEX):
        links = "".join(
            f'<li><a href="/doc/{i}.html">Policy {i}</a></li>' for i in range(k, min(n, k + PER_INDEX))
        )
        pages[f"/index/{k // PER_INDEX}.html"] = f"<html><body><ul>{links}</ul></body></html>".encode()
    indexes = "".join(
        f'<a href="/index/{j}.html">page {j}</a>' for j in range((n + PER_INDEX - 1) // PER_INDEX)
    )
    pages["/"] = f"<html><body>{indexes}</body></html>".encode()
    return pages


def read_dir(root: str) -> dict[str, bytes]:
    """Every file under ``root`` at its relative path (``index.html`` also at ``/``)."""
    pages = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                pages["/" + os.path.relpath(path, root).replace(os.sep, "/")] = fh.read()
    if "/index.html" in pages:
        pages["/"] = pages["/index.html"]
    return pages


def make_site(pages: dict[str, bytes]):
    """A ``twisted.web`` Site serving ``pages`` with ETag / Last-Modified / 304, and ``/_stats``."""
    from twisted.web import http, server
    from twisted.web import resource as web_resource

    table = {
        path.encode(): (body, b'"' + hashlib.sha1(body).hexdigest()[:16].encode() + b'"')
        for path, body in pages.items()
    }
    counts = {"requests": 0, "not_modified": 0}

    class Portal(web_resource.Resource):
        isLeaf = True

        def render_GET(self, request):
            if request.path == b"/_stats":
                ru = resource.getrusage(resource.RUSAGE_SELF)
                request.setHeader(b"Content-Type", b"application/json")
                return json.dumps({"cpu": ru.ru_utime + ru.ru_stime, **counts}).encode()
            counts["requests"] += 1
            hit = table.get(request.path)
            if hit is None:
                request.setResponseCode(404)
                return b"<html><head><title>Not found</title></head><body>404</body></html>"
            body, etag = hit
            pdf = request.path.endswith(b".pdf")
            request.setHeader(b"Content-Type", b"application/pdf" if pdf else b"text/html; charset=utf-8")
            cached = request.setETag(etag)
            if not request.getHeader(b"If-None-Match"):
                cached = request.setLastModified(MODIFIED)
            else:
                request.lastModified = MODIFIED  # still announce it; the ETag decided
            if cached is http.CACHED:
                counts["not_modified"] += 1
                return b""
            return body

    class QuietSite(server.Site):
        def log(self, request):  # no access log: it would cost more than serving the page
            pass

    return QuietSite(Portal())


def serve(n: int, port: int, lifetime: float, root: str | None = None) -> None:
    from twisted.internet import reactor, task

    site = make_site(read_dir(root) if root else build_pages(n))
    listening = reactor.listenTCP(port, site, interface="127.0.0.1", backlog=256)
    parent = os.getppid()

    def orphaned() -> None:
        if os.getppid() != parent:
            reactor.stop()

    task.LoopingCall(orphaned).start(1.0, now=False)
    reactor.callLater(lifetime, reactor.stop)
    print(f"http://127.0.0.1:{listening.getHost().port}", flush=True)
    reactor.run()


class PortalProcess:
    """The benchmark's handle on a portal server process (``bench/crawl.py``, ``e2e.py``, ``workers.py``).

    Started with this script's arguments, its URL read from the first stdout line; ``cpus`` pins it so the
    crawler under test keeps the other core. A context manager, so a failing benchmark never leaves it up.
    """

    def __init__(self, *args: str, lifetime: float = 1800, cpus: set[int] | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, *args, "--lifetime", str(lifetime)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if cpus:
            os.sched_setaffinity(self.proc.pid, cpus)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise SystemExit(f"portal did not start (got {self.url!r})")
        self.port = int(self.url.rsplit(":", 1)[1])

    def stats(self) -> dict:
        """The server's own CPU seconds and request counts (``/_stats``)."""
        import urllib.request

        with urllib.request.urlopen(self.url + "/_stats", timeout=10) as resp:
            return json.load(resp)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> PortalProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=1200.0, help="stop after this many seconds regardless")
    ap.add_argument("--dir", help="serve the files under this directory instead of generated pages")
    args = ap.parse_args()
    serve(args.docs, args.port, args.lifetime, args.dir)


if __name__ == "__main__":
    sys.exit(main())
