"""The history sets' payer sites, epoch by epoch: ``build_site(epoch, folder)`` → ``{path: Page}``.

Each ``<set folder>/<payer>.yaml`` (``SETS``: ``tests/files/eval/history/`` and its blind ``holdout/``
and ``holdout2/``)
describes one fictional source: its index page (optionally split over pages of ``per_page`` rows linked
by "Next", with ``index_faults: {epoch: {page: status}}``), its document-URL patterns, and its policies.
A policy is a Jinja2 body in a small line markup (``## `` and ``### `` headings, ``- `` bullets,
``| a | b |`` table rows, other lines are paragraphs) plus cumulative per-epoch settings: template
variables, and ``url``, ``title``, ``number`` (payers whose printed number carries a version letter),
``status`` (200 / 404 / 410 / 500 / 503, ``timeout``: the server never answers, ``login``: a sign-in
page answers 200 at the address, as a portal does when its session lapses, or ``error``: the CMS's
"something went wrong" page answers 200 — a soft error), ``listed`` (on the index or not) and, for PDFs,
``variant`` (``tests/support/pdf.py``: base, reexport, rewrap, reprint, typeset; ``gs`` / ``cairo``: the
base PDF re-written by another producer; ``ligatures``: the same text re-made by a typesetting producer
that embeds a TrueType font and sets fi / fl / ff as one glyph each, justified and hyphenated). An HTML
page may carry per-epoch site furniture besides ``chrome`` (the nav bar): ``banner`` (a cookie-consent
or notice box above the page) and ``aside`` (a box after the policy, e.g. a "last updated" stamp).
A policy whose URL changed keeps its old URL online with its last content (``old_versions_stay``),
or ``old_urls: redirect`` (301 to the current address, as after a site migration) or ``old_urls: alias``
(the current page answers there too, as a server that ignores case or query order does); otherwise
the old URL answers 404. Nothing binary is committed: PDFs are rendered on demand.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import Any

import jinja2
import yaml

from portal.localsite import Page
from tests.eval import eval_sets
from tests.support import pdf

HISTORY = Path(__file__).resolve().parent.parent / "files" / "eval" / "history"
# main: the set the detection code was developed on; holdout: written blind to the code, scored rarely
# Every folder of sources is a set (``tests.eval.eval_sets``; ``holdout`` sorts as 1, before ``holdout2``): a
# new blind history counts from the commit that adds it.
SETS = eval_sets(HISTORY, lambda folder: any(folder.glob("*.yaml")))
SPECIAL = ("url", "title", "number", "status", "listed", "variant")


@functools.lru_cache(maxsize=4)
def load_sources(folder: Path = HISTORY) -> list[dict[str, Any]]:
    return [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.yaml"))
        if p.stem != "expected"
    ]


def load_expected(folder: Path = HISTORY) -> dict[str, Any]:
    return yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))


def epoch_dates(folder: Path = HISTORY) -> dict[int, str]:
    return {int(e): str(spec["date"]) for e, spec in load_expected(folder)["epochs"].items()}


def has_timeouts(folder: Path = HISTORY) -> bool:
    """Whether some page of the set never answers (the crawl then needs a short download timeout)."""
    return any(
        s.get("status") == "timeout"
        for doc in load_sources(folder)
        for policy in doc["policies"]
        for s in policy.get("epochs", {}).values()
    )


def sources_file_entries(base_url: str, folder: Path = HISTORY) -> list[dict[str, Any]]:
    """Sources-file entries (generic spider) for every history source served at ``base_url``."""
    out = []
    for doc in load_sources(folder):
        src = doc["source"]
        entry = {
            "id": src["id"],
            "payer": src["payer"],
            "program": src["program"],
            "state": src.get("state"),
            "spider": "generic",
            "start_urls": [base_url + src["index"]],
            "allowed_domains": ["127.0.0.1"],
            "documents": src["documents"],
        }
        if src.get("drop_params"):
            entry["drop_params"] = src["drop_params"]
        if src.get("per_page"):  # the index's later pages
            entry["follow"] = [re.escape(src["index"]) + r"\?page=\d+$"]
        out.append(entry)
    return out


def settings(policy: dict[str, Any], epoch: int) -> dict[str, Any]:
    """The policy's cumulative settings in ``epoch`` (defaults: listed, 200, base variant)."""
    values: dict[str, Any] = {
        "url": policy["url"],
        "title": policy["title"],
        "number": policy["number"],
        "status": 200,
        "listed": True,
        "variant": "base",
    }
    for e in sorted(policy.get("epochs", {})):
        if int(e) <= epoch:
            values.update(policy["epochs"][e])
    values["epoch"] = epoch
    return values


def policy_urls(policy: dict[str, Any]) -> set[str]:
    """Every URL the policy had in any epoch."""
    return {policy["url"]} | {s["url"] for s in policy.get("epochs", {}).values() if "url" in s}


