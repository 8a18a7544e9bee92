"""Wording bullets: the changed stretches of topic text that no fact, code or date bullet explains.

diff-match-patch ops are grouped into hunks (runs of deletions and insertions, joined across equal
stretches shorter than two words); each hunk becomes a bullet with its before/after evidence, unless a
fact bullet already covers it, it only renumbers a list, or ``differ.infer`` can read a fact out of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from differ import evidence, noise, taxonomy, topic
from differ.infer import bullet as _bullet
from differ.infer import infer, short
from differ.words import DELETE, EQUAL, INSERT
from extractors.model import ExtractedPolicy

MAX_WORDING_BULLETS = 6


@dataclass
class _Hunk:
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    deleted: str = ""
    inserted: str = ""


def _hunks(ops: list[tuple[int, str]]) -> list[_Hunk]:
    """Runs of deletions/insertions, joined across equal stretches of fewer than two words."""
    hunks: list[_Hunk] = []
    op_pos = np_pos = 0
    current: _Hunk | None = None
    for op, text in ops:
        if op == EQUAL:
            if current is not None and len(re.findall(r"\w+", text)) >= 2:
                hunks.append(current)
                current = None
            elif current is not None:
                current.deleted += text
                current.inserted += text
                current.old_end += len(text)
                current.new_end += len(text)
            op_pos += len(text)
            np_pos += len(text)
            continue
        if current is None:
            current = _Hunk(op_pos, op_pos, np_pos, np_pos)
        if op == DELETE:
            current.deleted += text
            op_pos += len(text)
            current.old_end = op_pos
        elif op == INSERT:
            current.inserted += text
            np_pos += len(text)
            current.new_end = np_pos
    if current is not None:
        if ops[-1][0] == EQUAL:  # a short stretch joins two edits, never trails the last one
            tail = len(ops[-1][1])
            current.deleted, current.inserted = current.deleted[:-tail], current.inserted[:-tail]
            current.old_end -= tail
            current.new_end -= tail
        hunks.append(current)
    return [
        h
        for h in hunks
        if re.search(r"\w", h.deleted + h.inserted) and noise.squash(h.deleted) != noise.squash(h.inserted)
    ]


def _renumbered(h: _Hunk, new: ExtractedPolicy, ln) -> bool:
    """A list renumbered after an item moved ("3." → "2." at the start of a line) is not wording."""
    if not ln or not re.fullmatch(r"\d+", h.deleted.strip()) or not re.fullmatch(r"\d+", h.inserted.strip()):
        return False
    return (ln[0] == 0 or new.text[ln[0] - 1] == "\n") and new.text[ln[1] : ln[1] + 1] in (".", ")")


def _trimmed(text: str, loc):
    """A located span without the line breaks at its edges (a hunk can start or end on one)."""
    if not loc or loc[1] <= loc[0]:
        return loc
    a, b = loc[0], loc[1]
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b, *loc[2:])


def _overlaps(ev: dict | None, loc) -> bool:
    return bool(ev and loc and ev["start"] < max(loc[1], loc[0] + 1) and loc[0] < ev["end"])


def wording_bullets(
    ops,
    old,
    new,
    old_t: topic.TopicText,
    new_t: topic.TopicText,
    explained,
    moved_codes,
    dates_moved: bool = False,
) -> list[dict]:
    """One bullet per changed stretch of topic text that no fact or code bullet already explains."""
    out: list[dict] = []
    for h in _hunks(ops):
        lo = _trimmed(old.text, old_t.locate(h.old_start, h.old_end))
        ln = _trimmed(new.text, new_t.locate(h.new_start, h.new_end))
        if any(_overlaps(b["evidence"]["old"], lo) or _overlaps(b["evidence"]["new"], ln) for b in explained):
            continue
        if moved_codes and any(c in h.deleted + h.inserted for c in moved_codes):
            continue
        seg = new_t.segment_at(h.new_start) or old_t.segment_at(h.old_start)
        drugs = topic.drugs_named(h.deleted + h.inserted) or (seg.drugs if seg else ())
        drug = drugs[0] if len(drugs) == 1 else None
        if _renumbered(h, new, ln) or (dates_moved and noise.only_dates(h.deleted + " " + h.inserted)):
            continue  # a renumbered list, or a date the date bullets already report
        inferred = infer(h.deleted, h.inserted, old, new, lo, ln, seg, drug)
        if inferred:  # two hunks of one line can infer the same line-wide fact: keep it once
            out.extend(b for b in inferred if b not in out)
            continue
        sec = topic.section_at(new, ln[0]) if ln else topic.section_at(old, lo[0]) if lo else None
        heading = sec.heading if sec else seg.heading if seg else None
        where = f" ({heading})" if heading else ""
        head = taxonomy.drug_label(drug) if drug else "Wording"
        deleted, inserted = (
            noise.squash(h.deleted) and short(h.deleted),
            noise.squash(h.inserted) and short(h.inserted),
        )
        if deleted and inserted:
            what = f"“{deleted}” → “{inserted}”"
        elif inserted:
            what = f"added “{inserted}”"
        else:
            what = f"removed “{deleted}”"
        out.append(
            _bullet(
                f"{head}{where}: {what}",
                "wording",
                drug,
                None,
                deleted or None,
                inserted or None,
                # a pure insertion (deletion) still points at where it happened in the other version
                evidence.span(old, lo[0], lo[1] if deleted else lo[0], lo[2]) if lo else None,
                evidence.span(new, ln[0], ln[1] if inserted else ln[0], ln[2]) if ln else None,
            )
        )
    facts = [b for b in out if b["field"] != "wording"]
    wording = [b for b in out if b["field"] == "wording"]
    if len(wording) > MAX_WORDING_BULLETS:
        rest = len(wording) - MAX_WORDING_BULLETS
        wording = wording[:MAX_WORDING_BULLETS]
        wording.append(_bullet(f"… and {rest} more wording changes (see the diff)", "wording"))
    return facts + wording
