"""Rule-based coverage facts: drug × indication × field = value, each with the sentence it came from.

Policies state positions in a handful of stock phrasings (see docs/domain.md) and list criteria as bullets
under a lead-in sentence ("… when ALL of the following criteria are met:"). The reader walks the blocks in
order and keeps three pieces of context:

* the drugs and indications named by the enclosing section headings ("Esketamine (Spravato)" >
  "Treatment-Resistant Depression" > "Initial Therapy");
* the *lead-in*: a paragraph ending in ":" that states a position; the list items after it inherit the
  position (the omnibus "The following are unproven: - ketamine for PTSD …");
* the *criteria target*: the drug × indication of the last covered-with-criteria statement; criteria in
  the same section or its subsections attach to it.

Criteria are only read inside topic passages, so "18 years of age" in another drug's section of an
omnibus policy never becomes a ketamine fact. Without any indication in reach, a position is about
``other`` (all uses) for ketamine and about ``trd`` (the labelled use) for esketamine.
"""

from __future__ import annotations

import re

from .model import DRUGS, CoverageFact, Passage, Section
from .sections import Block, enclosing
from .terms import INDICATIONS, drugs_in, indications_in

FIELDS = (
    "position",
    "age_min",
    "age_max",
    "prescriber",
    "failed_antidepressants",
    "trial_weeks",
    "antidepressant_classes",
    "augmentation",
    "concomitant_antidepressant",
    "madrs_min",
    "phq9_min",
    "hamd_min",
    "qids_min",
    "rems",
    "monitoring_hours",
    "approval_initial",
    "approval_continuation",
    "dose_max_mg",
    "codes",
)
_IND_ORDER = {slug: i for i, (slug, _) in enumerate(INDICATIONS)} | {"any": 99}
_NUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "eight": 8,
    "twelve": 12,
    "a": 1,
    "single": 1,
}
_N = r"(\d+|one|two|three|four|five|six|eight|twelve)"
_SENT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\"])")
_ABBR = re.compile(
    r"(?:\b(?:e\.g|i\.e|U\.S|vs|Dr|No|etc|approx|St|Inc|Ph\.D|M\.D)\.|\b[A-Z]\.|^\W*(?:\d+|[a-z])\.)$"
)
_FACT_CODES = re.compile(r"\b(S0013|J0013|G2082|G2083|J3490|T1503|9636[5-8]|96372)\b")


