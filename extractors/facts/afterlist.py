"""A stance written after the list it applies to: "… for any of the following: • Depression • PTSD. The above
are considered experimental/investigational", "These uses are not covered", "… is not medically necessary
for the conditions listed above".

Mixed into ``Reader`` (reader.py). Medicare Advantage and many commercial policies list the uses first —
under a lead-in that states no stance ("Ketamine has been proposed for the following uses:"), a stance the
next sentence sharpens ("may not be eligible for …" then "These are considered experimental"), or no lead-in
at all — and give the stance in the sentence after the list, sometimes after a second list or a note. The
reader keeps a *pool* of the uses the list items named since the last heading or statement; a sentence
that points back at them ("the above", "these uses", "listed above") gives them its stance. Criteria lists
are no pool ("Requests that do not meet the criteria above are not medically necessary" states nothing
about the use a criterion names), and a statement that does not point back ends the pool unread.

The pool is kept in ``on_block`` before the pre-check, so a skipped note between the list and its
sentence leaves it as it was.
"""

from __future__ import annotations

import re

from ..terms import drugs_in
from .clauses import indications_of, sentences, subject_drugs, unmarked
from .context import INHERITED
from .criteria import criteria_of
from .positions import stance

#: A sentence that points back at the list before it.
AFTER_LIST = re.compile(
    r"\b(?:the|all(?: of)? the|each of the|any of the)\s+(?:above|preceding|foregoing)\b|"
    r"\b(?:uses?|indications?|conditions?|diagnos[ie]s|disorders?|services?|treatments?|therapies|"
    r"procedures?|applications?|requests?|items?|box(?:es)?|entries|entry)\s+"
    r"(?:(?:listed|named|shown|set out|noted|described)\s+)?above\b|"
    r"^\W*(?:these|those|such|all such|each such|both)\b(?!\s+(?:criteria|requirements)\b)|"
    r"^\W*(?:this|it)\s+(?:use\s+|treatment\s+|therapy\s+)?(?:is|are)\s+(?:also\s+)?(?:considered|deemed)\b|"
    # the payer as the subject: "Acme regards these uses of esketamine as …", "The Plan considers those
    # indications experimental"
    r"\b(?:regards?|considers?|deems?|classif(?:y|ies)|views?)\s+(?:all\s+(?:of\s+)?)?(?:these|those)\s+(?:\w+\s+)?"
    r"(?:uses|indications|conditions|diagnoses|disorders|applications)\b",
    re.I,
)
#: The rest of the lead-in's sentence after its list ("Use of ketamine for any of the following • … is
#: considered investigational"): a paragraph that starts with a lower-case verb.
_CONTINUES = re.compile(r"^\s*(?:is|are)\s+(?:also\s+)?(?:considered|deemed|not)\b")
#: A sentence about criteria ("if the above criteria are not met") points back at a criteria list.
_CRITERIA_WORDS = re.compile(
    r"\bcriteri(?:a|on)\b|\brequirements?\b|\bnot (?:been )?met\b|\bdoes not meet\b", re.I
)
#: A checklist's rule after its items: "If any item above is checked (applies), … will not be approved",
#: "When one or more of the boxes above is marked, … is not approved" — a denial of every use they name
#: (never "If any item above is NOT checked": the items are then requirements).
_ANY_CHECKED = re.compile(
    r"^\W*(?:if|when|where|should)\b[^.;,]{0,40}?\b(?:any|one or more|either)\b"
    r"(?![^.;,]*\b(?:not|following|below)\b)"
    r"[^.;,]{0,40}?\b(?:checked|marked|ticked|selected|appl(?:y|ies))\b",
    re.I,
)
_DENIED = re.compile(r"\bnot (?:be )?(?:approved|authori[sz]ed|covered)\b|\b(?:be|is|are) denied\b", re.I)
#: A checklist item about the patient, not the use ("☐ Active substance use disorder"): no use is denied.
_PATIENT = re.compile(r"\b(?:history of|active|current|concurrent|untreated|uncontrolled)\b", re.I)
#: A checklist item: a paragraph or row that starts with a box to tick ("☐ Post-traumatic stress disorder").
BOX = re.compile(r"^\W{0,3}?(?:\[\s*[xX]?\s*\]|[\u2610\u2611\u2612\u25a1\u2751])")
#: A lead-in of its own list ("Ketamine has been proposed for the following conditions:"), not a label
#: between two lists of one statement ("Pain uses of IV ketamine:").
_NEW_LIST = re.compile(r"\b(?:the following|(?:listed |named )?below)\b[^:]{0,80}:\s*$", re.I)
#: Which of two negative stances says more: the label's order (positions.py).
_RANK = {"experimental_investigational": 4, "unproven": 3, "not_medically_necessary": 2, "not_covered": 1}


