"""Sentences, clauses, and what each clause is about: its drug and its indications.

A sentence is split into clauses at semicolons and at inline list numbers ("… are met: 1. …; AND 2. …"),
because payers pack several statements into one sentence: "For esketamine, a REMS setting is required;
for intravenous ketamine, the infusion is not covered" gives esketamine the REMS requirement and ketamine
the position, never the other way round; "initial 3 months; reauthorization 6 months" gives each phase its
own duration.

Indications are read with their scope: "any indication other than treatment-resistant depression" is a
statement about ``other`` (everything outside the exception), not about TRD; "apart from anesthesia" and
"except as an anesthetic" take anesthesia out of a statement.
"""

from __future__ import annotations

import re

from ..terms import ESKETAMINE_RE, KETAMINE_RE, indications_in

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"])")  # semicolons split clauses, not sentences
_ABBR = re.compile(
    r"(?:\b(?:e\.g|i\.e|U\.S|vs|Dr|No|etc|approx|St|Inc|Ph\.D|M\.D)\.|\b[A-Z]\.|^\W*(?:\d+|[a-z])\.)$"
    # an inline list number: "… are met: 1." / "; AND 2." / "… or b." — not a value ending a sentence ("a
    # minimum age of 21. Spravato remains …"), after which a new sentence starts
    r"|(?:^|[:;(]\s*|\b(?:and|or|AND|OR)\s+|(?<![A-Za-z,]\s)(?<![A-Za-z,])\s)(?:\d{1,2}|[A-Za-z])[.)]$"
)
_CLAUSE = re.compile(
    r";\s*(?:(?:and|or|AND|OR)\b\s*)?"
    r"|:\s+(?=(?:\d{1,2}|[a-z])[.)]\s)"
    r"|\s+(?:AND|OR)\s+(?=\d{1,2}[.)]\s)"
)


def _abbreviation(head: str) -> bool:
    """``_ABBR.search(head)``, without trying every start: a match starts at 0 (the branches anchored
    with ``^``) or within the last 12 characters (the others match at most 8: "approx." and the
    character before it), and ``search(head, pos)`` sees the characters before ``pos``."""
    return bool(_ABBR.match(head) or _ABBR.search(head, max(0, len(head) - 12)))


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans within ``text`` (abbreviations such as "e.g." and "U.S." do not end a sentence)."""
    spans, start = [], 0
    for m in _SENT.finditer(text):
        if _abbreviation(text[start : m.start()]):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of the sentence ``text[start:end]`` (offsets into ``text``)."""
    out, a = [], start
    for m in _CLAUSE.finditer(text, start, end):
        if m.start() > a and text[a : m.start()].strip():
            out.append((a, m.start() + (1 if text[m.start()] == ":" else 0)))
        a = m.end()
    if text[a:end].strip():
        out.append((a, end))
    return out


_MARKER = re.compile(r"^\s*(?:[-•]\s+|\(?(?:\d{1,2}|[A-Za-z]|[ivx]+)[.)]\s+)+")


def unmarked(text: str) -> str:
    """``text`` without its list marker(s) ("2. A) …", "- …")."""
    return _MARKER.sub("", text)


# -- drugs -------------------------------------------------------------------------------------------

#: "ketamine and intranasal esketamine", "ketamine, esketamine": both; "esketamine, unlike racemic ketamine,
#: …" or "esketamine and not ketamine" sets the second apart (a contrast word between them).
_COORDINATED = re.compile(
    r"^\W*(?:and|or|and/or|,)\s*(?:(?!(?:unlike|not|than|instead|versus|vs|except|but|rather)\b)\w+\s+){0,2}$",
    re.I,
)


def subject_drugs(clause: str) -> tuple[str, ...]:
    """The drugs a clause is about. Both names only when coordinated ("ketamine and esketamine"); else
    the first named ("Esketamine, the S-enantiomer of ketamine, …" is about esketamine)."""
    es = ESKETAMINE_RE.search(clause)
    k = KETAMINE_RE.search(clause)
    if not es and re.search(r"\b(?:S0013|J0013|G2082|G2083)\b", clause):
        es = re.search(r"\b(?:S0013|J0013|G2082|G2083)\b", clause)
    if es and k:
        first, second = sorted((es, k), key=lambda m: m.start())
        if _COORDINATED.match(clause[first.end() : second.start()]):
            return ("ketamine", "esketamine")
        return ("esketamine",) if first is es else ("ketamine",)
    if es:
        return ("esketamine",)
    if k:
        return ("ketamine",)
    return ()


