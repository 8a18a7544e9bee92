"""The walk over a policy's blocks: positions and criteria with the context a reader keeps in mind.

Context, in the order a sentence looks for it:

* the clause itself (its drug, its indications with their exception scope);
* the block: a list item's label sentence ("1. Treatment-Resistant Depression. Approve for 6 months …")
  and a table row's label cell ("Treatment-resistant depression | … | Initial: 6 months");
* the *lead-in*: a statement ending in ":" ("… is investigational for the following conditions:") gives
  its stance and drug to the list items after it, across one interposed duration line ("Approval length:
  initial 3 months; reauthorization 6 months."), and — when it is a covered statement — to the
  sub-headings of its section that name an indication;
* the headings above the block (drug and indication), within the coverage sections only;
* the criteria *target*: the drug × indication of the last covered statement. A statement that came with a
  list of criteria is a *strong* target; a single self-contained sentence ("… is covered for MDSI when …")
  is weak, and criteria written in a later block (an "Initial approval: 3 months" line after both) go to
  the drug's strong target.

Every fact is a ``Candidate`` with a strength (own words > inherited > default); ``resolve`` then keeps one
stance per drug × indication × sub-population.
"""

from __future__ import annotations

import re

from ..model import Section
from ..sections import Block, enclosing
from ..terms import drugs_in, indications_in
from . import precheck
from . import scope as S
from .clauses import indications_of, sentences, subject_drugs, unmarked
from .context import DEFAULT, INHERITED, LEADIN, MONO_SUBJECT, OWN, TABLE_REF, Candidate, LeadIn, Targets
from .criteria import criteria_of
from .layouts import LayoutReader
from .needles import checked, fold, predicate
from .parts import PartsReader
from .positions import is_fda, stance
from .records import RecordReader
from .tables import TableReader
from .targeting import TargetingReader
from .units import _SAFETY, DURATION_HEADING, UnitReader

#: Headings that are a stance by themselves: the blocks under them that name a use are excluded.
_EXCLUSIONS = re.compile(
    r"^(?:exclusions?|(?:benefit |plan )?exclusions and limitations|"
    r"non-?covered (?:indications|uses|services)|"
    r"not covered(?: indications| uses| services)?)$",
    re.I,
)
#: A paragraph that starts with a list marker ("I. ", "b) ", "3. "): an item when a lead-in is open.
_MARKED = re.compile(r"^\s*\(?(?:\d{1,2}|[A-Za-z]|[IVXivx]{1,4})[.)]\s+\S")


#: the words any match of TABLE_REF holds ("in the table", "listed below", ...), tested by one function
#: (``needles.predicate``): most paragraphs have none
_TABLE_WORDS = None if checked(TABLE_REF) is None else predicate(checked(TABLE_REF))


#: Skip the paragraphs and headings that name nothing a rule reads (exact: precheck.py). Off only to
#: check it (tests/extractors/test_facts_precheck.py) or to time the reader without it.
PRECHECK = True


def timed(path: tuple[str, ...]) -> bool:
    """A block under an approval-period heading ("Approval Duration"): "Initial: 6 months" has its cue there,
    so the pre-check, which looks for the cue in the paragraph, is not asked."""
    return bool(path) and DURATION_HEADING.search(path[-1]) is not None


