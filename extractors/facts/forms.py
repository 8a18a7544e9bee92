"""Prior-authorization forms whose answers say what happens next: "3. Is the patient 18 or older? | Yes - go
to question 4 | No - deny", "If yes, approve for 6 months. If no, deny.", "☐ Yes - Approve for 6 months ☐ No -
STOP, coverage not approved".

Mixed into ``Reader`` (reader.py). TRICARE-style forms (and many PBM and Medicaid ones) state the criteria
only through the answers: a question whose "No" denies is a requirement, and the answer that approves is
the approval — the covered use the questions named, its criteria and its period. Read cell by cell, the
answer cells would say the opposite ("No - deny; not covered" is no position on the use), so a question
with such answers is read here and nowhere else:

* "Yes" goes on or approves and "No" denies: the question is a criterion (its use, when it names one);
* "Yes" denies: an exclusion; only a question about the *request* ("Is ketamine requested for chronic
  pain?") gives its use a position (not covered); a question about the patient gives nothing;
* "No" approves or both answers go on: the question is no requirement at all;
* "Is this a request for continuation? Yes - go to question 5": questions from 5 on are about renewals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..terms import drugs_in
from .clauses import indications_of, unmarked
from .context import DEFAULT, INHERITED
from .criteria import criteria_of
from .positions import stance

#: An answer and what follows it: "Yes - go to 2", "If no, deny", "☐ No → STOP".
_ANSWER = re.compile(r"(?:\bif\s+(?:the\s+answer\s+is\s+)?)?\b(yes|no)\b", re.I)
_DENY = re.compile(
    r"\bden(?:y|ied|ial)\b|\bstop\b|\bnot (?:be )?(?:approved|covered|authori[sz]ed|eligible)|\breject", re.I
)
_APPROVE = re.compile(r"\bapprov(?:e|ed|al)\b|\bauthori[sz]e\b", re.I)
_GOTO = re.compile(r"\b(?:go|proceed|continue|skip|move|advance)\b|\bquestion\s*#?\s*\d", re.I)
_TARGET = re.compile(r"\b(?:question|step|#|to)\s*#?\s*(\d{1,2})\b", re.I)
#: What only a form's answers have: a box to tick, a jump to another question.
_FORM_MARK = re.compile(
    r"[\u2610\u2751\u25a1\u25a0\u25a2\u25fb\u25cb]|\[\s*\]|\bgo to\b|\bproceed\b|\bquestion\s*#?\s*\d", re.I
)
#: A box to tick ("[ ] Yes", "☐ No"): a checkbox form's answer, which says nothing of what follows.
_BOX = re.compile(r"[\u2610\u2751\u25a1\u25a2\u25fb]|\[\s*\]")
#: What ends an answer's quote but is no part of it: a cell separator, a comma, the next answer's box.
_TRAILING = "|;,\u2610\u2751\u25a1\u25a0\u25a2\u25fb\u25cb[]"
#: A paragraph that is only answers: "If yes, …", "☐ No - STOP …".
_ANSWER_LINE = re.compile(r"^\W*(?:if\s+(?:the\s+answer\s+is\s+)?)?(?:yes|no)\b", re.I)
_NUMBER = re.compile(r"^\W*(\d{1,2})[.)]?\s")
#: A question about the request itself: its "Yes - deny" is a position on the use it names.
_REQUEST = re.compile(r"\b(?:request(?:ed)?|prescribed|being used|to treat|for the treatment of)\b", re.I)
#: "Is this a request for continuation / renewal?": its "Yes - go to N" starts the renewal questions.
_RENEWAL_Q = re.compile(
    r"\b(?:is this|is the request|request(?:ing)?)\b[^?]{0,40}?\b(?:continu|renew|re-?authori[sz]|recertif|"
    r"subsequent)",
    re.I,
)


#: A question about the patient's other condition, not the use requested: "free of a substance use disorder",
#: "no history of psychosis", "screened for bipolar disorder".
_CONDITION_Q = re.compile(
    r"\bfree (?:of|from)\b|\bwithout (?:a |an |any )?(?:current |active |known )?(?:history|diagnosis)\b|"
    r"\bno (?:current |active |known )?(?:history|diagnosis)\b|\b(?:does|do|has|have) not (?:have|had)\b|"
    r"\bhistory of\b|\bscreened\b|\babstinen",
    re.I,
)


@dataclass
class Form:
    drugs: tuple[str, ...]
    inds: tuple[str, ...] = ()
    crit: list[tuple] = field(default_factory=list)  # (field, value, block, a, b) since the last approval
    renewal_from: int | None = None  # questions numbered from here on are about renewals
    #: question number -> the use of the question whose "Yes" jumps to it ("1. Is it TRD? Yes - go to #3")
    route: dict[int, tuple[str, ...]] = field(default_factory=dict)
    boxes: int = 0  # questions answered only by ticking "[ ] Yes [ ] No"
    box_blocks: set[int] = field(default_factory=set)  # ids of the blocks holding those questions
    last: int | None = None  # the number of the last question read (a table that starts again at 1)
    around: tuple[str, ...] = ()  # the drugs of the headings (or title) it began under


def answers(text: str) -> dict[str, tuple[str, int, int]]:
    """{"yes" | "no": (action, start, end)}: the last answer of each kind that says what happens next."""
    hits = list(_ANSWER.finditer(text))
    out: dict[str, tuple[str, int, int]] = {}
    for k, m in enumerate(hits):
        end = hits[k + 1].start() if k + 1 < len(hits) else len(text)
        seg = text[m.end() : end]
        if _DENY.search(seg):
            action = "deny"
        elif _APPROVE.search(seg):
            action = "approve"
        elif _GOTO.search(seg):
            action = "goto"
        else:
            continue
        a, b = m.end(), end
        while a < b and not text[a].isalnum():
            a += 1  # the quote is the action: "approve for 6 months", not ": approve for 6 months | "
        while b > a and (text[b - 1].isspace() or text[b - 1] in _TRAILING):
            b -= 1  # nor the next answer's box: "approve for 6 months", not "approve for 6 months ☐"
        out[m.group(1).lower()] = (action, a, b)
    return out


class FormReader:
    form: Form | None  # the form being read
    form_q: tuple | None  # a question whose answers did not say what happens next (they may follow)

    def form_row(self, block, path) -> bool:
        """A table row: the question in the first cell, the answers in the others (or under "Yes" / "No")."""
        cells = block.text.split(" | ")
        if len(cells) < 2 or not cells[0].rstrip().endswith("?"):
            return False
        parts, pos = [], len(cells[0]) + 3
        for k, cell in enumerate(cells[1:], 1):
            head = self.header[k].strip().lower() if k < len(self.header) else ""
            if head in ("yes", "no") and not _ANSWER.search(cell):
                parts.append((block, pos - len(head) - 1, f"{head} {cell}"))  # the answer is the column's
            else:
                parts.append((block, pos, cell))
            pos += len(cells[k]) + 3
        return self.form_question(block, path, cells[0], 0, parts)

    def form_line(self, block, path, text: str) -> bool:
        """A paragraph or item: "1. Is the patient 18 or older? ☐ Yes - go to 2 ☐ No - deny"."""
        q_end = text.find("?")
        if q_end < 0 or q_end > 400:
            return False
        return self.form_question(block, path, text[: q_end + 1], 0, [(block, q_end + 1, text[q_end + 1 :])])

    def form_answers(self, block, path, text: str) -> bool:
        """A paragraph of answers to the question just before it ("If yes, approve for 6 months. If no,
        deny.", "☐ No - STOP, coverage not approved")."""
        pending, self.form_q = self.form_q, None
        if pending is None or not _ANSWER_LINE.match(text):
            return False
        q_block, q_path, question, q_off, found = pending
        return self.form_question(q_block, q_path, question, q_off, [(block, 0, text)], found)

    def form_question(
        self, block, path, question: str, q_off: int, parts, found=None, number=None, renewal=False
    ) -> bool:
        """``parts``: (block, offset, text) of the answers; ``found``: answers read before (their block's);
        ``number``: the question's number from a column of its own; ``renewal``: under a renewal heading."""
        found = dict(found or {})
        said = " ".join(part for _, _, part in parts)
        kinds = {m.group(1).lower() for m in _ANSWER.finditer(said)} | set(found)
        if kinds != {"yes", "no"} and not _FORM_MARK.search(said):
            return False  # "Is Spravato covered for PTSD? No, it is not covered.": a question and its answer
        for a_block, off, part in parts:
            for kind, (action, a, b) in answers(part).items():
                found[kind] = (action, a_block, off + a, off + b)
        yes, no = found.get("yes", ("", None, 0, 0)), found.get("no", ("", None, 0, 0))
        body = unmarked(question)
        inds = tuple(i for i in indications_of(body) if i != "other")
        if {"trd", "mdsi"} & set(inds):
            # "Does the patient have TRD, that is, a major depressive episode that …?": the use is TRD
            inds = tuple(i for i in inds if i != "depression")
        current = self.form
        if inds == ("depression",) and current is not None and {"trd", "mdsi"} & set(current.inds):
            inds = ()  # "… improvement in depressive symptoms?" after the TRD questions: still TRD's
        condition = _CONDITION_Q.search(body)
        if condition:
            # "Has the patient been free of a substance use disorder …?": the patient, not the use; a use
            # named before the condition is still the question's ("… have TRD and no history of psychosis?")
            before = indications_of(body[: condition.start()])
            inds = tuple(i for i in inds if i in before)
        branch = "goto" in (yes[0], no[0]) and (inds or _RENEWAL_Q.search(body))
        if not ({yes[0], no[0]} & {"deny", "approve"} or branch):
            self.form_q = (block, path, question, q_off, found)  # its answers may follow
            if kinds == {"yes", "no"} and _BOX.search(said):
                boxed = self.form_of(question, path)
                boxed.boxes += 1  # a checkbox form: its periods approve (form_period), or its end (form_end)
                boxed.box_blocks.add(id(block))
                self.asked += [i for i in indications_of(unmarked(question)) if i != "other"]
            return False  # "[ ] Yes [ ] No": no outcome, read as before
        form = self.form_of(question, path)
        marked = _NUMBER.match(question)
        n = number if number is not None else int(marked.group(1)) if marked else None
        if n is not None and n in form.route:
            form.inds = form.route[n]  # a use's branch: "2. Is it MDSI? Yes - go to #6" makes #6 MDSI's
        form.last = n if n is not None else form.last
        renewal = renewal or (form.renewal_from is not None and n is not None and n >= form.renewal_from)
        phase = "continuation" if renewal or _RENEWAL_Q.search(body) else "initial"
        span = (block, q_off, q_off + len(question))
        if _RENEWAL_Q.search(body) and yes[0] == "goto":
            target = _TARGET.search(yes[1].text[yes[2] : yes[3]])
            form.renewal_from = int(target.group(1)) if target else None
        elif yes[0] == "deny":
            if _REQUEST.search(body) and indications_of(body):
                self.emit(form.drugs, indications_of(body), "position", "not_covered", INHERITED, *span)
        elif no[0] == "deny":
            form.inds = inds or form.inds
            if not inds or number is not None:
                # a use's question states its definition's criteria too ("TRD, after two antidepressants")
                found_crit = [(fld, value, *span) for fld, value in criteria_of(body, phase)]
                form.crit += found_crit
                # a rule after the questions ("If the answers above are Yes, approve …") adopts them too
                self.orphans += [(form.drugs, *c) for c in found_crit]
            self.form_denies(form, no)
        elif inds and yes[0] == "approve":
            # "Is it MDSI, with an oral antidepressant? Yes - approve for 4 weeks; No - go to #2": the
            # approval is that use's, on the question's terms (it went to the use of the questions before it)
            form.inds = inds
            form.crit += [(fld, value, *span) for fld, value in criteria_of(body, phase)]
        elif inds and yes[0] == "goto":
            form.inds = inds  # "Is the request for TRD? Yes - go to 2; No - go to 6": the branch's use
        if yes[0] == "goto" and form.inds and not _RENEWAL_Q.search(body):
            jump = _TARGET.search(yes[1].text[yes[2] : yes[3]])
            if jump:
                form.route.setdefault(int(jump.group(1)), form.inds)
        if no[0] == "goto" and inds:
            jump = _TARGET.search(no[1].text[no[2] : no[3]])
            if jump:
                form.route.setdefault(int(jump.group(1)), ())  # "Is it MDSI? No - go to #4": #4 is not MDSI's
        for kind, (action, a_block, a, b) in (("yes", yes), ("no", no)):
            if action == "approve":
                if kind == "no" and _RENEWAL_Q.search(body) and not renewal:
                    phase = "initial"  # "Is this a request to continue therapy? No: approve for 90 days"
                self.form_approves(path, form, a_block, a, b, phase)
                break
        return True

    def form_denies(self, form: Form, answer) -> None:
        """A denial that states its own position on a use ("No: Deny; Spravato is not covered for any other
        diagnosis"): that position, of the drug it names ("Deny; IV ketamine for PTSD is investigational" on a
        Spravato form is ketamine's); a bare one ("Deny; not medically appropriate") names no use."""
        action, a_block, a, b = answer
        said = a_block.text[a:b]
        st, how = stance(said)
        inds = indications_of(said)
        drugs = drugs_in(said) or form.drugs
        if st and how == "strong" and inds and drugs:
            self.emit(drugs, inds, "position", st, INHERITED, a_block, a, b)

    def form_of(self, question: str, path) -> Form:
        """The form being read, or a new one when the question names another drug, or names none under
        another drug's heading. A question naming none stays with the drug an earlier one named: "1. Is IV
        ketamine requested for TRD?" then "2. Is the patient 18 or older?" in a Spravato policy is still
        ketamine's (the title's drug made a new form of it)."""
        named = drugs_in(question)
        around = self.context_drugs(path) or self.label_drugs
        drugs = named or around
        form = self.form
        moved = bool(named) or form is None or around != form.around
        if form is None or (moved and drugs and not set(drugs) <= set(form.drugs)):
            form = self.form = Form(drugs, around=around)
        return form

    def boxed_uses(self, form: Form) -> tuple[tuple[str, ...], int]:
        """The uses a checkbox form's questions asked about, and how strongly (a Spravato form naming none:
        its labelled use, as a default)."""
        inds, strength = tuple(dict.fromkeys(i for i in self.asked if i != "other")), INHERITED
        if not inds and form.drugs == ("esketamine",):
            inds, strength = ("trd",), DEFAULT
        return inds, strength

    def form_period(self, block, path, text: str) -> bool:
        """A checkbox form's approval periods after its questions ("Initial approval 90 days, continuation
        180 days"): the form approves the use its questions asked about, with their criteria."""
        form = self.form
        if form is None or not form.boxes or "?" in text or not form.drugs:
            return False
        crit = criteria_of(text, "initial")
        if not crit or not all(f.startswith("approval") for f, _ in crit) or stance(text)[0]:
            return False
        inds, strength = self.boxed_uses(form)
        if not inds:
            return False
        whole = (block, 0, len(text))
        self.emit(form.drugs, inds, "position", "covered_with_criteria", strength, *whole)
        self.adopt_orphans(form.drugs, inds)
        for fld, value in crit:
            self.emit(form.drugs, inds, fld, value, INHERITED, *whole)
        self.targets.set(form.drugs, inds, True, path)
        return True

    def form_end(self) -> None:
        """A checkbox form that ends (a heading, the end of the document) with no period line after its
        questions: it states no outcome, so it approves nothing (no position), but what it asks ("Is the
        member 18 or older? [ ] Yes [ ] No") is still what the use it asked about needs — its criteria were
        dropped with the form. Only its own questions' criteria are taken: criteria read elsewhere wait
        for a statement."""
        form = self.form
        if form is None or not form.boxes:
            return
        mine = [o for o in self.orphans if id(o[3]) in form.box_blocks and set(o[0]) & set(form.drugs)]
        inds, _ = self.boxed_uses(form)
        if not (mine and inds):
            return
        for o_drugs, fld, value, blk, x, y in mine:
            self.emit(tuple(d for d in o_drugs if d in form.drugs), inds, fld, value, INHERITED, blk, x, y)
        self.orphans = [o for o in self.orphans if o not in mine]

    def form_approves(self, path, form: Form, block, a: int, b: int, phase: str) -> None:
        """An answer that approves: the use the questions named is covered with their criteria."""
        inds, strength = form.inds or tuple(dict.fromkeys(self.asked)), INHERITED
        if not inds and form.drugs == ("esketamine",):
            inds, strength = ("trd",), DEFAULT  # a form on Spravato naming no use: its labelled one
        if not (inds and form.drugs):
            return
        self.emit(form.drugs, inds, "position", "covered_with_criteria", strength, block, a, b)
        for fld, value, blk, x, y in form.crit:
            self.emit(form.drugs, inds, fld, value, INHERITED, blk, x, y)
        self.orphans = [o for o in self.orphans if tuple(o[1:]) not in form.crit]
        form.crit = []
        for fld, value in criteria_of("approve " + block.text[a:b], phase):
            if fld.startswith("approval"):
                self.emit(form.drugs, inds, fld, value, INHERITED, block, a, b)
        self.targets.set(form.drugs, inds, True, path)
