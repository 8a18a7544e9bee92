"""The topic scope: which parts of a version the differ reads — topic passages, facts, codes, sections.

Only ketamine / esketamine passages can raise a change, so an omnibus policy's unrelated edits stay
silent. The document's own revision history and its informational sections (Background, References, the
FDA's label, ...) are excluded from the topic text (a new history row would otherwise count as a wording
change of the very passage it describes); the history is read separately (``compare``) and attached to
the change as ``revision_note``. Where a bullet then points is ``evidence.py``'s job, and what never
counts (formatting, moved paragraphs, dates, page numbers) ``noise.py``'s: this module only decides what
is in scope, and both build on its sections and pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.model import CoverageFact, ExtractedPolicy, Passage
from extractors.terms import drugs_in

_REVISION_HEADING = re.compile(
    r"(revision|history|review history|document history|revision details|policy history)", re.I
)
#: What names a drug is the extractors' vocabulary (``extractors/terms.py``); the differ never re-declares it.
drugs_named = drugs_in


def is_revision_path(path: tuple[str, ...] | list[str], heading: str | None = None) -> bool:
    """True for the document's revision-history section (by any of its usual headings)."""
    return any(_REVISION_HEADING.search(name) for name in (*path, heading) if name)


def revision_spans(ep: ExtractedPolicy) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in ep.sections if is_revision_path(s.path, s.heading)]


def inside(start: int, spans: list[tuple[int, int]]) -> bool:
    """True when a document offset lies in one of ``spans`` (the excluded sections, the revision history)."""
    return any(a <= start < b for a, b in spans)


#: Sections that describe or cite but never state coverage: edits there are not coverage changes.
INFORMATIONAL = re.compile(
    r"^(?:background|general background|clinical evidence|summary of "
    r"evidence|rationale|references|bibliography"
    r"|description|overview|u\.s\. food and drug administration.*|centers for medicare and medicaid "
    r"services.*"
    r"|regulatory status|definitions)$",
    re.I,
)


def is_informational(path: tuple[str, ...] | list[str]) -> bool:
    return any(INFORMATIONAL.match((name or "").strip()) for name in path)


def excluded_spans(ep: ExtractedPolicy) -> list[tuple[int, int]]:
    """The spans of revision histories and informational sections: text there states no coverage."""
    return [
        (s.start, s.end)
        for s in ep.sections
        if is_revision_path(s.path, s.heading) or is_informational(s.path)
    ]


def topic_passages(ep: ExtractedPolicy) -> list[Passage]:
    """Topic passages in document order, without revision history, informational sections or duplicates."""
    spans = excluded_spans(ep)
    seen: set[tuple[int, int]] = set()
    out = []
    for p in sorted(ep.passages, key=lambda p: (p.start, p.end)):
        if (
            is_revision_path(p.section_path, p.heading)
            or is_informational(p.section_path)
            or inside(p.start, spans)
            or (p.start, p.end) in seen
        ):
            continue
        seen.add((p.start, p.end))
        out.append(p)
    return out


@dataclass(frozen=True)
class Segment:
    tstart: int  # in the topic text
    tend: int
    start: int  # in the document text
    heading: str
    page: int | None
    drugs: tuple[str, ...]


@dataclass(frozen=True)
class TopicText:
    """The topic scope joined into one string, with a map back to document offsets and pages."""

    text: str
    segments: tuple[Segment, ...]

    def locate(self, start: int, end: int) -> tuple[int, int, int | None] | None:
        """Document (start, end, page) for a [start, end) range of the topic text."""
        for seg in self.segments:
            if seg.tstart <= start <= seg.tend:
                local_end = min(max(end, start), seg.tend)
                return seg.start + (start - seg.tstart), seg.start + (local_end - seg.tstart), seg.page
        before = [seg for seg in self.segments if seg.tstart <= start]
        if before:  # in the separator between two segments: the end of the one before
            seg = before[-1]
            pos = seg.start + (seg.tend - seg.tstart)
            return pos, pos, seg.page
        return None

    def segment_at(self, pos: int) -> Segment | None:
        for seg in self.segments:
            if seg.tstart <= pos <= seg.tend:
                return seg
        return None