def build_site(epoch: int, folder: Path = HISTORY) -> dict[str, Page]:
    dates = epoch_dates(folder)
    date = dates[epoch]
    pages: dict[str, Page] = {}
    for doc in load_sources(folder):
        src = doc["source"]
        rows = []
        for policy in doc["policies"]:
            now = settings(policy, epoch)
            # earlier URLs: kept online with their last content, or gone
            for e in range(1, epoch):
                then = settings(policy, e)
                if then["url"] != now["url"] and then["url"] not in pages:
                    last = max(k for k in range(1, epoch) if settings(policy, k)["url"] == then["url"])
                    if policy.get("old_versions_stay"):
                        pages[then["url"]] = _document(doc, policy, last, dates[last])
                    elif policy.get("old_urls") == "redirect":
                        moved = {"Location": now["url"]}
                        pages[then["url"]] = Page(b"", status=301, headers=moved, etag=False)
            pages[now["url"]] = _current(doc, policy, now, epoch, date)
            if policy.get("old_urls") == "alias":
                for e in range(1, epoch):
                    pages.setdefault(settings(policy, e)["url"], pages[now["url"]])
            if now["listed"]:
                rows.append((now["url"], now["title"], now["number"]))
        if epoch in src.get("reorder", []):
            rows.reverse()
        pages.update(_index_pages(src, rows, epoch))
    return pages


def _current(doc: dict[str, Any], policy: dict[str, Any], now: dict[str, Any], epoch: int, date: str) -> Page:
    """What the policy's current address answers in ``epoch``."""
    payer = doc["source"]["payer"]
    if now["status"] == "timeout":
        return Page(hang=True)
    if now["status"] == "login":
        return Page(_login_page(payer).encode())
    if now["status"] == "error":
        return Page(_error_page(payer).encode())
    if now["status"] != 200:
        return Page(f"HTTP {now['status']}".encode(), "text/plain", status=now["status"])
    return _document(doc, policy, epoch, date)


def _index_pages(src: dict[str, Any], rows: list[tuple[str, str, str]], epoch: int) -> dict[str, Page]:
    """The source's index: one page, or pages of ``per_page`` rows at ``<index>?page=N`` linked by Next."""
    size = src.get("per_page") or max(len(rows), 1)
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]
    faults = (src.get("index_faults") or {}).get(epoch, {})
    out = {}
    for n, chunk in enumerate(chunks, start=1):
        path = src["index"] if n == 1 else f"{src['index']}?page={n}"
        if n in faults:
            out[path] = Page(f"HTTP {faults[n]}".encode(), "text/plain", status=faults[n])
            continue
        items = "\n".join(
            f'<li><a href="{html.escape(u)}">{html.escape(t)}</a> <span class="number">{num}</span></li>'
            for u, t, num in chunk
        )
        nav = f'<p><a href="{html.escape(src["index"])}?page={n + 1}">Next</a></p>' if n < len(chunks) else ""
        out[path] = Page(
            (
                f"<!DOCTYPE html><html><head><title>{src['payer']}: policies</title></head><body>"
                f'<h1>{src["payer"]} policies</h1><ul class="policies">\n{items}\n</ul>{nav}</body></html>'
            ).encode()
        )
    return out


def _login_page(payer: str) -> str:
    """The portal's sign-in form, served (200, HTML) where a document was expected — even at a PDF's URL."""
    return (
        f"<!DOCTYPE html><html><head><title>Sign in | {html.escape(payer)}</title></head><body><main>"
        f"<h1>Sign in</h1><p>Your session has ended. Sign in to {html.escape(payer)} to continue.</p>"
        '<form method="post" action="/login"><label>User ID <input name="user"></label>'
        '<label>Password <input name="password" type="password"></label><button>Sign in</button></form>'
        "</main></body></html>"
    )


def _error_page(payer: str) -> str:
    """A content system's friendly error page, served with 200 where the policy was expected (a "soft"
    error: the status says nothing went wrong)."""
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(payer)}</title></head><body><main>"
        "<h1>Something went wrong</h1><p>We are sorry, but this page cannot be shown right now. Please try "
        "again later or return to the home page.</p><p>Error reference: 500-CMS</p></main></body></html>"
    )


def _body_lines(policy: dict[str, Any], values: dict[str, Any]) -> list[str]:
    text = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(policy["body"]).render(**values)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _document(doc: dict[str, Any], policy: dict[str, Any], epoch: int, date: str) -> Page:
    values = settings(policy, epoch)
    if doc.get("format") == "pdf":
        return Page(_pdf(doc, policy, values, date), "application/pdf")
    return Page(_html(doc, policy, values, date).encode())


