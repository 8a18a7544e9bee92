"""Which part of a policy a paragraph belongs to: the drug a combined policy's part is about, and the notes
that stand between a lead-in and its list.

Mixed into ``Reader`` (reader.py). A policy on both drugs often sets its parts apart with no heading that
names a drug: a short paragraph that only names one ("Esketamine nasal spray (Spravato)", "Intravenous
ketamine") or a heading that names the route ("Intranasal treatment", "Intravenous infusion"). The
paragraphs under it are about that drug, so its criteria are never filed under the other one.
"""

from __future__ import annotations

import re

from ..terms import drugs_in
from .clauses import indications_of, sentences
from .context import LEADIN
from .criteria import criteria_of
from .positions import stance

#: The route names the drug in a policy on both: esketamine is the nasal spray, ketamine the infusion.
_NASAL = re.compile(r"\b(?:intra-?)?nasal(?:ly)?\b", re.I)
_INFUSION = re.compile(r"\bintravenous(?:ly)?\b|\binfusions?\b|\bIV\b", re.I)
#: A bare label over a list ("Uses:", "Conditions include:").
_LIST_LABEL = re.compile(r"^\W*[A-Za-z][\w -]*:\s*$")
#: A paragraph that ends like a sentence is no label.
_SENTENCE_END = re.compile(r"[.;!?]\s*$")


class PartsReader:
    def route_drugs(self, text: str) -> tuple[str, ...]:
        """In a policy on both drugs, a heading or sentence naming only a route names the drug given that way
        ("Intranasal treatment" is esketamine, "Intravenous infusion" ketamine)."""
        if set(self.doc_drugs) != {"ketamine", "esketamine"}:
            return ()
        nasal, infusion = _NASAL.search(text), _INFUSION.search(text)
        if nasal and not infusion:
            return ("esketamine",)
        if infusion and not nasal:
            return ("ketamine",)
        return ()

    def drug_label(self, text: str) -> bool:
        """A short paragraph that only names a drug ("Intravenous ketamine", "Spravato (esketamine):"): the
        paragraphs after it, up to the next heading or label, are about that drug."""
        return (
            bool(drugs_in(text))
            and len(text.split()) <= 8
            and not _SENTENCE_END.search(text)
            and not stance(text)[0]
            and not criteria_of(text)
        )

    def aside(self, text: str, lead_drugs: tuple[str, ...] = ()) -> bool:
        """A paragraph that states nothing (no stance, use, other drug or criterion: "The list is not
        exhaustive.", "Ketamine may be given by infusion or as a lozenge."): it does not end the lead-in
        before it."""
        if len(text) > 300 or indications_of(text) or criteria_of(text):
            return False
        if LEADIN.search(text) and not (len(text.split()) <= 3 and _LIST_LABEL.match(text)):
            return False  # a lead-in of its own; but a bare label ("Uses:", "Conditions:") names the list
        if not set(drugs_in(text)) <= set(lead_drugs):
            return False
        return not any(stance(text[a:b])[0] for a, b in sentences(text))
