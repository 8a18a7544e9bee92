"""Vocabulary shared by every stage: topic terms, billing codes, indications, section headings.

Kept in one place so that the cheap PDF pre-scan, passage selection and fact extraction agree on what
"mentions ketamine" means; if they disagreed, the fast PDF path could skip a page that the full path
would have turned into a passage.
"""

from __future__ import annotations

import re

#: Words that put a block on topic. ``esketamine`` must be tested before ``ketamine``.
ESKETAMINE_RE = re.compile(r"\b(?:es-?ketamine|spravato|s-ketamine)\b|\(s\)-ketamine\b", re.I)
KETAMINE_RE = re.compile(r"(?<![a-z-])(?:ketamine|ketalar)\b", re.I)
#: Codes that name esketamine by themselves.
DRUG_CODES = {"S0013": "esketamine", "J0013": "esketamine", "G2082": "esketamine", "G2083": "esketamine"}
#: J3490 (unclassified drug) is everywhere; it only counts next to a drug name.
CONTEXT_CODES = ("J3490",)
CODE_RE = re.compile(r"\b(S0013|J0013|G2082|G2083|J3490|T1503|9636[5-8]|96372|F3[23]\.[0-9A-Z.]+|R45\.851)\b")
TOPIC_CODE_RE = re.compile(r"\b(?:S0013|J0013|G2082|G2083)\b")

#: Lower-cased, space-free needles for the cheap PDF pre-scan (robust to kerning splits).
SCAN_NEEDLES = (b"ketamine", b"ketalar", b"spravato", b"s0013", b"j0013", b"g2082", b"g2083")


_ASCII_NEEDLES = ("ketamine", "ketalar", "spravato")

#: The characters outside ASCII that a case-insensitive pattern takes for an ASCII one: dotted and dotless
#: I for "i", the long s for "s", the Kelvin sign for "k" (tests/extractors/test_extract_offtopic.py asks
#: every code point). Where a text has none of them, an ASCII pattern matches it under ``re.I`` only on
#: ASCII characters, whose ``str.lower`` is the pattern's letters: a substring test of the lower-cased
#: text then says "no match" for sure, in ASCII and non-ASCII text alike.
CASE_TWINS = ("\u0130", "\u0131", "\u017f", "\u212a")


def folds_like_ascii(text: str) -> bool:
    """Whether ``text.lower()`` holds the lower-case letters of every case-insensitive match of an ASCII
    pattern in ``text`` (no ``CASE_TWINS``): the condition of every substring gate before such a regex."""
    return text.isascii() or not any(c in text for c in CASE_TWINS)


def may_name_drugs(text: str) -> bool:
    """False when ``drugs_in`` finds no drug in ``text``, nor in any piece of it: each of its patterns holds
    "keta", "spravato" (any case) or a code's "0013" / "G208". So one test of a whole document's blocks,
    joined, stands for ``is_topic`` of each block where none names a drug (the passages of an off-topic
    policy: ~0.1 ms against ~0.18 ms for 300 blocks one by one)."""
    if not folds_like_ascii(text):
        return True
    low = text.lower()
    # _ASCII_NEEDLES and DRUG_CODES spelled out, fewest substrings ("keta" holds both ketamine names, "0013"
    # and "G208" every code): each test reads the whole text (~0.4 ns a character)
    return "keta" in low or "spravato" in low or "0013" in text or "G208" in text


def drugs_in(text: str) -> tuple[str, ...]:
    """Drugs named in ``text`` by name or by a drug-specific code, in model.DRUGS order. Almost every
    block names neither: ``may_name_drugs`` skips the three regex scans."""
    if not may_name_drugs(text):
        return ()
    found = set()
    if ESKETAMINE_RE.search(text) or TOPIC_CODE_RE.search(text):
        found.add("esketamine")
    if KETAMINE_RE.search(text):
        found.add("ketamine")
    return tuple(d for d in ("ketamine", "esketamine") if d in found)