#: Treatments a depression or pain policy names next to the drugs: a statement whose subject is one of them
#: ("Transcranial magnetic stimulation is covered for MDD when …", "Zuranolone is not covered for postpartum
#: depression") is about that treatment, never about the drug of the title or heading around it.
OTHER_TREATMENT = re.compile(
    r"\b(?:(?:repetitive )?transcranial magnetic stimulation|r?TMS|electroconvulsive(?: therapy)?|ECT|"
    r"deep brain stimulation|vagus nerve stimulation|VNS|psilocybin|MDMA|zuranolone|zurzuvae|brexanolone|"
    r"zulresso|auvelity|dextromethorphan(?:-bupropion)?|nitrous oxide|bright light therapy|neurofeedback|"
    r"stellate ganglion block|cranial electrotherapy|spinal cord stimulation)\b",
    re.I,
)


#: The other treatment as the object of a criterion, not the subject: "Prior ECT", "Failure of TMS", "A trial
#: of ECT", "Inadequate response to TMS", "Not a candidate for ECT", "Alternatives to ECT" — a heading such as
#: "Failure of ECT or TMS" heads the drug's own criteria.
_OTHER_AS_OBJECT = re.compile(
    r"\b(?:trials?|courses?|failures?|fail(?:ed|ing)|tried|prior|previous(?:ly)?|history|no|without|"
    r"response|respond(?:ed)?|alternatives?|instead|place|candidates?|contraindicat\w*|intoleran\w*)\b"
    r"(?:\s+(?:of|to|with|on|for|a|an|the|trials?|courses?|treatments?|therapy|therapies|options?|such as|"
    r"including))*\W*$",
    re.I,
)
#: … or what follows it says so: "ECT or TMS trial not required", "TMS failure", "ECT is not required first",
#: "TMS requirement removed", "ECT contraindicated" (other treatments coordinated with it first: "ECT, TMS or
#: VNS trial").
_OTHER_REQUIREMENT = re.compile(
    rf"^(?:\s*(?:,|/|\bor\b|\band\b|\band/or\b)\s*(?:{OTHER_TREATMENT.pattern}))*"
    r"\s*(?:\b(?:therapy|treatment)\s+)?(?:\b(?:trials?|failures?|courses?)\b|"
    r"\b(?:(?:is|are)\s+)?(?:not|no longer)\s+(?:required|needed|necessary|mandatory|"
    r"a\s+(?:requirement|prerequisite))\b|"
    r"\b(?:is\s+|are\s+)?optional\b|\brequirements?\s+(?:removed|waived|dropped|eliminated|deleted)\b|"
    # "ECT contraindicated or declined", "TMS ineffective": the member's history, a criterion of the drug
    r"\b(?:(?:is|are|was|were)\s+)?(?:contraindicated|declined|refused|not tolerated|ineffective|"
    r"unsuccessful|not (?:an option|appropriate|available))\b)",
    re.I,
)


def other_subject(clause: str) -> bool:
    """True when the clause names neither drug and another treatment is named among its first words (its
    subject: "TMS is …", "Coverage of electroconvulsive therapy is …") — not as a criterion's object ("Prior
    ECT", "ECT or TMS trial not required": the drug's criteria, `_OTHER_AS_OBJECT`, `_OTHER_REQUIREMENT`)."""
    m = OTHER_TREATMENT.search(clause)
    if m is None or len(clause[: m.start()].split()) > 3 or subject_drugs(clause):
        return False
    return not (_OTHER_AS_OBJECT.search(clause[: m.start()]) or _OTHER_REQUIREMENT.match(clause[m.end() :]))


# -- indications and their scope ----------------------------------------------------------------------

