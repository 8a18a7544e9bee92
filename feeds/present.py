"""One rendering of a change, shared by the feeds, the emails and (if it wants) the web page.

Everything that came from a payer's document — summary, bullets, diff text, revision note, titles, URLs —
is untrusted: it is HTML-escaped here, once, and characters XML cannot carry are dropped, so a policy that
contains ``<script>`` or ``]]>`` comes out as inert text in every channel. Styles are inline because Gmail
and Outlook ignore ``<style>`` blocks and external CSS.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from differ.diffhtml import collapse, html_fragment
from differ.taxonomy import drug_title, kind_label
from store.models import ChangeContext

SEVERITY_COLORS = {"critical": "#b00020", "high": "#c05600", "medium": "#8a6d00", "low": "#555555"}

# XML 1.0 forbids most C0 controls (and lxml refuses them); mail and HTML gain nothing from them either.
# Bidi overrides and isolates (U+202A-E, U+2066-9) go too: they make a reader see text in another order
# than it is written ("...evil.moc" shown for "com.live..."), and no policy needs them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# pdfminer's placeholder for an unmapped glyph; archives extracted before the extractors dropped it still
# hold some in their stored diffs, and a reader gains nothing from "(cid:127)"
_GLYPH_PLACEHOLDER = re.compile(r"\(cid:\d+\) ?")
EQUAL_KEEP = 120  # characters of unchanged text kept on each side of a change in the rendered diff

BOX_STYLE = (
    "font-family:Georgia,serif;font-size:14px;line-height:1.5;border-left:3px solid #ccc;"
    "padding:6px 10px;margin:8px 0;white-space:pre-wrap"
)


def clean(text: object) -> str:
    """Text safe to put into XML: ``None`` becomes empty, forbidden control characters go."""
    text = "" if text is None else str(text)
    if "(cid:" in text:
        text = _GLYPH_PLACEHOLDER.sub("", text)
    return _XML_INVALID.sub("", text)


def one_line(text: object) -> str:
    """Collapse whitespace (and line breaks, which would forge mail headers) into single spaces."""
    return " ".join(clean(text).split())


def esc(text: object) -> str:
    return html.escape(clean(text), quote=True)


def safe_href(url: str | None) -> str | None:
    """Only http(s) links leave the system; a ``javascript:`` URL from a hostile page does not."""
    if not url:
        return None
    url = one_line(url)
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def drugs_label(drugs: list[str]) -> str:
    names = [drug_title(one_line(d)) for d in drugs]
    return " & ".join(names) if names else "Ketamine/Esketamine"


def what_changed(ctx: ChangeContext) -> str:
    """The summary without its ``Payer:`` prefix (the title names the payer already)."""
    summary = one_line(ctx.change.summary)
    prefix = f"{one_line(ctx.payer)}:"
    if summary.lower().startswith(prefix.lower()):
        summary = summary[len(prefix) :].strip()
    return summary or kind_label(ctx.change.kind)


def change_title(ctx: ChangeContext) -> str:
    """``<Payer> · <Drug>: <what changed>`` — the entry title and the mail subject's core."""
    return f"{one_line(ctx.payer)} · {drugs_label(ctx.change.drugs)}: {what_changed(ctx)}"


def diff_url(base_url: str, ctx: ChangeContext) -> str:
    """The archive's diff page in the policy's version numbers (``/policy/<id>/diff/<n>/<m>``, the web's
    URL contract); a first version links to its policy page."""
    change = ctx.change
    policy = quote(change.policy_id, safe="/")
    if ctx.old_version is None or ctx.new_version is None:
        return f"{base_url}/policy/{policy}"
    return f"{base_url}/policy/{policy}/diff/{ctx.old_version}/{ctx.new_version}"


def entry_id(change_id: str) -> str:
    """A ``tag:`` URI that depends on the change id only, so regenerating a feed never changes it."""
    return f"tag:payerwatch,2026:change/{change_id}"


def _ops(diff: list) -> list[tuple[int, str]]:
    out = []
    for item in diff or []:
        try:
            op, text = int(item[0]), str(item[1])
        except (TypeError, ValueError, IndexError):
            continue
        out.append((op, text))
    return out


