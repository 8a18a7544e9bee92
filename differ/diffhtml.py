"""Render word-diff ops for people: escaped, inline-styled HTML (mail clients drop <style> blocks).

Shared by ``payerwatch diff --html``, and usable by feeds, mail and the web diff view so that every
surface shows the same diff. Every piece of document text is HTML-escaped: a policy is untrusted input.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from differ.words import DELETE, EQUAL, INSERT

DEL_STYLE = "background:#ffe3e3;color:#8b0000;text-decoration:line-through"
INS_STYLE = "background:#dcf5dc;color:#0b5d1e;text-decoration:none"


def collapse(ops, context: int = 200) -> list[tuple[int, str]]:
    """Shorten long unchanged stretches to ``context`` characters at each end (``context`` 0: keep all).

    The one trimming rule for every surface (terminal, HTML page, feeds, mail): the first stretch keeps
    only its end (a lone stretch too), the last only its start, the others both ends around an ellipsis."""
    if not context:
        return list(ops)
    out = []
    last = len(ops) - 1
    for i, (op, text) in enumerate(ops):
        if op != EQUAL or len(text) <= 2 * context + 20:
            out.append((op, text))
            continue
        head = "" if i == 0 else text[:context]
        tail = "" if i == last and i else text[-context:]
        if head and tail:
            out.append((EQUAL, f"{head} … {tail}"))
        else:
            out.append((EQUAL, f"… {tail}" if tail else f"{head} …"))
    return out


def html_fragment(ops, newlines: bool = True) -> str:
    """``<del>``/``<ins>`` with inline styles; newlines kept as ``<br>`` unless the page preserves them
    itself (``newlines=False``: the web view's ``white-space:pre-wrap``)."""
    parts = []
    for op, text in ops:
        body = html.escape(text)
        if newlines:
            body = body.replace("\n", "<br>\n")
        if op == DELETE:
            parts.append(f'<del style="{DEL_STYLE}">{body}</del>')
        elif op == INSERT:
            parts.append(f'<ins style="{INS_STYLE}">{body}</ins>')
        else:
            parts.append(body)
    return "".join(parts)


def html_page(title: str, ops, header_lines: Sequence[str] = (), bullets: Sequence[str] = ()) -> str:
    """A standalone HTML page (no external assets) showing a diff with its context."""
    head = "".join(f'<p style="margin:2px 0;color:#444">{html.escape(line)}</p>' for line in header_lines)
    items = "".join(f"<li>{html.escape(b)}</li>" for b in bullets)
    bullet_html = f"<ul>{items}</ul>" if items else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        '<body style="font-family:Georgia,serif;max-width:60em;margin:2em auto;line-height:1.5">\n'
        f'<h1 style="font-size:1.3em">{html.escape(title)}</h1>\n{head}\n{bullet_html}\n'
        '<div style="white-space:normal;border-top:1px solid #ccc;padding-top:1em">'
        f"{html_fragment(ops)}</div>\n"
        "</body></html>\n"
    )
