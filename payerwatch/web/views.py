"""HTML pages. URLs are a contract (feeds and e-mail link to them): ``/``, ``/policy/<id>``,
``/policy/<id>/diff/<old>/<new>``, ``/policy/<id>/raw/<n>``, ``/changes``, ``/search``.

Versions in URLs are the policy's own version numbers (1, 2, 3 … — the ``#`` of ``payerwatch history``),
never database ids: a researcher reads "v3" in the CLI, on the page and in the address bar alike.
``/version/<id>/raw`` stays for the JSON API, which speaks in version ids.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import posixpath
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from differ import word_diff
from differ.taxonomy import (
    DRUG_LABEL,
    INDICATION_LABEL,
    KINDS,
    POSITION_LABEL,
    SEVERITIES,
    drug_label,
    kind_label,
)
from payerwatch.processing import load_extraction
from payerwatch.web.bounds import MAX_ID, MAX_OFFSET, arg_int
from payerwatch.web.fragments import (
    diff_html,
    evidence_html,
    passage_html,
    row_order,
    snippet_html,
    stance_chart,
)
from store import Archive
from store.models import PROGRAMS, Source, Version, payer_slug, utcnow
from store.queries import BY, matrix_cursor, parse_matrix_cursor

views = Blueprint("views", __name__)
PAGE = 50
#: payers named under the matrix page's payer box (the rest is "and more: type more of the name")
MATCHES_SHOWN = 8
#: longest payer text the matrix page takes (payer names are short; the box is not a search engine)
MAX_PAYER_TEXT = 200
DRUGS = tuple(DRUG_LABEL)
INDICATIONS = tuple(i for i in INDICATION_LABEL if i != "any")
#: the matrix's stance filter: one position, or "mixed" (a cell stating several)
STANCES = (*POSITION_LABEL, "mixed")


def archive() -> Archive:
    return current_app.config["ARCHIVE"]


def _page() -> int:
    return arg_int("page", 1, 1, MAX_OFFSET // PAGE)


def _day(name: str) -> dt.date | None:
    raw = request.args.get(name) or ""
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        abort(400, f"{name} must be a date written YYYY-MM-DD")


def feed_links(payer: str | None = None, drug: str | None = None, kind: str | None = None) -> list[dict]:
    """The Atom feeds a page's changes come from: the unfiltered feed, then the one per filter in use.

    Pages put them in ``<link rel="alternate">`` (feed readers discover them) and show them as links.
    """
    links = [{"title": "All changes", "href": url_for("feeds.all_feed", fmt="atom")}]
    if payer:
        source = archive().get_source(payer)
        name = source.payer if source else payer
        links.append(
            {
                "title": f"{name}: changes",
                "href": url_for("feeds.facet_feed", facet="payer", value=payer_slug(name), fmt="atom"),
            }
        )
    if drug in DRUGS:
        links.append(
            {
                "title": f"{drug_label(drug)}: changes",
                "href": url_for("feeds.facet_feed", facet="drug", value=drug, fmt="atom"),
            }
        )
    if kind in KINDS:
        links.append(
            {
                "title": f"{kind_label(kind).capitalize()} changes",
                "href": url_for("feeds.facet_feed", facet="kind", value=kind, fmt="atom"),
            }
        )
    return links


def diff_url(policy_id: str, old: Version, new: Version) -> str:
    return url_for("views.diff", policy_id=policy_id, old=old.seq, new=new.seq)


def _version_by_seq(policy_id: str) -> dict[int, Version]:
    return {v.seq: v for v in archive().list_versions(policy_id)}


@views.route("/")
def matrix():
    """One page of the matrix (``PAGE`` policies), keyset-paged by ``after`` (the last row shown).

    The payer filter is a search box (a source id, or words the payer's name contains), not a menu of
    every source: at 500 sources the menu was two thirds of the page's time, and a researcher looking
    for one payer among hundreds types its name. Up to ``MATCHES_SHOWN`` matching payers are named
    under the box, so a reader sees what the words chose (and that nothing matched, without a query
    of the matrix).
    """
    program = request.args.get("program") or None
    state = (request.args.get("state") or "").strip().upper() or None
    payer = (request.args.get("payer") or "").strip() or None
    drug = request.args.get("drug") if request.args.get("drug") in DRUGS else None
    indication = request.args.get("indication") if request.args.get("indication") in INDICATIONS else None
    stance = request.args.get("stance") if request.args.get("stance") in STANCES else None
    cursor = request.args.get("after") or None
    if payer is not None and len(payer) > MAX_PAYER_TEXT:
        abort(400, f"payer must be at most {MAX_PAYER_TEXT} characters")
    try:
        after = parse_matrix_cursor(cursor, 2) if cursor else None
    except ValueError:
        abort(400, "after must be a page link this page made")
    arc = archive()
    matches = arc.sources_matching(payer, limit=MATCHES_SHOWN + 1) if payer else None
    # "any" holds billing-code facts, which are shown in each cell's criteria, not as a column of their own
    found = (
        arc.matrix_rows(
            limit=PAGE + 1,
            after=after,  # type: ignore[arg-type]
            program=program,
            state=state,
            payer_contains=payer,
            drug=drug,
            indication=indication,
            stance=stance,
            without_indication="any",
        )
        if matches != []
        else []
    )
    rows = [{"cell": cells[0], "by": {(c.drug, c.indication): c for c in cells}} for cells in found[:PAGE]]
    columns = sorted({key for r in rows for key in r["by"]}, key=row_order)
    groups: list[tuple[str, int]] = []
    for d, _ in columns:
        if groups and groups[-1][0] == d:
            groups[-1] = (d, groups[-1][1] + 1)
        else:
            groups.append((d, 1))
    filters = {"program": program, "state": state, "payer": payer, "drug": drug}
    filters |= {"indication": indication, "stance": stance}
    # the payer's own feed, when the words chose one payer (a feed is per payer name, not per source)
    one_payer = matches[0].id if matches and len({s.payer for s in matches}) == 1 else None
    return render_template(
        "matrix.html",
        rows=rows,
        columns=columns,
        groups=groups,
        programs=PROGRAMS,
        program=program,
        state=state,
        states=arc.source_states(),
        payer=payer,
        # one name per payer (a payer's commercial and Medicare sources share it), in the rows' order
        matches=list(dict.fromkeys(_payer_label(s) for s in (matches or [])[:MATCHES_SHOWN])),
        more_matches=matches is not None and len(matches) > MATCHES_SHOWN,
        drug=drug,
        drugs=DRUGS,
        indication=indication,
        indications=INDICATIONS,
        stance=stance,
        stances=STANCES,
        filtered=any(filters.values()),
        next_url=(
            url_for("views.matrix", **filters, after=matrix_cursor(rows[-1]["cell"].key[:2]))
            if len(found) > PAGE
            else None
        ),
        first_url=url_for("views.matrix", **filters) if after else None,
        feeds=feed_links(payer=one_payer, drug=drug),
    )


def _payer_label(source: Source) -> str:
    return f"{source.payer} ({source.state})" if source.state else source.payer


@views.route("/policy/<path:policy_id>")
def policy(policy_id: str):
    arc = archive()
    pol = arc.get_policy(policy_id)
    history = arc.history(policy_id) if pol else []
    if pol is None or not history:
        abort(404, f"No policy {policy_id!r} in the archive.")
    source = arc.get_source(pol.source_id)
    chosen = arg_int("version", 0, 0, MAX_ID) or None
    current = next((e.version for e in history if e.version.seq == chosen), history[-1].version)
    chart = stance_chart(
        history,
        arc.position_timeline(policy_id),
        lambda old, new: diff_url(policy_id, old, new),
        now=utcnow().date(),
    )
    return render_template(
        "policy.html",
        policy=pol,
        source=source,
        history=history,
        current=current,
        passages=[dict(p, html=passage_html(p["text"])) for p in arc.list_passages(current.id)],
        facts=arc.list_facts(current.id),
        chart=chart,
        feeds=feed_links(payer=pol.source_id),
    )


@views.route("/policy/<path:policy_id>/diff/<int:old>/<int:new>")
def diff(policy_id: str, old: int, new: int):
    arc = archive()
    pol = arc.get_policy(policy_id)
    by_seq = _version_by_seq(policy_id) if pol else {}
    if pol is None or old not in by_seq or new not in by_seq:
        abort(404, f"No versions {old} and {new} of policy {policy_id!r} in the archive.")
    old_v, new_v = by_seq[old], by_seq[new]
    seq_of = {v.id: v.seq for v in by_seq.values()}
    old_text = _topic_text(arc.list_passages(old_v.id))
    new_text = _topic_text(arc.list_passages(new_v.id))
    changes = arc.changes_between(policy_id, old_v.id, new_v.id)
    texts: dict = {}
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
                shown[side] = {
                    "html": evidence_html(texts[vid], span.get("start"), span.get("end")),
                    "page": span.get("page"),
                    "seq": seq_of.get(vid),
                    "text": span.get("text"),
                }
            bullets.append(
                {"change": change, "detail": d, "evidence": shown, "anchor": f"b-{change.id[:8]}-{i}"}
            )
    source = arc.get_source(pol.source_id)
    return render_template(
        "diff.html",
        policy=pol,
        source=source,
        old=old_v,
        new=new_v,
        changes=changes,
        bullets=bullets,
        diff=diff_html(word_diff(old_text, new_text)),
        identical=old_text == new_text,
        versions=sorted(by_seq.values(), key=lambda v: v.seq),
        feeds=feed_links(payer=pol.source_id),
    )


def _topic_text(passages: list[dict]) -> str:
    """The ketamine/esketamine passages of a version, headed, as the differ compares them."""
    return "\n\n".join(f"{p['heading'] or ''}\n{p['text']}".strip() for p in passages)


@views.route("/policy/<path:policy_id>/raw/<int:seq>")
def policy_raw(policy_id: str, seq: int):
    version = _version_by_seq(policy_id).get(seq)
    if version is None:
        abort(404, f"No version {seq} of policy {policy_id!r} in the archive.")
    return _raw(version)


@views.route("/version/<int:version_id>/raw")
def raw(version_id: int):
    version = archive().get_version(version_id)
    if version is None:
        abort(404, f"No version with id {version_id} in the archive.")
    return _raw(version)


def _raw(version: Version) -> Response:
    data = archive().version_bytes(version.id)
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
    arc = archive()
    items = arc.changes_page(
        limit=PAGE + 1,
        offset=(page - 1) * PAGE,
        since=dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None,
        **filters,
    )
    shown = []
    for ctx in items[:PAGE]:
        href = None
        if ctx.old_version and ctx.new_version:
            href = url_for(
                "views.diff", policy_id=ctx.change.policy_id, old=ctx.old_version, new=ctx.new_version
            )
        shown.append((ctx, href))
    return render_template(
        "changes.html",
        items=shown,
        has_next=len(items) > PAGE,
        page=page,
        filters=filters,
        since=since,
        kinds=KINDS,
        severities=SEVERITIES,
        drugs=DRUGS,
        sources=sorted(arc.list_sources(), key=lambda s: (s.payer, s.id)),
        feeds=feed_links(payer=filters["payer"], drug=filters["drug"], kind=filters["kind"]),
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
        sources=sorted(archive().list_sources(), key=lambda s: (s.payer, s.id)),
    )
