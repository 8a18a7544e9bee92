"""Footnote markers on a stance: "Covered*", "Covered¹", "Covered†" with "* Prior authorization required."
under the table.

Two things went wrong without this module. A marker that is a word character ("covered¹", "covered1" from
``<sup>1</sup>``) glued itself to the word, so no rule saw "covered" at all; and a marked "Covered" whose
footnote says prior authorization or criteria apply was read as plain ``covered`` although the payer put
conditions on it. So the reader reads the blocks with their markers blanked out (``masked``: same length,
so every offset and quote stays the document's), and afterwards a ``covered`` position whose own words
carry a marker follows its footnote (``follow``): a footnote naming prior authorization or criteria makes
it ``covered_with_criteria``; one that says anything else ("Billed on the medical benefit", "No prior
authorization is needed") leaves it ``covered``.

The footnote is the first block after the marked one that starts with the same marker ("*", "†", "¹",
"1", "(1)", "[1]"). A "* " footnote is read as a list item ("- Prior authorization is required.": the text
contract turns every bullet glyph into "- "), so for "*" the first block after the table or paragraph
also counts when it is such an item on its own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..sections import Block
from .clauses import sentences
from .context import DEFAULT, Candidate

_SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")
_TO_SUPERSCRIPT = str.maketrans("0123456789", _SUPERSCRIPT_DIGITS)
#: Marks that are never text a rule reads: superscript digits and daggers ("covered¹", "Covered†").
_MARKS = re.compile(f"[{_SUPERSCRIPT_DIGITS}\u2020\u2021]+")
#: One or two plain digits glued to a lower-case word ("covered1", "Necessary2": a ``<sup>`` read inline);
#: never a code or a score ("PHQ9", "S0013", "HAMD17") nor a counted thing ("week4", "tier2").
_DIGIT_MARK = re.compile(
    r"\b(?!(?:weeks?|days?|months?|years?|doses?|steps?|phases?|tiers?|levels?|grades?|stages?|parts?|"
    r"types?|class|section|schedule|items?|lines?|page|table|questions?)\d)([A-Z]?[a-z]{3,})(\d{1,2})\b"
)
#: A marker in a position's own words: glued ("Covered*", "covered¹", "covered1", "(1)", "[1]"), at the end
#: of a short table cell after a space ("Covered 1": a cell's ``<sup>`` read with a space), or a number after
#: the stance word itself ("is covered 2 for TRD": a paragraph's ``<sup>``, never "covered for 2 weeks").
_MARKER = re.compile(
    rf"(?<=[\w).,;:])(\*{{1,3}}|[{_SUPERSCRIPT_DIGITS}]+|[\u2020\u2021]{{1,2}}|\(\d{{1,2}}\)|\[\d{{1,2}}\])"
    r"|(?-i:(?<=[a-z]))(\d{1,2})\b"
    r"|(?-i:(?<=[a-z]))\s+(\d{1,2}|\*{1,3})\s*$"
    r"|\b(?:covered|necessary|approved|eligible|benefit)\s+(\d{1,2})"
    r"(?=\s+(?:for|as|in|when|if|under|with|only|subject)\b|\s*[.;,:)]|\s*$)",
    re.I,
)
#: What a footnote that puts conditions on the coverage names.
_CONDITIONS = re.compile(
    r"\bprior\s+(?:authori[sz]ation|approval)|\bpre-?(?:authori[sz]ation|certification|approval)\b|"
    r"\bprecert\w*|\bPA\b|\bcriteri(?:a|on)\b|\bmedical necessity review\b|"
    r"\b(?:coverage|clinical)\s+(?:requirements|conditions|guidelines)\b|\bstep therapy\b",
    re.I,
)
#: "No prior authorization is needed", "PA is not required", "without criteria": no conditions.
_NEGATED = re.compile(r"\b(?:no|not|without|never|none)\b|n't\b", re.I)


def masked(blocks: list[Block]) -> list[Block]:
    """The blocks as the reader reads them: markers blanked to spaces (a block without one is itself)."""
    out = []
    for b in blocks:
        text = _MARKS.sub(_blank, b.text)
        text = _DIGIT_MARK.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
        out.append(b if text == b.text else replace(b, text=text))
    return out


def _blank(m: re.Match) -> str:
    return " " * len(m.group())


def follow(cands: list[Candidate], read: list[Block], blocks: list[Block]) -> list[Candidate]:
    """The candidates on the document's own blocks (``read`` are the masked ones the reader read, in the
    same order), a marked ``covered`` position made ``covered_with_criteria`` by its footnote. A footnote's
    own stance on no named use ("* Not covered under the pharmacy benefit.") is about what its marker marks,
    never a default position (``other``, or esketamine's TRD) of the drug around it: it is dropped."""
    index = {id(r): k for k, r in enumerate(read)}
    notes = _footnote_blocks(blocks) if any(c.strength == DEFAULT for c in cands) else set()
    out = []
    for c in cands:
        k = index.get(id(c.block))
        block = blocks[k] if k is not None else c.block
        if block is not c.block:
            c = replace(c, block=block)
        if c.field == "position" and c.strength == DEFAULT and k in notes:
            continue
        if c.field == "position" and c.value == "covered" and k is not None:
            note = _footnote(blocks, k, _markers(block.text[c.a : c.b]))
            if note is not None and _conditions(note):
                c = replace(c, value="covered_with_criteria")
        out.append(c)
    return out


def _footnote_blocks(blocks: list[Block]) -> set[int]:
    """Indexes of the blocks that are the footnote of a marker some block before them carries."""
    seen: set[str] = set()
    out = set()
    for j, block in enumerate(blocks):
        text = block.text.lstrip()
        if any(_opens(text, m) for m in seen) or ("*" in seen and _lone_item(blocks, j)):
            out.add(j)
        seen.update(_markers(block.text))
    return out


def _lone_item(blocks: list[Block], j: int) -> bool:
    """Block ``j`` is a "- " item on its own right after a table or paragraph ("* Note." read as a bullet)."""
    if blocks[j].kind != "item" or not blocks[j].text.startswith("- ") or j == 0:
        return False
    after = j + 1 >= len(blocks) or blocks[j + 1].kind != "item"
    return after and blocks[j - 1].kind in ("row", "para")


def _markers(words: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in _MARKER.finditer(words)]


def _footnote(blocks: list[Block], k: int, markers: list[str]) -> str | None:
    """The text of the footnote of the first marker that has one after block ``k``."""
    for marker in markers:
        for j in range(k + 1, len(blocks)):
            text = blocks[j].text.lstrip()
            if _opens(text, marker):
                return text
        if marker == "*":  # "* Prior authorization is required." under the table, read as a lone item
            j = k + 1
            while j < len(blocks) and blocks[j].kind == "row":
                j += 1
            if j < len(blocks) and _lone_item(blocks, j):
                return blocks[j].text
    return None


def _opens(text: str, marker: str) -> bool:
    """``text`` starts with ``marker`` and no more of it ("*" is not "**"), then words; a number marker in
    any of its forms ("¹", "1", "(1)", "[1]", "1)")."""
    digits = marker.strip("()[]").translate(_FROM_SUPERSCRIPT)
    if digits.isdigit():
        for form in (digits.translate(_TO_SUPERSCRIPT), f"({digits})", f"[{digits}]", f"{digits})", digits):
            rest = text[len(form) :] if text.startswith(form) else None
            if rest is not None and rest.strip() and not rest[0].isdigit() and not rest.startswith("."):
                return True
        return False
    rest = text[len(marker) :] if text.startswith(marker) else ""
    return bool(rest.strip()) and not rest.startswith(marker[0])


def _conditions(note: str) -> bool:
    """The footnote names prior authorization or criteria, in a sentence that does not negate them."""
    for a, b in sentences(note):
        if _CONDITIONS.search(note[a:b]) and not _NEGATED.search(note[a:b]):
            return True
    return False
