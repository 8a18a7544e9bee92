"""Write the generated development sets of the facts scorer: tests/files/eval/facts/gen1 and gen2.

    python -m tests.eval.gen_facts        # rewrites both folders (deterministic: a fixed seed per set)

Why generated: the hand-labelled sets showed that each new document misses mostly on wordings and layouts
seen nowhere else, so rules fitted to one set do not carry to the next. These sets vary, independently,
what a policy varies — the subject (generic / brand name, route, "this medication", "the infusion"), the
stance's verb phrase and where its negation sits, the indication's phrasing, the layout (sentence, list under
a lead-in, stance after the list, table cell, question and answer, heading over a paragraph, criteria before
or after the stance, nested, numbered, in words or digits) — and put distractors among them that must give
no fact (another treatment's criteria, doses, an FDA sentence, old values in a history table, another drug).

The labels come from the generator's own choices, never from the extractor: each unit writes its HTML and
the facts it states together. Every phrase list is split in two halves: ``gen1`` is built from the first
halves (the development set), ``gen2`` from the second (wordings a fix built on gen1 has not seen: score it,
do not read its misses to build rules). Neither is blind in the sense of holdout4/7/8.
"""

from __future__ import annotations

import html
import random
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent / "files" / "eval" / "facts"
EI, UNP, NMN, NC, CWC, COV = (
    "experimental_investigational",
    "unproven",
    "not_medically_necessary",
    "not_covered",
    "covered_with_criteria",
    "covered",
)
NEGATIVE = (EI, UNP, NMN, NC)