def _deepest(ep: ExtractedPolicy, pos: int):
    found = None
    for s in ep.sections:
        if s.start <= pos < s.end and (found is None or len(s.path) > len(found.path)):
            found = s
    return found


def _without(start: int, end: int, excluded: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) less the excluded sections inside it: a "Background" sub-section of a coverage
    section describes, never states coverage."""
    pieces = []
    for a, b in sorted(excluded):
        if start <= a < end:
            pieces.append((start, a))
            start = max(start, b)
    return [(a, b) for a, b in [*pieces, (start, end)] if a < b]


def topic_scope(ep: ExtractedPolicy) -> list[tuple[int, int, Passage]]:
    """Document spans the differ reads: each topic passage, widened to the criteria blocks it governs.

    In a policy whose title names a drug, a topic passage's whole section is in scope. A drug named in a
    section's lead-in ("Spravato is medically necessary when all of the following are met:") governs the
    subsections under it ("Initial Therapy", "Continuation of Therapy") even though
    their list items never repeat the drug's name, so those subsections are in scope too.
    """
    spans: list[tuple[int, int, Passage]] = []
    excluded = excluded_spans(ep)
    titled = bool(ep.metadata.title and drugs_named(ep.metadata.title))
    for p in topic_passages(ep):
        spans.append((p.start, p.end, p))
        sec = _deepest(ep, p.start)
        if sec is None:
            continue
        if titled and not _CODE_HEADING.search(sec.heading or ""):
            # a policy about the drugs (its title names one): the rest of a section that states the
            # topic is about the drugs too ("claims from these ketamine centers are denied")
            pieces = _without(sec.start, sec.end, excluded)
            spans += [(a, len(ep.text[:b].rstrip()), p) for a, b in pieces if ep.text[a:b].strip()]
        children = [
            s for s in ep.sections if len(s.path) > len(sec.path) and s.path[: len(sec.path)] == sec.path
        ]
        if children and p.start < min(c.start for c in children):
            for c in children:  # an excluded child (a "References" sub-section) leaves no piece
                spans += [(a, b, p) for a, b in _without(c.start, c.end, excluded)]
    spans.sort(key=lambda x: (x[0], x[1]))
    merged: list[tuple[int, int, Passage]] = []
    for a, b, p in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b, merged[-1][2])
            continue
        merged.append((a, b, p))
    return merged


def topic_text(ep: ExtractedPolicy) -> TopicText:
    parts: list[str] = []
    segments = []
    pos = 0
    for a, b, p in topic_scope(ep):
        if parts:
            parts.append("\n\n")
            pos += 2
        chunk = ep.text[a:b]
        parts.append(chunk)
        sec = _deepest(ep, a)
        heading = (sec.heading if sec else None) or p.heading
        page = page_at(ep, a) if p.page_start is None or a != p.start else p.page_start
        segments.append(Segment(pos, pos + len(chunk), a, heading, page, p.drugs))
        pos += len(chunk)
    return TopicText("".join(parts), tuple(segments))


_SPECIFIC = {"trd", "mdsi", "bipolar_depression"}


def topic_facts(ep: ExtractedPolicy) -> dict[tuple[str, str, str], list[CoverageFact]]:
    """Facts keyed by (drug, indication, field), outside the revision history and informational sections
    (the indication carries the fact's sub-population, if any: see ``indication_key``).

    A sentence about "major depressive disorder with acute suicidal ideation" names both ``depression``
    and ``mdsi``; the generic fact is dropped when the same sentence gave a specific one, so a single
    edit yields a single bullet.
    """
    spans = excluded_spans(ep)
    specific = {(f.drug, f.field, f.start) for f in ep.facts if f.indication in _SPECIFIC}
    out: dict[tuple[str, str, str], list[CoverageFact]] = {}
    for f in ep.facts:
        if inside(f.start, spans):
            continue
        if f.indication == "depression" and (f.drug, f.field, f.start) in specific:
            continue
        out.setdefault((f.drug, indication_key(f), f.field), []).append(f)
    return out


def indication_key(f: CoverageFact) -> str:
    """``trd``, or ``trd/monotherapy`` for a sub-population the policy gives a stance of its own: the two
    are separate rows (TRD covered with criteria, TRD monotherapy unproven), never one "A / B" value."""
    return f"{f.indication}/{f.subpopulation}" if f.subpopulation else f.indication


#: ICD-10-CM codes with a decimal part ("F42.2"): code tables list diagnoses far beyond the extractors'
#: depression codes, and a diagnosis added to a ketamine code table is a real codes change.
_ICD10 = re.compile(r"\b[A-TV-Z]\d{2}\.[0-9A-Z]{1,4}\b")


def topic_codes(ep: ExtractedPolicy) -> dict[str, Passage]:
    """Billing codes named in the topic scope, each with the first passage naming it."""
    out: dict[str, Passage] = {}
    for p in topic_passages(ep):
        for code in p.codes:
            out.setdefault(code, p)
    for a, b, p in topic_scope(ep):
        for code in _ICD10.findall(ep.text, a, b):
            out.setdefault(code, p)
    if about_the_drugs(ep):
        for sec, p in code_sections(ep):
            for code in _ANY_CODE.findall(ep.text, sec.start, sec.end):
                out.setdefault(code, p)
    return out


_CODE_HEADING = re.compile(r"\bcod(?:e|es|ing)\b", re.I)
_ANY_CODE = re.compile(r"\b(?:[A-V]\d{4}|\d{5}|[A-TV-Z]\d{2}\.[0-9A-Z]{1,4})\b")


def about_the_drugs(ep: ExtractedPolicy) -> bool:
    """A policy about the drugs: its title names one, or its first section states the topic (a policy on
    ketamine infusions titled "Anesthetic Agents for Chronic Pain") — unlike an omnibus policy, whose
    ketamine paragraph sits in a later section of its own among other drugs'. The first section means
    the first that states coverage: a BCBSA-style "Description" ahead of the "Policy" does not count."""
    if ep.metadata.title and drugs_named(ep.metadata.title):
        return True
    passages = topic_passages(ep)
    sec = _deepest(ep, passages[0].start) if passages else None
    if sec is None:
        return False
    return not any(  # a Description / Background before it introduces, never states another topic
        len(s.path) == len(sec.path)
        and s.start < sec.start
        and s.level >= sec.level
        and not is_informational(s.path)
        for s in ep.sections
    )


def code_sections(ep: ExtractedPolicy) -> list[tuple]:
    """Every code-table section outside the informational ones, each with the topic passage it holds
    (for the evidence's page), else with the first topic passage.

    In a policy about the drugs every row of such a table is about the drugs, even the rows that only
    say "96366 | each additional hour"; the extractors keep only the rows that name a drug, so the
    differ reads the whole table for codes (never for wording).
    """
    out = []
    seen = set()
    passages = topic_passages(ep)
    for p in passages:
        sec = _deepest(ep, p.start)
        if sec is not None and _CODE_HEADING.search(sec.heading or "") and sec.start not in seen:
            seen.add(sec.start)
            out.append((sec, p))
    if passages:
        for sec in ep.sections:
            if (
                _CODE_HEADING.search(sec.heading or "")
                and sec.start not in seen
                and not is_informational(sec.path)
            ):
                seen.add(sec.start)
                out.append((sec, passages[0]))
    return out


def page_at(ep: ExtractedPolicy, pos: int) -> int | None:
    """The page of a document offset, from the innermost section holding it."""
    found = None
    for s in ep.sections:
        if s.start <= pos < s.end and s.page_start is not None:
            if found is None or s.start >= found.start:
                found = s
    return found.page_start if found else None


def section_at(ep: ExtractedPolicy, pos: int):
    """The innermost section holding a document offset (None before the first heading)."""
    return _deepest(ep, pos)
