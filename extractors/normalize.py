"""Pure text normalization: make formatting noise vanish before anything is compared.

The differ announces every difference in ``ExtractedPolicy.text``; a PDF that is merely re-exported,
re-wrapped or re-printed must therefore produce the same string. Everything here works on lines or
blocks of text and knows nothing about PDF or HTML.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

_TRANSLATE = str.maketrans(
    {
        "\u00ad": "",  # soft hyphen: only a line-break hint
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u2060": "",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\t": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2264": "<=",
        "\u2265": ">=",
    }
)
_WS = re.compile(r"\s+")
# pdfminer writes "(cid:127)" for a glyph its font has no Unicode mapping for; at the start of a line that is
# nearly always a Symbol-font bullet, elsewhere it carries no text a reader could use. The usual symbol
# fonts' bullet codes (WinAnsi 127/149/183, Wingdings l n q v § Ø) are bullets even with no space after.
_CID_BULLET = re.compile(r"^\s*\(cid:(?:127|149|183|108|110|113|118|167|216)\)\s*|^\s*\(cid:\d+\)\s+")
_CID = re.compile(r"\(cid:\d+\)")


def clean(text: str) -> str:
    """NFKC (ligatures, full-width forms), invisible characters, typographic quotes, collapsed spaces."""
    if "(cid:" in text:
        text = _CID.sub("", _CID_BULLET.sub("\u2022 ", text))
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    elif text.isprintable() and "  " not in text:  # its only whitespace is single spaces: nothing to
        return text.strip()  # collapse (most lines; the regex pass costs more than everything else here)
    return _WS.sub(" ", text).strip()


#: printable ASCII: what ``clean_all`` deletes to find the lines ``clean`` has more to do in
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))


def _residues(lines: Sequence[str], delete: bytes) -> tuple[bytes, list[bytes]] | None:
    """(the lines joined by line breaks and encoded, each line's bytes left once ``delete`` is deleted):
    one ``bytes.translate`` reads a gate for every line at once, where a test per line costs ~1 µs on
    every line of every page. ``None`` when a line holds a line break of its own (the split would not
    give the lines back): the caller then asks each line."""
    blob = "\n".join(lines).encode("utf-8", "surrogatepass")
    left = blob.translate(None, delete).split(b"\n")
    return (blob, left) if len(left) == len(lines) else None


def clean_all(lines: Sequence[str]) -> list[str]:
    """``clean`` of every line. Most lines are printable ASCII with single spaces, which ``clean`` only
    strips; which ones are is read for all lines at once (``_residues``): a line with anything left once
    printable ASCII is deleted holds a control character or a non-ASCII one. Double spaces and "(cid:"
    are looked for in each line only when the page has them at all."""
    read = _residues(lines, _PRINTABLE_ASCII)
    if read is None:
        return [clean(line) for line in lines]
    blob, left = read
    spaced = b"  " in blob or b"(cid:" in blob
    return [
        clean(line) if rest or (spaced and ("  " in line or "(cid:" in line)) else line.strip()
        for line, rest in zip(lines, left, strict=True)
    ]


_BULLET = re.compile(
    r"^(?:[\u2022\u25aa\u25ab\u25e6\u2023\u25cf\u25cb\u25a0\u25a1\u2043\u00b7\u2219\uf0b7\uf0a7o*\-\u2013\u2014>§]|\u27a2)\s+"
)


#: what a ``_BULLET`` match starts with; a line starting with anything else is no bulleted item
BULLET_FIRST = frozenset(
    "\u2022\u25aa\u25ab\u25e6\u2023\u25cf\u25cb\u25a0\u25a1\u2043\u00b7\u2219\uf0b7\uf0a7o*-\u2013\u2014>§\u27a2"
)


def bullet(line: str) -> tuple[bool, str]:
    """Split a leading bullet glyph off; every glyph becomes ``- `` (numbered items keep their number).
    The first character is looked up before the regex runs: a regex call costs ~0.4 µs even when it
    fails at the first character, on every line of every page."""
    if line[:1] not in BULLET_FIRST:
        return False, line
    m = _BULLET.match(line)
    if m and line[m.end() :]:
        return True, "- " + line[m.end() :]
    return False, line


NUMBERED = re.compile(
    r"^(?:\(?[0-9]{1,2}[.)]|\(?[a-hj-z][.)]|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])\s+\S"
)
#: what a ``NUMBERED`` match starts with: "(", a digit or a lower-case letter
NUMBER_FIRST = frozenset("(0123456789abcdefghijklmnopqrstuvwxyz")


def is_numbered(line: str) -> bool:
    """``NUMBERED.match(line)``, asked only of a line that starts with a character an item number can
    start with and has the "." or ")" that ends one among its first six ("(viii)"), as ``bullet`` asks
    its regex: a wrapped line starts in lower case, and most have neither."""
    head = line[:6]
    return line[:1] in NUMBER_FIRST and ("." in head or ")" in head) and NUMBERED.match(line) is not None


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
#: Numeric dates stand alone: "08.01.80c" and "L.5.01.537" are policy numbers, not 1980-08-01 and 0537-05-01.
#: A dotted date needs a four-digit year ("08.01.2025"); "08.01.91" is a BCBSA-style number.
DATE_PATTERN = (
    rf"(?:(?<![\w.])(?:\d{{1,2}}[/-]\d{{1,2}}[/-]\d{{2,4}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})(?![\w.]?\d|[A-Za-z])|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{4}}|\d{{1,2}}/\d{{4}})"
)
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_PRINTED = re.compile(
    rf"\b(?:printed|generated|downloaded|retrieved|accessed|created|exported|viewed|print date|report date)"
    rf"(?:\s+(?:on|at|from))?\s*:?\s*{DATE_PATTERN}{_TIME}",
    re.I,
)
_PAGE_OF = re.compile(
    r"\bpage\s+\d+\s*(?:of|/)\s*\d+\b|\bpage\s*:?\s*\d+\b|^\s*-?\s*\d{1,4}\s*-?\s*$|^\s*\d+\s*/\s*\d+\s*$",
    re.I,
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|\bcopyright\b).{0,160}?(?:\d{4}|inc\.?|llc|rights reserved)|\ball rights reserved\b"
    r"|\bproprietary information of\b|\bconfidential and proprietary\b",
    re.I,
)


_MAYBE_NOISE = re.compile(r"\d|©|\(c\)|copyright|rights reserved|proprietary", re.I)
_MAYBE_NOISE_ASCII = re.compile(r"[\d(]")  # ASCII lines: digits or "(c)"; the words are tested as substrings


def strip_noise(line: str) -> str:
    """Remove page numbers, printed-on stamps and copyright/proprietary boilerplate from one line.

    Copyright and proprietary lines go entirely: their year changes every January without the policy
    changing. Page markers and printed-on stamps are cut out of the line, keeping what else it says.
    """
    if line.isascii():  # the same gate without re.I (which defeats the regex engine's literal search)
        low = line.lower()
        if not _MAYBE_NOISE_ASCII.search(line):
            if "copyright" not in low and "rights reserved" not in low and "proprietary" not in low:
                return line
        return _strip_ascii_noise(line, low)
    elif not _MAYBE_NOISE.search(line):
        return line
    if _COPYRIGHT.search(line):
        return ""
    line = _PRINTED.sub(" ", line)
    line = _PAGE_OF.sub(" ", line)
    return _WS.sub(" ", line).strip(" |")


#: every ASCII byte but digits, "(" (of "(c)") and the line break: what ``may_hold_noise`` deletes
_PLAIN = bytes(b for b in range(128) if b not in b"0123456789(\n")
_NOISE_WORDS = (b"copyright", b"rights reserved", b"proprietary")


def may_hold_noise(lines: Sequence[str]) -> list[bool]:
    """Per line, whether ``strip_noise`` may change it (False: it returns the line as it is).

    ``strip_noise``'s own gate for an ASCII line is a regex for a digit or "(" (each character tried in
    turn: ~1 µs a line, most of the layout's cost on a text page) plus three substring tests. Here all
    lines are read at once (``_residues``, every ASCII byte deleted but digits and "("): a line with
    anything left holds a digit, a "(" or a non-ASCII character (``strip_noise`` decides); a line with
    nothing left can only hold noise by its words. When the lines cannot be read at once, every line is
    True."""
    read = _residues(lines, _PLAIN)
    if read is None:
        return [True] * len(lines)
    blob, left = read
    low = blob.lower()  # bytes.lower() folds ASCII only: as str.lower() does for an ASCII line
    # rare: then each line is asked for the words too ("right" first: one scan for two of the words)
    if (b"right" in low and any(w in low for w in _NOISE_WORDS[:2])) or b"proprietary" in low:
        return [
            bool(rest) or any(w in line for w in _NOISE_WORDS)
            for rest, line in zip(left, low.split(b"\n"), strict=True)
        ]
    return [bool(rest) for rest in left]


#: a lower-case word in every ``_PRINTED`` match ("print" for "printed" and "print date")
_PRINTED_WORDS = (
    "print",
    "generated",
    "downloaded",
    "retrieved",
    "accessed",
    "created",
    "exported",
    "viewed",
)


def _printed_word(low: str) -> bool:
    """``any(w in low for w in _PRINTED_WORDS)``, spelled out (a generator costs more than the tests)."""
    return (
        "print" in low
        or "generated" in low
        or "downloaded" in low
        or "retrieved" in low
        or "accessed" in low
        or "created" in low
        or "exported" in low
        or "viewed" in low
    )


#: what ``_PAGE_OF``'s anchored branches allow on a line of their own ("12", "- 3 -", "3 / 10")
_PAGE_NUMBER_CHARS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f-/0123456789"  # \s in ASCII: str.isspace()


def _strip_ascii_noise(line: str, low: str) -> str:
    """``strip_noise``'s patterns on an ASCII line (``low``: lower-cased), each only where the words any
    of its matches holds occur: a line with digits ("Evidence Review Part 3", a date in a sentence)
    mostly has none, and each case-insensitive pattern is tried at every character (~5 µs a line, ~1.5
    this way). For ASCII text, re.I folds case exactly as lower() does."""
    if ("(c)" in low or "copyright" in low or "rights reserved" in low or "proprietary" in low) and (
        _COPYRIGHT.search(line)
    ):
        return ""
    if "report date" in low or _printed_word(low):
        line = _PRINTED.sub(" ", line)
        low = line.lower()
    if "page" in low or not line.strip(_PAGE_NUMBER_CHARS):
        line = _PAGE_OF.sub(" ", line)
    if line.isprintable() and "  " not in line:  # only single spaces: _WS would change nothing
        return line.strip(" |")
    return _WS.sub(" ", line).strip(" |")


@functools.lru_cache(maxsize=4096)
def mask(line: str) -> str:
    """The shape of a running header/footer line: digits masked, so "Page 3" and "Page 4" are one line."""
    return re.sub(r"\d+", "#", clean(line).lower())


EDGE = 5


def running_lines(pages: Sequence[Sequence[str]], edge: int = EDGE) -> set[str]:
    """Masked lines that recur among the first/last ``edge`` lines of most pages: headers and footers.

    Needs two pages; a line must be on every page of a document of up to three pages and on half the
    pages of a longer one. Single-page documents rely on the pattern-based ``strip_noise`` only.
    """
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        seen = {mask(line) for line in list(lines[:edge]) + list(lines[-edge:]) if line.strip()}
        counts.update(seen)
    threshold = len(pages) if len(pages) <= 3 else max(3, (len(pages) + 1) // 2)
    return {m for m, n in counts.items() if n >= threshold and m.strip("# ")}


_HYPHEN_KEEP = {
    "treatment",
    "non",
    "self",
    "well",
    "long",
    "short",
    "first",
    "second",
    "third",
    "multi",
    "co",
    "post",
    "pre",
    "anti",
    "evidence",
    "placebo",
    "double",
    "open",
    "follow",
    "real",
    "re",
    "semi",
    "sub",
    "all",
    "in",
    "out",
    "over",
    "under",
    "end",
    "high",
    "low",
    "dose",
    "fda",
    "rems",
}


_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
#: Where a word was split by a hyphen at a line end: ``join_lines`` leaves this mark between the two
#: halves and ``resolve_line_hyphens`` decides, from the whole document's words, hyphen or none.
LINE_HYPHEN = "\ue000"
_MARKED = re.compile(r"([A-Za-z]+)\ue000([a-z][A-Za-z]*)")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def join_lines(lines: Sequence[str], mark: bool = False) -> str:
    """Re-join the wrapped lines of one paragraph: a hyphen at a line end is a break, not a dash,
    unless the word before it is a common compound head ("treatment-resistant").

    ``mark=True`` leaves ``LINE_HYPHEN`` between the halves instead of deciding, for
    ``resolve_line_hyphens`` to decide with the whole document in view."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        m = _HYPHEN_END.search(out) if out.endswith("-") else None  # search alone rescans all of out
        if m and line[:1].islower():
            if mark:
                out = out[:-1] + LINE_HYPHEN + line
            elif m.group(1).lower() in _HYPHEN_KEEP:
                out += line
            else:
                out = out[:-1] + line
        else:
            out += " " + line
    if out.isascii() and out.isprintable() and "  " not in out:
        return out.strip()  # the common case, as in ``clean``
    return _WS.sub(" ", out).strip()


def resolve_line_hyphens(texts: list[str]) -> list[str]:
    """Decide every line-end hyphen ``join_lines(mark=True)`` left, the way a reader would: the same word
    written elsewhere in the document settles it ("pregnancy" → "preg-nancy" was a break;
    "treatment-resistant" elsewhere → the hyphen is real). Otherwise a common compound head keeps its
    hyphen when what follows is a word of the document ("non-" + "preferred"), and any other break is
    joined ("pre-" + "gnancy"). A re-typeset PDF (new fonts, margins, justification and
    hyphenation) then reads exactly like the original."""
    if not any(LINE_HYPHEN in t for t in texts):
        return texts
    words: set[str] = set()
    for text in texts:
        for word in _WORD.findall(_MARKED.sub(" ", text)):
            words.add(word.lower())
            words.update(word.lower().split("-"))

    def decide(m: re.Match) -> str:
        head, tail = m.group(1), m.group(2)
        joined, hyphened = (head + tail).lower(), f"{head}-{tail}".lower()
        if joined in words and hyphened not in words:
            return head + tail
        if hyphened in words or (head.lower() in _HYPHEN_KEEP and tail.lower() in words):
            return f"{head}-{tail}"
        return head + tail

    return [_MARKED.sub(decide, t).replace(LINE_HYPHEN, "") if LINE_HYPHEN in t else t for t in texts]