# Every list: (first half for gen1, second half for gen2).
NAMES = {
    "esketamine": (
        ["Spravato", "esketamine nasal spray", "Spravato (esketamine) nasal spray"],
        ["esketamine", "intranasal esketamine (Spravato)", "Spravato nasal spray"],
    ),
    "ketamine": (
        ["intravenous ketamine", "ketamine infusion therapy", "IV ketamine"],
        ["ketamine", "Ketalar (ketamine)", "ketamine given by infusion"],
    ),
}
PRONOUNS = {
    "esketamine": (["this medication", "the nasal spray"], ["this drug", "this product"]),
    "ketamine": (["this therapy", "the infusion"], ["this treatment", "the infusion service"]),
}
INDICATIONS = {
    "trd": (
        ["treatment-resistant depression", "treatment-resistant depression (TRD)"],
        ["TRD", "treatment-refractory depression", "major depressive disorder that is treatment resistant"],
    ),
    "mdsi": (
        ["major depressive disorder with acute suicidal ideation or behavior"],
        ["depressive symptoms in adults with MDD with acute suicidal ideation or behavior"],
    ),
    "ptsd": (["post-traumatic stress disorder (PTSD)"], ["PTSD", "posttraumatic stress disorder"]),
    "ocd": (["obsessive-compulsive disorder"], ["OCD", "obsessive compulsive disorder (OCD)"]),
    "anxiety": (["generalized anxiety disorder"], ["anxiety disorders", "social anxiety disorder"]),
    "bipolar_depression": (
        ["bipolar depression"],
        ["bipolar disorder", "depressive episodes of bipolar I disorder"],
    ),
    "substance_use": (["alcohol use disorder"], ["substance use disorders", "opioid use disorder"]),
    "chronic_pain": (["chronic pain"], ["chronic non-cancer pain", "fibromyalgia"]),
    "neuropathic_pain": (["neuropathic pain"], ["painful diabetic neuropathy"]),
    "crps": (["complex regional pain syndrome (CRPS)"], ["CRPS", "reflex sympathetic dystrophy"]),
    "sickle_cell": (["sickle cell vaso-occlusive crisis"], ["sickle cell pain crises"]),
    "depression": (["postpartum depression"], ["perinatal depression"]),
    "post_concussion": (["post-concussion syndrome"], ["post-concussion syndrome"]),
    "other": (
        ["all other indications", "schizophrenia"],
        ["any other condition", "migraine", "any indication not listed above"],
    ),
}
NEGATIVE_USES = [i for i in INDICATIONS if i not in ("trd", "mdsi")]
#: verb phrases after the subject (singular)
VP = {
    EI: (
        ["is considered experimental and investigational", "is investigational", "remains investigational"],
        [
            "is regarded as experimental/investigational",
            "is currently considered investigative",
            "is deemed experimental",
        ],
    ),
    UNP: (
        ["is unproven", "is considered unproven and not medically necessary"],
        ["has not been proven effective", "is considered unproven"],
    ),
    NMN: (
        ["is considered not medically necessary", "is not medically necessary"],
        ["does not meet the definition of medical necessity", "is not considered medically necessary"],
    ),
    NC: (
        ["is not covered", "is excluded from coverage", "is not a covered benefit"],
        ["is not payable", "is a benefit exclusion", "is not eligible for coverage"],
    ),
}
#: the same stances as table cells
CELLS = {
    CWC: (
        ["Covered with prior authorization", "Medically necessary when criteria are met"],
        ["Covered - PA required", "Approvable with criteria"],
    ),
    EI: (["Investigational", "Experimental/Investigational"], ["Investigative", "Experimental"]),
    UNP: (["Unproven"], ["Unproven / not medically necessary"]),
    NMN: (["Not medically necessary"], ["Not medically necessary (NMN)"]),
    NC: (["Not covered", "Excluded"], ["Non-covered", "No coverage"]),
}
#: sentences: {S} subject, {s} subject mid-sentence, {V} verb phrase, {I} indication
SENTENCES = (
    ["{S} {V} for {I}.", "{S} {V} when used for {I}.", "For {I}, {s} {V}."],
    ["{S} {V} in the treatment of {I}.", "When used for {I}, {s} {V}.", "{S} used to treat {I} {V}."],
)
LIST_LEADINS = (
    ["{S} {V} for the following indications:", "{S} {V} for each of the following conditions:"],
    ["{S} {V} when used to treat any of these conditions:", "For the conditions below, {s} {V}:"],
)
COVERED_LEADINS = (
    [
        "{S} is considered medically necessary for {I} when all of the following criteria are met:",
        "{S} may be approved for {I} when the member meets all of the following:",
        "{S} is covered for {I} when ALL of the following apply:",
    ],
    [
        "{P} will authorize {S} for {I} if every one of these conditions is met:",
        "{S} is approvable for {I} for members who meet each criterion below:",
        "{S} meets the definition of medical necessity for {I} when:",
    ],
)
AGE = (
    ["The member is {n} years of age or older", "The patient is at least {n} years old", "Age {n} or older"],
    [
        "The member is {w} ({n}) years or older",
        "The individual has reached {n} years of age",
        "Aged {n} and over",
    ],
)
FAILED = (
    [
        "The member has had an inadequate response to at least {n} antidepressants",
        "The patient has failed {w} ({n}) or more antidepressant trials",
        "There has been no response to at least {n} different antidepressants of adequate dose and duration",
    ],
    [
        "Documented non-response to a minimum of {n} antidepressants",
        "{W} or more antidepressant trials in the current episode were unsuccessful",
        "The member has tried {n} antidepressants without adequate benefit",
    ],
)
WITH_AD = (
    [
        "{S} will be used together with an oral antidepressant",
        "The member will take an oral antidepressant at the same time",
    ],
    [
        "An oral antidepressant is continued during treatment",
        "{S} is given in combination with an oral antidepressant",
    ],
)
MONO = (
    ["{S} may be used with or without an oral antidepressant"],
    ["{S} may be given alone or with an oral antidepressant"],
)
REMS = (
    [
        "Treatment is given in a healthcare setting certified in the REMS program",
        "The administering site is enrolled in the Spravato REMS",
    ],
    [
        "The provider is certified under the Risk Evaluation and Mitigation Strategy",
        "Administration takes place at a REMS-certified center",
    ],
)
APPROVAL = (
    ["Initial approval: {a}. Reauthorization: {c}.", "Approval duration: {a} initially; {c} for renewal."],
    [
        "Authorization may be granted for up to {a} at first and for {c} on renewal.",
        "The first authorization lasts {a}; continued use may be approved for {c} at a time.",
    ],
)
OTHER_SENTENCES = (
    ["{S} {V} for all other indications.", "{S} {V} for any other use."],
    ["Any other use of {s} {V}.", "{S} {V} for every indication not named above."],
)
QUESTIONS = (
    ["Is {s} covered for {I}?", "Does the plan cover {s} for {I}?"],
    ["Will {P} pay for {s} for {I}?", "Can members receive {s} for {I}?"],
)
ANSWERS = (
    ["No. {P} considers this use {A}.", "No - this use {V}."],
    ["No; such use {V}.", "No. The use {V}."],
)
ADJECTIVES = {
    EI: (["experimental and investigational"], ["investigational"]),
    UNP: (["unproven"], ["unproven and not medically necessary"]),
    NMN: (["not medically necessary"], ["not medically necessary"]),
}
COVERAGE_HEADINGS = (
    ["Policy", "Coverage Policy", "Criteria"],
    ["Position Statement", "Medical Necessity Criteria", "Coverage Determination"],
)
PAYERS = (
    ["Northwind Health", "the Plan", "Harbor Health"],
    ["Lakeside Care", "the health plan", "Summit Benefits"],
)
NEUTRAL_HEADINGS = (
    ["Additional coverage statements", "Further provisions"],
    ["More positions", "General provisions"],
)
#: criteria items start with these words, lower-cased when they are joined into one sentence
COMMON_STARTS = (
    "The",
    "Age",
    "Aged",
    "There",
    "Treatment",
    "Documented",
    "An",
    "Administration",
    "One",
    "Two",
    "Three",
    "Four",
)
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}
DISTRACTORS = (
    [
        "Transcranial magnetic stimulation (TMS) is covered for major depressive disorder when the member "
        "is 21 years of age or older and has failed four antidepressants.",
        "The usual dose is 56 mg or 84 mg twice weekly during weeks 1 to 4.",
        "Zuranolone is not covered for postpartum depression.",
    ],
    [
        "Electroconvulsive therapy is considered medically necessary for severe depression after failure of "
        "three antidepressants in members 16 or older.",
        "Doses above 84 mg per session will not be reimbursed.",
        "Brexanolone is investigational for bipolar disorder.",
    ],
)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower(text: str) -> str:
    """A criterion joined into a sentence: "The member is …" → "the member is …" (never a brand name)."""
    return text[:1].lower() + text[1:] if text.split()[0] in COMMON_STARTS else text


