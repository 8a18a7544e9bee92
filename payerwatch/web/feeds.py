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

from flask import Blueprint, Response, abort, current_app, request, url_for

from feeds.build import FEED_LIMIT, FORMATS, FeedFilter, build_feed, feed_from_path
from feeds.config import base_url as env_base_url
from feeds.config import secret_for
from feeds.present import esc
from feeds.publish import feed_specs, index_html
from feeds.tokens import read_token

blueprint = Blueprint("feeds", __name__)

MEDIA_TYPES = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}
PAGE_STYLE = "font-family:sans-serif;max-width:36em;margin:3em auto;line-height:1.5"


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


@blueprint.get("/feeds/")
def feed_index() -> Response:
    specs, contexts = feed_specs(_archive())
    newest = contexts[0].change.detected_at if contexts else None
    return _conditional(index_html(specs, contexts).encode(), "text/html", newest)


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        '<meta name="robots" content="noindex"></head>'
        f'<body style="{PAGE_STYLE}"><h1>{esc(title)}</h1>{body}</body></html>'
    )
    resp = Response(html, status=status, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@blueprint.route("/unsubscribe", methods=["GET", "POST"])
def unsubscribe() -> Response:
    token = request.values.get("token", "")
    found = read_token(_secret(), token) if token else None
    if found is None:
        return _page("Link not valid", "<p>This unsubscribe link is damaged or was not issued here.</p>", 400)
    subscription_id, email = found
    archive = _archive()
    sub = archive.get_subscription(subscription_id)
    if sub is None or sub.email.lower() != email:
        return _page("Link not valid", "<p>This subscription no longer exists.</p>", 400)
    if request.method == "POST":
        archive.deactivate_subscriptions(sub.email, subscription_id=sub.id)
        return _page(
            "Unsubscribed", f"<p>{esc(sub.email)} will get no more alerts from this subscription.</p>"
        )
    if not sub.active:
        return _page(
            "Already unsubscribed", f"<p>{esc(sub.email)} gets no alerts from this subscription.</p>"
        )
    return _page(
        "Unsubscribe?",
        f"<p>Stop payerwatch alerts to {esc(sub.email)}?</p>"
        f'<form method="post" action="{esc(url_for("feeds.unsubscribe"))}"><input type="hidden" name="token" value="{esc(token)}">'
        '<button type="submit" style="font-size:16px;padding:6px 16px">Unsubscribe</button></form>',
    )
