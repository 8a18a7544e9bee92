"""Policy metadata read from the normalized text: number, title, dates, line of business, state, history.

Labels are tried before bare patterns because policies quote other policies' numbers ("see 5.01.16")
and dates ("FDA approval March 2019"); a labelled value ("Effective Date: …") is what the payer asserts
about this document.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser

from .model import PolicyMetadata, RevisionEntry, Section
from .normalize import DATE_PATTERN
from .sections import Block
from .status import document_status, may_say_status, says_status
from .terms import REVISION_HEADINGS, STATES

_DATE_RE = re.compile(DATE_PATTERN, re.I)
_D = rf"({DATE_PATTERN})"


def parse_date(s: str) -> dt.date | None:
    try:
        return dateparser.parse(s, default=dt.datetime(2000, 1, 1), fuzzy=False).date()
    except (ValueError, OverflowError, TypeError):
        return None


#: Longer than any label (with the character before it) ``read_metadata`` asks for: a needle of a label
#: match lies less than this far after the match's start (tests check every label set's width).
LABEL_REACH = 24


def _labelled(text: str, labels: str, needles: tuple[str, ...] = ()) -> dt.date | None:
    """The date after one of ``labels``. ``needles``: lower-case words every label contains, so that
    text without any of them skips the regex (exact for ASCII text, where re.I folds case as lower()).

    A label starts a line or follows a space, "|" or "(" (``(?:^|[\\s|(])``). With a line break put before
    the text, the class alone says both, and a pattern that starts with a class is searched by the
    regex engine's scan for that class, where "^" made it try the whole pattern at every character.

    In ASCII text the search is only made near the needles (``_near_needles``): a policy's first blocks
    often hold a needle ("Evidence Review", "Published studies") but no label, and the case-insensitive
    labels tried after every space of them cost ~0.2 ms."""
    pattern = re.compile(rf"[\s|(](?:{labels})\s*(?:date)?[\s:.\-|]*(?:on\s+)?{_D}", re.I)
    if needles and text.isascii():
        m = _near_needles("\n" + text, labels, needles, pattern)
    else:
        m = pattern.search("\n" + text)
    return parse_date(m.group(1)) if m else None


def _near_needles(
    text: str, labels: str, needles: tuple[str, ...], pattern: re.Pattern[str]
) -> re.Match[str] | None:
    """``pattern.search(text)`` for an ASCII ``text``, tried only where a label can start.

    A match starts with the character before a label that holds a needle at some ``p``, less than
    ``LABEL_REACH`` before it. So for each needle, in order, the label's own pattern (``start``, cheap:
    no date after it) is searched from ``LABEL_REACH`` before it to the needle, within a string ending
    ``LABEL_REACH`` after it, which holds any such label whole (labels look behind, never ahead); at
    each place it matches, the whole pattern is matched as ``search`` tries it there. The first that
    matches is the leftmost match: every place before it was tried."""
    low = text.lower()
    spots = sorted({i for n in needles for i in _finds(low, n)})
    start = re.compile(rf"[\s|(](?:{labels})", re.I)
    done = 0  # every place before ``done`` is tried
    for p in spots:
        pos = max(done, p - LABEL_REACH)
        while pos < p:
            c = start.search(text, pos, p + LABEL_REACH)
            if c is None or c.start() >= p:
                break
            m = pattern.match(text, c.start())
            if m:
                return m
            pos = c.start() + 1
        done = max(done, p)
    return None


def _finds(text: str, needle: str) -> list[int]:
    """Every place ``needle`` starts in ``text`` (overlapping ones too)."""
    out = []
    i = text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


_NUMBER_PATTERNS = (
    re.compile(r"\b((?:CS[A-Z]{2})?20\d{2}[A-Z]\d{4}[A-Z])\b"),  # UnitedHealthcare
    re.compile(r"\b(A5\d{4}|L3\d{4})\b"),  # Medicare articles / LCDs
    re.compile(r"\b(IP\s?\d{3,4})\b"),  # Cigna
    re.compile(r"\bCPB\s*(?:#|No\.?|Number)?\s*(\d{4})\b", re.I),  # Aetna
    re.compile(r"\b(\d\.\d{2}\.\d{2,3})\b"),  # BCBSA-style numbering
)
_NUMBER_LABEL = re.compile(
    r"(?:policy|bulletin|cpb|coverage policy|medical policy|article|document|guideline|clinical policy|"
    r"reference)?\s*(?:(?<![a-z])(?:number|no\.|id)|#)\s*(?:[:#|]\s*){0,2}"
    r"((?:(?-i:[A-Z]{2,5})\s)?[A-Z]{0,5}[.-]?[0-9][A-Za-z0-9.\-]{2,20})\b"
    r"|^(?:(?:medical )?policy|document)\s*:\s*([A-Z]{1,5}-?\d{2,4}(?:-\d{3}|:\d{1,3})?)\b"
    r"|^(?:medical policy|medical coverage guideline)(?:\s*:\s*|\s+)"
    r"((?:[A-Z]{1,3}\.)?\d{1,2}(?:[.-][A-Z0-9]+){2,3})\b",
    re.I,
)

#: A manual's section reference ("Manual Reference: Chapter 7, Section 3.8", or the bare "CHAPTER 7 SECTION
#: 3.8" heading): a manual republished at a new dated path each edition keeps it, so it is the identity.
_SECTION_REFERENCE = re.compile(
    r"^(?:(?:manual|section|chapter)\s+reference\s*[:|#.-]?\s*)?(chapter\s+\d+[,;]?\s+section\s+\d+(?:\.\d+)*)\b"
    r"|^(?:manual|section)\s+reference\s*[:|#]\s*([A-Z0-9][\w.,\- ]{0,30}\d[\w.]*)\s*$",
    re.I,
)


def policy_number(head: str, url: str | None) -> str | None:
    for pattern in _NUMBER_PATTERNS[:3]:
        m = pattern.search(head)
        if m:
            return re.sub(r"\s+", " ", m.group(1))
    lines = head.split("\n")
    for i, line in enumerate(lines):
        # a label starts a word: the "id" ending "Medicaid" is no label ("Texas Medicaid 2026" has no number)
        label_only = re.fullmatch(r"(?i)[\w ]*(?:(?<![a-z])(?:number|no\.|id)|#)\s*:?", line.strip())
        if label_only and i + 1 < len(lines):
            line = f"{line} {lines[i + 1]}"  # a label and its value in separate cells (<dt>/<dd>)
        ref = _SECTION_REFERENCE.match(line.strip())
        if ref:
            return " ".join((ref.group(1) or ref.group(2)).split())
        m = _NUMBER_LABEL.search(line)
        value = m and (m.group(1) or m.group(2) or m.group(3))
        if value and re.search(r"\d", value) and not _DATE_RE.fullmatch(value):
            return value.rstrip(".")
    for pattern in _NUMBER_PATTERNS[3:]:
        m = pattern.search(head)
        if m:
            return m.group(1)
    if url:
        # a numbering scheme's capitals ("II-170-003.html", "MP-446.htm") are case-sensitive: a
        # lower-case slug such as "ketamine-2025.html" is a name with a year, not a number
        m = re.search(
            r"/(\d{4})\.html?$|articleid=(\d+)|(?-i:/([A-Z]{2,}-?\d[\w.]*?)(?:-\d{3})?\.[hH][tT][mM][lL]?$)",
            url,
            re.I,
        )
        if m:
            return next(g for g in m.groups() if g)
    return None


def _line_of_business(head: str, url: str | None) -> str | None:
    low = head.lower() + " " + (url or "").lower()
    # the substring tests only skip regexes that cannot match (each alternative contains one of them)
    if any(
        n in low for n in ("community plan", "medicaid", "masshealth", "tmhp", "chip", "medi-cal")
    ) and re.search(r"community plan|medicaid|masshealth|tmhp|\bchip\b|medi-cal", low):
        return "medicaid"
    if any(n in low for n in ("tricare", "federal employee", "fep")) and re.search(
        r"tricare|federal employee|\bfep\b", low
    ):
        return "federal"
    if re.search(r"medicare", low):
        return "medicare"
    if re.search(r"commercial", low):
        return "commercial"
    return None


_STATE_NAMES = "|".join(sorted(STATES, key=len, reverse=True))


def _state(head: str, number: str | None, url: str | None) -> str | None:
    if number and re.match(r"CS[A-Z]{2}\d", number):
        return number[2:4]
    for needles, pattern in (  # needles: one of them is in every match (skips hopeless searches)
        (("applies to ",), rf"applies to (?:the state of |members in )?({_STATE_NAMES})\b"),
        (
            (" Medicaid", " Community Plan", " Health Care Programs"),
            rf"\b({_STATE_NAMES}) (?:Medicaid|Community Plan|Health Care Programs)",
        ),
        (("Community Plan of ",), rf"Community Plan of ({_STATE_NAMES})"),
        (("Cross",), rf"Blue ?Cross[^\n]{{0,40}}? of ({_STATE_NAMES})\b"),
        (("MassHealth",), r"\b(MassHealth)\b"),
    ):
        if not any(n in head for n in needles):
            continue
        m = re.search(pattern, head)
        if m:
            return "MA" if m.group(1) == "MassHealth" else STATES[m.group(1)]
    if url and "tmhp.com" in url:
        return "TX"
    return None


def _notices(blocks: list[Block], sections: tuple[Section, ...]) -> str:
    """The document's own paragraphs that carry a status word, outside its revision history: a PDF has
    no banner markup, so "This policy has been retired effective …" is one of its paragraphs."""
    if not may_say_status("\n".join(b.text for b in blocks)):
        return ""  # no block says one: one test of them all (``status.may_say_status``)
    hits = [b for b in blocks if b.kind != "row" and says_status(b.text)]
    if not hits:
        return ""
    history = [(s.start, s.end) for s in sections if REVISION_HEADINGS.match(s.heading.strip().rstrip(":"))]
    return "\n".join(b.text for b in hits if not any(a <= b.start < e for a, e in history))


def read_metadata(
    text: str,
    blocks: list[Block],
    title: str | None,
    url: str | None = None,
    status_text: str = "",
    context: str = "",
    sections: tuple[Section, ...] | None = None,
) -> PolicyMetadata:
    """``status_text``: banners that say whether this version is current; ``context``: text around the
    policy (running headers, the HTML <title>) that names the plan, state or line of business;
    ``sections``: ``build_sections`` of ``blocks``, if the caller has them."""
    if sections is None:
        sections = _sections_of(blocks)
    head = "\n".join(b.text for b in blocks[:40])
    number = policy_number(head, url) or policy_number(context, None)
    effective = (
        _labelled(head, r"revision effective", ("revision effective",))
        or _labelled(head, r"(?<!original )(?<!ending )effective|date effective", ("effective",))
        or _labelled(head, r"original effective", ("original effective",))
    )
    published = _labelled(
        head,
        r"last review(?:ed)?|last revised|revised|revision|last updated|updated|publication|published|"
        r"posted|date of last review|issued|release",
        (
            "review",
            "revised",
            "revision",
            "updated",
            "publication",
            "published",
            "posted",
            "issued",
            "release",
        ),
    ) or _labelled(head, r"original effective", ("original effective",))
    next_review = _labelled(head, r"next (?:annual )?review|review due|scheduled review", ("review",))
    if published is None:
        dates = [e.date for e in revision_history(blocks, sections) if e.date]
        published = max(dates) if dates else None
    if effective is None:
        m = _DATE_RE.search(head)
        effective = parse_date(m.group(0)) if m else None
    number_lob = _line_of_business(f"{title or ''}\n{head}\n{context}", url)
    return PolicyMetadata(
        policy_number=number,
        title=title,
        published=published,
        effective=effective,
        next_review=next_review,
        line_of_business=number_lob,
        state=_state(f"{title or ''}\n{head}\n{context}", number, url),
        status=document_status(f"{status_text}\n{_notices(blocks, sections)}"),
    )


def _sections_of(blocks: list[Block]) -> tuple[Section, ...]:
    from .sections import build_sections

    return build_sections(blocks, blocks[-1].end) if blocks else ()


def revision_history(blocks: list[Block], sections: tuple[Section, ...]) -> tuple[RevisionEntry, ...]:
    """Rows of the revision-history section: a date and what the payer says changed."""
    spans = [(s.start, s.end) for s in sections if REVISION_HEADINGS.match(s.heading.strip().rstrip(":"))]
    entries: list[RevisionEntry] = []
    for start, end in spans:
        for b in blocks:
            if not (start <= b.start and b.end <= end) or b.kind in ("heading", "title"):
                continue
            cells = [c.strip() for c in b.text.split(" | ")] if b.kind == "row" else [b.text]
            date = None
            rest = []
            for cell in cells:
                m = _DATE_RE.match(cell.lstrip("- ")) if date is None else None
                if m:
                    date = parse_date(m.group(0))
                    tail = cell.lstrip("- ")[m.end() :].strip(" :-|")
                    if tail:
                        rest.append(tail)
                elif cell:
                    rest.append(cell)
            body = " | ".join(rest)
            if date is not None:
                entries.append(RevisionEntry(date=date, text=body))
            elif (
                entries
                and body
                and not re.fullmatch(
                    r"(?i)(date|summary of changes|action|type of revision"
                    r"|[ |]|description)+",
                    body,
                )
            ):
                last = entries[-1]
                entries[-1] = RevisionEntry(date=last.date, text=f"{last.text} {body}".strip())
    return tuple(entries)