def is_topic(text: str) -> bool:
    """True when ``text`` names a drug (J3490 alone never does: it is the generic unlisted-drug code)."""
    return bool(drugs_in(text))


def codes_in(text: str) -> tuple[str, ...]:
    return tuple(sorted(set(CODE_RE.findall(text))))


#: Indication slugs and the phrases that name them. Order matters: the first, more specific patterns win
#: for overlapping phrases ("treatment-resistant depression" is ``trd``, not ``depression``).
INDICATIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (slug, re.compile(pattern, re.I))
    for slug, pattern in (
        (
            "trd",
            r"treatment[- ](?:resistant|refractory) (?:major )?(?:depress\w*(?: disorder)?|MDD)"
            r"(?: \((?:TRD|MDD)\))?|\bTRD\b|\b(?:resistant|refractory) (?:major )?(?:depress\w*|MDD)|"
            r"(?:major depressive disorder|\bMDD\b|depression)(?: \(MDD\))?,? (?:that is |which is )?"
            r"(?:treatment[- ])?(?:resistant|refractory)(?: to (?:treatment|antidepressants?))?\b|"
            # the definition in place of the name: "MDD in adults who have not responded adequately to at
            # least two antidepressants", "depression that has not responded to two or more antidepressants"
            r"(?:major depressive disorder|\bMDD\b|\bdepression)(?: \(MDD\))?[^.;:]{0,40}?"
            r"\b(?:who|that|which)\s+(?:has|have)\s+(?:not|failed to)\s+(?:respond(?:ed)?|improve[d]?)\b"
            r"[^.;:]{0,50}?\bantidepressants\b",
        ),
        (
            "mdsi",
            # "depressive symptoms in adults with major depressive disorder (MDD) with acute suicidal …":
            # one use
            r"(?:(?:major depressive disorder|\bMDD\b|\bdepress\w*)[^.;:]{0,90}?)?"
            r"(?:acute )?"
            r"suicidal (?:ideation|thoughts)(?: (?:or|and|and/or) behaviou?r)?|\bMDSI\b|"
            r"(?:major depressive disorder|\bMDD\b|\bdepress\w*)[^.;:]{0,60}?"
            r"(?:suicidality|suicidal behaviou?r|(?:imminent |acute )?risk (?:for|of) suicide)",
        ),
        (
            "bipolar_depression",
            r"(?:depressive (?:episodes?|phases?|symptoms) (?:of|in|associated with|due to) )?"
            r"bipolar(?:\s+(?:type\s+)?(?:I{1,2}|[12])(?:\s*(?:or|and|/)\s*(?:I{1,2}|[12]))?)?(?: disorder)?"
            r"(?: depress\w*)?",
        ),
        ("ptsd", r"post[- ]?traumatic stress|\bPTSD\b"),
        ("ocd", r"obsessive[- ]compulsive|\bOCD\b"),
        ("anxiety", r"anxiety|panic disorder"),
        (
            "substance_use",
            r"substance[- ]use|alcohol use disorder|opioid use disorder|addiction|substance abuse|"
            r"(?:alcohol|opioid|opiate|cocaine|stimulant|methamphetamine|cannabis|drug)\s+"
            r"(?:use disorders?|dependence|withdrawal|abuse)",
        ),
        ("crps", r"(?:complex|chronic) regional pain|\bCRPS\b|reflex sympathetic"),
        ("neuropathic_pain", r"neuropathic pain|neuropathy|neuralgia"),
        ("sickle_cell", r"sickle[- ]cell|vaso-?occlusive"),
        ("post_concussion", r"concussion"),
        ("chronic_pain", r"chronic pain|acute pain|pain management|\bpain\b|fibromyalgia|migraine|headache"),
        (
            "anesthesia",
            r"\ban(?:a)?esthesia\b|(?:procedural|conscious) sedation|general an(?:a)?esthetic|"
            r"\bas an an(?:a)?esthetic\b",
        ),
        ("depression", r"major depressive disorder|\bMDD\b|\bdepress\w*|\bdysthymi\w*"),
        (
            "other",
            r"all other (?:indications|uses|conditions)|any other (?:indication|use|condition)"
            r"|other (?:psychiatric|indications)|all other|not listed above",
        ),
    )
)


