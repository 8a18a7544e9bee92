"""Positions a list states through its lead-in: the drug is in an item, the stance in the sentence above.

Payers write coverage as lists under one sentence: "The following are considered investigational for
treatment-resistant depression:" over "- Deep brain stimulation; - Intravenous ketamine;", or "The drugs
below are covered … when a prior authorization request is approved" over a table or list of drugs. The
extractors read a stance from a sentence that names the drug, so such an item states nothing to them,
and a drug added to such a list, dropped from it, or moved from the covered list to the investigational
one reaches the differ as wording (or as its billing code alone).

``lead_in_bullets(old, new)`` reads, in each version, every list item or table row that names one of
the drugs and an indication (its own, else its lead-in's) under a lead-in that points at it (it ends
with a colon or says "following", "below", "listed", and no condition comes before that pointer: "… is
covered when all of the following are met:" lists criteria) and states a position — for that drug, when
the lead-in names one; a drug × indication whose
position so read differs between the versions is a ``position`` bullet — unless the extractors' facts
state that drug × indication's position in either version (the facts win, as everywhere in the differ).
Revision histories, informational sections and code tables are not read. Only the drug an item *lists*
takes the stance (named in its first words, not "TMS after a response to ketamine"; an item that starts
with a billing code is the code's line), and a drug × indication in several lists has all their
positions, so lists that trade places are no change.

Why a second reader of lists here, in the differ: it is a stopgap for a gap in the fact reader, which
already gives a lead-in's stance to list items — ``extractors/facts/units.py`` opens a lead-in only from a
statement that names a drug (``statement``, reached under ``if st and drugs``), and ``reader.read_heading``
opens a drug-less one only from a *heading* with a negative stance ("Not Covered" over "- Intravenous
ketamine for PTSD", whose items name their drug; the ``in_list`` branch of ``units.py``). A *paragraph*
that states a stance and names no drug ("The following are considered investigational for …:", Osprey
MED-0931's "… may be considered medically necessary …" list) opens none, and no covered lead-in gives its
stance to an item that names the drug. The right fix is there: open a drug-less ``LeadIn`` from such a
paragraph (pointer before any condition, as ``_criteria_list`` here) and let an item that lists a drug
take its stance, covered or not; then this module goes. It was not made there this stop because
``extractors/facts`` was being changed by two other helpers and a facts change must be re-scored on the
blind facts sets and bumps ``EXTRACTOR_VERSION`` (every archive reprocessed). Meanwhile this reader
speaks only where the facts state nothing for a drug × indication, so the two never disagree in an alert.
"""

from __future__ import annotations

import re

from differ import evidence, taxonomy, topic
from differ.infer import bullet
from differ.noise import squash
from extractors.facts.positions import position_of
from extractors.model import ExtractedPolicy
from extractors.terms import GENERIC_INDICATIONS, drugs_in, indications_in

_ITEM = re.compile(r"^\s*(?:[-•*▪]|\d+[.)])\s+")
_ROW = " | "
#: A sentence that points at what follows it.
_FORWARD = re.compile(r"\b(?:following|below|listed)\b|:\s*$", re.I)
#: How many headings may stand between a lead-in and its list ("… covered …" / "Covered Drugs" / items).
_MAX_HEADINGS = 2


def _indications(text: str) -> list[str]:
    found = [i for i in indications_in(text) if i != "other"]
    for generic, specific in GENERIC_INDICATIONS:
        if generic in found and any(s in found for s in specific):
            found.remove(generic)
    return found


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _is_item(line: str) -> bool:
    return bool(_ITEM.match(line)) or _ROW in line


def _lead_in(lines: list[tuple[int, int, str]], i: int, headings: set[str]) -> str | None:
    """The sentence a list item hangs from: the first line above it that is neither an item, a row nor
    (up to ``_MAX_HEADINGS``) a heading — if it points forward."""
    hops = 0
    for _a, _b, line in reversed(lines[:i]):
        if not line.strip() or _is_item(line):
            continue
        if squash(line) in headings and hops < _MAX_HEADINGS:
            hops += 1
            continue
        # the sentence of that line that points forward ("The drugs below are covered …", not the next
        # one, "Drugs that are not on this list are not covered")
        lead = next((s for s in re.split(r"(?<=[.;])\s+", line) if _FORWARD.search(s)), None)
        return lead if lead is not None and not _criteria_list(lead) else None
    return None


#: A condition ahead of the pointer: the list holds the criteria of a stance, not the things that have it.
_CONDITION = re.compile(r"\b(?:when|if|provided|unless|only)\b|\b(?:all|any|one|each|both|either) of\b", re.I)


def _criteria_list(lead: str) -> bool:
    """ "Spravato is covered when all of the following are met:" lists criteria (items that name the drug
    are requirements about it); "The following treatments are covered when the criteria below are met:"
    and "The drugs below are covered when …" list what is covered: the pointer comes first."""
    pointer, condition = _FORWARD.search(lead), _CONDITION.search(lead)
    return bool(pointer and condition and condition.start() < pointer.start())


