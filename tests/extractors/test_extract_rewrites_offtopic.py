"""Speed rewrites of the off-topic extraction (issue #17, layfast) give what the code they replaced gave.

``terms.may_name_drugs`` and ``status.may_say_status`` answer for a whole document's blocks at once
(``passages.find_passages``, ``metadata._notices``) and gate ``drugs_in`` / ``says_status`` for non-ASCII
text too, which is exact where the text holds none of ``terms.CASE_TWINS``; ``metadata._labelled``
searches near its needles only; ``streams._streams`` reads a stream's dictionary in place and
``refuse_bombs`` adds a one-level Flate stream's bound at once; the noise gate's words and the printed-on
words are spelled out. Each is compared with its reference form (a gate forced open, or the code before)
on generated blocks, byte soups and the facts tables' wordings (the layout's: test_extract_rewrites_blocks).
"""

from __future__ import annotations

import random
import re
import string
import sys

import pytest

from extractors import metadata, normalize, passages, status, streams, terms
from extractors.sections import Block, assemble, build_sections
from tests.extractors.test_extract_rewrites import _texts
from tests.extractors.test_extract_rewrites_layout import _LABEL_SETS, _labelled_now
from tests.support.pdf import load, render, synthetic_policy

#: drug names, codes, status words, the case twins inside them and other non-ASCII text
_WORDS = [
    "ketamine", "KETAMINE", "Ketalar", "spravato", "Spravato", "es-ketamine", "(S)-ketamine", "S0013",
    "J0013", "G2082", "g2083", "J3490", "\u212aetamine", "ketam\u0131ne", "KETAM\u0130NE", "\u017fpravato",
    "Es\u212aetamine", "retired", "ARCHIVED", "superseded", "\u017fuper\u017feded", "retir\u0130ed",
    "replaced by", "no longer active", "No Longer", "caf\u00e9", "\u2013", "\u00e9", "policy", "criteria",
    "Evidence Review", "x", " ", "-", "(", ")", "\n",
]  # fmt: skip


