"""Hand-built ``ExtractedPolicy`` objects for the differ's unit tests (no extractor needed).

``policy()`` lays out sections of paragraphs the way the extractors do: normalized text, one passage per
paragraph that names a drug or its codes, and facts located by a phrase of their sentence, so offsets in
the evidence are real offsets into the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from extractors.model import CoverageFact, ExtractedPolicy, Passage, PolicyMetadata, RevisionEntry, Section

_DRUGS = (
    ("esketamine", re.compile(r"esketamine|spravato|S0013|J0013|G208[23]", re.I)),
    ("ketamine", re.compile(r"(?<!es)ketamine|ketalar", re.I)),
)
_CODES = re.compile(r"\b(S0013|J0013|G2082|G2083|J3490|9636[5-8])\b")


def policy(
    sections: list[tuple[str, list[str]]],
    facts: list[tuple[str, str, str, str, str]] = (),
    effective: str | None = "2025-01-01",
    number: str = "2025D0069O",
    title: str = "Spravato (Esketamine)",
    history: list[tuple[str, str]] = (),
) -> ExtractedPolicy:
    """``facts``: (drug, indication, field, value, phrase) — the phrase locates the fact's sentence."""
    text = f"{title}\nPolicy Number: {number}\nEffective Date: {effective or 'TBD'}\n"
    secs, passages = [], []
    for heading, paragraphs in sections:
        start = len(text)
        text += heading + "\n"
        body_start = len(text)
        text += "\n".join(paragraphs)
        body = text[body_start:]
        text += "\n"
        drugs = tuple(d for d, rx in _DRUGS if rx.search(body))
        if drugs:  # like the extractors: the whole block under a heading that names a drug
            passages.append(
                Passage(
                    (heading,),
                    heading,
                    body,
                    body_start,
                    body_start + len(body),
                    1,
                    1,
                    drugs,
                    (),
                    tuple(sorted(set(_CODES.findall(body)))),
                )
            )
        secs.append(Section(heading, (heading,), 1, start, len(text), 1, 1))
    if history:
        start = len(text)
        text += "Policy History/Revision Information\n"
        for date, entry in history:
            text += f"{date} {entry}\n"
        secs.append(
            Section(
                "Policy History/Revision Information",
                ("Policy History/Revision Information",),
                1,
                start,
                len(text),
                2,
                2,
            )
        )
    out_facts = []
    for drug, ind, field, value, phrase in facts:
        i = text.index(phrase)
        out_facts.append(CoverageFact(drug, ind, field, value, phrase, i, i + len(phrase), 1))
    return ExtractedPolicy(
        media_type="text/html",
        text=text,
        metadata=PolicyMetadata(
            policy_number=number,
            title=title,
            effective=dt.date.fromisoformat(effective) if effective else None,
        ),
        sections=tuple(secs),
        passages=tuple(passages),
        facts=tuple(out_facts),
        codes=tuple(sorted(set(_CODES.findall(text)))),
        revision_history=tuple(RevisionEntry(_us_date(d), e) for d, e in history),
    )


def _us_date(value: str) -> dt.date:
    m, d, y = value.split("/")
    return dt.date(int(y), int(m), int(d))


def nested(
    outline: list,
    facts: list[tuple[str, str, str, str, str]] = (),
    title: str = "Spravato (Esketamine)",
    number: str = "2025D0069O",
    pages: dict[str, int] | None = None,
    intro: list[str] = (),
) -> ExtractedPolicy:
    """A version with sub-sections: ``outline`` is ``[(heading, [paragraph | (heading, [...]), ...]), ...]``.

    Each heading's section runs to the next heading of its level or above (its sub-sections inside it),
    the way the extractors lay out a heading tree; a heading's own paragraphs (written before its
    sub-sections, wherever the list puts them) are passages where they name a drug or its codes, one
    passage per run of such paragraphs (the extractors merge neighbouring blocks). ``intro``: paragraphs
    before the first heading. ``pages`` maps a heading to its section's page, or a paragraph to the page
    of the passage it starts (else the section's); a fact is on the page of the section holding it.
    ``facts`` as in ``policy()``.
    """
    pages = pages or {}
    text = f"{title}\nPolicy Number: {number}\n"
    secs: list[Section] = []
    passages: list[Passage] = []

    def paragraphs(items: list[str], path: tuple[str, ...], page: int | None) -> None:
        nonlocal text
        run: list[tuple[int, str]] = []  # consecutive paragraphs that name the topic
        for para in [*items, ""]:
            if _DRUGS[0][1].search(para) or _DRUGS[1][1].search(para) or _CODES.search(para):
                run.append((len(text), para))
            elif run:
                a, b = run[0][0], run[-1][0] + len(run[-1][1])
                body, first = text[a:b], pages.get(run[0][1], page)
                drugs = tuple(d for d, rx in _DRUGS if rx.search(body))
                codes = tuple(sorted(set(_CODES.findall(body))))
                heading = path[-1] if path else ""
                passages.append(Passage(path, heading, body, a, b, first, first, drugs, (), codes))
                run = []
            text += para + "\n" if para else ""

    def walk(nodes: list, path: tuple[str, ...]) -> None:
        nonlocal text
        for heading, items in nodes:
            here, page, start = (*path, heading), pages.get(heading), len(text)
            text += heading + "\n"
            paragraphs([i for i in items if isinstance(i, str)], here, page)
            index = len(secs)
            secs.append(Section(heading, here, len(here), start, start, page, page))
            walk([i for i in items if not isinstance(i, str)], here)
            secs[index] = dataclasses.replace(secs[index], end=len(text))

    paragraphs(list(intro), (), None)
    walk(outline, ())
    out_facts = []
    for drug, ind, field, value, phrase in facts:
        i = text.index(phrase)
        sec = max((s for s in secs if s.start <= i < s.end), key=lambda s: s.level, default=None)
        out_facts.append(
            CoverageFact(drug, ind, field, value, phrase, i, i + len(phrase), sec and sec.page_start)
        )
    return ExtractedPolicy(
        media_type="text/html",
        text=text,
        metadata=PolicyMetadata(policy_number=number, title=title),
        sections=tuple(secs),
        passages=tuple(passages),
        facts=tuple(out_facts),
        codes=tuple(sorted(set(_CODES.findall(text)))),
    )