#: generic indication slugs and the more specific ones a text may name them inside ("treatment-resistant
#: depression" is TRD, not depression in general)
GENERIC_INDICATIONS = (
    ("depression", ("trd", "mdsi", "bipolar_depression")),
    ("chronic_pain", ("neuropathic_pain", "crps")),
)


def indications_in(text: str) -> tuple[str, ...]:
    """Indication slugs named in ``text``.

    A generic slug (``depression``, ``chronic_pain``) is dropped when its only mentions are inside a more
    specific phrase ("treatment-resistant depression", "neuropathic pain"), so that a TRD sentence does not
    also produce a fact about depression in general.
    """
    found = [slug for slug, pattern in INDICATIONS if pattern.search(text)]
    for generic, specifics in GENERIC_INDICATIONS:
        if generic in found and any(s in found for s in specifics):
            stripped = text
            for s in specifics:
                stripped = _PATTERNS[s].sub(" ", stripped)
            if not _PATTERNS[generic].search(stripped):
                found.remove(generic)
    return tuple(found)


_PATTERNS = dict(INDICATIONS)


#: Headings the payers use, matched case-insensitively against a whole line. A line equal to one of
#: these is a heading even when the PDF gives no font hint (some exports flatten every font).
SECTION_VOCABULARY = (
    # UnitedHealthcare
    "instructions for use",
    "application",
    "coverage rationale",
    "applicable codes",
    "background",
    "benefit considerations",
    "clinical evidence",
    "u.s. food and drug administration",
    "u.s. food and drug administration (fda)",
    "centers for medicare and medicaid services",
    "centers for medicare and medicaid services (cms)",
    "references",
    "policy history/revision information",
    "initial therapy",
    "continuation of therapy",
    "definitions",
    # Cigna
    "overview",
    "coverage policy",
    "conditions not covered",
    "revision details",
    "coding information",
    "general background",
    # Aetna / BCBS / others
    "policy",
    "scope of policy",
    "related policies",
    "description",
    "policy/criteria",
    "criteria",
    "reauthorization criteria",
    "procedure codes",
    "policy guidelines",
    "rationale",
    "coding",
    "summary of evidence",
    "revision history",
    "policy history",
    "document history",
    "table of contents",
    "article text",
    "article guidance",
    "cpt/hcpcs codes",
    "icd-10-cm codes that support medical necessity",
    "bill type codes",
    "revenue codes",
    "coverage indications, limitations, and/or medical necessity",
    "regulatory status",
    "summary",
    "exclusions",
    "limitations",
)

#: Sections that state coverage. In a policy whose *title* names a drug these are passages in full,
#: because their paragraphs rarely repeat the drug's name ("Initial approval is for 3 months when …").
COVERAGE_HEADINGS = re.compile(
    r"^(?:coverage rationale|coverage policy|policy|policy statements?|policy/criteria|medical policy "
    r"criteria|"
    r"criteria(?: for .*)?|.*approval.*|denial criteria|conditions not covered|reauthorization criteria|"
    r"continuation of therapy|initial therapy|exclusions|limitations|article guidance|"
    r"dosage and administration|policy guidelines|benefit application|coverage indications.*|"
    r"(?:applicable |procedure |billing |cpt/hcpcs |hcpcs )?codes?|code information|coding(?: "
    r"information)?)$",
    re.I,
)

REVISION_HEADINGS = re.compile(
    r"^(policy history/revision information|revision details|revision history|policy history|"
    r"document history|review history|revision information|history)$",
    re.I,
)

#: US states for Community Plan / Medicaid documents.
STATES = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "District of Columbia": "DC",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
}