def plural(vp: str) -> str:
    for one, many in (("is ", "are "), ("has ", "have "), ("remains ", "remain "), ("does ", "do ")):
        if vp.startswith(one):
            return many + vp[len(one) :]
    return vp


class Doc:
    """One document being written: its HTML parts and its labels."""

    def __init__(self, rng: random.Random, half: int, name: str, title: str, structure: str):
        self.rng, self.half, self.name, self.title, self.structure = rng, half, name, title, structure
        self.parts: list[str] = []
        self.positions: dict[tuple[str, str], str] = {}
        self.criteria: dict[tuple[str, str], str] = {}
        self.payer = self.pick(PAYERS)
        self.sub = 3  # the level of an indication or question heading
        self.extended = False  # gen3/gen4: the layouts added after gen1/gen2 were measured
        self.in_sub = False  # the last unit opened an indication or question heading

    def leave_sub(self) -> None:
        """A unit after an indication's heading gets a neutral heading of its own, so that what it says is
        not read (by a person either) as being about that indication."""
        if self.in_sub:
            self.h(self.sub, self.pick(NEUTRAL_HEADINGS))
            self.in_sub = False

    def pick(self, pair):
        return self.rng.choice(pair[self.half])

    def name_of(self, drug: str, pronoun: bool = False) -> str:
        return self.pick(PRONOUNS[drug]) if pronoun else self.pick(NAMES[drug])

    def fill(self, template: str, subject: str = "", ind: str = "", vp: str = "", adj: str = "") -> str:
        return cap(
            template.format(S=cap(subject), s=subject, I=ind, V=vp, A=adj, P=self.payer).replace(
                "{P}", self.payer
            )
        )

    def label(self, drug: str, ind: str, stance: str) -> None:
        assert (drug, ind) not in self.positions, (self.name, drug, ind)
        self.positions[drug, ind] = stance

    def p(self, text: str) -> None:
        self.parts.append(f"<p>{html.escape(text)}</p>")

    def h(self, level: int, text: str) -> None:
        self.parts.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def items(self, texts: list[str], ordered: bool = False) -> None:
        tag = "ol" if ordered else "ul"
        self.parts.append(f"<{tag}>" + "".join(f"<li>{html.escape(t)}</li>" for t in texts) + f"</{tag}>")

    def html(self) -> str:
        body = "\n".join(self.parts)
        t = html.escape(self.title)
        return (
            f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{t}</title></head>\n<body>\n"
            f"<nav><a href='/'>Home</a> | <a href='/policies'>Policies</a></nav>\n<main>\n<h1>{t}</h1>\n"
            f"{body}\n</main>\n<footer>Generated development document (tests/eval/gen_facts.py).</footer>\n"
            "</body></html>\n"
        )


# -- units: each writes its HTML and labels the facts it states -----------------------------------------


def negative_sentence(doc: Doc, drug: str, ind: str, stance: str, pronoun: bool) -> None:
    doc.leave_sub()
    vp = doc.pick(VP[stance])
    doc.p(doc.fill(doc.pick(SENTENCES), doc.name_of(drug, pronoun), doc.pick(INDICATIONS[ind]), vp))
    doc.label(drug, ind, stance)


def negative_list(doc: Doc, drug: str, inds: list[str], stance: str, pronoun: bool) -> None:
    doc.leave_sub()
    vp = doc.pick(VP[stance])
    doc.p(doc.fill(doc.pick(LIST_LEADINS), doc.name_of(drug, pronoun), vp=vp))
    doc.items([cap(doc.pick(INDICATIONS[i])) for i in inds], ordered=doc.rng.random() < 0.3)
    for i in inds:
        doc.label(drug, i, stance)


