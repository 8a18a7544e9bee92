"""One paragraph, list item or table cell, clause by clause: positions, list membership, criteria.

Mixed into ``Reader`` (reader.py), which owns the walk over blocks and the state this code reads and
updates: the lead-in, the targets, the last statement (for follow-ups such as "This includes PTSD …").
Which use criteria without one of their own belong to is targeting.py's to say.
"""

from __future__ import annotations

import re

from ..terms import drugs_in
from . import scope as S
from .afterlist import points_back
from .clauses import clauses, indications_of, other_subject, sentences, subject_drugs, unmarked
from .context import (
    ALTERNATIVES,
    DEFAULT,
    EXAMPLES,
    EXCLUSION_HEAD,
    FOLLOW_UP,
    INHERITED,
    LEADIN,
    MONO_SUBJECT,
    OWN,
    TABLE_REF,
    UNNAMED,
    LeadIn,
)
from .criteria import approval_cue, criteria_of
from .positions import cites_label, is_fda, not_a_statement, stance
from .scope import requires

_CONJUNCTION = re.compile(r"\W*(?:and|or|and/or)?\W*", re.I)
#: "For treatment-resistant depression: …" at the start of a cell or paragraph: the rest of it is about
#: that indication, even where the row's label names a broader one ("Depression").
_UNIT_LABEL = re.compile(r"^\W*(?:for|in)\s+([^:.;]{3,80}):\s", re.I)
#: "…on CRPS or sickle cell pain; these uses are investigative": the stance clause names its uses by pointing
#: back to the clause before it in the same sentence.
_ANAPHOR = re.compile(
    r"^\W*(?:these|this|such|those|both)\s+(?:uses?|indications?|conditions?|applications?)\b", re.I
)
#: A statement that points back at what came before it: "approves … when the answers to A–D are Yes".
_BACK_REF = re.compile(r"\b(?:answers?|questions?|above|preceding|previous(?:ly)? listed)\b", re.I)
#: A drug named after a topic word is still the clause's subject: "For ketamine, …", "In adults, …".
_TOPIC = re.compile(r"^\W*(?:for|in|with|regarding|about|concerning)\b", re.I)
_DRUG_NAME = re.compile(r"\b(?:es-?ketamine|ketamine|ketalar|spravato|s-ketamine)\b", re.I)
#: A change notice's paragraph of the values before the change ("Previous criteria: …", "Prior requirement:
#: …", "Before 3/1/2026: …", "Old: …"): nothing in it is in force (the "New criteria: …" paragraph is).
_OLD_LABEL = re.compile(
    r"^\W*(?:previous(?:ly)?|prior|old|former(?:ly)?|superseded|outgoing|was|before(?: [\w/,. ]{1,20})?)"
    r"(?:\s+(?:criteria|policy|language|wording|text|version|position|requirements?|values?|coverage|rules?))?"
    r"\s*:",
    re.I,
)
#: The same old values written as a sentence inside a paragraph ("… when the criteria below are met. The
#: previous position was that …", "… met; previously, Spravato was …"): that sentence is not in force.
_OLD_SENTENCE = re.compile(
    r"^\W*(?:(?:the|our|its|this policy's)\s+)?(?:(?:previous|prior|former|old|earlier)\s+"
    r"(?:position|policy|criteria|criterion|requirements?|coverage|approval period|language|wording|rules?|"
    r"version)|(?:previous|former|old|earlier)\s+(?:approval|authori[sz]ation))"
    # "prior authorization / prior approval" is the PA itself ("Prior authorization required: …"), not old
    r"\s+(?:was|were|had been|stated|said|required|allowed)\b|"
    r"^\W*(?:previously|formerly|until now|up to now),",
    re.I,
)
#: A clause after old values that says what holds now: "…; members must now be 18", "…; the current criteria".
_NOW = re.compile(r"\b(?:now|currently|current|new|instead|going forward|from now on)\b", re.I)
#: The answer to a question on the use in the block before it ("Q: Is Spravato covered for PTSD?" then "A: No.
#: The plan considers this use investigational"): it opens with an answer word or points at "this use".
_ANSWER = re.compile(
    r"^\W*(?:A\s*[:.)]|answer\b|no\b|yes\b)|\b(?:this|such|that|the)\s+(?:use|indication|request|application)\b",
    re.I,
)
#: A heading over approval periods ("Approval Duration", "Length of Authorization", "Authorization Period"):
#: "Initial: 6 months" under it is an approval period.
DURATION_HEADING = re.compile(
    r"^\W*(?:(?:approval|authori[sz]ation)\s+(?:duration|length|periods?)|"
    r"(?:duration|length|period)\s+of\s+(?:approval|authori[sz]ation))\W*$",
    re.I,
)
#: Requirements the label sets that payers restate as criteria ("as the FDA labeling requires").
_SAFETY = {"rems", "monitoring_hours"}


