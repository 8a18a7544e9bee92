"""HTML fragments built in Python: the word diff, evidence highlights, search snippets and the position chart.

Everything here takes text from payers' documents, which is untrusted: each piece is escaped with
``markupsafe.escape`` *before* our own tags are put around it, and only then wrapped in ``Markup``.
Styles are inline so the same fragments survive in feeds and e-mail (the agreed change record format).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from differ.diffhtml import html_fragment
from differ.taxonomy import position_label
from store.search import MARK_END, MARK_START

MARK_STYLE = "background:#fff3a3;outline:1px solid #d4a72c"


def diff_html(ops) -> Markup:
    """Word-diff ops ``[[op, text], ...]`` as escaped inline HTML: the differ's one renderer, so the web,
    the feeds, the mail and ``payerwatch diff --html`` show a diff the same way."""
    return Markup(html_fragment([(op, text) for op, text in ops or ()], newlines=False))


_NUMBERED = re.compile(r"^(?:\(?[0-9]{1,2}[.)]|\(?[a-z][.)]|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])\s")


def passage_html(text: str) -> Markup:
    """A passage as paragraphs and lists: the extractors keep one item per line (``- `` for a bullet, its
    own number for a numbered item), and criteria read as a list, not as one run-on paragraph."""
    out: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items.clear()

    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            items.append(f"<li>{escape(line[2:])}</li>")
        elif _NUMBERED.match(line):
            items.append(f'<li class="numbered">{escape(line)}</li>')
        else:
            flush()
            out.append(f"<p>{escape(line)}</p>")
    flush()
    return Markup("".join(out))


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


#: One colour per stance, chosen to read apart (and in greyscale): green for covered, red/orange for
#: refusals, amber/purple for the "not proven" family. A row's band takes the colour of its stance.
STANCE_COLORS = {
    "covered": "#1a7f37",
    "covered_with_criteria": "#6fdd8b",
    "not_covered": "#cf222e",
    "not_medically_necessary": "#fb8f44",
    "experimental_investigational": "#d4a72c",
    "unproven": "#8250df",
    "mixed": "#57606a",  # the policy states more than one position (e.g. by setting or criteria)
    "absent": "#eaeef2",  # this version says nothing about the row
}
STANCE_LABELS = {"mixed": "more than one position", "absent": "not addressed"}


def stance_of(position: str | None) -> str:
    if not position:
        return "absent"
    return "mixed" if " / " in position else position if position in STANCE_COLORS else "mixed"


def stance_label(stance: str) -> str:
    return STANCE_LABELS.get(stance) or position_label(stance)


@dataclass
class Band:
    x: float
    width: float
    stance: str
    color: str
    title: str


@dataclass
class Row:
    label: str
    y: float
    bands: list[Band]
    marks: list[tuple[float, str, str]]  # x, diff href, title: where this row's stance changed


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    row_height: int
    rows: list[Row]
    changes: list[tuple[float, str, str]]  # x, diff href, title: every version that announced a change
    ticks: list[tuple[float, str]]
    legend: list[tuple[str, str, str]]  # stance, label, colour


def _ticks(start: dt.date, end: dt.date, x, max_ticks: int) -> list[tuple[float, str]]:
    """Calendar ticks (weeks, months, quarters or years) at a spacing that gives at most ``max_ticks``."""
    span = (end - start).days
    if span <= 7 * max_ticks:
        day = start + dt.timedelta(days=(7 - start.weekday()) % 7)
        out = []
        while day <= end:
            out.append((x(day), day.strftime("%-d %b")))
            day += dt.timedelta(days=7)
        return out
    for months in (1, 2, 3, 6, 12, 24, 60):
        if span / (30.4 * months) <= max_ticks:
            break
    year, month = start.year, start.month
    out = []
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        if (month - 1) % months:
            continue
        day = dt.date(year, month, 1)
        if day > end:
            return out
        out.append((x(day), day.strftime("%Y" if months >= 12 else "%b %Y")))


def stance_chart(
    history, timeline, diff_href, *, now: dt.date, width: int = 940, row_height: int = 22
) -> Chart | None:
    """Per drug × indication one band per row, coloured by the stance each version took, over the time
    payerwatch observed the policy (first seen → last seen), with every announced change marked and linked
    to its diff. Server-side SVG: no script, readable in any browser and in the screenshot tests.

    ``history`` is ``Archive.history`` (versions oldest first with their changes), ``timeline`` is
    ``Archive.position_timeline`` and ``diff_href(old_version, new_version)`` the diff page's URL.
    """
    from differ.taxonomy import drug_label, indication_name

    keys = sorted({k for _, pos in timeline for k in pos}, key=row_order)
    if not keys:
        return None
    versions = [v for v, _ in timeline]
    starts = [v.first_seen.astimezone(dt.UTC).date() for v in versions]
    start = starts[0]
    end = max(max(v.last_seen.astimezone(dt.UTC).date() for v in versions), start + dt.timedelta(days=28))
    end = min(max(end, starts[-1] + dt.timedelta(days=7)), max(now, starts[-1] + dt.timedelta(days=7)))
    labels = {key: f"{drug_label(key[0])} · {indication_name(key[1])}" for key in keys}
    # room for the longest row label (about 6.6 px a character at 12 px), never more than half the chart
    left = min(int(max(len(text) for text in labels.values()) * 6.6) + 16, width // 2)
    right, top = 16, 8
    plot = width - left - right
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return round(left + plot * min(max((day - start).days, 0), span) / span, 1)

    rows = []
    for r, key in enumerate(keys):
        y = top + r * row_height
        bands: list[Band] = []
        marks = []
        previous = None
        for i, (version, positions) in enumerate(timeline):
            stance = stance_of(positions.get(key))
            x0 = x(starts[i])
            x1 = x(starts[i + 1]) if i + 1 < len(starts) else x(end)
            if previous is not None and stance != previous:
                marks.append(
                    (x0, diff_href(versions[i - 1], version), f"v{version.seq}: {stance_label(stance)}")
                )
            if bands and bands[-1].stance == stance:
                bands[-1].width = round(x1 - bands[-1].x, 1)
            else:
                bands.append(Band(x0, round(x1 - x0, 1), stance, STANCE_COLORS[stance], stance_label(stance)))
            previous = stance
        label = labels[key]
        for band in bands:
            band.title = f"{label}: {band.title}"
        rows.append(Row(label, y, bands, marks))
    changes = []
    for i, entry in enumerate(history):
        if i and entry.changes:
            v = entry.version
            what = "; ".join(c.summary for c in entry.changes)
            changes.append((x(starts[i]), diff_href(versions[i - 1], v), f"v{v.seq} ({starts[i]}): {what}"))
    height = top + len(keys) * row_height + 26
    seen = {b.stance for row in rows for b in row.bands}
    legend = [(s, stance_label(s), c) for s, c in STANCE_COLORS.items() if s in seen]
    ticks = _ticks(start, end, x, max(plot // 90, 2))
    return Chart(width, height, left, right, top, row_height, rows, changes, ticks, legend)


# Esketamine's labelled indications first, then IV ketamine, then the rest in the order people ask.
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


def row_order(key: tuple[str, str]) -> tuple[int, int, str]:
    drug, indication = key
    base = indication.split("/")[0]  # a sub-population ("trd/monotherapy") sorts next to its indication
    rank = INDICATION_ORDER.index(base) if base in INDICATION_ORDER else len(INDICATION_ORDER)
    return (0 if drug == "esketamine" else 1, rank, indication)
