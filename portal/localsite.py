"""A loopback HTTP site for integration tests: a ``{path: Page}`` map, ETag/304 support, a request log
(with each request's headers), and redirects/errors on demand. (The crawl benchmark uses
``bench/portal.py`` instead: this threaded ``http.server`` tops out near 300 requests/s.)

Real sockets on 127.0.0.1 and a free port, so the crawl under test goes through Scrapy's real
downloader; ``with LocalSite(pages) as site:`` stops the server when the test ends.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # e.g. {"Location": ...} for redirects
    etag: bool = True
    hang: bool = False  # never answer (until the site stops): a deterministic timeout


@dataclass
class LoggedRequest:
    path: str
    headers: dict[str, str]
    status: int


class LocalSite:
    def __init__(
        self, pages: dict[str, Page] | None = None, log: bool = True, tls: tuple[str, str] | None = None
    ):
        self.tls = tls  # (certfile, keyfile): serve HTTPS with this certificate
        self._stop = threading.Event()
        self.pages: dict[str, Page] = dict(pages or {})
        self.requests: list[LoggedRequest] = []
        self.log = log
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def set_pages(self, pages: dict[str, Page]) -> None:
        with self._lock:
            self.pages = dict(pages)

    def hits(self, header: str) -> list[LoggedRequest]:
        return [r for r in self.requests if header.lower() in {k.lower() for k in r.headers}]

    def __enter__(self) -> LocalSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                with site._lock:
                    page = site.pages.get(self.path)
                if page is None:
                    page = Page(
                        b"<html><head><title>Not found</title></head><body>404</body></html>",
                        status=404,
                        etag=False,
                    )
                if page.hang:
                    site._stop.wait()
                    return
                status, body = page.status, page.body
                headers = {"Content-Type": page.content_type, **page.headers}
                if page.etag and status == 200:
                    tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    headers["ETag"] = tag
                    if self.headers.get("If-None-Match") == tag:
                        status, body = 304, b""
                if site.log:
                    with site._lock:
                        site.requests.append(LoggedRequest(self.path, dict(self.headers.items()), status))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # a crawler opens many connections at once; do not refuse them

            def handle_error(self, request, client_address):
                # A crawler that gave up on a hanging page (a timeout case) or closed a kept-alive
                # connection resets it: that is the case under test, not a server fault worth a traceback.
                if isinstance(sys.exc_info()[1], ConnectionError):
                    return
                super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if self.tls:
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*self.tls)
            self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