def num(s: str) -> int:
    return int(s) if s.isdigit() else _NUM[s.lower()]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans within ``text`` (abbreviations such as "e.g." and "U.S." do not end a sentence)."""
    spans, start = [], 0
    for m in _SENT.finditer(text):
        if _ABBR.search(text[start : m.start()]):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def position_of(sentence: str) -> str | None:
    s = sentence.lower()
    if re.search(
        r"not addressed|is addressed in|addressed separately|refer to the|see the (?:\w+ )?policy", s
    ):
        return None  # a pointer to another policy states no position of its own
    if re.search(r"experimental|investigational|investigative", s):
        return "experimental_investigational"
    if re.search(r"unproven|not proven", s):
        return "unproven"
    if re.search(r"not (?:be )?(?:considered )?medically necessary|not reasonable and necessary", s):
        return "not_medically_necessary"
    if re.search(
        r"not (?:a )?covered|not a (?:covered )?benefit|\bexcluded\b|non-?covered|will not be covered|"
        r"does not cover|is not payable|not eligible for (?:coverage|reimbursement)|"
        r"does not meet [\w ]*criteria",
        s,
    ):
        return "not_covered"
    if re.search(
        r"medically necessary|\bproven\b|covered benefit|\b(?:is|are|be|remains?) covered\b|limited benefit|"
        r"\bis a benefit\b|\bbenefit of\b|eligible for (?:coverage|reimbursement)|reasonable and necessary|"
        r"may be approved|will be approved|approved when|prior authori[sz]ation is required|approval is "
        r"provided|\bapprove for\b|may be granted|is approved for|meets? [\w ]*criteria for coverage|"
        r"requires? prior authori[sz]ation",
        s,
    ):
        if re.search(
            r"criteria|following|\bwhen\b|\bif\b|\bmust\b|require|prior authori|limited|meets?\b|"
            r"may be granted|who (?:are|have|meet|show)",
            s,
        ):
            return "covered_with_criteria"
        return "covered"
    return None


def _duration(n: str, unit: str) -> str:
    k = num(n)
    unit = unit.lower().rstrip("s")
    if unit == "year":
        k, unit = k * 12, "month"
    if unit == "week" and k % 4 == 0 and k >= 52:
        k, unit = k // 4, "month"
    return f"{k} {unit}{'s' if k != 1 else ''}"


def criteria_of(sentence: str, phase: str) -> list[tuple[str, str]]:
    """(field, value) pairs stated in one sentence; ``phase`` is initial/continuation for approvals."""
    s = sentence
    low = s.lower()
    out: list[tuple[str, str]] = []
    m = re.search(r"(?:between|aged?|ages)?\s*\b(\d{2})\s*(?:and|to|-|through)\s*(\d{2})\s*years", low)
    if m:
        out += [("age_min", m.group(1)), ("age_max", m.group(2))]
    else:
        m = re.search(
            r"(\d{1,2})\s*years? (?:of age )?(?:or|and) (?:older|over|above)|(?:at least|>=|aged?|≥)\s*"
            r"(\d{1,2})\s*years|age (?:of )?(\d{1,2}) (?:or|and) (?:older|over)|\b(\d{2})\+? years or older",
            low,
        )
        if m:
            out.append(("age_min", next(g for g in m.groups() if g)))
        m = re.search(
            r"(?:younger than|under|less than|<=|no older than)\s*(?:age\s*)?(\d{2})\s*(?:years)?", low
        )
        if m and "age" in low:
            out.append(("age_max", m.group(1)))
    m = re.search(
        r"(?:prescribed|ordered|recommended|supervised) by[^.]{0,60}?(psychiatrist|psychiatric "
        r"(?:nurse|provider)"
        r"[a-z ]{0,20}|mental health (?:professional|provider)|behavioral health (?:specialist|provider))",
        low,
    )
    if m:
        value = m.group(1).strip()
        out.append(("prescriber", value + (" (or consultation)" if "consult" in low else "")))
    m = re.search(
        rf"{_N}\s*(?:\(\d\)\s*)?(?:or more\s+)?(?:different\s+|prior\s+|previous\s+|separate\s+)*"
        rf"(?:oral\s+)?antidepressant",
        low,
    )
    if m and re.search(
        r"fail|inadequate|non-?response|did not respond|trial|tried|unsuccessful|intoleran", low
    ):
        out.append(("failed_antidepressants", str(num(m.group(1)))))
    m = re.search(rf"{_N}\s*(?:\(\d+\)\s*)?(?:or more\s+)?(?:consecutive\s+)?weeks?", low)
    if m and re.search(r"trial|adequate|duration|at least|each|minimum", low) and "antidepressant" in low:
        out.append(("trial_weeks", str(num(m.group(1)))))
    m = re.search(
        rf"{_N}\s*(?:\(\d\)\s*)?(?:or more\s+)?(?:different\s+)?(?:pharmacologic\s+|therapeutic\s+)?classes",
        low,
    )
    if m:
        out.append(("antidepressant_classes", str(num(m.group(1)))))
    if re.search(r"augment", low):
        out.append(("augmentation", "required"))
    elif re.search(r"psychotherapy", low) and re.search(r"trial|tried|fail|require|must|receiv", low):
        out.append(("augmentation", "psychotherapy"))
    if re.search(r"monotherapy|as a single agent|with or without an? (?:oral )?antidepressant", low):
        out.append(("concomitant_antidepressant", "monotherapy_allowed"))
    elif re.search(
        r"(?:in combination|in conjunction|concomitant(?:ly)?|together|along) with[^.]{0,40}antidepressant"
        r"|antidepressant[^.]{0,40}(?:concomitant|concurrent)",
        low,
    ):
        out.append(("concomitant_antidepressant", "required"))
    for name, field in (
        (r"madrs|montgomery", "madrs_min"),
        (r"phq-?9", "phq9_min"),
        (r"ham-?d(?:-?17)?|hdrs|hamilton", "hamd_min"),
        (r"qids(?:-sr)?(?:-?16)?", "qids_min"),
    ):
        m = re.search(
            rf"(?:{name})[^.;\d]{{0,60}}?(?:>=|≥|greater than or equal to|at least|of|above|>)\s*(\d{{1,2}})",
            low,
        )
        if m:
            out.append((field, m.group(1)))
    if re.search(r"\brems\b", low):
        out.append(("rems", "required"))
    m = re.search(rf"{_N}\s*(?:\(\d\)\s*)?hours?", low)
    if m and re.search(r"monitor|observ", low):
        out.append(("monitoring_hours", str(num(m.group(1)))))
    m = re.search(
        rf"(?:approv|authoriz|authoris|duration|period)\w*[^.;]{{0,60}}?{_N}\s*(?:\(\d+\)\s*)?(months?|days?|weeks?|years?)",
        low,
    )
    if m:
        which = phase
        if re.search(r"reauthoriz|re-authoriz|continu|renewal|subsequent|recertif", low):
            which = "continuation"
        elif re.search(r"initial", low):
            which = "initial"
        out.append((f"approval_{which}", _duration(m.group(1), m.group(2))))
    m = re.search(
        r"(?:maximum|max\.?|not (?:to )?exceed|up to|no more than|limited to)[^.;]{0,40}?(\d{2,3})\s*mg", low
    )
    if m:
        out.append(("dose_max_mg", m.group(1)))
    return out


def _phase(path: tuple[str, ...]) -> str:
    joined = " ".join(path).lower()
    if re.search(r"continu|reauthoriz|renewal|subsequent|recertif", joined):
        return "continuation"
    return "initial"


def find_facts(
    blocks: list[Block],
    sections: tuple[Section, ...],
    passages: tuple[Passage, ...],
    doc_drugs: tuple[str, ...] = (),
) -> tuple[CoverageFact, ...]:
    """Facts from the blocks; ``doc_drugs`` (named by the title) stand in where a sentence names none."""
    spans = [(p.start, p.end) for p in passages]
    facts: list[CoverageFact] = []
    if not passages:
        return ()  # every fact needs a drug, and every drug mention is in a passage
    leadin: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None
    target: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None = None  # drugs, inds, path
    last_target = target  # survives section changes: "Approval Duration" sections name no indication
    path_drugs: dict[tuple[str, ...], tuple[str, ...]] = {}

    def emit(drugs, inds, field, value, block, a, b):
        for d in drugs:
            for ind in inds:
                facts.append(
                    CoverageFact(
                        d, ind, field, value, block.text[a:b], block.start + a, block.start + b, block.page
                    )
                )

    for block in blocks:
        if block.kind in ("heading", "title"):
            if leadin and block.kind == "heading":
                leadin = None
            continue
        inner = enclosing(sections, block.start, block.end)
        path = inner[0].path if inner else ()
        in_passage = any(a <= block.start and block.end <= b for a, b in spans)
        if block.kind not in ("item", "row"):
            leadin = None
        if target and path[: len(target[2])] != target[2]:
            target = None
        if path not in path_drugs:
            path_drugs[path] = drugs_in(" ".join(path))
        if not (in_passage or path_drugs[path] or target or leadin):
            continue  # no drug in reach: nothing here can become a fact
        head_drugs = path_drugs[path] or (doc_drugs if in_passage else ())
        head_inds: tuple[str, ...] = ()
        for h in reversed(path):
            head_inds = tuple(i for i in indications_in(h) if i != "other")
            if head_inds:
                break
        for a, b in sentences(block.text):
            sent = block.text[a:b]
            own_drugs = drugs_in(sent)
            own_inds = indications_in(sent)
            pos = position_of(sent)
            if block.kind == "row" and not own_drugs:
                pos = None  # a table heading such as "CPT codes not covered for …" is not a statement
            if (
                pos is None
                and leadin
                and block.kind in ("item", "row")
                and not leadin[0].startswith("covered")
            ):
                pos, drugs, inds = leadin[0], own_drugs or leadin[1], own_inds or leadin[2]
                if not inds:
                    continue
            else:
                drugs = own_drugs or head_drugs or (target[0] if target else ())
                inds = own_inds or head_inds or (target[1] if target and not own_drugs else ())
            if pos is not None and drugs:
                covered = pos.startswith("covered")
                if sent.rstrip().endswith(":") and block.kind not in ("item", "row"):
                    leadin = (pos, drugs, own_inds or head_inds)  # the list that follows names indications
                    if not (covered or own_inds or head_inds):
                        continue
                inds = inds or _default(drugs, pos)
                emit(drugs, inds, "position", pos, block, a, b)
                if covered:
                    target = last_target = (drugs, inds, path)
            if not in_passage:
                continue
            crit = [] if block.kind == "row" and _FACT_CODES.search(sent) else criteria_of(sent, _phase(path))
            if crit:
                c_drugs = own_drugs or head_drugs or (target[0] if target else ())
                c_inds = (
                    head_inds
                    or (target[1] if target else ())
                    or own_inds
                    or (last_target[1] if last_target and set(c_drugs) <= set(last_target[0]) else ())
                    or _default(c_drugs, "covered")
                )
                if c_drugs and c_inds:
                    for field, value in crit:
                        emit(c_drugs, c_inds, field, value, block, a, b)
            for code in dict.fromkeys(_FACT_CODES.findall(sent)):
                code_drugs = (
                    ("esketamine",)
                    if code in ("S0013", "J0013", "G2082", "G2083")
                    else (own_drugs or head_drugs or (target[0] if target else ()))
                )
                if code.startswith("963") and "ketamine" in code_drugs:
                    code_drugs = (
                        "ketamine",
                    )  # infusion / injection codes bill ketamine, never the nasal spray
                emit(code_drugs, ("any",), "codes", code, block, a, b)
    return _dedupe(facts)


def _default(drugs: tuple[str, ...], pos: str) -> tuple[str, ...]:
    return ("trd",) if drugs == ("esketamine",) and pos.startswith("covered") else ("other",)


def _dedupe(facts: list[CoverageFact]) -> tuple[CoverageFact, ...]:
    """One fact per (drug, indication, field, value): the first statement wins; stable order for diffs."""
    seen: dict[tuple[str, str, str, str], CoverageFact] = {}
    for f in sorted(facts, key=lambda f: f.start):
        seen.setdefault((f.drug, f.indication, f.field, f.value), f)
    return tuple(
        sorted(
            seen.values(),
            key=lambda f: (
                DRUGS.index(f.drug) if f.drug in DRUGS else 9,
                _IND_ORDER.get(f.indication, 50),
                f.indication,
                FIELDS.index(f.field) if f.field in FIELDS else 99,
                f.field,
                f.value,
                f.start,
            ),
        )
    )
