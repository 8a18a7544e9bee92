"""Which parts of a policy may state the payer's position: the section tree, read the way the payer laid
it out.

Facts come only from the policy's own coverage text (Coverage Rationale, Policy, Criteria, Position
Statement, Indications and Limitations, Conditions Not Covered, Approval Period …) and from documents or
sections whose headings say nothing either way (notices, drug-named sections). Background, Description,
Clinical Evidence, FDA, CMS, References, code tables and their disclaimers, Definitions and Revision
History never give a fact: that is where "esketamine showed a modest benefit", "the FDA revised the label
to allow monotherapy" and "Spravato REMS" (a reference title) live.

The innermost heading that is recognised decides, so "Policy > FDA-approved indications" follows its own
heading and "Background > …" stays background. A short paragraph or list item that reads like a heading
("Scope of Policy", "2. Related Policies", "Initial Authorization for 3 Months") counts as one until the
next real heading: HTML pages and numbered PDFs often set sub-headings as ordinary text.
"""

from __future__ import annotations

import re
from functools import lru_cache

COVERAGE = "coverage"
INFO = "info"

#: Leading numbering: "V. ", "a) ", "2.0 ", "3.2.1 " (dotted section numbers need no final dot), and
#: "2 . Background" (PDF text often sets the number's dot apart).
#: a heading's numbering ("V.", "2.1", "a)", "- 3."): matched at its start only
_NUMBERING = re.compile(
    r"\s*(?:[-•]\s*)?(?:(?:\d+(?:\s?\.\s?\d+)+(?:\s?\.)?\s+|(?:\d+(?:\s?\.\s?\d+)*|[IVXivx]+|[A-Za-z])\s?[.)])\s*)*"
)

_INFO = re.compile(
    r"^(?:background|general background|description(?: of (?:procedure|service|procedure or service))?|"
    r"description/scope|overview|introduction|summary|"
    r"(?:summary of |clinical |scientific )?evidence(?: review| summary| discussion| based? .*)?|"
    r"clinical evidence|rationale|key points|key words|literature review|review of (?:the )?literature|"
    r"discussion|scientific background|supporting information|professional (?:society|organi[sz]ation).*|"
    r"(?:clinical )?practice guidelines|peer[- ]reviewed literature|"
    r"references?|sources?(?: of information)?|bibliography|citations|"
    r"(?:u\.?s\.? )?food and drug administration.*|fda(?: approval| status| regulatory status)?|"
    r"regulatory status|approved by governing bodies|fda approved indications and dosage|"
    r"centers for medicare (?:and|&) medicaid services.*|cms|medicare coverage|"
    r"(?:policy |document |guideline |review |revision )?history.*|revision (?:details|information)|"
    r"description of changes?|guideline update information|policy updates?|summary of changes|"
    r"what'?s (?:new|changed)|updates?|"
    r"definitions?|glossary|legend|"
    r"(?:applicable |procedure |billing |cpt/hcpcs |hcpcs |cpt |icd-10 |icd )?codes?(?: information)?|"
    r"(?:current )?coding(?: information)?|cpt codes.*|hcpcs codes.*|icd-10.*codes.*|billing/coding.*|"
    r"(?:cpt|hcpcs|icd)[ /].*|"
    r"instructions for use|table of contents|related (?:policies|coverage resources|guidelines|information)|"
    r"cross references?|benefit (?:application|considerations)|program exceptions|"
    r"disclaimer|notes?|program summary notes|questions\?|contact.*)$",
    re.I,
)
_COVERAGE = re.compile(
    r"^(?:coverage rationale|coverage policy|(?:medical )?policy(?: statements?)?|policy/criteria|"
    r"medical policy criteria|policy coverage criteria|coverage criteria|criteria.*|clinical criteria|"
    r"clinical indications|indications(?: and limitations.*)?|coverage indications.*|position statements?|"
    r"guidelines?|policy guidelines|conditions not covered|exclusions?|limitations|"
    r"(?:initial|continuation|continued|renewal|reauthori[sz]ation|re-authori[sz]ation).*|"
    r".*approval.*|denial criteria|length of approval|authori[sz]ation.*|article (?:guidance|text)|"
    r"medical appropriateness|medically necessary|experimental/investigational|"
    r"investigational.*|not medically necessary.*|commercial.*|medicare (?:hmo|ppo|advantage).*|other|"
    r"(?:experimental|investigational|investigative|unproven|not covered|covered)"
    r"(?:[\s,/]+(?:and|or|experimental|investigational|investigative|unproven|not|medically|necessary|covered))*)$",
    re.I,
)
#: Headings that introduce approval criteria: an indication named under them is covered with criteria.
_APPROVAL = re.compile(
    r"approval criteria|criteria for (?:initial )?approval|clinical criteria|coverage criteria|"
    r"prior authori[sz]ation criteria|initial therapy|initial (?:requests|evaluation)|indications",
    re.I,
)
#: A heading over requirements: "Prior approval requirements", "Criteria for use".
_REQUIREMENTS = re.compile(r"\b(?:criteria|requirements?)\b", re.I)
_INITIAL = re.compile(
    r"\binitial|\binduction|"
    # "A first request … may be approved for up to 3 months", "the first approval period is eight weeks"
    r"\bfirst\s+(?:\w+\s+)?(?:requests?|approvals?|authori[sz]ations?|periods?|reviews?|courses?)\b",
    re.I,
)
_CONTINUATION = re.compile(
    r"continu|re-?authori[sz]|renew(?:als?|ed|s)?\b|subsequent|re-?approv|re-?certif|maintenance|extension|"
    r"\blater\b|\bthereafter\b|\b(?:additional|further) (?:approv|authori[sz])",
    re.I,
)


