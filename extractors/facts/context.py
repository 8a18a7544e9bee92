"""What the reader keeps in mind between blocks: candidates, the lead-in, and the criteria targets.

A *target* is the drug × indication that criteria written without one belong to: the last covered
statement. A statement that came with a list of criteria ("… when ALL of the following are met:") is a
*strong* target; a self-contained sentence ("… is covered for MDSI when used with an oral
antidepressant") is weak. Criteria in a later block go to the current target if it is strong, else to the
drug's last strong target ("Initial approval: 3 months" after a TRD list and a one-line MDSI statement is
about TRD); criteria in another section (a "Policy Guidelines" or "Dosage" section after the criteria) go
to the drug's first strong target — the policy's main indication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..sections import Block

OWN, INHERITED, DEFAULT = 3, 2, 1

FOLLOW_UP = re.compile(
    r"^\W*(?:this|these|that|it|such use)\s+(?:also\s+)?(?:includes?|applies|apply|covers?|extends?)|"
    r"^\W*(?:including|includes?)\b|"
    # "Examples include …", "Examples of such syndromes are …", "For example, …", "Such conditions include …"
    r"^\W*(?:(?:some |other |common )?examples?(?: of [\w -]{1,40}?)?\s+(?:include|includes|are|is)\b|"
    r"for (?:example|instance)\b|e\.g\.)|"
    r"^\W*(?:these|such|those)\s+(?:\w+\s+)?(?:uses|indications|conditions|disorders|diagnoses|syndromes)\s+"
    r"(?:include|includes|are|comprise)\b",
    re.I,
)
#: A follow-up that only points at examples must come right after its statement ("Examples include …").
EXAMPLES = re.compile(r"^\W*(?:(?:some |other |common )?examples?\b|for (?:example|instance)\b|e\.g\.)", re.I)
MONO_SUBJECT = re.compile(
    r"\bas\s+monotherapy\b|\(monotherapy\)|\bas a single agent|\bby itself\b|\bon its own\b|"
    r"\b(?:esketamine|spravato)\s+alone\b(?!\s+or\b)|"
    r"(?<!with or )\bwithout (?:an? )?(?:concomitant |concurrent )?(?:oral )?antidepressant",
    re.I,
)
LEADIN = re.compile(
    r":\s*$|\b(?:all|any|each|one|both) of the following|the following (?:criteria|conditions|requirements"
    r"|indications|uses|diagnoses|disorders)"
    r"|criteria include|\b(?:criteria|requirements|conditions|indications|uses|diagnoses|disorders) "
    r"(?:listed |shown |set out |named )?below\.?\s*$"
    r"|\bthe (?:uses|indications|conditions|diagnoses|disorders)(?: (?:listed|shown|named))? below\b",
    re.I,
)
#: "… for the indications in the table below …": a statement that leads the table after it.
TABLE_REF = re.compile(
    r"\b(?:in|on) (?:the|this) (?:following )?(?:table|list|chart)\b|\b(?:table|list|chart) below\b|"
    r"\blisted below\b|\bthe following table\b",
    re.I,
)
#: An exclusion checklist: its heading ("Exclusion Criteria", "Contraindications") or its lead-in ("… should
#: not be used if any of the following is present:", "… is not approved when any of the following …").
#: Neither names the inclusion criteria too: the items under "Inclusion and exclusion criteria" are mostly
#: requirements.
EXCLUSION_HEAD = re.compile(
    r"^(?!.*\binclusion)[\s\S]*?(?:\bexclusion criteria\b|\bexclusions?\b|\bcontraindications?\b)", re.I
)
EXCLUSION_LEAD = re.compile(
    r"^(?!.*\binclusion)[\s\S]*?(?:"
    r"\b(?:should|must|will|may|is|are)\s+not\s+(?:be\s+)?(?:used|started|given|approved|prescribed|"
    r"initiated|authori[sz]ed)\b[^.]{0,60}?\b(?:if|when|in)\b[^.]{0,30}?"
    r"\b(?:any|one or more)\s+of\s+the\s+following|"
    r"\bexclusion criteria\b)",
    re.I,
)
ALTERNATIVES = re.compile(r"\b(?:one|any|either)\s+(?:\w+\s+)?of the following|\beither of\b", re.I)
UNNAMED = re.compile(
    r"fda[- ]approved indications|indications below|for the indication\b|approved indications", re.I
)


@dataclass
class Candidate:
    drug: str
    indication: str
    field: str
    value: str
    strength: int
    block: Block
    a: int
    b: int
    subpopulation: str | None = None
    #: the "ONE of the following" list the value came from: alternatives, not requirements
    alt: int | None = None


@dataclass
class Target:
    drugs: tuple[str, ...]
    inds: tuple[str, ...]
    strong: bool
    path: tuple[str, ...] = ()


@dataclass
class LeadIn:
    drugs: tuple[str, ...]
    stance: str | None  # None: a criteria list ("Criteria include:")
    how: str
    inds: tuple[str, ...]
    level: int  # level of the section the lead-in sits in: sub-headings deeper than it inherit
    anchor: tuple[Block, int, int] | None = None
    path: tuple[str, ...] = ()
    headings: int = 0  # sub-headings that took the lead-in's stance (its paragraphs then keep it open)
    items: int = 0
    paras: int = 0
    found: list[str] = field(default_factory=list)  # indications named by a covered list's items
    current: tuple[
        str, ...
    ] = ()  # the item "Treatment-resistant depression, with all of:" over its sub-items
    pending: list[tuple[str, Block, int, int]] = field(default_factory=list)  # weak lists: (ind, block, a, b)
    under_heading: bool = False  # a negative heading ("Exclusions"): its paragraphs are its list
    alt: bool = False  # "ONE of the following" / "either of the following": the items are alternatives
    other: bool = False  # the lead-in of another treatment ("TMS is covered when all of the following …")
    #: a criteria lead-in that is an approval label ("Criteria for approval:") and whose uses, if any, are the
    #: last statement's, not its own: a diagnosis item may still name the use the list is for
    label: bool = False
    #: criteria of a covered list whose indication an item names later ("… when all of the following are
    #: met: is 18 or older; has TRD; …"): (drugs, field, value, block, a, b, alt)
    deferred: list[tuple] = field(default_factory=list)
    #: an exclusion checklist's lead-in ("… should not be started if any of the following applies:")
    exclusion: bool = False


class Targets:
    def __init__(self) -> None:
        self.current: Target | None = None
        self.strong: dict[str, Target] = {}
        self.primary: dict[str, Target] = {}

    def set(self, drugs: tuple[str, ...], inds: tuple[str, ...], strong: bool, path: tuple[str, ...]) -> None:
        self.current = Target(drugs, inds, strong, path)
        if strong:
            for d in drugs:
                self.strong[d] = self.current
                self.primary.setdefault(d, self.current)

    @property
    def inds(self) -> tuple[str, ...]:
        return self.current.inds if self.current else ()

    @property
    def drugs(self) -> tuple[str, ...]:
        return self.current.drugs if self.current else ()

    def pick(self, path: tuple[str, ...], head_inds=(), same_block: bool = False, drugs=()) -> Target | None:
        """The target of criteria that name no indication, written under ``path``; criteria about a drug
        (``drugs``) never go to another drug's statement ("observed for two hours after each esketamine
        dose" after "ketamine used as an anesthetic is covered")."""
        t = self.current
        if t is not None and drugs and not set(drugs) & set(t.drugs):
            t = next((self.strong[d] for d in drugs if d in self.strong), None)
        if t is None:
            return None
        if head_inds:
            return Target(t.drugs, tuple(head_inds), True, t.path)
        if same_block:
            return t
        if path[: len(t.path)] != t.path:
            main = [self.primary[d] for d in t.drugs if d in self.primary]
            if main:
                return main[0]
        if not t.strong:
            strong = [self.strong[d] for d in t.drugs if d in self.strong]
            if strong:
                return strong[0]
        return t