def after_list(doc: Doc, drug: str, inds: list[str], stance: str, pronoun: bool) -> None:
    """The stance in the sentence after the list of uses."""
    doc.leave_sub()
    doc.p(cap(f"{doc.name_of(drug, pronoun)} has been proposed for the following conditions:"))
    doc.items([cap(doc.pick(INDICATIONS[i])) for i in inds])
    closing = doc.pick(
        (
            ["These uses {V}."],
            ["{P} considers the uses above {A}."] if stance in ADJECTIVES else ["The uses listed above {V}."],
        )
    )
    adj = doc.pick(ADJECTIVES[stance]) if stance in ADJECTIVES else ""
    doc.p(doc.fill(closing, vp=plural(doc.pick(VP[stance])), adj=adj))
    for i in inds:
        doc.label(drug, i, stance)


def table(doc: Doc, drug: str, rows: list[tuple[str, str]], pronoun: bool) -> None:
    """A table of indications and their stances under a lead-in naming the drug."""
    doc.leave_sub()
    doc.p(cap(f"Coverage of {doc.name_of(drug, pronoun)} by indication is shown in the table below."))
    head = doc.pick((["Indication", "Diagnosis"], ["Condition", "Use"]))
    col = doc.pick((["Coverage status", "Position"], ["Coverage position", "Determination"]))
    body = "".join(
        f"<tr><td>{html.escape(cap(doc.pick(INDICATIONS[i])))}</td><td>{html.escape(doc.pick(CELLS[st]))}</td></tr>"
        for i, st in rows
    )
    doc.parts.append(f"<table><tr><th>{head}</th><th>{col}</th></tr>{body}</table>")
    for i, st in rows:
        doc.label(drug, i, st)


def question(doc: Doc, drug: str, ind: str, stance: str, as_heading: bool) -> None:
    q = doc.fill(doc.pick(QUESTIONS), doc.name_of(drug), doc.pick(INDICATIONS[ind]))
    if not as_heading:
        doc.leave_sub()
    adj = doc.pick(ADJECTIVES[stance]) if stance in ADJECTIVES else ""
    answers = ANSWERS if adj else (["No - this use {V}."], ["No; such use {V}."])
    a = doc.fill(doc.pick(answers), vp=doc.pick(VP[stance]), adj=adj)
    if as_heading:
        doc.h(doc.sub, q)
        doc.p(a)
        doc.in_sub = True
    else:
        doc.p(f"Q: {q}")
        doc.p(f"A: {a}")
    doc.label(drug, ind, stance)


def heading_over(doc: Doc, drug: str, ind: str, stance: str, pronoun: bool) -> None:
    """The indication as a heading, the stance in the paragraph under it ("for this condition")."""
    doc.h(doc.sub, cap(doc.pick(INDICATIONS[ind])))
    doc.p(cap(f"{doc.name_of(drug, pronoun)} {doc.pick(VP[stance])} for this condition."))
    doc.in_sub = True
    doc.label(drug, ind, stance)


def other_sentence(doc: Doc, drug: str, stance: str, pronoun: bool) -> None:
    doc.leave_sub()
    if (drug, "other") in doc.positions:
        return
    doc.p(doc.fill(doc.pick(OTHER_SENTENCES), doc.name_of(drug, pronoun), vp=doc.pick(VP[stance])))
    doc.label(drug, "other", stance)


def criteria_texts(doc: Doc, drug: str, crit: dict[str, str]) -> list[str]:
    subject = doc.name_of(drug)
    out = []
    if "age_min" in crit:
        n = int(crit["age_min"])
        out.append(doc.pick(AGE).format(n=n, w={18: "eighteen", 21: "twenty-one"}[n]))
    if "failed_antidepressants" in crit:
        n = int(crit["failed_antidepressants"])
        text = doc.pick(FAILED).format(n=n, w=NUMBER_WORDS[n], W=cap(NUMBER_WORDS[n]))
        out.append(text.replace("antidepressants", "antidepressant") if n == 1 else text)
    if "concomitant_antidepressant" in crit:
        pool = WITH_AD if crit["concomitant_antidepressant"] == "required" else MONO
        out.append(doc.fill(doc.pick(pool), subject))
    if "rems" in crit:
        out.append(doc.pick(REMS))
    return out


def random_criteria(doc: Doc, drug: str) -> dict[str, str]:
    rng = doc.rng
    crit = {
        "age_min": rng.choice(["18", "18", "21"]),
        "failed_antidepressants": str(rng.choice([1, 2, 2, 3, 4])),
    }
    if rng.random() < 0.8:
        crit["concomitant_antidepressant"] = rng.choice(["required", "required", "monotherapy_allowed"])
    if drug == "esketamine" and rng.random() < 0.8:
        crit["rems"] = "required"
    return crit


