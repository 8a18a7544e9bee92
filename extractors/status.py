"""Does the document say that *it* is retired, archived, superseded or replaced?

A status word alone is not enough: a combined policy announces that the policies it absorbed "have been
archived" ("This policy replaces MP-330, which has been retired"), a bulletin lists "retired policies", a
manual speaks of "retired service members". Reading any of those as the document's own status announced a
live policy as retired. So a status counts only when it is said of this document — a banner that is
nothing but the status ("ARCHIVED", "Status: Retired", "SUPERSEDED by policy 2026D0001", a heading
"Archived"), or a sentence whose subject is this document ("This policy has been retired effective …",
"This Clinical Policy Bulletin was archived on …", "This policy is no longer active").

Notices inside a PDF are read the same way as HTML banners (``document_status`` takes any text), because
a PDF has no banner markup: its retirement notice is a paragraph of the document.
"""

from __future__ import annotations

import re

from .terms import folds_like_ascii

#: (pattern, status) in priority order: a "retired policy that was superseded" is superseded. "Replaced by"
#: another policy retires this one ("This policy has been replaced by policy MP-512"); a policy "replaced by
#: a newer version" is neither (a versioned page's own "This policy version was replaced" is ``replaced``).
_WORDS = (
    (re.compile(r"\bversion\s+was\s+replaced\b", re.I), "replaced"),
    (re.compile(r"\bsuperseded\b", re.I), "superseded"),
    (re.compile(r"\bretired\b", re.I), "retired"),
    (re.compile(r"\bno\s+longer\s+(?:active|effective|in\s+(?:effect|force|use))\b", re.I), "retired"),
    (
        re.compile(
            r"\breplaced(?=\s+(?:by|with)\b(?!\s+(?:(?:a|an|the)\s+)?(?:(?:newer|new|later|updated|revised|current)"
            r"\s+)?(?:version|revision|edition)s?\b))",
            re.I,
        ),
        "retired",
    ),
    (re.compile(r"\barchived\b", re.I), "archived"),
)
#: How a status is cut into statements: sentences, table cells, lines.
_SPLIT = re.compile(r"(?<=[.!?])\s+|\s+\|\s+|\n+")
#: Asides that name another document ("(MP-330)", ", formerly MP-330,") are not the subject.
#: ", which covered ketamine infusions," between commas is an aside too (a relative clause without commas is
#: not: "the policy which was retired" names the policy before it).
_ASIDE = re.compile(r"\([^()]*\)|,\s*(?:formerly|previously|also known as|now|which)\b[^,]*,", re.I)
#: Words before the status that make it about another document (the one this one replaces).
_OTHER = re.compile(
    r"\b(?:who|whose|replaces?|replacing|supersedes|superseding|combines?|consolidat\w*|"
    r"merg\w*|incorporat\w*|absorb\w*|formerly|previous|prior|former|old|older|earlier|separate|other|"
    r"predecessor|no\s+\w+\s+(?:were|was|are|is))\b",
    re.I,
)
#: "This means that this policy was retired": a clause starts after "that", and the subject of "that was
#: retired" is the document before it (no subject: not this one).
_CLAUSE = re.compile(r"[,;:]|\b(?:and|but|while|whereas|that)\b", re.I)
_DOC = (
    r"(?:policy|policies|document|guideline|bulletin|article|version|page|criteria|lcd|cpb|section|"
    r"manual|chapter|notice|statement|guidance)"
)
#: "This policy and guideline were archived", "This Policy and Procedure has been retired": two names of this
#: document are one subject ("and" otherwise starts a clause), read as the first.
_BOTH = re.compile(rf"\b({_DOC})\s+(?:and|&|/)\s+(?:[\w-]+\s+){{0,2}}?(?:{_DOC}|procedures?)\b", re.I)
_AUX = r"(?:has|have|had|is|are|was|were|been|being|will|be|now|hereby|officially|permanently|also)"
#: "[Effective 06/01/2026,] this [clinical policy] bulletin has been" — the subject, then only auxiliaries.
_SELF = re.compile(
    rf"^\s*(?:this|the\s+present|the\s+current)\s+(?:[\w-]+\s+){{0,3}}?{_DOC}(?:\s+{_AUX})*\s*$", re.I
)
#: After the status word, a list of what it applies to: "Retired: MP-330", "Archived policies – 5.01.16".
#: A date is when, not what: "Retired: 06/01/2026", "Archived: 06.01.2026" (a dotted date has a four-digit
#: year, as in ``normalize.DATE_PATTERN``; "5.01.20" is a BCBSA-style number). The status word as an
#: attribute of other documents or of people ("Archived versions are available on request", "Retired
#: members keep …", "Archived policy documents") says nothing of this one; "Archived Policy" does.
_NAMES_OTHER = re.compile(
    r"\s*(?:polic(?:y|ies)\b\s*)?[:\-–]\s*(?!\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\d{1,2}\.\d{4}\b)"
    r"(?:[A-Z]{1,6}[-\s]?\d|\d+\.\d+\.\d+)"
    r"|\s*policies\b"
    r"|\s+(?:(?!(?:by|with|for|on|in|as|at|to|from|since|effective|and|or|of)\b)[\w-]+\s+)?"
    r"(?:versions|copies|editions|documents|records|files|guidelines|bulletins|articles|pages|materials|"
    r"members?|employees?|retirees?|people|persons?|individuals?|staff|personnel|veterans?|military|service)\b",
    re.I,
)
#: A banner: the status with at most a label before it ("Status:", "Policy", "Note:", "This", "This is an").
_LABEL = re.compile(
    r"^\W*(?:(?:status|policy|policy\s+status|note|notice|this\s+is(?:\s+now)?\s+an?|this)\W*)*$", re.I
)


