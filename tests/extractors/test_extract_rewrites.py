"""Speed rewrites of issue #17 give what the code they replaced gave.

``metadata._says_status`` gates ``status.STATUS_WORDS`` by substrings;
``scope.bare`` once stripped numbering and the tail with one regex (a ``[\\s:.]+$`` branch tried at every
space); ``needles.predicate`` stands for ``needles.holds``' tree walk; ``pdfium.held`` lets the glyph
reader reuse the line reader's document. Each is compared with its reference here, on generated strings
and on the wordings the facts tables hold (the facts themselves: test_facts_precheck.py and the
fast==full tests).
"""

from __future__ import annotations

import random
import re

import yaml

from extractors import metadata, pdfium, status
from extractors.facts import needles, precheck
from extractors.facts import scope as S
from tests.support.pdf import FILES, _filler, render, synthetic_policy

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
    with pdfium.held(data, lambda: None) as doc:
        with pdfium.document(data, lambda: None) as again:
            assert again is doc and doc
        assert not pdfium._LOCK.acquire(blocking=False)  # still held for the outer reading
    assert pdfium._LOCK.acquire(blocking=False)  # released with it
    pdfium._LOCK.release()
    with pdfium.document(data, lambda: None) as fresh:  # outside: a document of its own
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
        "Re-tired",
        "retir\u0130ed",
        "\u017fuper\u017feded",
        "ſ",
        "policy",
    ]
    rng = random.Random(17)
    made = [" ".join(rng.choice(words + _PIECES) for _ in range(rng.randint(0, 6))) for _ in range(5000)]
    for text in made + _texts():
        assert metadata._says_status(text) == bool(status.STATUS_WORDS.search(text)), repr(text)