class Reader(UnitReader, TargetingReader, TableReader, PartsReader, LayoutReader, RecordReader):
    def __init__(
        self, sections: tuple[Section, ...], doc_drugs: tuple[str, ...], precheck: bool | None = None
    ):
        self.precheck = PRECHECK if precheck is None else precheck
        self.sections = sections
        self.doc_drugs = doc_drugs
        self.out: list[Candidate] = []
        self.leadin: LeadIn | None = None
        self.targets = Targets()
        self.last_stmt: tuple[tuple[str, ...], str] | None = None
        self.pseudo: tuple[str, str] | None = None  # a heading-like paragraph or item: (role, kind)
        self.header: list[str] = []
        self.header_block: Block | None = None
        self.old_cols: set[int] = set()  # a revision table's columns of values before the change
        self.label_drugs: tuple[str, ...] = ()  # a drug-name paragraph over its part of a combined policy
        self.orphans: list[tuple] = []  # criteria read before the statement they belong to (drugs, fld, …)
        self.asked: list[str] = []  # indications a form's questions name ("Does the member have TRD?")
        self.tick = 0  # units read so far; ``stmt_tick``: the unit of the last statement
        self.stmt_tick = -1
        self.prev_kind = ""
        self.record: tuple[Block, dict[str, str]] | None = None  # the PBM record table being read
        self.table_lead: str | None = None  # the stance a drug-less paragraph gives the table after it
        self.table_drugs: tuple[str, ...] = ()  # the drug the paragraph before a table names as its subject
        # the uses a list named (afterlist.py), the PA form (forms.py) and Part D record (partd.py) being read
        self.pool, self.form, self.form_q, self.partd = [], None, None, None
        self.blocks = 0  # blocks read so far; ``label_block``: the last approval label set as a paragraph
        self.label_block = -2
        # (drugs, uses, block) of the last question on a use: the next block may be its answer
        self.question: tuple[tuple[str, ...], tuple[str, ...], int] | None = None

    # -- emit --------------------------------------------------------------------------------------
    def emit(self, drugs, inds, fld, value, strength, block, a, b, sub=None, alt=None) -> None:
        for d in drugs:
            for ind in inds:
                self.out.append(Candidate(d, ind, fld, value, strength, block, a, b, sub, alt))

    # -- context -----------------------------------------------------------------------------------
    def heading_context(self, path: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(drugs, indications) named by the innermost headings of ``path`` that name them."""
        drugs: tuple[str, ...] = ()
        inds: tuple[str, ...] = ()
        for h in reversed(path):
            if not drugs:
                drugs = drugs_in(h) or self.route_drugs(h)
            if not inds and S.classify(h) != S.INFO:
                inds = tuple(i for i in indications_in(h) if i != "other")
        return drugs, inds

    # -- walk --------------------------------------------------------------------------------------
    def read(self, blocks: list[Block]) -> list[Candidate]:
        for i, block in enumerate(blocks):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            self.blocks = i
            if block.kind == "title":
                continue
            inner = enclosing(self.sections, block.start, block.end)
            path = inner[0].path if inner else ()
            pairs = self.record_pairs(block)
            if self.record is not None and (pairs is None or any(k in self.record[1] for k, _ in pairs)):
                self.close_record(
                    path
                )  # a block that is no part of it, or the same label again: a new record
            if pairs is not None:
                if S.scope_of(path) != S.INFO:
                    self.record = self.record or (block, {})
                    self.record[1].update(pairs)
                self.prev_kind = block.kind
                continue
            if block.kind == "heading":
                self.on_heading(block, path, inner[0].level if inner else 0, nxt)
            else:
                self.on_block(block, path)
            self.prev_kind = block.kind
        self.close_leadin(None)
        self.form_end()
        return self.out

    def on_heading(self, block: Block, path, level: int, nxt: Block | None) -> None:
        self.pseudo: tuple[str, str] | None = None
        self.tick += 1
        self.form_end()  # a checkbox form with no period line ends here (forms.py)
        self.label_drugs, self.orphans, self.asked, self.pool = (), [], [], []
        if self.leadin and (level <= self.leadin.level or (self.leadin.items and not self.leadin.headings)):
            self.close_leadin(None)  # a heading after the list's items ends it too
        role = S.scope_of(path)
        if role == S.INFO:
            return
        if self.precheck and precheck.inert_heading(block.text, S.bare(block.text)):
            return  # names nothing a rule reads (precheck.py)
        self.read_heading(block, path, level, nxt)

    def read_heading(self, block: Block, path, level: int, nxt: Block | None) -> None:
        text = block.text
        st, how = stance(text) if not is_fda(text) else (None, "")
        if not st and _EXCLUSIONS.match(S.bare(text)):
            st, how = "not_covered", "strong"
        negative = st is not None and not st.startswith("covered") and not indications_of(text)
        if st:
            self.heading_statement(block, path, text, st)
        if st and (LEADIN.search(text) or negative):
            drugs = drugs_in(text) or self.context_drugs(path)
            if (
                drugs or negative
            ):  # "Not Covered" over "- Intravenous ketamine for CRPS": items name their drug
                self.close_leadin(None)
                self.leadin = LeadIn(drugs, st, how, indications_of(text), level, (block, 0, len(text)), path)
                self.leadin.under_heading = negative and how != "weak" and not LEADIN.search(text)
            return
        crit = criteria_of(text, S.phase_of(text) or "initial")
        # an approval period ("Reauthorization for 12 Months") or the label's safety requirement ("Risk
        # Evaluation and Mitigation Strategy requirements") written as a heading over the criteria
        crit = [c for c in crit if c[0].startswith("approval")][:1] + [c for c in crit if c[0] in _SAFETY]
        if crit:
            inds = ()
            if nxt is not None and nxt.kind == "para" and not stance(nxt.text)[0]:
                inds = tuple(i for i in indications_of(nxt.text) if i != "other")
            _, head_inds = self.heading_context(path[:-1])
            target = self.targets.pick(path, inds or head_inds)
            if target:
                for fld, value in crit:
                    self.emit(target.drugs, target.inds, fld, value, INHERITED, block, 0, len(text))
        _, inds = self.heading_context((text,))
        if self.leadin and self.leadin.stance and inds and not st and not text.rstrip().endswith("?"):
            self.emit(self.leadin.drugs, inds, "position", self.leadin.stance, INHERITED, block, 0, len(text))
            self.leadin.inds, self.leadin.headings = inds, self.leadin.headings + 1
            self.targets.set(self.leadin.drugs, inds, True, path)
        elif inds and S.approval_heading(path[:-1]) and not st:
            drugs = self.context_drugs(path)
            if drugs:
                self.targets.set(drugs, inds, True, path)

    def heading_statement(self, block: Block, path, text: str, st: str) -> None:
        """A heading that is a statement ("Treatment-Resistant Depression. Approve for 6 months if the
        individual meets ALL of the following:", bold lines a PDF sets as headings): its position and the
        criteria it states are the indication's."""
        inds = indications_of(text)
        drugs = drugs_in(text) or self.context_drugs(path)
        if not (inds and drugs):
            return
        sub = "monotherapy" if MONO_SUBJECT.search(text) else None
        self.emit(drugs, inds, "position", st, OWN, block, 0, len(text), sub)
        if not st.startswith("covered") or sub:
            return
        inds = tuple(i for i in inds if i != "other")
        for fld, value in criteria_of(text, S.phase_of(text) or "initial"):
            self.emit(drugs, inds, fld, value, INHERITED, block, 0, len(text))
        self.targets.set(drugs, inds, True, path)

    def context_drugs(self, path) -> tuple[str, ...]:
        drugs, _ = self.heading_context(path)
        return drugs or self.doc_drugs

    def on_block(self, block: Block, path) -> None:
        text = block.text
        heading_like, pseudo = False, None
        kind = block.kind
        if kind == "para" and self.leadin is not None and _MARKED.match(text):
            kind = "item"  # "I. Individual is 18 …" set as paragraphs under a lead-in: its list
        if kind in ("para", "item", "row"):
            role = S.pseudo_heading(text) if kind != "row" else None
            if role is not None:
                heading_like, pseudo = True, role
                self.pseudo = (role, kind)
                if S.approval_heading((text,)):
                    self.label_block = self.blocks  # "Criteria for approval:" set as a paragraph
                if kind == "item":
                    self.close_leadin(None)  # "2. Related Policies" ends the list above it
            elif self.pseudo is not None:
                # a heading-like paragraph scopes the next block; a heading-like item, the items after it
                role, seen = self.pseudo
                if seen == "para" or kind == "item":
                    pseudo = role
                if seen == "para" or kind != "item":
                    self.pseudo = None
        role = S.scope_of(path, pseudo)
        if role == S.INFO:
            self.tick += 1  # a skipped block still stands between a statement and its follow-up
            if kind == "para":
                self.close_leadin(None)
                self.pool = []
            return
        if self.layout_block(block, path, text, kind):
            return  # a form's question, a Part D record line (layouts.py)
        if kind != "row":
            self.table_lead = self.table_leadin(text) if kind == "para" else None
            # "Coverage of IV ketamine by indication is in the table below.": the drug of the rows after it
            self.table_drugs = subject_drugs(text) if kind == "para" and TABLE_REF.search(text) else ()
        if kind == "row":
            if self.prev_kind != "row" and not self.start_table(block):
                return
            self.on_row(block, path)
            return
        if kind == "para" and self.drug_label(text):
            self.label_drugs = drugs_in(text)  # "Esketamine nasal spray (Spravato)" over its part
        if self.precheck and self.leadin is None and not timed(path) and precheck.inert_paragraph(text):
            self.tick += 1  # a skipped paragraph still stands between a statement and its follow-up
            return  # no list to continue, and names nothing a rule reads (precheck.py)
        self.read_block(block, path, text, kind, heading_like)

    def read_block(self, block: Block, path, text: str, kind: str, heading_like: bool) -> None:
        """A paragraph or list item the pre-check could not rule out, clause by clause."""
        label = self.label_of(text)
        if (
            label
            and self.leadin
            and self.leadin.inds
            and kind == "item"
            and set(label) != set(self.leadin.inds)
        ):
            # "3. Major Depressive Disorder with … . Approve for 4 weeks …": a new entry. A lead-in that names
            # no use ("… not covered for the following:") stays open: its items name the uses it is about
            self.close_leadin(None)
        lead = self.leadin
        if lead and kind == "para":
            plain = not (lead.headings or lead.under_heading)
            if lead.items == 0 and lead.paras == 0 and self.duration_line(text):
                lead.paras += 1  # "Approval length: …" between the lead-in and its list
            elif lead.items == 0 and plain and lead.paras < 2 and self.aside(text, lead.drugs):
                lead.paras += 1  # a note or a label ("Uses:") between the lead-in and its list: no statement
                self.tick += 1
                return
            elif lead.headings:
                pass  # a paragraph under one of the sub-headings the lead-in introduced
            elif lead.under_heading:
                if not stance(text)[0]:
                    kind = "item"  # "2.2 Esketamine for any other indication." under "Exclusions"
            elif lead.stance is not None and lead.how == "weak" and lead.pending:
                self.close_leadin(text)
            else:
                self.close_leadin(None)
        self.read_unit(
            block,
            path,
            text,
            0,
            kind == "item" and self.leadin is not None,
            label,
            headline=heading_like,
        )

    def label_of(self, text: str) -> tuple[str, ...]:
        """Indications of a block's label sentence ("1. Treatment-Resistant Depression. Approve for …")."""
        spans = sentences(text)
        if len(spans) < 2:
            return ()
        first = unmarked(text[spans[0][0] : spans[0][1]])
        if len(first.split()) > 15 or stance(first)[0] or criteria_of(first):
            return ()
        return tuple(i for i in indications_of(first) if i != "other")

    def duration_line(self, text: str) -> bool:
        return bool(criteria_of(text, "initial")) and not stance(text)[0] and len(text) < 160

    def table_leadin(self, text: str) -> str | None:
        """The stance of "Each drug in the table below is covered once …" (a paragraph naming no drug)."""
        if not (_TABLE_WORDS is None or _TABLE_WORDS(fold(text))) or drugs_in(text):
            return None
        if not TABLE_REF.search(text):
            return None
        st, how = stance(text)
        return st if how == "strong" else None

    def level_of(self, path) -> int:
        inner = [s for s in self.sections if s.path == path]
        return inner[0].level if inner else 0

    def close_leadin(self, next_text: str | None) -> None:
        """End the current list; a weak denial list takes the stance of the sentence after it
        ("may not be approved for the following: … Requests not meeting the criteria above are
        considered not medically necessary")."""
        lead, self.leadin = self.leadin, None
        if lead is None:
            return
        covered = bool(lead.stance and lead.stance.startswith("covered") and not lead.inds)
        inds: tuple[str, ...] = ()
        if covered and lead.found:
            inds = tuple(dict.fromkeys(lead.found))
            specific = [i for i in inds if i in ("trd", "mdsi")]
            inds = tuple(specific) or inds
            if lead.anchor is not None:
                self.emit(lead.drugs, inds, "position", lead.stance, INHERITED, *lead.anchor)
            self.targets.set(lead.drugs, inds, True, lead.path)
        elif covered and lead.deferred and lead.drugs == ("esketamine",) and lead.anchor is not None:
            # "Esketamine is reasonable and necessary for a beneficiary who meets all of the following:" with
            # no use named: its labelled use, as for a covered statement naming none
            inds = ("trd",)
            self.emit(lead.drugs, inds, "position", lead.stance, DEFAULT, *lead.anchor)
            self.targets.set(lead.drugs, inds, True, lead.path)
        for drugs, fld, value, block, a, b, alt in lead.deferred:
            if inds:
                self.emit(drugs, inds, fld, value, INHERITED, block, a, b, alt=alt)
            else:
                self.orphans.append((drugs, fld, value, block, a, b))
        if lead.pending:
            st = lead.stance
            if next_text is not None:
                nst, _how = stance(next_text)
                if nst and not nst.startswith("covered") and not indications_of(next_text):
                    st = nst
            for ind, block, a, b in lead.pending:
                self.emit(lead.drugs, (ind,), "position", st, INHERITED, block, a, b)
