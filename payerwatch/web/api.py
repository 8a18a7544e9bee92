"""The JSON API: the same data as the pages, paginated, documented at ``/api``.

Pagination is by opaque ``cursor`` (as returned in ``next_cursor``: the next item offset, or for the
matrix the last cell shown, so its pages neither skip nor repeat a cell while policies arrive) and
``limit`` (default 50, max 500); ``next_cursor`` is null on the last page. Dates are ISO 8601, times UTC.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from differ import word_diff
from payerwatch.web.bounds import arg_int
from payerwatch.web.views import _topic_text, archive
from store import change_record
from store.queries import BY, MATRIX_FILTERS, matrix_cursor, parse_matrix_cursor
from store.search import MARK_END, MARK_START

api = Blueprint("api", __name__, url_prefix="/api")
MAX_LIMIT = 500


def _json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _paging() -> tuple[int, int]:
    return arg_int("limit", 50, 1, MAX_LIMIT), arg_int("cursor", 0)


def _page(items: list, limit: int, offset: int, **extra) -> Any:
    """Fetch ``limit + 1`` rows upstream; the extra row only tells us whether there is a next page."""
    more = len(items) > limit
    return jsonify(
        {
            "items": _json(items[:limit]),
            "next_cursor": str(offset + limit) if more else None,
            "limit": limit,
            **extra,
        }
    )


def _day(name: str) -> dt.date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        abort(400, f"{name} must be YYYY-MM-DD")


@api.errorhandler(400)
@api.errorhandler(404)
def _error(err):
    return jsonify({"error": getattr(err, "description", str(err))}), err.code


@api.route("")
@api.route("/")
def docs():
    return render_template("api.html")


@api.route("/policies")
def policies():
    limit, offset = _paging()
    rows = archive().policies_page(limit=limit + 1, offset=offset, payer=request.args.get("payer") or None)
    for r in rows:
        r["html_url"] = url_for("views.policy", policy_id=r["id"])
    return _page(rows, limit, offset)


@api.route("/policies/<path:policy_id>/versions")
def policy_versions(policy_id: str):
    arc = archive()
    if arc.get_policy(policy_id) is None:
        abort(404, f"no such policy: {policy_id}")
    positions = {v.id: pos for v, pos in arc.position_timeline(policy_id)}
    items = []
    for e in arc.history(policy_id):
        item = _json(e.version)
        item["positions"] = [
            {"drug": d, "indication": i, "position": p} for (d, i), p in positions[e.version.id].items()
        ]
        item["changes"] = [
            {"id": c.id, "kind": c.kind, "severity": c.severity, "summary": c.summary} for c in e.changes
        ]
        item["raw_url"] = url_for("views.raw", version_id=e.version.id)
        items.append(item)
    limit, offset = _paging()
    return _page(items[offset : offset + limit + 1], limit, offset, policy=policy_id)


@api.route("/policies/<path:policy_id>/as-of")
def policy_as_of(policy_id: str):
    arc = archive()
    day = _day("date") or dt.datetime.now(dt.UTC).date()
    by = request.args.get("by", "effective")
    if by not in BY or arc.get_policy(policy_id) is None:
        abort(404 if by in BY else 400, "unknown policy or clock")
    version = arc.version_as_of(policy_id, day, by)
    if version is None:
        abort(404, f"no version in force on {day}")
    return jsonify(
        {"policy": policy_id, "date": day.isoformat(), "by": by, "version": _version_body(version.id)}
    )


@api.route("/policies/<path:policy_id>/diff/<int:old>/<int:new>")
def policy_diff(policy_id: str, old: int, new: int):
    """Word-level ops between the topic passages of any two versions, and the changes between them.

    ``old`` and ``new`` are the policy's version numbers (1, 2, ...), as in every change record and the
    HTML diff page, so a client can go from a change to its diff without knowing database ids.
    """
    arc = archive()
    by_number = {v.seq: v for v in arc.list_versions(policy_id)}
    if old not in by_number or new not in by_number:
        abort(404, f"no versions {old} and {new} of policy {policy_id}")
    old_v, new_v = by_number[old], by_number[new]
    ops = word_diff(_topic_text(arc.list_passages(old_v.id)), _topic_text(arc.list_passages(new_v.id)))
    between = [c.id for c in arc.changes_between(policy_id, old_v.id, new_v.id)]
    contexts = arc.list_change_contexts(change_ids=between, oldest_first=True) if between else []
    return jsonify(
        {
            "policy": policy_id,
            "old_version": old,
            "new_version": new,
            "diff": [[op, text] for op, text in ops],
            "changes": [change_record(ctx) for ctx in contexts],
            "html_url": url_for("views.diff", policy_id=policy_id, old=old, new=new),
        }
    )


@api.route("/policies/<path:policy_id>")
def policy(policy_id: str):
    pol = archive().get_policy(policy_id)
    if pol is None:
        abort(404, f"no such policy: {policy_id}")
    return jsonify(_json(pol) | {"versions_url": url_for("api.policy_versions", policy_id=policy_id)})


@api.route("/versions/<int:version_id>")
def version(version_id: int):
    if archive().get_version(version_id) is None:
        abort(404, f"no such version: {version_id}")
    return jsonify(_version_body(version_id))


def _version_body(version_id: int) -> dict:
    arc = archive()
    body = _json(arc.get_version(version_id))
    body["passages"] = _json(arc.list_passages(version_id))
    body["facts"] = _json(arc.list_facts(version_id))
    body["raw_url"] = url_for("views.raw", version_id=version_id)
    return body


@api.route("/changes")
def changes():
    limit, offset = _paging()
    filters = {k: request.args.get(k) or None for k in ("payer", "drug", "kind", "severity")}
    if request.args.get("policy"):
        filters["policy_id"] = request.args["policy"]
    items = []
    for ctx in archive().changes_page(limit=limit + 1, offset=offset, **filters):
        change, item = ctx.change, change_record(ctx)
        if ctx.old_version and ctx.new_version:  # the page's URL speaks in the policy's version numbers
            item["diff_url"] = url_for(
                "views.diff", policy_id=change.policy_id, old=ctx.old_version, new=ctx.new_version
            )
        items.append(item)
    return _page(items, limit, offset)


@api.route("/search")
def search():
    limit, offset = _paging()
    q = request.args.get("q") or ""
    hits = archive().search(
        q,
        payer=request.args.get("payer") or None,
        drug=request.args.get("drug") or None,
        as_of=_day("as_of"),
        by=request.args.get("by", "effective"),
        all_versions=request.args.get("all_versions") in ("1", "true"),
        order=request.args.get("order", "auto"),
        limit=limit + 1,
        offset=offset,
    )
    items = []
    for h in hits:
        item = _json(h)
        item["snippet"] = h.snippet.replace(MARK_START, "").replace(MARK_END, "")
        item["html_url"] = url_for("views.policy", policy_id=h.policy_id, version=h.seq)
        items.append(item)
    return _page(items, limit, offset, q=q)


@api.route("/matrix")
def matrix():
    """Cells in matrix order, keyset-paged: ``cursor`` is the last cell of the previous page."""
    limit = arg_int("limit", 50, 1, MAX_LIMIT)
    cursor = request.args.get("cursor") or None
    try:
        after = parse_matrix_cursor(cursor, 4) if cursor else None
    except ValueError:
        abort(400, "cursor must be a next_cursor this endpoint returned")
    filters = {k: request.args.get(k) or None for k in MATRIX_FILTERS}
    cells = archive().matrix(**filters, limit=limit + 1, after=after)  # type: ignore[arg-type]
    items = []
    for c in cells[:limit]:
        item = _json(c)
        item["criteria_summary"] = c.criteria_summary
        items.append(item)
    more = len(cells) > limit
    return jsonify(
        {
            "items": items,
            "next_cursor": matrix_cursor(cells[limit - 1].key) if more else None,
            "limit": limit,
        }
    )