_VERB = r"(?:is|are|was|were|will|would|may|shall|should|does|do|meets?|has|have|can|must)"
_EXCEPTION = re.compile(
    rf"\b(?:other than|apart from|except(?:\s+(?:for|as|when|in|with))?|besides|with the exception of)\s+"
    rf"[^,;.:]*?(?=\s+{_VERB}\b|[,;.:]|$)",
    re.I,
)
_EXCEPTION_OF_USE = re.compile(
    r"\b(?:indications?|uses?|conditions?|diagnos[ie]s|purposes?|disorders?)\s*,?\s*(?:\w+\s*){0,2}$", re.I
)
#: "any route other than …", "any form except …": the exception is a route or form of the drug, not a use.
_NOT_A_USE = re.compile(
    r"\b(?:any|all)\s+(?:[\w-]+\s+){0,3}?(?:routes?|forms?|formulations?|methods?|means|ways?|settings?|"
    r"sites?|doses?|dosages?|products?|strengths?|preparations?|providers?|prescribers?|places?|"
    r"locations?)(?:\s+of\s+(?:[\w-]+\s+){0,2}?administration)?\s*$",
    re.I,
)
_OTHER = re.compile(
    r"\b(?:all|any|every)\s+other\s+(?:[\w-]+\s+){0,4}?(?:indications?|uses?|conditions?|diagnos[ie]s|disorders?)\b"
    r"|\b(?:any|all|every)\s+(?:(?:psychiatric|mental health|behavioral health)\s+)?"
    r"(?:indications?|uses?|conditions?|diagnos[ie]s|disorders?)\b"
    r"(?!\s+(?:listed|below|above|are|is|must|have|of|in (?:paragraph|section)))"
    r"|\b(?:indications?|uses?|conditions?|diagnos[ie]s)\s+(?:that (?:are|is) "
    r")?not\s+(?:listed|addressed|specified|included|named)"
    # "any use of esketamine not addressed above": the subject's drug between the use and its negation
    r"|\b(?:any|all|every)\s+(?:[\w-]+\s+){0,5}?(?:uses?|indications?|conditions?|diagnos[ie]s|purposes?)\b"
    r"[^.;:]{0,40}?\bnot\s+(?:listed|addressed|specified|included|named|described|outlined|mentioned)\b"
    r"|\bnot listed (?:above|below|in this)"
    r"|\boutside (?:of )?the (?:conditions|criteria|indications) (?:above|listed|stated)"
    r"|\bother psychiatric (?:disorders|conditions|indications|uses)"
    r"|\b(?:mental|behaviou?ral) health "
    r"(?:conditions?|disorders?|indications?|uses|diagnos[ie]s|illness\w*)\b"
    r"|\bpsychiatric (?:disorders|conditions|indications|uses)\b"
    r"|\bmood (?:disorders|conditions|illnesses)\b"
    r"|\ball (?:other )?indications\b"
    r"|\bfor all (?:other )?uses\b"
    r"|\boff-?label\b"
    r"|\b(?:for|in) other (?:indications|uses|conditions|diagnoses)\b",
    re.I,
)
#: Conditions outside the indication vocabulary: a position on one of them is a position on ``other``, and
#: "depressive features" of one ("schizophrenia with depressive features") do not make it depression.
_OUTSIDE = re.compile(
    r"\b(?:schizo\w*|psychos[ie]s|psychotic disorders?|migraines?(?: headaches?)?|"
    r"dementia|alzheimer\w*|autis\w*|adhd|attention[- ]deficit\w*(?: hyperactivity disorder)?|"
    r"eating disorders?|anorexia(?: nervosa)?|bulimia(?: nervosa)?|parkinson\w*(?: disease)?|tinnitus|"
    r"epilep\w*|status asthmaticus|tourette\w*(?: syndrome)?|insomnia|(?:borderline )?personality disorders?)"
    r"(?:\s+with\s+(?:co-?morbid\s+)?(?:depressive|depression)(?:\s+(?:features|symptoms|episodes?))?)?",
    re.I,
)
_NOT_OTHER = re.compile(r"\b(?:the|these|those) (?:following|listed) |\bany of the following", re.I)


#: Rating-scale names ("a depression rating scale", "Beck Depression Inventory", "Hamilton Rating Scale for
#: Depression") name an instrument, not the condition a statement is about.
_SCALE_NAME = re.compile(
    r"\bdepressi(?:on|ve)(?=\s+(?:rating\s+|severity\s+|symptom\s+)?(?:scales?|inventor(?:y|ies)|questionnaires?|"
    r"scores?|index)\b)|\b(?:scale|inventory|questionnaire) (?:for|of) depressi\w*(?: symptom\w*)?",
    re.I,
)


#: Migraine is ``other`` in the label vocabulary (a headache disorder, not "pain generally"); a plain
#: "chronic headache" stays chronic pain.
_HEADACHE = re.compile(r"\b(?:chronic )?migraines?(?: headaches?)?\b|\bcluster headaches?\b", re.I)


def outside_use(text: str) -> bool:
    """True when ``text`` names a condition outside the vocabulary ("Migraine", "Schizophrenia"), not an
    umbrella ("all other indications", "psychiatric disorders"): a use of its own, filed under ``other``."""
    return bool(_OUTSIDE.search(text) or _HEADACHE.search(text))


def indications_of(clause: str) -> tuple[str, ...]:
    """Indications a clause names, in vocabulary order, with ``other`` for "all other indications",
    "any indication not listed", "any indication other than X" (X is then not named)."""
    other = False
    clause = _SCALE_NAME.sub(" ", clause)
    text = clause
    for m in reversed(list(_EXCEPTION.finditer(clause))):
        before = clause[: m.start()]
        if _NOT_A_USE.search(before):
            pass  # "any route other than intravenous infusion": a route, not the uses left out
        elif _EXCEPTION_OF_USE.search(before) or re.search(r"\b(?:any|all)\s+[\w ]{0,30}$", before, re.I):
            other = True
        text = text[: m.start()] + " " + text[m.end() :]
    if _OTHER.search(text):
        other = True
    if _OUTSIDE.search(text):
        other = True
        text = _OUTSIDE.sub(" ", text)
    found = [i for i in indications_in(text) if i != "other"]
    if _HEADACHE.search(text):  # the vocabulary files migraine and headache under ``other``
        other = True
        if "chronic_pain" in found and "chronic_pain" not in indications_in(_HEADACHE.sub(" ", text)):
            found.remove("chronic_pain")
    if other:
        found.append("other")
    return tuple(found)