def document_status(text: str) -> str | None:
    """``replaced`` / ``superseded`` / ``retired`` / ``archived`` when ``text`` says so of this document."""
    found = set()
    for statement in _SPLIT.split(text or ""):
        statement = _ASIDE.sub(" ", statement)
        for pattern, status in _WORDS:
            m = pattern.search(statement)
            if (
                m
                and _of_this_document(statement[: m.start()])
                and not _NAMES_OTHER.match(statement[m.end() :])
            ):
                found.add(status)
    return next((status for _, status in _WORDS if status in found), None)


def _of_this_document(before: str) -> bool:
    """Is the text before the status word a banner label, or this document as the subject?"""
    if _LABEL.match(before):
        return True
    if _OTHER.search(before):
        return False
    clauses = [c for c in _CLAUSE.split(_BOTH.sub(r"\1", before)) if c.strip()]
    return bool(clauses) and bool(_SELF.match(clauses[-1]))


#: A cheap filter for the blocks worth reading as a status notice.
STATUS_WORDS = re.compile(
    r"version was replaced|superseded|retired|archived|no longer (?:active|effective|in (?:effect|force|use))"
    r"|replaced (?:by|with)",
    re.I,
)
#: a lower-case word in every ``STATUS_WORDS`` match
_NEEDLES = ("replaced", "superseded", "retired", "archived", "no longer")


def may_say_status(text: str) -> bool:
    """False when neither ``text`` nor any piece of it holds a status word: each ``STATUS_WORDS`` match
    holds one of ``_NEEDLES``, which a text without ``terms.CASE_TWINS`` shows in its lower-case form. So
    one test of a document's blocks, joined, answers ``says_status`` for all of them where none says
    one (most documents)."""
    if not folds_like_ascii(text):
        return True
    low = text.lower()
    return any(n in low for n in _NEEDLES)


def says_status(text: str) -> bool:
    """Does ``text`` hold a status word (``STATUS_WORDS.search``)? The one test for "is this a notice
    worth reading" (a PDF's paragraphs, ``metadata._notices``). A text without any of its words skips
    the regex (``may_say_status``): a case-insensitive alternation is tried at every character (2 ms on
    a 60-page policy's 300 blocks, against 0.2 ms for the substring tests)."""
    return may_say_status(text) and STATUS_WORDS.search(text) is not None