def bare(heading: str) -> str:
    """A heading without numbering and trailing colon: "V. REFERENCES" → "REFERENCES".

    The numbering is matched at the start only, and the tail of spaces, colons and full stops stripped
    with ``str.rstrip`` (whose whitespace is the regex's ``\\s``): one regex with a ``[\\s:.]+$``
    branch tried that branch at every space of the text, ~25 µs a paragraph (``pseudo_heading`` asks
    for every paragraph of a policy)."""
    rest = heading[_NUMBERING.match(heading).end() :]  # type: ignore[union-attr]  # it matches "" at least
    while True:
        cut = rest.rstrip().rstrip(":.")
        if cut == rest:
            return rest.strip()
        rest = cut


@lru_cache(maxsize=4096)
def classify(heading: str) -> str | None:
    """``coverage``, ``info`` or None (a heading that says nothing about its section's role)."""
    text = bare(heading)
    if not text or len(text) > 90:
        return None
    if _INFO.match(text):
        return INFO
    if _COVERAGE.match(text):
        return COVERAGE
    return None


def scope_of(path: tuple[str, ...], pseudo: str | None = None) -> str | None:
    """Role of a block under ``path`` (innermost recognised heading wins; ``pseudo`` is a heading-like
    paragraph seen since the innermost real heading)."""
    if pseudo is not None:
        return pseudo
    for heading in reversed(path):
        role = classify(heading)
        if role is not None:
            return role
    return None


def approval_heading(path: tuple[str, ...]) -> bool:
    return any(_APPROVAL.search(bare(h)) for h in path)


def requires(path: tuple[str, ...], lead: object) -> bool:
    """A list that states criteria: under a lead-in, or under a coverage heading that names requirements
    ("Prior approval requirements for intranasal esketamine"). Its item citing the label ("… with or
    without an oral antidepressant, as the label allows") is a criterion, not the label's claim."""
    if lead:
        return True
    return bool(path) and classify(path[-1]) == COVERAGE and _REQUIREMENTS.search(path[-1]) is not None


def phase_of(text: str) -> str | None:
    """``initial`` / ``continuation`` when the words say so."""
    if _CONTINUATION.search(text):
        return "continuation"
    if _INITIAL.search(text):
        return "initial"
    return None


def path_phase(path: tuple[str, ...]) -> str | None:
    for heading in reversed(path):
        phase = phase_of(heading)
        if phase:
            return phase
    return None


def pseudo_heading(text: str) -> str | None:
    """The role of a paragraph or list item that reads like a heading ("Scope of Policy", "2. Related
    Policies"), else None. Headings are short and carry no sentence punctuation."""
    body = bare(text)
    if not body or len(body) > 60 or re.search(r"[.;,]\s*$", text.strip()) or re.search(r"\.\s", body):
        return None
    return classify(body)