def diff_html(diff: list) -> str:
    """Word-level ops as inline-styled ``<del>``/``<ins>``, long unchanged stretches shortened."""
    return html_fragment([(op, clean(text)) for op, text in collapse(_ops(diff), EQUAL_KEEP)], newlines=False)


def diff_text(diff: list) -> str:
    """The same diff for the plain-text mail part: ``[-old-]`` and ``{+new+}`` like ``git
    diff --word-diff``."""
    parts = []
    for op, text in collapse(_ops(diff), EQUAL_KEEP):
        text = clean(text)
        if op < 0:
            parts.append(f"[-{text}-]")
        elif op > 0:
            parts.append(f"{{+{text}+}}")
        else:
            parts.append(text)
    return "".join(parts)


def bullet_texts(ctx: ChangeContext) -> list[str]:
    out = []
    for bullet in ctx.change.details or []:
        text = bullet.get("text") if isinstance(bullet, dict) else bullet
        if text:
            out.append(one_line(text))
    return out


def meta_items(ctx: ChangeContext) -> list[tuple[str, str]]:
    """What the title does not say already: the title names payer, drugs and the change, so the policy is
    listed only when the summary does not name it, and payer, kind and severity never twice."""
    change = ctx.change
    items = []
    policy = one_line(ctx.policy_title or ctx.policy_number or change.policy_id)
    if policy.lower() not in what_changed(ctx).lower():
        items.append(("Policy", policy))
    if change.effective_date:
        items.append(("Effective", change.effective_date.isoformat()))
    if change.revision_note:
        items.append(("Revision note", one_line(change.revision_note)))
    if change.needs_review:
        items.append(("Note", "the document's revision history and its text disagree; review by hand"))
    return items


def kind_line(ctx: ChangeContext) -> str:
    """``high · new policy``: the severity and the kind, the one line a title does not carry."""
    change = ctx.change
    return f"{change.severity} · {kind_label(change.kind)}"


def change_html(ctx: ChangeContext, base_url: str) -> str:
    """The HTML body of one change (a feed entry's content, a section of a mail)."""
    change = ctx.change
    color = SEVERITY_COLORS.get(change.severity, "#555555")
    out = [
        f'<p style="margin:0 0 6px 0;font-size:15px"><span style="color:{color};font-weight:bold;'
        f'text-transform:uppercase;font-size:12px">{esc(change.severity)}</span> '
        f"{esc(kind_label(change.kind))}</p>",
        '<table style="border-collapse:collapse;font-size:13px;color:#333" role="presentation">',
    ]
    for label, value in meta_items(ctx):
        out.append(
            f'<tr><td style="padding:1px 8px 1px 0;color:#777">{esc(label)}</td><td style="padding:1px 0">'
            f"{esc(value)}</td></tr>"
        )
    out.append("</table>")
    bullets = bullet_texts(ctx)
    if bullets:
        out.append('<ul style="margin:8px 0;padding-left:20px">')
        out.extend(f'<li style="margin:2px 0">{esc(b)}</li>' for b in bullets)
        out.append("</ul>")
    if change.diff:
        out.append(f'<div style="{BOX_STYLE}">{diff_html(change.diff)}</div>')
    links = [
        f'<a href="{esc(diff_url(base_url, ctx))}" style="color:#1a57a8">See the change in the archive</a>'
    ]
    doc = safe_href(ctx.policy_url)
    if doc:
        links.append(f'<a href="{esc(doc)}" style="color:#1a57a8">the payer\'s document</a>')
    out.append(f'<p style="margin:6px 0;font-size:13px">{" · ".join(links)}</p>')
    return "\n".join(out)


def change_text(ctx: ChangeContext, base_url: str) -> str:
    """The plain-text twin of :func:`change_html` for the text/plain part of a mail."""
    lines = [change_title(ctx), kind_line(ctx), ""]
    lines += [f"{label}: {value}" for label, value in meta_items(ctx)]
    bullets = bullet_texts(ctx)
    if bullets:
        lines.append("")
        lines += [f"  * {b}" for b in bullets]
    if ctx.change.diff:
        lines += ["", "Changed wording:", diff_text(ctx.change.diff)]
    lines += ["", f"Archive: {diff_url(base_url, ctx)}"]
    doc = safe_href(ctx.policy_url)
    if doc:
        lines.append(f"Document: {doc}")
    return "\n".join(lines)