def covered_trd(doc: Doc, drug: str, pronoun: bool) -> None:
    """TRD covered with criteria, in one of five layouts, then (sometimes) the approval periods."""
    crit = random_criteria(doc, drug)
    texts = criteria_texts(doc, drug, crit)
    ind = doc.pick(INDICATIONS["trd"])
    layouts = ["list", "numbered", "heading", "sentence", "before", "nested"]
    if doc.extended:
        layouts += ["fields", "form", "pa-required"]
    layout = doc.rng.choice(layouts)
    if layout in ("fields", "form", "pa-required"):
        extended_trd(doc, drug, crit, layout, pronoun)
        return
    subject = doc.name_of(drug, pronoun)
    if layout != "heading":
        doc.leave_sub()
    if layout in ("list", "numbered"):
        doc.p(doc.fill(doc.pick(COVERED_LEADINS), subject, ind))
        doc.items(texts, ordered=layout == "numbered")
    elif layout == "heading":
        doc.h(doc.sub, cap(ind))
        doc.p(cap(f"{subject} may be authorized when all of the following are met:"))
        doc.items(texts)
        doc.in_sub = True
    elif layout == "nested":
        doc.p(doc.fill(doc.pick(COVERED_LEADINS), subject, ind))
        first, rest = texts[:1], texts[1:]
        doc.parts.append(
            "<ol>"
            + "".join(f"<li>{html.escape(t)}</li>" for t in first)
            + "<li>All of the following:<ol>"
            + "".join(f"<li>{html.escape(t)}</li>" for t in rest)
            + "</ol></li></ol>"
        )
    elif layout == "sentence":
        low = [lower(t) for t in texts]
        joined = ", ".join(low[:-1]) + (", and " if len(low) > 1 else "") + low[-1]
        doc.p(cap(f"{subject} is covered for {ind} when all of these hold: {joined}."))
    else:  # criteria first, stance last
        low = [lower(t) for t in texts]
        doc.p("Requirements: " + "; ".join(low) + ".")
        doc.p(
            cap(
                f"When the requirements above are met, {subject} is considered medically necessary for {ind}."
            )
        )
    if doc.rng.random() < 0.75:
        a, c = doc.rng.choice([(3, 6), (6, 12), (3, 12), (1, 6), (6, 6)])
        unit = lambda k: f"{k} month" + ("s" if k != 1 else "")  # noqa: E731
        doc.p(doc.pick(APPROVAL).format(a=unit(a), c=unit(c)))
        crit["approval_initial"] = f"{a} months"
        crit["approval_continuation"] = f"{c} months"
    doc.label(drug, "trd", CWC)
    for fld, value in crit.items():
        doc.criteria[drug, fld] = value


FIELD_LABELS = {
    "age_min": (["Minimum age", "Age"], ["Patient age", "Age requirement"]),
    "failed_antidepressants": (
        ["Failed antidepressants", "Prior antidepressant trials"],
        ["Antidepressant failures"],
    ),
    "concomitant_antidepressant": (
        ["Oral antidepressant", "Concurrent oral antidepressant"],
        ["Oral antidepressant"],
    ),
    "rems": (["REMS", "Setting"], ["Administration setting"]),
    "approval_initial": (["Initial approval", "Initial authorization"], ["Initial authorization period"]),
    "approval_continuation": (
        ["Renewal", "Reauthorization"],
        ["Reauthorization period", "Continuation approval"],
    ),
}
FIELD_VALUES = {
    "age_min": (["{n} years or older"], ["At least {n} years"]),
    "failed_antidepressants": (
        ["At least {n} antidepressants"],
        ["{n} or more failed antidepressant trials"],
    ),
    "required": (["Required"], ["Must be continued during treatment"]),
    "monotherapy_allowed": (["Not required"], ["Optional"]),
    "rems": (["Certified REMS setting required"], ["Treatment site enrolled in the REMS"]),
}
FORM_HEADERS = (["Question | Yes | No"], ["Criteria question | If yes | If no"])
FORM_NEXT = (["Go to {k}", "Continue to {k}"], ["Proceed to question {k}", "Next: {k}"])
FORM_DENY = (["Deny", "Deny; criteria not met"], ["Not approved", "Request denied"])
FORM_QUESTIONS = {
    "use": (["Is the request for {I}?"], ["Does the patient have {I}?"]),
    "age_min": (["Is the patient {n} years of age or older?"], ["Has the member reached age {n}?"]),
    "failed_antidepressants": (
        ["Has the patient had an inadequate response to {n} or more antidepressants?"],
        ["Have at least {n} antidepressant trials failed?"],
    ),
    "required": (
        ["Will an oral antidepressant be continued during treatment?"],
        ["Is the member also taking an oral antidepressant?"],
    ),
    "rems": (
        ["Is the treatment site certified in the REMS program?"],
        ["Will the drug be given in a REMS-certified setting?"],
    ),
}
PA_REQUIRED = (
    ["{S} requires prior authorization.", "Prior authorization is required for {s}."],
    ["{S} is subject to prior authorization.", "Precertification is required for {s}."],
)
APPROVAL_HEADINGS = (
    ["Approval Duration", "Length of Authorization"],
    ["Authorization Period", "Duration of Approval"],
)
APPROVAL_ITEMS = (["Initial: {a}", "Continuation: {c}"], ["First approval: {a}", "Renewals: {c}"])


