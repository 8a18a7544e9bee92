"""All of payerwatch's HTTP: the archive (coverage matrix, policy pages, diffs, changes, search), the JSON
API, the feeds, unsubscribe links and ``/healthz``.

``create_app`` is the one entry point (``payerwatch serve`` and the tests call it). Pages render on the
server and read without JavaScript; the chart is inline SVG. All payer text is untrusted: templates
autoescape, diff fragments are escaped in ``fragments.py``, and a strict Content-Security-Policy forbids
inline scripts as a second line of defence.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from store import Archive
from store.models import Source
from store.search import SearchQueryError, SearchTimeout

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def create_app(
    archive: Archive,
    base_url: str | None = None,
    sources: Sequence[Source] = (),
) -> Flask:
    """A Flask app over ``archive``. ``sources``: the configured sources ``/healthz`` reports on."""
    from payerwatch.web.api import api
    from payerwatch.web.bounds import BoundedInt
    from payerwatch.web.feeds import blueprint as feeds_blueprint
    from payerwatch.web.health import health
    from payerwatch.web.templating import templating
    from payerwatch.web.views import views

    app = Flask(__name__)
    app.url_map.converters["int"] = BoundedInt  # before any route is registered
    app.jinja_env.finalize = _no_bidi
    app.config["ARCHIVE"] = archive
    app.config["BASE_URL"] = (base_url or os.environ.get("PAYERWATCH_BASE_URL") or "").rstrip("/") or None
    app.config["JSON_SORT_KEYS"] = False
    app.config["SOURCES"] = list(sources)
    app.register_blueprint(templating)
    app.register_blueprint(views)
    app.register_blueprint(api)
    app.register_blueprint(feeds_blueprint)
    app.register_blueprint(health)

    @app.errorhandler(HTTPException)
    def _error_page(err: HTTPException):
        """Errors are pages with a way on (JSON under ``/api``): a dead end teaches a reader nothing."""
        if request.path.startswith("/api/") or request.path == "/api":
            return jsonify({"error": err.description}), err.code
        return render_template("error.html", error=err), err.code

    @app.errorhandler(SearchQueryError)
    def _bad_search(err):
        return _plain_error(400, str(err))

    @app.errorhandler(SearchTimeout)
    def _slow_search(err):
        return _plain_error(503, str(err), {"Retry-After": "30"})

    @app.errorhandler(OverflowError)
    def _overflow(err):  # the net under arg_int / BoundedInt: a number SQLite cannot bind
        return _plain_error(400, "a number in the request is out of range")

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app


def _plain_error(code: int, message: str, headers: dict | None = None):
    """JSON under /api (like the API's other errors), plain text elsewhere."""
    from flask import jsonify, request

    if request.path.startswith("/api"):
        response = jsonify({"error": message})
    else:
        from flask import Response

        response = Response(message + "\n", mimetype="text/plain")
    response.status_code = code
    response.headers.update(headers or {})
    return response


_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _no_bidi(value):
    """Every ``{{ value }}`` in a page: bidi overrides and isolates removed (U+202E in a payer's title
    would show the reader text in another order than it is written). Markup stays markup."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return Markup(str(value).translate(_BIDI))
    if isinstance(value, str):
        return value.translate(_BIDI)
    return value
