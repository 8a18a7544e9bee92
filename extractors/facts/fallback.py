"""The last reader: a clause that names its drug as its subject, a use and a stance is a position, whatever
layout it sits in.

The structured readers (reader.py and its mixins) read a policy the way its layout says — lead-ins and
their lists, tables, forms, records — and keep quiet where the layout is one they do not know. On a new
payer's document that silence is most of what they miss: a stance sentence inside a shape no rule was
written for. This pass reads every clause of the payer's own coverage text once more, on its own words
only, and gives a position to each drug × use that no reader gave one: the clause must name the drug as
its subject ("Intravenous ketamine is …", not "has not received ketamine"), name the use itself, and state
a strong stance; questions, FDA wording, pointers and disclaimers, another treatment's statements and
criteria items (a clause under a lead-in of criteria) state none. Its facts have the lowest strength, so
any reader's own reading of the same drug × use wins.
"""

from __future__ import annotations

from ..model import Section
from ..sections import Block, enclosing
from . import scope as S
from .clauses import clauses, indications_of, other_subject, sentences, subject_drugs, unmarked
from .context import DEFAULT, Candidate
from .positions import is_fda, stance
from .units import subject_position


def fallback(blocks: list[Block], sections: tuple[Section, ...], found: list[Candidate]) -> list[Candidate]:
    """Positions stated in a clause's own words for the drug × use pairs no reader gave one."""
    have = {(c.drug, c.indication) for c in found if c.field == "position"}
    out: list[Candidate] = []
    for block in blocks:
        if block.kind not in ("para", "item", "row"):
            continue
        inner = enclosing(sections, block.start, block.end)
        if S.scope_of(inner[0].path if inner else ()) == S.INFO:
            continue
        text = block.text
        for a, b in sentences(text):
            for ca, cb in clauses(text, a, b):
                body = unmarked(text[ca:cb])
                st, how = stance(body)
                if st is None or how != "strong" or is_fda(body) or other_subject(body):
                    continue
                drugs = subject_drugs(body)
                if not drugs or not subject_position(body):
                    continue
                for drug in drugs:
                    for ind in indications_of(body):
                        if (drug, ind) not in have:
                            have.add((drug, ind))
                            out.append(Candidate(drug, ind, "position", st, DEFAULT, block, ca, cb))
    return out