def extended_trd(doc: Doc, drug: str, crit: dict[str, str], layout: str, pronoun: bool) -> None:
    """TRD covered with criteria in a table of fields, a prior-authorization form, or "requires prior
    authorization" over a criteria list (gen3/gen4 only)."""
    subject = doc.name_of(drug, pronoun)
    ind = doc.pick(INDICATIONS["trd"])
    a, c = doc.rng.choice([(3, 6), (6, 12), (3, 12), (1, 6), (6, 6)])
    unit = lambda k: f"{k} month" + ("s" if k != 1 else "")  # noqa: E731
    doc.leave_sub()
    if layout == "fields":
        doc.p(cap(f"{subject} is covered for {ind} when the requirements in the table below are met."))
        head = doc.pick((["Requirement | Standard"], ["Criterion | Detail"]))
        rows = []
        for fld, value in list(crit.items()):
            key = value if fld == "concomitant_antidepressant" else fld
            shown = doc.pick(FIELD_VALUES[key]).format(n=value)
            rows.append((doc.pick(FIELD_LABELS[fld]), shown))
        crit["approval_initial"], crit["approval_continuation"] = f"{a} months", f"{c} months"
        rows += [(doc.pick(FIELD_LABELS["approval_initial"]), unit(a))]
        rows += [(doc.pick(FIELD_LABELS["approval_continuation"]), unit(c))]
        cells = "".join(f"<tr><td>{html.escape(x)}</td><td>{html.escape(y)}</td></tr>" for x, y in rows)
        ths = "".join(f"<th>{html.escape(h)}</th>" for h in head.split(" | "))
        doc.parts.append(f"<table><tr>{ths}</tr>{cells}</table>")
    elif layout == "form":
        crit.pop("concomitant_antidepressant", None) if crit.get(
            "concomitant_antidepressant"
        ) != "required" else None
        doc.p(cap(f"Prior authorization criteria for {subject}:"))
        asks = [doc.pick(FORM_QUESTIONS["use"]).format(I=ind)]
        for fld, value in crit.items():
            key = value if fld == "concomitant_antidepressant" else fld
            asks.append(doc.pick(FORM_QUESTIONS[key]).format(n=value))
        rows = []
        for k, q in enumerate(asks, 1):
            yes = doc.pick(FORM_NEXT).format(k=k + 1) if k < len(asks) else f"Approve for {unit(a)}"
            rows.append((f"{k}. {q}", yes, doc.pick(FORM_DENY)))
        crit["approval_initial"] = f"{a} months"
        ths = "".join(f"<th>{html.escape(h)}</th>" for h in doc.pick(FORM_HEADERS).split(" | "))
        cells = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in r) + "</tr>" for r in rows)
        doc.parts.append(f"<table><tr>{ths}</tr>{cells}</table>")
    else:
        doc.p(doc.fill(doc.pick(PA_REQUIRED), subject))
        doc.p(doc.pick((["Criteria for approval:"], ["Approval requires all of the following:"])))
        doc.items([f"Diagnosis of {ind}", *criteria_texts(doc, drug, crit)])
        doc.h(doc.sub, doc.pick(APPROVAL_HEADINGS))
        doc.items([t.format(a=unit(a), c=unit(c)) for t in APPROVAL_ITEMS[doc.half]])
        doc.in_sub = True
        crit["approval_initial"], crit["approval_continuation"] = f"{a} months", f"{c} months"
    doc.label(drug, "trd", CWC)
    for fld, value in crit.items():
        doc.criteria[drug, fld] = value


def exclusions(doc: Doc, drug: str, inds: list[str]) -> None:
    """A heading that is a stance by itself over the uses it excludes (gen3/gen4)."""
    doc.h(doc.sub, doc.pick((["Exclusions", "Not Covered"], ["Non-covered Indications", "Exclusions"])))
    name = doc.name_of(drug)
    if doc.half == 0:
        items = [cap(f"{name} for {doc.pick(INDICATIONS[i])}") for i in inds]
    else:
        items = [cap(doc.pick(INDICATIONS[i])) for i in inds]
    doc.items(items)
    doc.in_sub = True
    for i in inds:
        doc.label(drug, i, NC)


def blanket(doc: Doc, drug: str, inds: list[str], stance: str, pronoun: bool) -> None:
    """A stance on a whole class of uses, with examples listed after it (gen3/gen4): the class is "other"."""
    doc.leave_sub()
    lead = doc.pick(
        (
            ["{S} {V} for all psychiatric indications, including the following:"],
            ["{S} {V} for any mental health condition, including:"],
        )
    )
    doc.p(doc.fill(lead, doc.name_of(drug, pronoun), vp=doc.pick(VP[stance])))
    doc.items([cap(doc.pick(INDICATIONS[i])) for i in inds])
    doc.label(drug, "other", stance)
    for i in inds:
        doc.label(drug, i, stance)


