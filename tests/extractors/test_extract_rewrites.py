"""Speed rewrites of issue #17 give what the code they replaced gave.

``passages.Rounds`` keeps the PDF reader's last passages for ``extract``; ``status.says_status``
gates ``status.STATUS_WORDS`` by substrings; ``streams.refuse_bombs``: test_extract_streams.py;
``scope.bare`` once stripped numbering and the tail with one regex (a ``[\\s:.]+$`` branch tried at every
space); ``needles.predicate`` stands for ``needles.holds``' tree walk; ``pdfhandles.held`` lets the glyph
reader reuse the line reader's document; ``terms.drugs_in`` gates its regexes by plain substring tests;
``layout._body_size`` weighs sizes in a dict, not a ``Counter``; ``normalize.strip_noise`` tries
each pattern only where its words occur; ``pdfglyphs._rows`` asks a line's text object once. Each is
compared with its reference here, on generated strings and on the wordings the facts tables hold (the
facts themselves: test_facts_precheck.py and the fast==full tests).
"""

from __future__ import annotations

import ctypes
import math
import random
import re
from collections import Counter

import yaml

from extractors import layout, normalize, pdfglyphs, pdfhandles, pdfium, status, terms
from extractors.facts import needles, precheck
from extractors.facts import scope as S
from extractors.layout import Line, is_bold
from extractors.passages import Rounds, find_passages
from extractors.pdf import read_pdf
from extractors.sections import assemble, build_sections
from tests.support import pdftext_reference as ref
from tests.support.pdf import (
    FILES,
    FONT_KINDS,
    _filler,
    load,
    mixed_policy,
    render,
    rewrite,
    synthetic_policy,
)

#: scope.bare's one-regex form before #17
_STRIP = re.compile(
    r"^\s*(?:[-•]\s*)?(?:(?:\d+(?:\s?\.\s?\d+)+(?:\s?\.)?\s+|(?:\d+(?:\s?\.\s?\d+)*|[IVXivx]+|[A-Za-z])\s?[.)])\s*)*"
    r"|[\s:.]+$"
)
_PIECES = [
    "1",
    "2",
    "10",
    ".",
    " ",
    ":",
    ")",
    "(",
    "-",
    "•",
    "I",
    "V",
    "x",
    "a",
    "B",
    "\n",
    "\xa0",
    "\t",
    "ab",
]


def _texts() -> list[str]:
    """Every string of the shape and wording tables, and the benchmark's filler paragraphs."""
    out: list[str] = [_filler(page, k) for page in range(13) for k in range(4)]

    def walk(value) -> None:
        if isinstance(value, str):
            out.extend(line for line in value.split("\n") if line.strip())
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for name in ("facts.yaml", "rules.yaml", "wordings.yaml"):
        walk(yaml.safe_load((FILES / "shapes" / name).read_text(encoding="utf-8")))
    return out


def test_bare_equals_the_one_regex_form() -> None:
    rng = random.Random(17)
    made = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    for text in made + _texts() + ["V. REFERENCES:", "2.1. Criteria .", " . : ", "", "I.  Policy:\n\n"]:
        assert S.bare(text) == _STRIP.sub("", text).strip(), repr(text)


def test_predicate_equals_holds_for_every_trigger() -> None:
    checks = [t.check for t in precheck.triggers() if t.check is not None]
    assert checks
    for text in _texts():
        low = needles.fold(text)
        for check in checks:
            assert needles.predicate(check)(low) == needles.holds(check, low), (check, text)


def test_held_document_is_reused_and_released() -> None:
    data = render(synthetic_policy(2, (1,)))
    with pdfhandles.held(data, lambda: None) as doc:
        with pdfhandles.document(data, lambda: None) as again:
            assert again is doc and doc
        assert not pdfhandles._LOCK.acquire(blocking=False)  # still held for the outer reading
    assert pdfhandles._LOCK.acquire(blocking=False)  # released with it
    pdfhandles._LOCK.release()
    with pdfhandles.document(data, lambda: None) as fresh:  # outside: a document of its own
        assert fresh


def test_status_gate_equals_the_status_regex() -> None:
    words = [
        "Retired",
        "ARCHIVED",
        "superseded",
        "version was replaced",
        "No Longer Active",
        "no longer",
        "in effect",
        "replaced",
        "replaced by",
        "Replaced  with",
        "no longer in use",
        "NO LONGER EFFECTIVE",
        "Re-tired",
        "retir\u0130ed",
        "\u017fuper\u017feded",
        "ſ",
        "policy",
    ]
    rng = random.Random(17)
    made = [" ".join(rng.choice(words + _PIECES) for _ in range(rng.randint(0, 6))) for _ in range(5000)]
    # every needle at once (the gate must not skip a paragraph for naming them all)
    every = "This policy was retired, archived, superseded and replaced by MP-512; it is no longer active."
    for text in [every, every.upper(), *made, *_texts()]:
        assert status.says_status(text) == bool(status.STATUS_WORDS.search(text)), repr(text)


