"""Load the hand-written portal content and resolve it for one epoch.

Content lives in ``content/<payer>.yaml`` (metadata, per-epoch variables) and ``content/<payer>/*.txt``
(document bodies: Jinja2 text in a tiny line markup). Keeping the words in data files rather than in
Python lets the extractor and differ engineers read exactly what each epoch says, and lets one body
render to HTML or PDF with the same words, so format noise never hides in the text.

Per-epoch variables are cumulative: epoch *n* sees the merge of the blocks for every epoch <= n
(epoch 0 is history before the portal starts: it is never served, but old version pages use it).
A key ending in ``+`` prepends its list to the inherited list (revision-history rows, newest first).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

CONTENT_DIR = Path(__file__).parent / "content"
PAYERS = ("uhc", "aetna", "bcbsmn", "bcbsnd", "txmedicaid", "masshealth", "cigna")

SUB_ITEM = re.compile(r"^(?:[A-Za-z]\)|- )")

_env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


def epoch_date(epoch: int) -> dt.date:
    """The calendar day the portal pretends it is in ``epoch`` (drives Last-Modified headers).
    The manifest holds the dates, so the timeline is written down in exactly one place."""
    return load_expected()["epochs"][epoch]["date"]


def max_epoch() -> int:
    """The last epoch the content describes (the manifest is the authority)."""
    return int(max(load_expected()["epochs"]))


@dataclass(frozen=True)
class Block:
    """One rendered unit of a document body: heading (level 1-3), paragraph, list or table."""

    kind: str  # "h", "p", "ul", "ol", "table"
    text: str = ""
    level: int = 0
    items: tuple = ()


@dataclass
class DocSpec:
    """One document of a payer as the content files describe it, resolved for one epoch."""

    key: str
    payer: str
    vars: dict[str, Any]
    template: str | None = None
    present: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def render_text(self) -> str:
        """The body's Jinja template rendered with this epoch's variables."""
        source = (CONTENT_DIR / self.template).read_text(encoding="utf-8")
        return _env.from_string(source).render(**self.vars)

    def blocks(self) -> list[Block]:
        return parse_markup(self.render_text())


def merge_epochs(blocks: dict[int, dict] | None, epoch: int) -> dict[str, Any]:
    """Cumulative merge of per-epoch variable blocks up to ``epoch`` (see module docstring)."""
    out: dict[str, Any] = {}
    for n in sorted(blocks or {}):
        if n > epoch:
            break
        for key, value in (blocks[n] or {}).items():
            if key.endswith("+"):
                base = key[:-1]
                out[base] = list(value) + list(out.get(base, []))
            else:
                out[key] = value
    return out


@functools.cache
def load_payer(payer: str) -> dict[str, Any]:
    with open(CONTENT_DIR / f"{payer}.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for required in ("payer", "prefix", "documents"):
        if required not in data:
            raise ValueError(f"content/{payer}.yaml lacks {required!r}")
    return data


@functools.cache
def load_expected() -> dict[str, Any]:
    with open(CONTENT_DIR / "expected.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def expected_announcements() -> int:
    """How many changes the epochs hold: one per revised document (payerwatch announces one change per
    new version); noise-only revisions hold none. ``payerwatch demo`` finds exactly these, and the
    README says how many."""
    return sum(
        1
        for epoch in load_expected()["epochs"].values()
        for doc in epoch["documents"].values()
        if set(doc.get("kinds", [])) - {"none"}
    )


def site_vars(payer: str, epoch: int) -> dict[str, Any]:
    """Payer-wide variables (site chrome: footer year, cookie banner, index order)."""
    return merge_epochs(load_payer(payer).get("site"), epoch)


def documents(payer: str, epoch: int) -> list[DocSpec]:
    """Every document of ``payer`` with its variables at ``epoch``; absent ones have present=False."""
    data = load_payer(payer)
    site = site_vars(payer, epoch)
    specs = []
    for doc in data["documents"]:
        first = min(doc.get("epochs") or {1: None})
        present = first <= epoch and epoch not in doc.get("absent", [])
        values = {**site, **merge_epochs(doc.get("epochs"), epoch)}
        extra = {k: v for k, v in doc.items() if k not in ("key", "template", "epochs", "absent")}
        specs.append(DocSpec(doc["key"], payer, values, doc.get("template"), present and epoch >= 1, extra))
    return specs


def parse_markup(text: str) -> list[Block]:
    """Parse the line markup: ``#``/``##``/``###`` headings, ``- `` bullets, ``1. `` numbered items,
    ``|``-separated table rows (first row is the header) and blank-line separated paragraphs.
    Indented lines under a list item that start with ``A)`` or ``- `` are its sub-items (criteria
    lists nest in real policies); other indented lines continue the previous line, so content files
    can stay readable. List items are ``(text, (sub-item, ...))`` pairs."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[tuple[str, list[str]]] = []
    rows: list[tuple[str, ...]] = []
    list_kind = ""

    def flush() -> None:
        nonlocal para, items, rows, list_kind
        if para:
            blocks.append(Block("p", " ".join(para)))
        if items:
            blocks.append(Block(list_kind, items=tuple((text, tuple(subs)) for text, subs in items)))
        if rows:
            blocks.append(Block("table", items=tuple(rows)))
        para, items, rows, list_kind = [], [], [], ""

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if raw.startswith((" ", "\t")) and items:
            text, subs = items[-1]
            if SUB_ITEM.match(line):
                subs.append(line[2:] if line.startswith("- ") else line)
            elif subs:
                subs[-1] += " " + line
            else:
                items[-1] = (text + " " + line, subs)
            continue
        if raw.startswith((" ", "\t")) and para:
            para[-1] += " " + line
            continue
        if line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            blocks.append(Block("h", line[level:].strip(), level=level))
        elif line.startswith("|"):
            if para or items:
                flush()
            rows.append(tuple(cell.strip() for cell in line.strip("|").split("|")))
        elif line.startswith("- ") or (line[:1].isdigit() and ". " in line[:4]):
            kind = "ul" if line.startswith("- ") else "ol"
            if para or rows or (items and kind != list_kind):
                flush()
            list_kind = kind
            items.append((line.split(" ", 1)[1], []))
        else:
            if items or rows:
                flush()
            para.append(line)
    flush()
    return blocks
