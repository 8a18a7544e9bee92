"""The read-only web view of the archive: coverage matrix, policy pages, diffs, changes, search, JSON API.

``create_app`` is the one entry point (``payerwatch serve`` and the tests call it). Pages render on the
server and read without JavaScript; the chart is inline SVG. All payer text is untrusted: templates
autoescape, diff fragments are escaped in ``render.py``, and a strict Content-Security-Policy forbids
inline scripts as a second line of defence.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from flask import Blueprint, Flask

from store import Archive

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def create_app(
    archive: Archive, base_url: str | None = None, extra_blueprints: Iterable[Blueprint] = ()
) -> Flask:
    """A Flask app over ``archive``. ``extra_blueprints`` is the hook for the service (e.g. /healthz)."""
    from feeds.web import blueprint as feeds_blueprint
    from payerwatch.web.api import api
    from payerwatch.web.views import views

    app = Flask(__name__)
    app.config["ARCHIVE"] = archive
    app.config["BASE_URL"] = (base_url or os.environ.get("PAYERWATCH_BASE_URL") or "").rstrip("/") or None
    app.config["JSON_SORT_KEYS"] = False
    app.register_blueprint(views)
    app.register_blueprint(api)
    app.register_blueprint(feeds_blueprint)
    for bp in extra_blueprints:
        app.register_blueprint(bp)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