def test_the_last_rounds_reading_is_extracts_own() -> None:
    """``passages.Rounds`` hands ``extract`` the final round's text, sections and passages: the same as
    assembling the PDF reader's blocks and reading them again, title included."""
    data = render(synthetic_policy(8, (1, 5), drug_section_at=3))
    rounds = Rounds()
    read = read_pdf(data, passage_pages=rounds)
    settled = rounds.reading(read.blocks)
    assert settled is not None and rounds.reading(list(read.blocks)) is None
    title = next(b.text for b in read.blocks if b.kind == "title")
    text, blocks = assemble(read.blocks)
    sections = build_sections(blocks, len(text))
    assert settled == (text, blocks, sections, find_passages(text, blocks, sections, title))
    assert settled[3] and Rounds().reading(read.blocks) is None


def test_pages_naming_a_needle_stay_open_for_the_glyph_reader() -> None:
    """Inside ``held`` the line reader leaves the text pages that name a needle open (at most
    ``pdfhandles.KEEP``); the glyph reader reads them as it reads freshly loaded ones."""
    data = render(synthetic_policy(12, (1, 5, 6, 7, 8, 9, 10, 11, 3)))
    outside = pdfglyphs.glyph_lines(data, set(range(12)), check=lambda: None)
    with pdfhandles.held(data, lambda: None) as doc:
        reading = pdfium.read_pages(data, check=lambda: None, max_pages=20)
        assert reading is not None and reading.hits == {1, 3, 5, 6, 7, 8, 9, 10, 11}
        kept = pdfhandles._kept(doc)
        assert kept is not None and sorted(kept) == [1, 3, 5, 6, 7, 8, 9, 10][: pdfhandles.KEEP]
        assert pdfglyphs.glyph_lines(data, set(range(12)), check=lambda: None) == outside
        assert pdfhandles._kept(doc) is kept and len(kept) == pdfhandles.KEEP  # still open, not loaded again
    assert pdfhandles._kept(doc) is None
    assert pdfium.read_pages(data, check=lambda: None, max_pages=20) is not None  # nothing kept outside


def test_the_status_gate_has_a_needle_for_every_status_word() -> None:
    """Each top-level alternative of ``status.STATUS_WORDS`` holds one of the gate's substrings: a status
    word added there without one here would be skipped by ``status.says_status``."""
    alternatives, depth, current = [], 0, ""
    for ch in status.STATUS_WORDS.pattern:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "|" and depth == 0:
            alternatives.append(current)
            current = ""
        else:
            current += ch
    alternatives.append(current)
    assert len(alternatives) >= 5
    for alternative in alternatives:
        assert any(n in alternative.lower() for n in status._NEEDLES), alternative


def test_the_drug_gate_equals_the_drug_regexes() -> None:
    """``terms.drugs_in`` skips its regexes for ASCII text holding none of the needles and codes, spelled
    out as plain ``in`` tests: the same answer as the regexes on every wording, with each needle and code
    put at the start, middle and end in upper and lower case."""
    texts = _texts()
    for word in (*terms._ASCII_NEEDLES, *terms.DRUG_CODES, "es-ketamine", "S-Ketamine", "(S)-ketamine"):
        for w in (word, word.upper(), word.capitalize()):
            texts += [w, f"{w} is named.", f"The drug {w}.", f"x{w}y", f"about {w}"]
    for text in texts:
        found = set()
        if terms.ESKETAMINE_RE.search(text) or terms.TOPIC_CODE_RE.search(text):
            found.add("esketamine")
        if terms.KETAMINE_RE.search(text):
            found.add("ketamine")
        assert terms.drugs_in(text) == tuple(d for d in ("ketamine", "esketamine") if d in found), text
    assert all("0013" in code or "G208" in code for code in terms.DRUG_CODES)


def test_body_size_is_the_first_size_of_the_largest_weight() -> None:
    """``layout._body_size`` weighs sizes in a plain dict: the size ``Counter.most_common(1)`` picked,
    ties to the first size seen included."""
    rng = random.Random(5)
    for _ in range(300):
        lines = [
            Line(
                0,
                "x" * rng.randint(1, 60),
                700.0,
                72.0,
                rng.choice((8.0, 9.5, 10.0, 12.0)),
                False,
                rng.random() < 0.2,
            )
            for _ in range(rng.randint(0, 12))
        ]
        weights: Counter[float] = Counter()
        for ln in lines:
            if not ln.row:
                weights[ln.size] += len(ln.text)
        if sum(weights.values()) < 200:
            for ln in lines:
                if ln.row:
                    weights[ln.size] += len(ln.text)
        assert layout._body_size(lines) == (weights.most_common(1)[0][0] if weights else 10.0)