def covered_mdsi(doc: Doc, drug: str, pronoun: bool) -> None:
    """MDSI covered with its own condition and a period that is not TRD's."""
    doc.leave_sub()
    subject = doc.name_of(drug, pronoun)
    tmpl = doc.pick(
        (
            [
                "{S} is also covered for {I} when used with an oral antidepressant; "
                "approval is limited to 4 weeks."
            ],
            [
                "For {I}, {s} may be approved for one month at a time in members who also take "
                "an oral antidepressant."
            ],
        )
    )
    doc.p(doc.fill(tmpl, subject, doc.pick(INDICATIONS["mdsi"])))
    doc.label(drug, "mdsi", CWC)


def anesthesia(doc: Doc) -> None:
    doc.leave_sub()
    doc.p(
        doc.pick(
            (
                ["Ketamine is covered when used as an anesthetic agent."],
                ["Ketamine remains a covered benefit for anesthesia."],
            )
        )
    )
    doc.label("ketamine", "anesthesia", COV)


def negative_block(doc: Doc, drug: str, pool: list[str], pronoun: bool) -> None:
    """One to three negative units over indications not yet labelled for ``drug``."""
    rng = doc.rng
    free = [i for i in pool if (drug, i) not in doc.positions]
    rng.shuffle(free)
    for _ in range(rng.choice([1, 2, 2, 3])):
        if not free:
            return
        kinds = ["sentence", "list", "after", "table", "qa", "qa-heading", "heading"]
        kind = rng.choice(kinds + (["exclusions", "blanket"] if doc.extended else []))
        psych = [
            i
            for i in free
            if i in ("ptsd", "ocd", "anxiety", "bipolar_depression", "substance_use", "depression")
        ]
        if kind == "blanket" and len(psych) >= 2 and (drug, "other") not in doc.positions:
            take = psych[:2]
            free = [i for i in free if i not in take and i != "other"]
            blanket(doc, drug, take, rng.choice(NEGATIVE), pronoun)
            continue
        if kind in ("exclusions", "blanket"):
            k = min(len(free), 2)
            take, free = [i for i in free[:k] if i != "other"], free[k:]
            if take:
                exclusions(doc, drug, take)
            continue
        stance = rng.choice(NEGATIVE)
        if kind in ("list", "after", "table"):
            k = min(len(free), rng.choice([2, 3, 4]))
            take, free = free[:k], free[k:]
            if kind == "list":
                negative_list(doc, drug, take, stance, pronoun)
            elif kind == "after":
                after_list(doc, drug, take, stance, pronoun)
            else:
                table(doc, drug, [(i, rng.choice(NEGATIVE)) for i in take], pronoun)
        else:
            named = [i for i in free if i != "other"]  # no question or heading about "all other uses"
            if not named:
                return
            ind = named[0]
            free.remove(ind)
            if kind == "sentence":
                negative_sentence(doc, drug, ind, stance, pronoun)
            elif kind == "heading":
                heading_over(doc, drug, ind, stance, pronoun)
            else:
                question(doc, drug, ind, stance if stance in ADJECTIVES else EI, kind == "qa-heading")


def background(doc: Doc) -> None:
    doc.in_sub = False
    doc.h(2, "Background")
    doc.p(
        "Esketamine nasal spray was approved by the FDA in 2019 for treatment-resistant depression in adults."
    )
    doc.p("Ketamine has been studied for PTSD and chronic pain; results have been mixed.")
    doc.h(2, "Policy History")
    doc.parts.append(
        "<table><tr><th>Date</th><th>Change</th></tr><tr><td>2024-03-01</td><td>Initial approval changed "
        "from 2 months to 4 months; three failed antidepressants were required before.</td></tr></table>"
    )


