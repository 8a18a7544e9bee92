"""HTML pages. URLs are a contract (feeds and e-mail link to them): ``/``, ``/policy/<id>``,
``/policy/<id>/diff/<old>/<new>``, ``/version/<id>/raw``, ``/changes``, ``/search``."""

from __future__ import annotations

import datetime as dt
import mimetypes
import posixpath
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request

from differ import word_diff
from differ.taxonomy import KINDS, SEVERITIES
from extractors.model import DRUGS
from payerwatch.processing import load_extraction
from payerwatch.web.fragments import diff_html, evidence_html, position_chart, snippet_html
from store import Archive
from store.models import PROGRAMS
from store.queries import BY, in_force_dates

views = Blueprint("views", __name__)
PAGE = 50


def archive() -> Archive:
    return current_app.config["ARCHIVE"]


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _day(name: str) -> dt.date | None:
    raw = request.args.get(name) or ""
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        abort(400, f"{name} must be YYYY-MM-DD")


@views.app_template_filter("label")
def label(value) -> str:
    return str(value or "—").replace("_", " ")


@views.app_template_filter("diffhtml")
def diffhtml(ops):
    return diff_html(ops)


@views.app_template_filter("day")
def day(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date().isoformat()
    return value.isoformat()


# The indications users ask about first come first; the rest follow in this order.
INDICATION_ORDER = (
    "trd",
    "mdsi",
    "depression",
    "bipolar_depression",
    "ptsd",
    "anxiety",
    "ocd",
    "substance_use",
    "chronic_pain",
    "neuropathic_pain",
    "crps",
    "sickle_cell",
    "post_concussion",
    "anesthesia",
    "other",
)


def _column_order(column: tuple[str, str]) -> tuple[int, int, str]:
    drug, indication = column
    rank = INDICATION_ORDER.index(indication) if indication in INDICATION_ORDER else len(INDICATION_ORDER)
    return (0 if drug == "esketamine" else 1, rank, indication)


@views.route("/")
def matrix():
    program = request.args.get("program") or None
    state = (request.args.get("state") or "").strip().upper() or None
    cells = archive().matrix(program=program, state=state)
    # "any" holds billing-code facts, which are shown in each cell's criteria, not as a column of their own
    cells = [c for c in cells if c.indication != "any"]
    columns = sorted({(c.drug, c.indication) for c in cells}, key=_column_order)
    rows: dict[str, dict] = {}
    for c in cells:
        row = rows.setdefault(c.policy_id, {"cell": c, "by": {}})
        row["by"][(c.drug, c.indication)] = c
    states = sorted({s.state for s in archive().list_sources() if s.state})
    return render_template(
        "matrix.html",
        rows=sorted(rows.values(), key=lambda r: (r["cell"].payer, r["cell"].policy_id)),
        columns=columns,
        programs=PROGRAMS,
        program=program,
        state=state,
        states=states,
    )


@views.route("/policy/<path:policy_id>")
def policy(policy_id: str):
    arc = archive()
    pol = arc.get_policy(policy_id)
    if pol is None:
        abort(404)
    source = arc.get_source(pol.source_id)
    history = arc.history(policy_id)
    if not history:
        abort(404)
    chosen = request.args.get("version", type=int)
    current = next((e.version for e in history if e.version.id == chosen), history[-1].version)
    timeline = arc.position_timeline(policy_id)
    keys = in_force_dates([v for v, _ in timeline], "effective")
    chart = position_chart(timeline, lambda v: keys[v.id])
    return render_template(
        "policy.html",
        policy=pol,
        source=source,
        history=history,
        current=current,
        passages=arc.list_passages(current.id),
        facts=arc.list_facts(current.id),
        chart=chart,
    )


@views.route("/policy/<path:policy_id>/diff/<int:old_version_id>/<int:new_version_id>")
def diff(policy_id: str, old_version_id: int, new_version_id: int):
    arc = archive()
    pol = arc.get_policy(policy_id)
    old, new = arc.get_version(old_version_id), arc.get_version(new_version_id)
    if pol is None or old is None or new is None or old.policy_id != policy_id or new.policy_id != policy_id:
        abort(404)
    old_text = _topic_text(arc.list_passages(old.id))
    new_text = _topic_text(arc.list_passages(new.id))
    changes = arc.changes_between(policy_id, old.id, new.id)
    texts = {}
    bullets = []
    for change in changes:
        for i, d in enumerate(change.details or []):
            ev = d.get("evidence") or {}
            shown = {}
            for side in ("old", "new"):
                span = ev.get(side)
                if not span:
                    continue
                vid = span.get("version_id")
                if vid not in texts:
                    extraction = load_extraction(arc, vid) if vid else None
                    texts[vid] = extraction.text if extraction else None
                html = evidence_html(texts[vid], span.get("start"), span.get("end"))
                shown[side] = {
                    "html": html,
                    "page": span.get("page"),
                    "version_id": vid,
                    "text": span.get("text"),
                }
            bullets.append(
                {"change": change, "detail": d, "evidence": shown, "anchor": f"b-{change.id[:8]}-{i}"}
            )
    return render_template(
        "diff.html",
        policy=pol,
        old=old,
        new=new,
        changes=changes,
        bullets=bullets,
        diff=diff_html(word_diff(old_text, new_text)),
        identical=old_text == new_text,
        versions=arc.list_versions(policy_id),
    )


def _topic_text(passages: list[dict]) -> str:
    """The ketamine/esketamine passages of a version, headed, as the differ compares them."""
    return "\n\n".join(f"{p['heading'] or ''}\n{p['text']}".strip() for p in passages)


@views.route("/version/<int:version_id>/raw")
def raw(version_id: int):
    arc = archive()
    version = arc.get_version(version_id)
    if version is None:
        abort(404)
    data = arc.version_bytes(version_id)
    media_type = version.media_type or "application/octet-stream"
    name = posixpath.basename(urlsplit(version.url).path) or "document"
    if "." not in name:
        name += mimetypes.guess_extension(media_type.split(";")[0].strip()) or ""
    stem, _, ext = name.rpartition(".")
    filename = (
        f"{stem or name}-v{version.seq}-{version.sha256[:8]}.{ext}" if stem else f"{name}-v{version.seq}"
    )
    response = Response(data, mimetype=media_type.split(";")[0].strip())
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["ETag"] = f'"{version.sha256}"'
    # a payer's HTML must never run in our origin, even if someone opens it inline
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@views.route("/changes")
def changes():
    filters = {k: request.args.get(k) or None for k in ("payer", "drug", "kind", "severity")}
    since = _day("since")
    page = _page()
    items = archive().changes_page(
        limit=PAGE + 1,
        offset=(page - 1) * PAGE,
        since=dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None,
        **filters,
    )
    return render_template(
        "changes.html",
        items=items[:PAGE],
        has_next=len(items) > PAGE,
        page=page,
        filters=filters,
        since=since,
        kinds=KINDS,
        severities=SEVERITIES,
        drugs=DRUGS,
        sources=archive().list_sources(),
    )


@views.route("/search")
def search():
    q = (request.args.get("q") or "").strip()
    payer = request.args.get("payer") or None
    drug = request.args.get("drug") or None
    as_of = _day("as_of")
    by = request.args.get("by") if request.args.get("by") in BY else "effective"
    page = _page()
    hits = []
    if q:
        hits = archive().search(
            q, payer=payer, drug=drug, as_of=as_of, by=by, limit=PAGE + 1, offset=(page - 1) * PAGE
        )
    rendered = [(h, snippet_html(h.snippet)) for h in hits[:PAGE]]
    return render_template(
        "search.html",
        q=q,
        payer=payer,
        drug=drug,
        as_of=as_of,
        by=by,
        hits=rendered,
        has_next=len(hits) > PAGE,
        page=page,
        drugs=DRUGS,
        sources=archive().list_sources(),
    )