def _meta(doc, policy, values) -> list[str]:
    label = doc.get("number_label", "Policy Number")
    return [
        f"{label}: {values['number']}",
        f"Effective Date: {values['effective']}",
        f"Next Review Date: {values['review']}",
    ]


def _html(doc: dict[str, Any], policy: dict[str, Any], values: dict[str, Any], date: str) -> str:
    payer = doc["source"]["payer"]
    out, table, items = [], [], []

    def flush():
        if items:
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
            items.clear()
        if table:
            head, *rest = table
            cells = lambda row, tag: "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row)  # noqa: E731
            body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rest)
            out.append(f"<table><thead><tr>{cells(head, 'th')}</tr></thead><tbody>{body}</tbody></table>")
            table.clear()

    for line in _body_lines(policy, values):
        if line.startswith("- "):
            if table:
                flush()
            items.append(line[2:])
            continue
        if line.startswith("|"):
            if items:
                flush()
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        flush()
        if line.startswith("### "):
            out.append(f"<h3>{html.escape(line[4:])}</h3>")
        elif line.startswith("## "):
            out.append(f"<h2>{html.escape(line[3:])}</h2>")
        else:
            out.append(f"<p>{html.escape(line)}</p>")
    flush()
    chrome = _latest(policy.get("chrome", {}), values["epoch"]) or f"{payer} | Providers | Policies"
    footer = f"© 2026 {payer}. All rights reserved."
    if doc["source"].get("printed_footer", False):
        footer = f"Printed on {_us(date)}. " + footer
    meta = "".join(f"<p>{html.escape(m)}</p>" for m in _meta(doc, policy, values))
    banner = _latest(policy.get("banner", {}), values["epoch"])
    banner_html = (
        f'<div class="consent" role="dialog"><p>{html.escape(banner)}</p><button>Accept</button></div>'
        if banner
        else ""
    )
    aside = _latest(policy.get("aside", {}), values["epoch"])
    aside_html = f'<aside class="page-info"><p>{html.escape(aside)}</p></aside>' if aside else ""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(values["title"])}'
        f"</title></head><body>{banner_html}<nav>{html.escape(chrome)}</nav><main>"
        f"<h1>{html.escape(values['title'])}</h1>{meta}{''.join(out)}</main>{aside_html}"
        f"<footer><p>{footer}</p></footer></body></html>"
    )


def _pdf(doc: dict[str, Any], policy: dict[str, Any], values: dict[str, Any], date: str) -> bytes:
    payer = doc["source"]["payer"]
    content: list[dict[str, Any]] = [{"title": values["title"]}, {"meta": _meta(doc, policy, values)}]
    for line in _body_lines(policy, values):
        if line.startswith("- "):
            if content and "ul" in content[-1]:
                content[-1]["ul"].append(line[2:])
            else:
                content.append({"ul": [line[2:]]})
        elif line.startswith("|"):
            row = [c.strip() for c in line.strip("|").split("|")]
            if content and "table" in content[-1]:
                content[-1]["table"].append(row)
            else:
                content.append({"table": [row]})
        elif line.startswith("### "):
            content.append({"h2": line[4:]})
        elif line.startswith("## "):
            content.append({"h1": line[3:]})
        else:
            content.append({"p": line})
    src = {
        "doc_title": values["title"],
        "header": f"{payer} {doc.get('pdf_header', 'Pharmacy Coverage Policy')}",
        "footer": ["Page {page} of {pages}", f"Policy {values['number']}", "Printed on {printed}"],
        "printed_on": _us(date),
        "year": 2026,
        "content": content,
    }
    if values["variant"] in ("gs", "cairo"):  # the same PDF re-written by another producer
        return pdf.rewrite(pdf.render(src), values["variant"])
    if values["variant"] == "ligatures":  # a typesetting producer: embedded TrueType, ligature glyphs
        return pdf.render(_ligatures(src), "typeset", font="ttf")
    return pdf.render(src, values["variant"])


LIGATURES = {"ffi": "\ufb03", "ffl": "\ufb04", "ff": "\ufb00", "fi": "\ufb01", "fl": "\ufb02"}


def _ligatures(value: Any) -> Any:
    """``value`` (a PDF source or any part of it) with fi / fl / ff … written as ligature characters,
    as a typesetter draws them (one glyph each; a text layer then reads U+FB01 and kin)."""
    if isinstance(value, str):
        return re.sub("ffi|ffl|ff|fi|fl", lambda m: LIGATURES[m.group()], value)
    if isinstance(value, list):
        return [_ligatures(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in ("printed_on", "footer", "header") else _ligatures(v) for k, v in value.items()}
    return value


def _latest(per_epoch: dict, epoch: int):
    keys = [int(k) for k in per_epoch if int(k) <= epoch]
    return per_epoch[max(keys)] if keys else None


def _us(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{m}/{d}/{y}"
