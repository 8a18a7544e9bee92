"""The feeds under ``/feeds/`` (with ETag / Last-Modified / 304) and ``/unsubscribe``.

``feeds/`` builds and renders the feeds and the mail; serving them over HTTP is the web's job, so every
route of ``payerwatch serve`` lives in ``payerwatch/web/``.

The host app puts an ``Archive`` in ``app.config["ARCHIVE"]``, the base URL in ``app.config["BASE_URL"]``
and the token secret in ``app.config["SECRET"]`` (else ``PAYERWATCH_SECRET`` / the data dir's secret file,
exactly as ``send`` signs them). ``/unsubscribe`` follows RFC 8058: GET only shows a confirmation page
(mail scanners follow links, and must not unsubscribe anyone), POST unsubscribes.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from feeds.build import FEED_LIMIT, FORMATS, FeedFilter, build_feed, feed_from_path, select
from feeds.config import base_url as env_base_url
from feeds.config import secret_for
from feeds.publish import feed_specs
from feeds.tokens import read_token

blueprint = Blueprint("feeds", __name__)

MEDIA_TYPES = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}


def _archive():
    return current_app.config["ARCHIVE"]


def _base_url() -> str:
    return (current_app.config.get("BASE_URL") or env_base_url()).rstrip("/")


def _secret() -> str:
    secret = current_app.config.get("SECRET")
    if not secret:
        secret = secret_for(_archive().data_dir)
        current_app.config["SECRET"] = secret
    return secret


def _conditional(body: bytes, mimetype: str, last_modified) -> Response:
    resp = Response(body, mimetype=mimetype)
    resp.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if last_modified is not None:
        resp.last_modified = last_modified
    resp.cache_control.public = True
    resp.cache_control.max_age = 300
    return resp.make_conditional(request)


def _feed(facet: str | None, value: str | None, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    flt = feed_from_path(facet, value)
    if flt is None:
        abort(404)
    # the unfiltered feed only ever needs the newest FEED_LIMIT rows; filtered ones filter in Python
    contexts = _archive().list_change_contexts(limit=FEED_LIMIT if flt == FeedFilter() else None)
    body = build_feed(contexts, flt, fmt, _base_url())
    newest = next((c.change.detected_at for c in contexts if flt.matches(c)), None)
    return _conditional(body, MEDIA_TYPES[fmt], newest)


@blueprint.get("/feeds/all.<fmt>")
def all_feed(fmt: str) -> Response:
    return _feed(None, None, fmt)


@blueprint.get("/feeds/<facet>/<value>.<fmt>")
def facet_feed(facet: str, value: str, fmt: str) -> Response:
    return _feed(facet, value, fmt)


def _group(flt: FeedFilter) -> str:
    if flt.payer:
        return "By payer"
    if flt.drug:
        return "By drug"
    if flt.kind:
        return "By kind of change"
    if flt.min_severity:
        return "By severity"
    return "Everything"


@blueprint.get("/feeds/")
def feed_index() -> Response:
    """Every feed with its entry count, in the site's layout, with the way back to the archive."""
    specs, contexts = feed_specs(_archive())
    newest = contexts[0].change.detected_at if contexts else None
    groups: dict[str, list] = {}
    for spec in specs:
        groups.setdefault(_group(spec.filter), []).append(
            {
                "title": spec.title,
                "count": len(select(contexts, spec.filter)),
                # relative to /feeds/, like the static index ``publish`` writes
                "links": [(fmt.upper(), f"{spec.path}.{fmt}") for fmt in FORMATS],
            }
        )
    body = render_template("feeds.html", groups=groups, feeds=[]).encode()
    return _conditional(body, "text/html", newest)


def _page(heading: str, lines: list[str], status: int = 200, form: dict | None = None) -> Response:
    """A short message in the site's layout (autoescaped), always with a way on to the archive."""
    html = render_template(
        "message.html",
        heading=heading,
        lines=lines,
        form=form,
        way_on=[
            ("Coverage matrix", url_for("views.matrix")),
            ("Latest changes", url_for("views.changes")),
            ("Feeds", url_for("feeds.feed_index")),
        ],
    )
    resp = Response(html, status=status, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@blueprint.route("/unsubscribe", methods=["GET", "POST"])
def unsubscribe() -> Response:
    token = request.values.get("token", "")
    found = read_token(_secret(), token) if token else None
    if found is None:
        return _page(
            "This unsubscribe link does not work",
            [
                "The link is damaged (mail programs sometimes cut long links) or was not issued here.",
                "Use the unsubscribe link at the bottom of the most recent alert, or reply to it and ask.",
            ],
            400,
        )
    subscription_id, email = found
    archive = _archive()
    sub = archive.get_subscription(subscription_id)
    if sub is None or sub.email.lower() != email:
        return _page(
            "This subscription no longer exists",
            ["Nothing more will be sent for it."],
            400,
        )
    if request.method == "POST":
        archive.deactivate_subscriptions(sub.email, subscription_id=sub.id)
        return _page("Unsubscribed", [f"{sub.email} will get no more alerts from this subscription."])
    if not sub.active:
        return _page("Already unsubscribed", [f"{sub.email} gets no alerts from this subscription."])
    return _page(
        "Unsubscribe?",
        [f"Stop payerwatch alerts to {sub.email}?"],
        form={"action": url_for("feeds.unsubscribe"), "token": token, "button": "Unsubscribe"},
    )
