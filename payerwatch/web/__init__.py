"""All of payerwatch's HTTP: the archive (coverage matrix, policy pages, diffs, changes, search), the JSON
API, the feeds, unsubscribe links and ``/healthz``.

``create_app`` is the one entry point (``payerwatch serve`` and the tests call it). Pages render on the
server and read without JavaScript; the chart is inline SVG. All payer text is untrusted: templates
autoescape, diff fragments are escaped in ``render.py``, and a strict Content-Security-Policy forbids
inline scripts as a second line of defence.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from flask import Flask

from store import Archive
from store.models import Source

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
    from payerwatch.web.feeds import blueprint as feeds_blueprint
    from payerwatch.web.health import health
    from payerwatch.web.views import views

    app = Flask(__name__)
    app.config["ARCHIVE"] = archive
    app.config["BASE_URL"] = (base_url or os.environ.get("PAYERWATCH_BASE_URL") or "").rstrip("/") or None
    app.config["JSON_SORT_KEYS"] = False
    app.config["SOURCES"] = list(sources)
    app.register_blueprint(views)
    app.register_blueprint(api)
    app.register_blueprint(feeds_blueprint)
    app.register_blueprint(health)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
