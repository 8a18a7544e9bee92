"""Coverage facts: drug × indication × field = value, each with the sentence it came from.

The policy is read the way its structure says (see reader.py): positions and criteria come only from the
payer's own coverage sections (scope.py), a list takes the stance and drug of its lead-in, clauses carry
their own drug and the scope of their exceptions (clauses.py), and disclaimers, boilerplate and FDA
wording state nothing (positions.py). Values are parsed in values.py / criteria.py; resolve.py keeps one
stance per drug × indication × sub-population.

Billing codes (field ``codes``, indication ``any``) are read from the topic passages, as before: a code
table is evidence of what is billed even where its disclaimer says it is no statement of coverage.
"""

from __future__ import annotations

import re

from ..model import CoverageFact, Passage, Section
from ..sections import Block
from . import footnotes
from .clauses import sentences
from .context import DEFAULT, Candidate
from .criteria import criteria_of
from .positions import position_of
from .reader import Reader
from .resolve import FIELDS, resolve
from .values import num

__all__ = ["FIELDS", "criteria_of", "find_facts", "num", "position_of", "sentences"]

_FACT_CODES = re.compile(r"\b(S0013|J0013|G2082|G2083|J3490|T1503|9636[5-8]|96372)\b")
_ESKETAMINE_CODES = ("S0013", "J0013", "G2082", "G2083")


def find_facts(
    blocks: list[Block],
    sections: tuple[Section, ...],
    passages: tuple[Passage, ...],
    doc_drugs: tuple[str, ...] = (),
) -> tuple[CoverageFact, ...]:
    """Facts from the blocks; ``doc_drugs`` (named by the title) stand in where a sentence names none."""
    if not passages and not doc_drugs:
        return ()  # every fact needs a drug: named in a passage, or by the title for the whole document
    read = footnotes.masked(blocks)  # "Covered¹": the reader sees "Covered" (footnotes.py)
    cands = footnotes.follow(Reader(sections, doc_drugs).read(read), read, blocks)
    cands += _codes(blocks, passages, doc_drugs)
    return resolve(cands)


def _codes(blocks: list[Block], passages: tuple[Passage, ...], doc_drugs: tuple[str, ...]) -> list[Candidate]:
    """One ``codes`` fact per billing code named inside a topic passage."""
    out = []
    for p in passages:
        for block in blocks:
            if block.kind == "title" or not (p.start <= block.start and block.end <= p.end):
                continue
            for m in _FACT_CODES.finditer(block.text):
                code = m.group(1)
                if code in _ESKETAMINE_CODES:
                    drugs = ("esketamine",)
                elif code.startswith("963"):
                    drugs = ("ketamine",) if "ketamine" in (p.drugs or doc_drugs) else ()
                else:
                    drugs = p.drugs or doc_drugs
                a, b = _sentence_at(block.text, m.start())
                out += [Candidate(d, "any", "codes", code, DEFAULT, block, a, b) for d in drugs]
    return out


def _sentence_at(text: str, pos: int) -> tuple[int, int]:
    for a, b in sentences(text):
        if a <= pos < b:
            return a, b
    return 0, len(text)