def _made(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    pieces = _WORDS + ["covered", "when", "the", "member", "is", "18", "Effective Date:", "01/02/2026"]
    return [" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(n)]


def _drugs_regexes(text: str) -> tuple[str, ...]:
    """``terms.drugs_in`` without any gate: its three regexes."""
    found = set()
    if terms.ESKETAMINE_RE.search(text) or terms.TOPIC_CODE_RE.search(text):
        found.add("esketamine")
    if terms.KETAMINE_RE.search(text):
        found.add("ketamine")
    return tuple(d for d in ("ketamine", "esketamine") if d in found)


def test_the_case_twins_are_every_character_a_case_insensitive_ascii_pattern_takes_for_ascii() -> None:
    """Every code point outside ASCII that an ASCII letter, digit or sign matches under ``re.I``."""
    everything = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    found = set()
    for ch in string.ascii_letters + string.digits + string.punctuation + " ":
        found.update(m.group() for m in re.finditer(re.escape(ch), everything, re.I))
    assert found == set(terms.CASE_TWINS)


def test_the_drug_gate_equals_the_drug_regexes_in_any_script() -> None:
    for text in _texts() + _made(1, 3000) + [w + tail for w in _WORDS for tail in ("", "s", ".")]:
        assert terms.drugs_in(text) == _drugs_regexes(text), repr(text)
        if not terms.may_name_drugs(text):
            assert not _drugs_regexes(text), repr(text)


def test_the_status_gate_equals_the_status_regex_in_any_script() -> None:
    for text in _texts() + _made(2, 3000):
        assert status.says_status(text) == bool(status.STATUS_WORDS.search(text)), repr(text)


@pytest.mark.parametrize("seed", range(4))
def test_one_gate_for_all_pieces_says_no_only_when_each_piece_says_no(seed: int) -> None:
    """A joined text the gates pass over holds no piece that names a drug or a status (the passages and
    notices of a whole document are skipped on that)."""
    rng = random.Random(seed)
    made = _made(seed + 10, 3000) + _texts()
    for _ in range(1000):
        pieces = rng.sample(made, rng.randint(0, 6))
        joined = "\n".join(pieces)
        if not terms.may_name_drugs(joined):
            assert not any(_drugs_regexes(p) for p in pieces), pieces
        if not status.may_say_status(joined):
            assert not any(status.STATUS_WORDS.search(p) for p in pieces), pieces


def _documents(seed: int) -> list[tuple[str, list[Block], str | None]]:
    """(text, blocks, title) of generated documents: headings of levels 1-3 among paragraphs, items and
    rows; most name no drug and no status, some do in one block, in the title or in the heading."""
    rng = random.Random(seed)
    plain = [t for t in _texts() if not terms.may_name_drugs(t) and not status.may_say_status(t)]
    spice = _made(seed, 400)
    out = []
    for _ in range(150):
        blocks = [Block("title", rng.choice(plain + spice[:20]), page=0)] if rng.random() < 0.7 else []
        for k in range(rng.randint(0, 30)):
            kind = rng.choice(("heading", "para", "para", "item", "row"))
            text = rng.choice(spice) if rng.random() < 0.05 else rng.choice(plain)
            level = rng.randint(1, 3) if kind == "heading" else 0
            blocks.append(Block(kind, text, level=level, page=k // 6))
        text, kept = assemble(blocks)
        title = rng.choice([None, None, "Ketamine infusion", "Evidence review", "Caf\u00e9 K\u0131tap"])
        out.append((text, kept, title))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_passages_and_notices_equal_their_block_by_block_form(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = _documents(seed)
    now = []
    for text, blocks, title in documents:
        sections = build_sections(blocks, len(text)) if blocks else ()
        now.append(
            (passages.find_passages(text, blocks, sections, title), metadata._notices(blocks, sections))
        )
    monkeypatch.setattr(passages, "may_name_drugs", lambda text: True)
    monkeypatch.setattr(metadata, "may_say_status", lambda text: True)
    for (text, blocks, title), got in zip(documents, now, strict=True):
        sections = build_sections(blocks, len(text)) if blocks else ()
        before = passages.find_passages(text, blocks, sections, title), metadata._notices(blocks, sections)
        assert got == before, (blocks, title)
    assert any(p for p, _ in now) and any(n for _, n in now)  # both gates also let documents through


# -- metadata._labelled near its needles ----------------------------------------------------------------

#: every ``_labelled`` call of ``read_metadata``: (labels, needles)
_CALLS = (
    (r"revision effective", ("revision effective",)),
    (r"(?<!original )(?<!ending )effective|date effective", ("effective",)),
    (r"original effective", ("original effective",)),
    (
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
    ),
    (r"next (?:annual )?review|review due|scheduled review", ("review",)),
)


def test_the_calls_are_read_metadatas_and_their_labels_are_shorter_than_the_reach() -> None:
    import inspect

    source = inspect.getsource(metadata.read_metadata)
    assert source.count("_labelled(") == len(_CALLS) + 1  # "original effective" is asked twice
    for labels, needles in _CALLS:
        assert labels in source.replace('"\n        r"', "").replace('"\n            r"', "")
        assert labels in _LABEL_SETS
        width = re._parser.parse(labels).getwidth()  # type: ignore[attr-defined]
        assert width[1] + 1 < metadata.LABEL_REACH, labels
        for alternative in re.sub(r"\(\?<![^)]*\)", "", labels).split("|"):
            assert any(n in alternative.replace("(?:ed)?", "") for n in needles), alternative


def test_a_labelled_date_near_the_needles_is_the_one_the_whole_search_finds() -> None:
    """The labels, their needles without a label ("Evidence Review", "Published studies"), dates of every
    form, separators and other words, in random order and at every distance: the same date as the
    search of the whole text."""
    pieces = [
        "Effective Date", "effective", "Original Effective Date:", "Revision effective", "Last Reviewed",
        "last review", "Date of Last Review", "Published", "Next Annual Review", "review due", "Revised",
        "ending effective", "Updated", "Issued", "Release", "01/02/2026", "Jan 5, 2026", "2026-03-04",
        "on", "date", ":", "|", "(", ")", "-", ".", " ", "\n", "\n\n", "x", "Policy", "\t",
        "Evidence Review Part 3", "Published studies of", "the comparator therapies enrolled adults",
        "scheduled", "next", "annual", "revision", "original", "posted", "publication",
    ]  # fmt: skip
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(4000)]
    texts += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(1000)]
    texts += [line for line in _texts() if re.search(r"\d", line)]
    for text in texts:
        for labels, needles in _CALLS:
            before = _labelled_now(text, labels)
            want = metadata.parse_date(before) if before else None
            assert metadata._labelled(text, labels, needles) == want, (text, labels)


# -- streams: the dictionary read in place, one Flate level counted at once --------------------------------


def _streams_before(data: bytes) -> list[tuple[int, int, list[bytes]]]:
    """``streams._streams`` before #17's layfast: each stream's 4 KiB before it copied, then cut."""
    out, pos = [], 0
    while (m := streams._STREAM.search(data, pos)) is not None:
        start = m.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        pos = end
        head = data[max(0, m.start() - 4096) : m.start()]
        obj = head.rfind(b" obj")
        head = head[obj:] if obj >= 0 else head
        filters = streams._FILTER.findall(head)
        if filters and not streams._IMAGE.search(head):
            out.append((start, end, filters))
    return out


def _bound_before(data: bytes, limit: int) -> bool:
    """Whether ``refuse_bombs`` before #17's layfast went on to inflate (its bound passed ``limit``)."""
    bound = 0
    for start, end, filters in _streams_before(data):
        wrappers = 0
        while wrappers < len(filters) and filters[wrappers] in streams._ASCII:
            wrappers += 1
        levels = min(sum(f in (b"FlateDecode", b"Fl") for f in filters[wrappers:]), 4)
        size = (end - start) * 4**wrappers
        for _ in range(levels):
            size *= streams.FLATE_RATIO
            bound += size
        if bound > limit:
            return True
    return False


def _soups(seed: int) -> list[bytes]:
    """Byte soups of stream keywords, dictionaries, filter names (chains, wrappers, short names, images),
    object headers near and far, and binary filler."""
    rng = random.Random(seed)
    pieces = [
        b"stream\n", b"stream\r\n", b"endstream", b"\nendstream", b" obj", b"4 0 obj", b"<< /Length 9",
        b"/Filter /FlateDecode", b"/Filter [/FlateDecode /FlateDecode]", b"/Fl", b"/FlateDecodeX",
        b"/ASCII85Decode", b"/A85", b"/AHx", b"/ASCIIHexDecode", b"/Subtype /Image", b"/Subtype/Image",
        b" >>\n", b"x" * 50, b"\x00\xff" * 30, b"z" * 3000, b"/", b"\r",
    ]  # fmt: skip
    return [b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(1500)]


def test_streams_and_their_bound_equal_their_copying_form(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _soups(3) + [render(synthetic_policy(6, ())), render(load("uhc-spravato.yaml"), "typeset")]
    inflated: list[bytes] = []
    monkeypatch.setattr(streams, "check_inflation", lambda data, limit: inflated.append(data))
    for data in files:
        assert list(streams._streams(data)) == _streams_before(data), data
        for limit in (0, 5_000, 200_000, 10**7, streams.MAX_INFLATED):
            inflated.clear()
            streams.refuse_bombs(data, limit)
            assert bool(inflated) == _bound_before(data, limit), (data, limit)


# -- normalize: the noise gate's words and the printed-on words spelled out --------------------------------


def _may_hold_noise_before(lines: list[str]) -> list[bool]:
    """``normalize.may_hold_noise`` before #17's layfast: each noise word looked for in the whole page."""
    read = normalize._residues(lines, normalize._PLAIN)
    if read is None:
        return [True] * len(lines)
    blob, left = read
    low = blob.lower()
    if any(w in low for w in normalize._NOISE_WORDS):
        return [
            bool(rest) or any(w in line for w in normalize._NOISE_WORDS)
            for rest, line in zip(left, low.split(b"\n"), strict=True)
        ]
    return [bool(rest) for rest in left]


@pytest.mark.parametrize("seed", range(4))
def test_the_noise_gate_and_the_printed_words_equal_their_generator_forms(seed: int) -> None:
    rng = random.Random(seed)
    words = ["right", "Rights", "copy", "copyright", "rights reserved", "RIGHTS RESERVED", "proprietary",
             "Proprietary", "bright", "printed", "Generated", "viewed", "report date", "x", "1", "(",
             "\u00e9"]  # fmt: skip
    texts = _texts() + [" ".join(rng.choice(words) for _ in range(rng.randint(0, 4))) for _ in range(3000)]
    for text in texts:
        low = text.lower()
        assert normalize._printed_word(low) == any(w in low for w in normalize._PRINTED_WORDS), text
    for _ in range(400):
        page = rng.sample(texts, rng.randint(0, 12))
        assert normalize.may_hold_noise(page) == _may_hold_noise_before(page), page