def _skipped(ep: ExtractedPolicy) -> list[tuple[int, int]]:
    """Revision histories, informational sections and code tables: lists there state no coverage."""
    return topic.excluded_spans(ep) + [(sec.start, sec.end) for sec, _p in topic.code_sections(ep)]


def _item_text(lines: list[tuple[int, int, str]], i: int) -> tuple[str, int]:
    """The item at ``i`` with the lines a PDF wrapped it onto ("- Intravenous ketamine for treatment-" /
    "resistant depression;"), and where it ends: a re-made file that wraps it elsewhere must read the same
    indication. A wrapped line continues a broken word or starts in lower case; anything else (a note, the
    sentence after the list) is no part of the item."""
    _a, end, text = lines[i]
    for _c, d, line in lines[i + 1 : i + 3]:
        wrapped = (text.endswith("-") and line[:1].isalpha()) or line[:1].islower()
        if not line.strip() or _is_item(line) or not wrapped:
            break
        text, end = (text + line if text.endswith("-") else f"{text} {line}"), d
    return text, end


#: An item that starts with a billing code is the code's line ("- J3490 Unclassified drug (ketamine)"):
#: a code added to a list is ``codes``, never a stance.
_CODE_FIRST = re.compile(r"^(?:[A-Z]\d{4}|\d{4}[0-9FT])\b")
#: How many words of an item (or of a row's first cells) may come before the drug it lists.
_HEAD_WORDS = 3


def _subject_drugs(item: str) -> tuple[str, ...]:
    """The drugs an item *lists* — named in its first words ("Intravenous ketamine;", "Esketamine nasal
    spray (Spravato): HCPCS J0013", a row "J0013 | Spravato | …") — not one it names in passing ("TMS as
    maintenance after a response to ketamine"): only the listed thing takes the lead-in's stance."""
    if _ROW in item:
        cells = [c.strip() for c in item.split("|") if c.strip()]
        cells = cells[1:] if cells and _CODE_FIRST.match(cells[0]) and len(cells) > 1 else cells
        head = cells[0] if cells else ""
    else:
        body = _ITEM.sub("", item, count=1).strip()
        if _CODE_FIRST.match(body):
            return ()
        head = body
    return drugs_in(" ".join(head.split()[:_HEAD_WORDS]))


def memberships(ep: ExtractedPolicy) -> dict[tuple[str, str], tuple[str, int, int]]:
    """(drug, indication) → (position, item start, item end) for each item or row listing a drug under a
    lead-in that states a position. A drug × indication in several lists ("in a clinic" covered, "at home"
    investigational) has all their positions, in a fixed order: the lists' order is no stance."""
    lines = _lines(ep.text)
    headings = {squash(s.heading) for s in ep.sections if s.heading}
    skipped = None
    found: dict[tuple[str, str], tuple[set[str], int, int]] = {}
    for i, (a, _b, line) in enumerate(lines):
        if not _is_item(line) or not drugs_in(line):
            continue
        item, b = _item_text(lines, i)
        drugs = _subject_drugs(item)
        if not drugs:
            continue
        skipped = skipped if skipped is not None else _skipped(ep)
        if topic.inside(a, skipped):
            continue
        lead = _lead_in(lines, i, headings)
        value = position_of(lead) if lead else None
        if value is None or lead is None:
            continue
        # a lead-in that names a drug speaks for that drug ("IV ketamine is unproven for the following:"),
        # never for another one an item names
        named = drugs_in(lead)
        for drug in (d for d in drugs if not named or d in named):
            for ind in _indications(item) or _indications(lead):
                found.setdefault((drug, ind), (set(), a, b))[0].add(value)
    return {key: (" / ".join(sorted(values)), a, b) for key, (values, a, b) in found.items()}


def lead_in_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    """``position`` bullets for the drug × indications whose position read through a list's lead-in
    differs between ``old`` and ``new`` (see the module docstring)."""
    was, now = memberships(old), memberships(new)
    if not was and not now:
        return []
    stated = {(d, i) for d, i, f in (*topic.topic_facts(old), *topic.topic_facts(new)) if f == "position"}
    out = []
    for key in sorted(set(was) | set(now)):
        a, b = was.get(key), now.get(key)
        va, vb = (a[0] if a else None), (b[0] if b else None)
        if va == vb or key in stated:
            continue
        drug, ind = key
        moved = f"{taxonomy.position_label(va)} → {taxonomy.position_label(vb)}"
        out.append(
            bullet(
                f"{taxonomy.subject(drug, ind)}: {moved}",
                "position",
                drug,
                ind,
                va,
                vb,
                evidence.span(old, a[1], a[2]) if a else None,
                evidence.span(new, b[1], b[2]) if b else None,
            )
        )
    return out