def _strip_noise_before(line: str) -> str:
    """``normalize.strip_noise`` before its ASCII patterns were gated by their words (#17)."""
    if line.isascii():
        if not normalize._MAYBE_NOISE_ASCII.search(line):
            low = line.lower()
            if "copyright" not in low and "rights reserved" not in low and "proprietary" not in low:
                return line
    elif not normalize._MAYBE_NOISE.search(line):
        return line
    if normalize._COPYRIGHT.search(line):
        return ""
    line = normalize._PRINTED.sub(" ", line)
    line = normalize._PAGE_OF.sub(" ", line)
    return normalize._WS.sub(" ", line).strip(" |")


def test_strip_noise_equals_its_ungated_form() -> None:
    """Every wording of the tables, the benchmark's lines, and random lines built from the patterns' own
    words, digits, dates, spaces and separators give what the ungated patterns gave."""
    words = [
        "Page", "page", "of", "/", "3", "12", "60", "2026", "-", " ", "  ", "\t", "\x1c", "|", "(c)", "(C)",
        "©", "Copyright", "All Rights Reserved", "rights reserved", "Proprietary information of", "Inc.",
        "Printed on", "printed", "Generated:", "Report Date:", "print date", "viewed", "accessed at",
        "01/02/2026", "Jan 5, 2026", "10:30 AM EST", "Evidence", "Review", "Part", "\n", "Part 2", ":",
    ]  # fmt: skip
    rng = random.Random(11)
    lines = _texts() + [
        ln for page in range(60) for ln in (f"Evidence Review Part {page}", f"Page {page} of 60")
    ]
    lines += [
        "".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randint(1, 7)))
        for _ in range(4000)
    ]
    for line in lines:
        assert normalize.strip_noise(line) == _strip_noise_before(line), repr(line)


def _rows_before(tp, text: str, fonts: dict) -> dict:
    """``pdfglyphs._rows`` before it asked a line's text object once (#17): once a glyph."""
    x, y = ctypes.c_double(), ctypes.c_double()
    box, m = pdfhandles.raw.FS_RECTF(), pdfhandles.raw.FS_MATRIX()
    name, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    px, py, pbox, pm, pname, pflags = map(ctypes.addressof, (x, y, box, m, name, flags))
    page = pdfhandles.address(tp)
    styles: dict = {}
    rows: dict = {}
    for k, ch in enumerate(text):
        if ch in ref._MAYBE_GENERATED:
            if ref._IS_GENERATED(page, k) or ch in "\r\n":
                continue
            if ch != " ":
                ch = "-"
        obj = ref._TEXT_OBJECT(page, k)
        if obj not in styles:
            ref._CHAR_MATRIX(page, k, pm)
            size = ref._FONT_SIZE(page, k) * math.sqrt(abs(m.a * m.d - m.b * m.c))
            ref._FONT_INFO(page, k, pname, 128, pflags)
            styles[obj] = (size, round(size, 2), is_bold(name.value.decode("latin-1")))
        ref._CHAR_ORIGIN(page, k, px, py)
        ref._LOOSE_BOX(page, k, pbox)
        rows.setdefault(round(y.value, 1), []).append((x.value, box.right, *styles[obj], ch))
    return rows


def test_glyph_rows_equal_asking_every_glyph_for_its_text_object() -> None:
    """A line whose first and last glyphs share a text object takes the rest of its glyphs as that
    object's: the rows equal those of asking each glyph, in every font kind and rewrite (ghostscript
    splits lines into several objects) and on a mixed policy (tables, bullets, bold headings)."""
    src = synthetic_policy(3, (1,))
    files = [render(src, font=font) for font in FONT_KINDS] + [rewrite(render(src, font="ttf"), "gs")]
    files += [render(mixed_policy(3, (2,)), font="type1"), render(load("uhc-spravato.yaml"), font="cid")]
    for data in files:
        with pdfhandles.document(data, lambda: None) as doc:
            for i in range(pdfhandles.raw.FPDF_GetPageCount(doc)):
                with pdfhandles.text_page(doc, i) as loaded:
                    assert loaded is not None
                    _, tp, text = loaded
                    assert pdfglyphs._rows(tp, text, {}) == _rows_before(tp, text, {})
