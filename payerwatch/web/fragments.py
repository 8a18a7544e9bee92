"""HTML fragments built in Python: the word diff, evidence highlights, search snippets and the position chart.

Everything here takes text from payers' documents, which is untrusted: each piece is escaped with
``markupsafe.escape`` *before* our own tags are put around it, and only then wrapped in ``Markup``.
Styles are inline so the same fragments survive in feeds and e-mail (the agreed change record format).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from differ.diffhtml import html_fragment
from extractors.model import POSITIONS
from store.search import MARK_END, MARK_START

MARK_STYLE = "background:#fff3a3;outline:1px solid #d4a72c"


def diff_html(ops) -> Markup:
    """Word-diff ops ``[[op, text], ...]`` as escaped inline HTML: the differ's one renderer, so the web,
    the feeds, the mail and ``payerwatch diff --html`` show a diff the same way."""
    return Markup(html_fragment([(op, text) for op, text in ops or ()], newlines=False))


def snippet_html(snippet: str) -> Markup:
    """A search snippet with its match markers turned into ``<mark>`` after escaping."""
    safe = str(escape(snippet))
    return Markup(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def evidence_html(text: str | None, start: int, end: int, context: int = 90) -> Markup:
    """The evidence span of a bullet, highlighted inside its surrounding normalized text."""
    if not text or start is None or end is None or not (0 <= start <= end <= len(text)):
        return Markup("")
    lo, hi = max(0, start - context), min(len(text), end + context)
    # widen to whole words so the context never opens or closes mid-word ("…l spray")
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return Markup(
        f'{escape(before)}<mark style="{MARK_STYLE}">{escape(text[start:end])}</mark>{escape(after)}'
    )


@dataclass
class Series:
    label: str
    points: str  # SVG polyline points
    color: str
    dots: list[tuple[float, float, str]]


@dataclass
class Chart:
    width: int
    height: int
    left: int
    series: list[Series]
    y_labels: list[tuple[float, str]]
    x_labels: list[tuple[float, str, str]]  # x, text, text-anchor


COLORS = ("#0550ae", "#bc4c00", "#1a7f37", "#8250df", "#cf222e", "#6e7781")


def position_chart(timeline, by_date, width: int = 760, height: int = 240) -> Chart | None:
    """A step chart of each drug × indication's position across versions (server-side SVG, no JS).

    ``timeline`` is ``Archive.position_timeline`` output; ``by_date(version)`` gives each version's x date.
    """
    points = [(by_date(v), pos) for v, pos in timeline]
    keys = sorted({k for _, pos in points for k in pos})
    if not keys:
        return None
    left, right, top, bottom = 190, 20, 14, 30
    days = [d for d, _ in points]
    start, end = min(days), max(max(days), dt.datetime.now(dt.UTC).date())
    span = max((end - start).days, 1)

    def x(d: dt.date) -> float:
        return round(left + (width - left - right) * (d - start).days / span, 1)

    def y(position: str) -> float:
        idx = POSITIONS.index(position) if position in POSITIONS else len(POSITIONS) - 1
        return round(top + (height - top - bottom) * idx / (len(POSITIONS) - 1), 1)

    series = []
    for i, key in enumerate(keys):
        # series that share a position would hide each other: nudge each by a pixel or two
        nudge = round((i - (len(keys) - 1) / 2) * min(2.0, 12 / len(keys)), 1)
        coords: list[tuple[float, float, str]] = []
        for d, pos in sorted(points, key=lambda p: p[0]):
            if key not in pos:
                continue
            if coords:
                coords.append((x(d), coords[-1][1], ""))  # hold the previous position until this date
            coords.append((x(d), y(pos[key]) + nudge, pos[key]))
        if coords:
            coords.append((x(end), coords[-1][1], ""))
        series.append(
            Series(
                label=f"{key[0]} · {key[1].replace('_', ' ')}",
                points=" ".join(f"{cx},{cy}" for cx, cy, _ in coords),
                color=COLORS[i % len(COLORS)],
                dots=[c for c in coords if c[2]],
            )
        )
    y_labels = [(y(p), p.replace("_", " ")) for p in POSITIONS]
    x_labels = [(x(start), start.isoformat(), "start"), (x(end), end.isoformat(), "end")]
    return Chart(width, height, left, series, y_labels, x_labels)