class AfterListReader:
    pool: list[tuple]  # (drugs, indications, item block) of the uses listed since the last statement

    def pool_block(self, block, path, text: str, kind: str) -> None:
        if kind == "item" or (kind in ("para", "row") and BOX.match(text)):
            self.pool_item(block, text)
        elif self.pool and kind == "para":
            self.pool_sentence(block, path, text)
        else:
            self.pool = []

    def pool_item(self, block, text: str) -> None:
        """A list item that only names a use ("Post-traumatic stress disorder", "chronic pain;") joins the
        pool; an item with a stance of its own ends it."""
        lead = self.leadin
        if lead is not None and lead.stance is not None and lead.stance.startswith("covered"):
            return  # a covered statement's list: criteria, or uses that already have their stance
        body = unmarked(text)
        inds = indications_of(body)
        if len(body.split()) > 20 or not inds:
            return
        if stance(body)[0]:
            self.pool = []
            return
        if criteria_of(body):
            return
        drugs = (lead.drugs if lead is not None else ()) or drugs_in(body) or self.label_drugs
        self.pool.append((drugs, inds, block))

    def pool_sentence(self, block, path, text: str) -> None:
        """The paragraph after the pooled items: its first sentence's stance is theirs when it points back."""
        pool, self.pool = self.pool, []
        a, b = sentences(text)[0]
        body = text[a:b]
        checklist = bool(_ANY_CHECKED.search(body))  # "If any item in the checklist is marked, …"
        if not (points_back(body) or checklist):
            # a note or a label ("Pain uses:") between the lists keeps them; a new lead-in ("Ketamine has been
            # proposed for the following:") starts a list of its own
            new_list = bool(_NEW_LIST.search(text))
            if not stance(text)[0] and not new_list:
                self.pool = pool
            return
        st, how = stance(body)
        if checklist and _DENIED.search(body):
            st, how = "not_covered", "strong"  # "If any item above is checked, … will not be approved"
            # a use to tick is a short label; a long item describes the patient
            pool = [p for p in pool if len(p[2].text.split()) <= 15 and not _PATIENT.search(p[2].text)]
        if st is None or how == "weak":
            return
        own = subject_drugs(body)
        if st.startswith("covered"):
            # "The above is considered medically necessary when …": its criteria are the listed uses'
            drugs = own or pool[0][0] or self.context_drugs(path)
            inds = tuple(dict.fromkeys(i for _, found, _ in pool for i in found if i != "other"))
            for _, found, blk in pool:
                self.emit(drugs, found, "position", st, INHERITED, blk, 0, len(blk.text))
            if drugs:
                # the criteria after it are the listed uses' ("other" ones record none); a list of only
                # "other" uses still ends the statement before it, or its criteria went to that one's use
                self.targets.set(drugs, inds, True, path)
            return
        for drugs, inds, blk in pool:
            said = [c for c in self.out if c.field == "position" and c.block is blk]
            if any(_RANK.get(c.value, 9) > _RANK[st] for c in said):
                continue  # the lead-in said more ("experimental …: • PTSD. These are not covered.")
            drugs = own or drugs or self.context_drugs(path)
            if any(_RANK.get(c.value, 9) == _RANK[st] for c in said):
                # the lead-in said the same: its drugs keep it, and a drug the sentence adds ("These uses
                # are not covered for esketamine either") takes it too
                drugs = tuple(d for d in drugs if all(c.drug != d for c in said))
            else:
                # the lead-in said less ("may not be eligible for …"): the sentence after the list says it
                self.out = [c for c in self.out if not any(c is s for s in said)]
            self.emit(drugs, inds, "position", st, INHERITED, blk, 0, len(blk.text))


def points_back(sentence: str) -> bool:
    """True when a sentence points back at a list of uses ("The above are …", "These uses …", "for the
    conditions listed above"), not at a list of criteria."""
    hit = AFTER_LIST.search(sentence) or _CONTINUES.search(sentence)
    return bool(hit) and not _CRITERIA_WORDS.search(sentence)