def subject_position(body: str) -> bool:
    """True when the clause's first drug name is its subject ("Intravenous ketamine is …", "Treatment with
    esketamine …", "For ketamine, …"), not an object ("has not received intravenous ketamine …")."""
    m = _DRUG_NAME.search(body)
    if m is None:
        return True
    before = body[: m.start()].split()
    return len(before) <= 3 or (len(before) <= 6 and bool(_TOPIC.match(body)))


class UnitReader:
    def read_unit(
        self,
        block,
        path,
        text,
        off,
        in_list,
        label_inds=(),
        phase=None,
        approval_ctx=False,
        headline=False,
        row_drugs=(),
    ) -> None:
        """``headline``: the unit reads like a heading, so it states no position (its durations still
        count: "Initial Authorization for 3 Months"). ``label_inds``: the indications its label names."""
        if _OLD_LABEL.match(unmarked(text)):
            self.tick += 1
            return  # "Previous criteria: at least three antidepressants": the value before the change
        head_drugs, head_inds = self.heading_context(path)
        lead = self.leadin
        if in_list and lead:
            lead.items += 1
            if lead.other:
                self.tick += 1
                return  # an item of another treatment's list (its criteria are not the drug's)
        given = phase  # a row label or column header ("Renewal Evaluation") outlives the row's statement
        phase = phase or S.path_phase(path) or "initial"
        block_drugs: tuple[str, ...] = tuple(row_drugs)
        block_inds: tuple[str, ...] = tuple(label_inds)
        own_label = _UNIT_LABEL.match(unmarked(text))
        if own_label:
            block_inds = tuple(i for i in indications_of(own_label.group(1)) if i != "other") or block_inds
        asked = self.question
        if asked is not None and asked[2] == self.blocks - 1 and not block_inds and _ANSWER.search(text):
            block_drugs, block_inds = block_drugs or asked[0], asked[1]  # the answer to the question above
        stated = inline = False
        units = [
            (c, approval_cue(text[a:b]), k)
            for k, (a, b) in enumerate(sentences(text))
            for c in clauses(text, a, b)
        ]
        prev: tuple[int, tuple[str, ...]] = (-1, ())
        approved: tuple[int, tuple[str, ...]] = (-1, ())  # an approval naming its use: (sentence, uses)
        old = -1  # the sentence of old values being skipped ("… are met. Previous position: …")
        # another treatment's heading ("Transcranial magnetic stimulation"): what names no drug is about it
        other_head = bool(path) and other_subject(path[-1]) and not row_drugs
        for n, ((a, b), sentence_cue, k) in enumerate(units):
            self.tick += 1
            body = unmarked(text[a:b])
            if (k == old and not _NOW.search(body)) or _OLD_LABEL.match(body) or _OLD_SENTENCE.match(body):
                # its later clauses too ("…; previous criteria: age 21; two failed drugs"), unless one says
                # what holds now ("Previously, members had to be 21; members must now be 18 or older")
                old = k
                continue
            if other_head and not drugs_in(body):
                continue
            own_drugs = subject_drugs(body)
            st, how = stance(body)
            context = (
                block_drugs or (lead.drugs if in_list and lead else ()) or self.label_drugs or head_drugs
            )
            if own_drugs and context and not set(own_drugs) <= set(context) and not st:
                if not subject_position(body):
                    own_drugs = ()  # a criterion "has not received intravenous ketamine …" about esketamine
            own_inds = indications_of(body)
            if not own_inds and prev[0] == k and _ANAPHOR.search(body):
                own_inds = prev[1]
            if own_inds:
                prev = (k, own_inds)
            if st and not own_drugs and other_subject(body):
                # "TMS is covered for MDD when …": another treatment's statement and criteria; its list too
                if LEADIN.search(body) and n == len(units) - 1 and not in_list:
                    self.close_leadin(None)
                    self.leadin = LeadIn((), None, "", (), self.level_of(path), path=path, other=True)
                continue
            fda = is_fda(body)
            if (fda and how != "strong") or len(body.split()) < 3 or headline:
                st = None  # the label's words, a column header ("Investigational"), a heading
            drugs = (
                own_drugs
                or block_drugs
                or (lead.drugs if in_list and lead else ())
                or self.label_drugs
                or head_drugs
                or self.route_drugs(body)
                or self.targets.drugs
                or self.doc_drugs
            )
            block_drugs = own_drugs or block_drugs
            if not st and own_inds and drugs and self.diagnosis_opens_criteria(body, path, in_list):
                inds = tuple(i for i in own_inds if i != "other")
                self.emit(
                    drugs, inds, "position", "covered_with_criteria", INHERITED, block, off + a, off + b
                )
                self.targets.set(drugs, inds, True, path)
                if in_list and lead is not None and lead.label:
                    lead.inds, lead.label = inds, False  # the rest of the list is about this use
            if body.rstrip().endswith("?") and own_inds and not st:
                self.asked += [i for i in own_inds if i != "other"]  # a form's question names the use
                # "Is Spravato covered for PTSD? No, it is investigational.": the answer is about that use
                self.question = (drugs, own_inds, self.blocks)
                block_inds = own_inds if own_drugs or block_drugs else block_inds
            cited = fda and cites_label(body) and (requires(path, in_list and lead) or self.safety_only(body))
            if not_a_statement(body) or (fda and not st and not cited) or _CONJUNCTION.fullmatch(body):
                continue
            last = n == len(units) - 1
            # "… for the conditions listed below. Clinical evidence has not shown a benefit." still leads
            trailing = not last and self.asides(text, units[n + 1 :])
            is_leadin = (
                (bool(LEADIN.search(body)) or bool(st and own_drugs and TABLE_REF.search(body)))
                and (last or trailing or body.rstrip().endswith(":"))
                and not headline
            )
            if is_leadin and not last and not trailing and not in_list:
                inline = True  # "… are met: 1. …; AND 2. …": the rest of this cell is the list
            if st and drugs:
                args = (block, path, off + a, off + b, body, drugs, own_inds or block_inds, st, how)
                if self.statement(*args, is_leadin, head_inds, in_list):
                    stated = True
                    phase = S.phase_of(body) or given or "initial"
                elif how == "approval" and own_inds:
                    approved = (k, tuple(i for i in own_inds if i != "other"))
            elif in_list and lead and lead.stance and not lead.stance.startswith("covered"):
                inds = own_inds or ("other",)  # "Psychotic disorders such as schizophrenia"
                sub = "monotherapy" if MONO_SUBJECT.search(body) else None
                if lead.how == "weak":
                    lead.pending += [(i, block, off + a, off + b) for i in inds]
                else:
                    # "Exclusions: Ketamine infusion for depression. Esketamine for PTSD.": an item that
                    # names one of the list's drugs is about that drug only
                    mine = tuple(d for d in lead.drugs if d in own_drugs) or lead.drugs or own_drugs
                    self.emit(mine, inds, "position", lead.stance, INHERITED, block, off + a, off + b, sub)
                continue
            elif in_list and lead and lead.stance and not lead.inds and own_inds and not self.targets.inds:
                lead.found += [i for i in own_inds if i != "other"]
                label = len(body.split()) <= 10 and not criteria_of(body) and not body.rstrip().endswith(".")
                if is_leadin or label:
                    # "Treatment-resistant depression, with all of:" or a bare "1. Treatment-resistant
                    # depression (initial request)" over its sub-items: nested items are about it
                    lead.current = tuple(i for i in own_inds if i != "other")
            elif is_leadin and not st and FOLLOW_UP.search(body) and self.follows_statement(body):
                s_drugs, s_st = self.last_stmt  # "… are investigational. This includes the following:"
                if own_inds:
                    self.emit(s_drugs, own_inds, "position", s_st, INHERITED, block, off + a, off + b)
                self.close_leadin(None)
                # anchored at the follow-up: a covered one's list items name the uses it states
                anchor = (block, off + a, off + b)
                self.leadin = LeadIn(s_drugs, s_st, "strong", own_inds, self.level_of(path), anchor, path)
                continue
            elif not in_list and FOLLOW_UP.search(body) and own_inds and self.follows_statement(body):
                s_drugs, s_st = self.last_stmt
                self.emit(s_drugs, own_inds, "position", s_st, INHERITED, block, off + a, off + b)
                continue
            elif is_leadin and not st:
                named = bool(own_inds or block_inds) or block.kind != "item"
                self.criteria_leadin(
                    block, path, off + a, off + b, drugs, own_inds or block_inds or head_inds, named
                )
            if inline and not in_list and self.leadin is not None:
                in_list, lead = True, self.leadin
            if st and not st.startswith("covered"):
                listed = in_list and lead and (lead.stance is None or lead.stance.startswith("covered"))
                if listed and MONO_SUBJECT.search(body):
                    # "… will not be approved as monotherapy" among criteria: an antidepressant is required
                    inds = self.criteria_inds(path, own_inds, block_inds, head_inds, True, same_block=stated)
                    fld = "concomitant_antidepressant"
                    self.emit(drugs, inds, fld, "required", INHERITED, block, off + a, off + b)
                continue
            cue = approval_ctx or sentence_cue or bool(path and DURATION_HEADING.search(path[-1]))
            crit = criteria_of(body, phase, cue, adult=st is None)
            if crit and self.excluding(path, in_list and lead):
                crit = []  # "Exclusion criteria: … age over 65 with high blood pressure": no requirement
            if own_inds and n == 0 and not (st or in_list or block_inds or crit) and len(body.split()) <= 15:
                block_inds = tuple(i for i in own_inds if i != "other")  # a label: "Criteria for TRD:"
            if crit and drugs:
                target = self.targets.drugs
                if not own_drugs and len(drugs) > 1 and target and set(target) < set(drugs):
                    drugs = target  # under "Ketamine and Esketamine": the drug of the statement they qualify
                inds = self.criteria_inds(path, own_inds, block_inds, head_inds, in_list, stated, drugs)
                if approved[0] == k and not own_inds:
                    # "Spravato may be approved for MDSI for 1 month; the member must be 18 or older": the
                    # rest of the approval's sentence is about the use it names
                    inds = approved[1] or inds
                alt = id(self.leadin) if in_list and self.leadin and self.leadin.alt else None
                # an open lead-in also holds a paragraph read inside it: "Initial approval: 3 months" between
                # "Spravato is covered when all of the following are met:" and its list (was an orphan, lost)
                lead = self.leadin
                for fld, value in crit:
                    if inds:
                        self.emit(drugs, inds, fld, value, INHERITED, block, off + a, off + b, alt=alt)
                    elif lead is not None and (lead.stance is None or lead.stance.startswith("covered")):
                        lead.deferred.append((drugs, fld, value, block, off + a, off + b, alt))
                    else:
                        self.orphans.append((drugs, fld, value, block, off + a, off + b))
            elif crit and not st and not in_list:
                # "Requirements: age 18 or older; two failed antidepressants." before any drug is named: the
                # statement after them that points back ("When the requirements above are met, …") takes them
                self.orphans += [((), fld, value, block, off + a, off + b) for fld, value in crit]
        if inline and self.leadin is lead:
            self.close_leadin(None)  # an inline list ends with its cell

    def asides(self, text: str, units) -> bool:
        """True when the units left in a block state nothing (no stance, use, drug or criterion)."""
        for (a, b), _cue, _k in units:
            body = text[a:b]
            if (
                stance(body)[0]
                or indications_of(body)
                or drugs_in(body)
                or criteria_of(body)
                or LEADIN.search(body)
            ):
                return False
        return True

    def follows_statement(self, body: str) -> bool:
        """A follow-up has a statement to follow; "Examples include …" only the one right before it."""
        if self.last_stmt is None:
            return False
        return not EXAMPLES.match(body) or self.stmt_tick == self.tick - 1

    def excluding(self, path, lead) -> bool:
        """Under an exclusion checklist (an "Exclusion criteria" heading, or a lead-in "… should not be
        started if any of the following applies:"): its items are the member's conditions that rule the drug
        out ("Intracerebral hemorrhage within the past 12 months"), not requirements for coverage."""
        return bool(lead and lead.exclusion) or (bool(path) and EXCLUSION_HEAD.search(path[-1]) is not None)

    def safety_only(self, body: str) -> bool:
        crit = criteria_of(body)
        return bool(crit) and all(f in _SAFETY for f, _ in crit)

    def statement(
        self, block, path, a, b, body, drugs, own_inds, st, how, is_leadin, head_inds, in_list
    ) -> bool:
        """Emit the position(s) of one statement; True when it became the criteria target."""
        covered = st.startswith("covered")
        sub = "monotherapy" if MONO_SUBJECT.search(body) else None
        inds, strength = own_inds, OWN
        if not inds and covered and self.asked and _BACK_REF.search(body):
            inds, strength = tuple(dict.fromkeys(self.asked)), INHERITED  # the form's questions name the use
        backed = bool(self.orphans and _BACK_REF.search(body))  # "If every answer above is Yes, approve …"
        if not inds and how == "approval" and not is_leadin and not head_inds and not backed:
            return False  # "Reauthorization is approved for 12 months": a duration, not a position
        if not inds and in_list and self.leadin and self.leadin.inds:
            inds, strength = self.leadin.inds, INHERITED
        if not inds and head_inds:
            inds, strength = head_inds, INHERITED
        if not inds and covered and is_leadin and self.targets.inds:
            inds, strength = self.targets.inds, INHERITED
        if not inds and sub and not covered and set(drugs) <= set(self.targets.drugs) and self.targets.inds:
            # "Esketamine used without an oral antidepressant is not medically necessary" after its covered
            # use: that use's monotherapy, which needs the antidepressant the use is covered with
            inds, strength = self.targets.inds, INHERITED
            self.emit(drugs, inds, "concomitant_antidepressant", "required", INHERITED, block, a, b)
        if is_leadin:
            self.close_leadin(None)
            self.leadin = LeadIn(drugs, st, how, inds, self.level_of(path), (block, a, b), path)
            self.leadin.alt = bool(ALTERNATIVES.search(body))
        if not inds:
            if is_leadin:
                pass  # the list names them
            elif UNNAMED.search(body):
                return False
            elif covered:
                inds, strength = (("trd",) if drugs == ("esketamine",) else ()), DEFAULT
            elif how != "weak" and not points_back(body):
                inds, strength = ("other",), DEFAULT  # (a sentence after a list is about its uses)
        if inds:
            self.emit(drugs, inds, "position", st, strength, block, a, b, sub)
        self.last_stmt = (drugs, st)
        self.stmt_tick = self.tick
        # a rule over the questions or criteria above it is a statement with its criteria list
        strong = is_leadin or bool(LEADIN.search(body)) or backed
        if covered and inds and sub is None and self.orphans:
            self.adopt_orphans(drugs, tuple(i for i in inds if i != "other"), backed)
        if covered and inds and sub is None and (how != "approval" or strong):
            self.targets.set(drugs, inds, strong, path)
            return True
        return False
