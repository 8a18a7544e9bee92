"""Serve the sample portal over real HTTP on 127.0.0.1, in a background thread.

Integration tests need a real server (Scrapy, urllib, conditional requests, redirects) rather than
mocks, and a demo needs something to crawl. The server is werkzeug's threaded WSGI server; the app is a
plain WSGI function over ``build_site(epoch)``. Switching epoch or fault mode is instant and
thread-safe, so a test can crawl, advance the "calendar", and crawl again.

Fault mode (see ``faults`` in content/expected.yaml) makes chosen paths misbehave the ways real payer
sites do: 503, a redirect to a login page, a 404 that happens once, an error page served with 200.
None of these may create a policy version or a retirement downstream.
"""

from __future__ import annotations

import argparse
import threading
import time
from dataclasses import dataclass, field

from werkzeug.http import http_date
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .build import build_site, check_epoch
from .content import load_expected

LOGIN_PAGE = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign in</title></head>
<body><h1>Sign in to continue</h1><form method="post" action="/login"><input name="user">
<input name="password" type="password"><button>Sign in</button></form></body></html>"""

ERROR_PAGE = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>We're sorry</title></head>
<body><h1>We're sorry</h1><p>The page you requested is temporarily unavailable. Please try again later.</p>
<p>Reference: ERR-5000</p></body></html>"""


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it: enough for tests to assert conditional-request hits."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    epoch: int
    faults: bool
    time: float = field(default_factory=time.time)

    @property
    def if_none_match(self) -> str | None:
        return self.headers.get("If-None-Match")

    @property
    def if_modified_since(self) -> str | None:
        return self.headers.get("If-Modified-Since")


class _QuietHandler(WSGIRequestHandler):
    """The request log is kept in memory; don't also print every request to stderr."""

    def log(self, type: str, message: str, *args) -> None:
        pass


class PortalServer:
    """The sample portal on ``127.0.0.1:<free port>``.

    Example::

        with PortalServer(epoch=1) as portal:
            urllib.request.urlopen(portal.url + "/aetna/cpb/medical/data/900_999/index.html")
            portal.set_epoch(2)
    """

    def __init__(self, epoch: int = 1, faults: bool = False, host: str = "127.0.0.1", port: int = 0):
        self._lock = threading.Lock()
        self._epoch = check_epoch(epoch)
        self._faults = faults
        self._failed_once: set[str] = set()
        self._requests: list[RequestRecord] = []
        self._fault_rules = {rule["path"]: rule for rule in load_expected()["faults"]}
        self._holds: dict[str, threading.Event] = {}
        self._arrived: dict[str, threading.Event] = {}
        build_site(epoch)  # fail early on broken content, not in the server thread
        self._server = make_server(host, port, self._app, threaded=True, request_handler=_QuietHandler)
        self._thread: threading.Thread | None = None
        self.start()

    # -- life cycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self._server.host}:{self._server.port}"

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="portal", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> PortalServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- state ---------------------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def faults(self) -> bool:
        return self._faults

    def set_epoch(self, epoch: int) -> None:
        build_site(check_epoch(epoch))  # build outside the lock; it is cached afterwards
        with self._lock:
            self._epoch = epoch
            self._failed_once.clear()

    def set_faults(self, faults: bool) -> None:
        with self._lock:
            self._faults = faults
            self._failed_once.clear()

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def hold(self, path: str) -> None:
        """Make requests for ``path`` wait until ``release(path)``: a crawl caught mid-way, on purpose.

        Tests of interruption (SIGTERM during a crawl) use this instead of sleeping and hoping.
        """
        with self._lock:
            self._holds[path] = threading.Event()
            self._arrived[path] = threading.Event()

    def wait_arrived(self, path: str, timeout: float = 60) -> bool:
        """Block until a request for a held ``path`` has arrived (and is being held)."""
        return self._arrived[path].wait(timeout)

    def release(self, path: str) -> None:
        with self._lock:
            gate = self._holds.pop(path, None)
        if gate:
            gate.set()

    # -- the WSGI app -----------------------------------------------------------------------------
    def _app(self, environ, start_response):
        request = Request(environ)
        path = request.path + ("?" + request.query_string.decode("latin-1") if request.query_string else "")
        with self._lock:
            gate = self._holds.get(path)
        if gate is not None:
            self._arrived[path].set()
            gate.wait(120)
        with self._lock:
            epoch, faults = self._epoch, self._faults
            rule = self._fault_rules.get(path) if faults else None
            if rule and rule["behavior"] == "404_once":
                rule = None if path in self._failed_once else rule
                self._failed_once.add(path)
        response = self._respond(request, path, epoch, faults, rule)
        record = RequestRecord(
            request.method, path, response.status_code, dict(request.headers), epoch, faults
        )
        with self._lock:
            self._requests.append(record)
        return response(environ, start_response)

    def _respond(self, request: Request, path: str, epoch: int, faults: bool, rule: dict | None) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("method not allowed\n", 405, {"Allow": "GET, HEAD"})
        if rule:
            return _fault_response(rule)
        if faults and path in self._login_paths():
            return Response(LOGIN_PAGE, 200, content_type="text/html; charset=utf-8")
        doc = build_site(epoch).get(path)
        if doc is None:
            return Response(
                b"<!DOCTYPE html><title>Not Found</title><h1>404 Not Found</h1>",
                404,
                content_type="text/html; charset=utf-8",
            )
        headers = {
            "ETag": doc.etag,
            "Last-Modified": http_date(doc.last_modified),
            "Cache-Control": "no-cache",
        }
        if request.if_none_match:
            if request.if_none_match.contains_weak(doc.etag.strip('"')):
                return Response(status=304, headers=headers)
        elif request.if_modified_since and doc.last_modified <= request.if_modified_since:
            return Response(status=304, headers=headers)
        return Response(doc.body, 200, headers=headers, content_type=doc.content_type)

    def _login_paths(self) -> set[str]:
        return {r["location"] for r in self._fault_rules.values() if r["behavior"] == "login_redirect"}


def _fault_response(rule: dict) -> Response:
    behavior = rule["behavior"]
    if behavior == "503":
        return Response(b"Service Unavailable\n", 503, {"Retry-After": "120"}, content_type="text/plain")
    if behavior == "login_redirect":
        return Response(b"", 302, {"Location": rule["location"]})
    if behavior == "404_once":
        return Response(
            b"<!DOCTYPE html><title>Not Found</title><h1>404 Not Found</h1>",
            404,
            content_type="text/html; charset=utf-8",
        )
    if behavior == "error_page_200":
        return Response(ERROR_PAGE, 200, content_type="text/html; charset=utf-8")
    raise ValueError(f"unknown fault behavior {behavior!r}")


def main(argv: list[str] | None = None) -> None:
    """``python -m portal --epoch 2 --port 0``: serve the portal until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m portal", description=main.__doc__)
    parser.add_argument("--epoch", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--faults", action="store_true", help="serve the fault-mode misbehaviours")
    args = parser.parse_args(argv)
    with PortalServer(epoch=args.epoch, faults=args.faults, port=args.port) as portal:
        print(
            f"sample payer portal, epoch {portal.epoch}{' (faults)' if portal.faults else ''}: {portal.url}/",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