def build(rng: random.Random, half: int, n: int, tag: str, extended: bool = False) -> list[Doc]:
    docs = []
    kinds = ["esketamine", "ketamine", "both", "omnibus", "esketamine-table"]
    for k in range(n):
        kind = kinds[k % len(kinds)]
        if kind == "omnibus":
            doc = Doc(
                rng,
                half,
                f"{tag}-{k:02d}-omnibus.html",
                "Interventional Treatments for Depression",
                "omnibus, no drug in title",
            )
        elif kind == "both":
            doc = Doc(
                rng,
                half,
                f"{tag}-{k:02d}-both.html",
                "Ketamine and Esketamine",
                "both drugs, one section each",
            )
        elif kind == "ketamine":
            doc = Doc(
                rng, half, f"{tag}-{k:02d}-ketamine.html", "Ketamine Infusion Therapy", "ketamine policy"
            )
        else:
            doc = Doc(rng, half, f"{tag}-{k:02d}-{kind}.html", "Esketamine (Spravato)", f"{kind} policy")
        doc.extended = extended
        doc.h(2, doc.pick(COVERAGE_HEADINGS))
        if kind in ("esketamine", "esketamine-table"):
            covered_trd(doc, "esketamine", pronoun=False)
            if rng.random() < 0.5:
                covered_mdsi(doc, "esketamine", pronoun=rng.random() < 0.5)
            if kind == "esketamine-table":
                take = rng.sample(NEGATIVE_USES[:-1], 3)
                table(
                    doc, "esketamine", [(i, rng.choice(NEGATIVE)) for i in take], pronoun=rng.random() < 0.5
                )
            else:
                negative_block(doc, "esketamine", NEGATIVE_USES, pronoun=rng.random() < 0.5)
            if rng.random() < 0.7:
                other_sentence(doc, "esketamine", rng.choice(NEGATIVE), pronoun=rng.random() < 0.4)
            if rng.random() < 0.5:
                doc.leave_sub()
                doc.p(doc.pick(DISTRACTORS))
        elif kind == "ketamine":
            if rng.random() < 0.4:
                anesthesia(doc)
            if rng.random() < 0.3:
                covered_trd(doc, "ketamine", pronoun=False)
            negative_block(doc, "ketamine", NEGATIVE_USES, pronoun=rng.random() < 0.5)
            if rng.random() < 0.6:
                other_sentence(doc, "ketamine", rng.choice(NEGATIVE), pronoun=rng.random() < 0.4)
        elif kind == "both":
            doc.sub = 4  # an indication heading sits under its drug's heading
            doc.h(3, "Esketamine (Spravato)")
            covered_trd(doc, "esketamine", pronoun=rng.random() < 0.5)
            negative_block(doc, "esketamine", NEGATIVE_USES, pronoun=True)
            doc.h(3, "Ketamine")
            doc.in_sub = False
            negative_block(doc, "ketamine", NEGATIVE_USES, pronoun=True)
        else:
            doc.p(doc.pick(DISTRACTORS))
            negative_block(doc, "ketamine", NEGATIVE_USES, pronoun=False)
            if rng.random() < 0.6:
                covered_trd(doc, "esketamine", pronoun=False)
            else:
                negative_sentence(
                    doc, "esketamine", rng.choice(NEGATIVE_USES[:-1]), rng.choice(NEGATIVE), False
                )
        background(doc)
        docs.append(doc)
    return docs


README = """# {tag}: a GENERATED development set for the fact extractor (not blind)

Written by `tests/eval/gen_facts.py` (`python -m tests.eval.gen_facts` rewrites it; seed {seed}).
Each document is assembled from units that vary independently the subject, the stance's verb
phrase, the indication's wording and the layout (sentence, list under a lead-in, stance after a
list, table, question and answer, heading over a paragraph, covered lead-in with criteria as a
list, numbered, nested, in one sentence, or before the stance), with distractors (another
treatment's criteria, doses, another drug, an FDA sentence, old values in a history table). The
labels in `labels.yaml` are written by the generator from its own choices, never from the
extractor's output.

`gen1` uses the first half of every phrase list and is the development set (read its misses, fix
the rules); `gen2` uses the second half: wordings that rules built on gen1 have not seen. Score
gen2, do not build rules from its misses. Both are invented text; neither replaces the
hand-written holdout sets.
"""


def write(tag: str, half: int, seed: int, n: int, extended: bool = False) -> None:
    folder = ROOT / tag
    folder.mkdir(exist_ok=True)
    docs = build(random.Random(seed), half, n, tag, extended)
    entries = []
    for doc in docs:
        (folder / doc.name).write_text(doc.html(), encoding="utf-8")
        entries.append(
            {
                "file": doc.name,
                "structure": doc.structure,
                "positions": [
                    {"drug": d, "indication": i, "stance": s} for (d, i), s in sorted(doc.positions.items())
                ],
                "criteria": [
                    {"drug": d, "field": f, "value": v} for (d, f), v in sorted(doc.criteria.items())
                ],
            }
        )
    text = "# Generated by tests/eval/gen_facts.py: labels from the generator's choices.\n"
    text += yaml.safe_dump({"documents": entries}, sort_keys=False, width=120)
    (folder / "labels.yaml").write_text(text, encoding="utf-8")
    (folder / "README.md").write_text(README.format(tag=tag, seed=seed), encoding="utf-8")


def main() -> None:
    write("gen1", 0, 101, 40)
    write("gen2", 1, 202, 40)
    # written after gen1/gen2 were measured and fixed: more layouts (a table of fields, a prior-authorization
    # form, "requires prior authorization" over its criteria, exclusion headings, a stance on a class of uses)
    write("gen3", 0, 303, 40, extended=True)
    write("gen4", 1, 404, 40, extended=True)


if __name__ == "__main__":
    main()
