"""Unit tests for the pure normalization helpers and the small vocabularies."""

from __future__ import annotations

import pytest

import extractors
from extractors import normalize
from extractors.facts import criteria_of, position_of, sentences
from extractors.terms import codes_in, drugs_in, indications_in


@pytest.mark.parametrize(
    "raw, want",
    [
        ("e\ufb00ective \ufb01rst", "effective first"),  # ligatures
        ("medi\u00adcally", "medically"),  # soft hyphen
        ("a\u00a0b \t c\u200b", "a b c"),
        ("\u201cquoted\u201d \u2018x\u2019", "\"quoted\" 'x'"),
        ("MADRS \u2265 28", "MADRS >= 28"),
        ("\uff33\uff50\uff52\uff41\uff56\uff41\uff54\uff4f", "Spravato"),  # full-width
    ],
)
def test_clean(raw: str, want: str) -> None:
    assert normalize.clean(raw) == want


@pytest.mark.parametrize("glyph", ["\u2022", "\u25aa", "\u25e6", "-", "*", "\u25cf", "\uf0b7", "o"])
def test_bullets_become_one_form(glyph: str) -> None:
    assert normalize.bullet(f"{glyph} Patient is 18 years of age") == (True, "- Patient is 18 years of age")


def test_numbered_items_keep_their_number() -> None:
    assert normalize.bullet("1. Patient is an adult") == (False, "1. Patient is an adult")
    assert normalize.NUMBERED.match("1. Patient is an adult")
    assert normalize.NUMBERED.match("b) second criterion")


@pytest.mark.parametrize(
    "line, want",
    [
        ("Page 3 of 12", ""),
        ("12", ""),
        ("Spravato (Esketamine) Page 3 of 12", "Spravato (Esketamine)"),
        ("Printed on 11/02/2026", ""),
        ("Generated: March 3, 2026 10:41 AM", ""),
        ("Policy text Printed on 11/02/2026 at 10:41", "Policy text"),
        ("\u00a9 2026 United HealthCare Services, Inc.", ""),
        ("Proprietary Information of UnitedHealthcare. Copyright 2026 United HealthCare Services, Inc.", ""),
        ("Esketamine is covered for adults.", "Esketamine is covered for adults."),
    ],
)
def test_strip_noise(line: str, want: str) -> None:
    assert normalize.strip_noise(line) == want


def test_running_lines_need_most_pages() -> None:
    pages = [["Header Policy", f"Body {i}", "more body", f"Page {i} of 4"] for i in range(1, 5)]
    pages[2].insert(1, "Unique heading")
    running = normalize.running_lines(pages)
    assert normalize.mask("Page 1 of 4") in running and normalize.mask("Header Policy") in running
    assert normalize.mask("Unique heading") not in running


def test_join_lines_rejoins_wraps_and_hyphenation() -> None:
    assert normalize.join_lines(["This is medi-", "cally necessary"]) == "This is medically necessary"
    assert (
        normalize.join_lines(["for treatment-", "resistant depression"])
        == "for treatment-resistant depression"
    )
    assert normalize.join_lines(["one", "two  ", "", "three"]) == "one two three"


def test_terms() -> None:
    assert drugs_in("Spravato nasal spray") == ("esketamine",)
    assert drugs_in("IV ketamine (Ketalar)") == ("ketamine",)
    assert drugs_in("billed with J0013") == ("esketamine",)
    assert drugs_in("J3490 unclassified drug") == ()  # J3490 needs a drug name next to it
    assert codes_in("S0013 then J0013; G2082") == ("G2082", "J0013", "S0013")
    assert indications_in("treatment-resistant depression") == ("trd",)
    assert set(indications_in("major depressive disorder with acute suicidal ideation or behavior")) == {
        "mdsi"
    }
    assert indications_in("all other indications") == ("other",)


@pytest.mark.parametrize(
    "sentence, want",
    [
        (
            "Spravato is proven and medically necessary when ALL of the following criteria are met:",
            "covered_with_criteria",
        ),
        (
            "Ketamine is experimental and investigational for the following indications:",
            "experimental_investigational",
        ),
        ("IV ketamine is INVESTIGATIVE and, therefore, NOT COVERED.", "experimental_investigational"),
        ("Esketamine is unproven and not medically necessary for bipolar depression.", "unproven"),
        ("Ketamine is not medically necessary for chronic pain.", "not_medically_necessary"),
        ("Esketamine is not a covered benefit for PTSD.", "not_covered"),
        ("Esketamine is a covered benefit.", "covered"),
        ("Ketamine is addressed in a separate policy; refer to the policy on infusions.", None),
    ],
)
def test_positions(sentence: str, want: str | None) -> None:
    assert position_of(sentence) == want


def test_criteria_phrasings() -> None:
    got = dict(
        criteria_of(
            "Failure of at least three (3) antidepressants from two different classes, each for "
            "at least 6 weeks",
            "initial",
        )
    )
    assert (
        got["failed_antidepressants"] == "3"
        and got["trial_weeks"] == "6"
        and got["antidepressant_classes"] == "2"
    )
    assert dict(criteria_of("Reauthorization is approved for 1 year", "initial")) == {
        "approval_continuation": "12 months"
    }
    assert dict(criteria_of("Baseline HAM-D17 score of 17 or more and PHQ-9 >= 15", "initial")) == {
        "hamd_min": "17",
        "phq9_min": "15",
    }


def test_sentences_skip_abbreviations() -> None:
    text = "2. Approved by the U.S. FDA in 2019. See e.g. the label."
    assert [text[a:b] for a, b in sentences(text)] == [
        "2. Approved by the U.S. FDA in 2019.",
        "See e.g. the label.",
    ]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a value ends its sentence: "… a minimum age of 21. Spravato remains …" is two sentences
        (
            "Previous criteria: a minimum age of 21. Spravato remains covered.",
            ["Previous criteria: a minimum age of 21.", "Spravato remains covered."],
        ),
        ("Section 3. The plan covers it.", ["Section 3.", "The plan covers it."]),
        # an inline list number does not: after a colon, a semicolon, "AND" / "or", a full stop or the start
        ("Covered when all are met: 1. The member is 18. 2. Two failed.", None),
        ("Criteria are met; AND 2. The member is 18.", None),
        ("TRD or b. MDSI with suicidal ideation.", None),
        ("1. The member is 18.", None),
    ],
)
def test_sentences_end_at_a_value_not_at_an_inline_list_number(text: str, want: list[str] | None) -> None:
    assert [text[a:b] for a, b in sentences(text)] == (want or [text])


def test_html_ligature_and_soft_hyphen_do_not_change_text() -> None:
    page = b"<html><body><main><h1>Ketamine</h1><p>%s</p></main></body></html>"
    a = page % b"Ketamine is e\xef\xac\x80ective for no indi\xc2\xadcation."
    b = page % b"Ketamine is effective for no indication."
    assert extractors.extract(a).text == extractors.extract(b).text


@pytest.mark.parametrize(
    "head, want",
    [
        ("Policy Number: 2026D0069P", "2026D0069P"),
        ("Community Plan policy CSTX2026D0069B", "CSTX2026D0069B"),
        ("Number: 0938", "0938"),
        ("Medical Policy 5.01.16", "5.01.16"),
        ("Coverage Policy Number: IP 0123", "IP 0123"),
        ("Article ID\nA59250", "A59250"),
    ],
)
def test_policy_numbers(head: str, want: str) -> None:
    from extractors.metadata import policy_number

    assert policy_number(head, None) == want


def test_labelled_dates_with_leaders_and_month_year() -> None:
    import datetime as dt

    from extractors.metadata import _labelled

    assert _labelled("Effective Date ........ 1/1/2026", "effective") == dt.date(2026, 1, 1)
    assert _labelled("Last Review Date: 11/2025", "last review") == dt.date(2025, 11, 1)


# What a reader would call the same text: each row below kills a mutant of the first mutation run
# (docs/mutation.md, extractors/normalize.py).


@pytest.mark.parametrize(
    "raw, want",
    [
        ("(cid:127) Patient is an adult", "\u2022 Patient is an adult"),  # a Symbol-font bullet
        ("(cid:127)Patient is an adult", "\u2022 Patient is an adult"),  # ... even with no space after
        ("(cid:3) Patient is an adult", "\u2022 Patient is an adult"),  # any glyph + space at the start
        ("medi(cid:12)cally necessary", "medically necessary"),  # inside a line: no text to keep
        ("one  two", "one two"),
        ("one\ttwo\nthree", "one two three"),
        ("  one two  ", "one two"),
    ],
)
def test_clean_unmapped_glyphs_and_spacing(raw: str, want: str) -> None:
    assert normalize.clean(raw) == want


@pytest.mark.parametrize("line", ["- ", "\u2022   ", "*"])
def test_a_bullet_with_nothing_after_it_is_no_item(line: str) -> None:
    assert normalize.bullet(line) == (False, line)


@pytest.mark.parametrize(
    "line, want",
    [
        # boilerplate with no digit to pre-select it: each gate word on its own
        ("Copyright Acme Health Plans, Inc.", ""),
        ("All rights reserved.", ""),
        ("Confidential and proprietary", ""),
        ("\u00a9 Acme Health, Inc.", ""),  # non-ASCII
        # a footer's separator goes with its page number; what else the line says stays whole
        ("Spravato | Page 3 of 12", "Spravato"),
        ("Page 4 | Appendix IX", "Appendix IX"),
        ("Esketamine \u2013 covered | Page 2", "Esketamine \u2013 covered"),
        ("Esketamine (Spravato) is covered.", "Esketamine (Spravato) is covered."),
        ("Ketamine \u2013 not covered", "Ketamine \u2013 not covered"),
    ],
)
def test_strip_noise_boilerplate_and_footers(line: str, want: str) -> None:
    assert normalize.strip_noise(line) == want


def _pages(
    count: int, on: set[int], line: str = "Acme Health Medical Policy", at: int = 0
) -> list[list[str]]:
    """``count`` pages of twelve distinct body lines; ``line`` replaces line ``at`` on the pages ``on``."""
    pages = []
    for i in range(count):
        page = [f"paragraph {chr(97 + i)}{chr(97 + k)} of the policy" for k in range(12)]
        if i in on:
            page[at] = line
        pages.append(page)
    return pages


@pytest.mark.parametrize(
    "count, on, running",
    [
        (1, {0}, False),  # one page: nothing to compare with
        (2, {0, 1}, True),
        (3, {0, 1, 2}, True),
        (3, {0, 1}, False),  # up to three pages: on every page
        (4, {0, 1, 2}, True),  # longer: on half the pages, and at least three
        (4, {0, 1}, False),
        (8, {0, 2, 4, 6}, True),
        (8, {0, 2, 4}, False),
        (9, {0, 2, 4, 6, 8}, True),
        (9, {0, 2, 4, 6}, False),
    ],
)
def test_running_lines_recur_on_most_pages(count: int, on: set[int], running: bool) -> None:
    header = normalize.mask("Acme Health Medical Policy")
    assert (header in normalize.running_lines(_pages(count, on))) is running


@pytest.mark.parametrize(
    "at, running", [(0, True), (4, True), (5, False), (6, False), (-6, False), (-5, True)]
)
def test_running_lines_come_from_the_page_edges(at: int, running: bool) -> None:
    """A sentence repeated in the middle of every page is body text, not a header or footer."""
    pages = _pages(4, {0, 1, 2, 3}, "See the criteria below.", at)
    assert (normalize.mask("See the criteria below.") in normalize.running_lines(pages)) is running


def test_bare_numbers_at_page_edges_are_not_running_lines() -> None:
    """A code table that runs over pages starts each page with a bare code: those rows are text."""
    pages = [[f"{90867 + i}", f"paragraph {chr(97 + i)} of the policy", "Acme Health"] for i in range(4)]
    assert normalize.running_lines(pages) == {normalize.mask("Acme Health")}


@pytest.mark.parametrize(
    "lines, want",
    [
        (["This is medi-", "cally necessary"], "This is medically necessary"),
        (["for treatment-", "resistant depression"], "for treatment-resistant depression"),
        (["dosing by low-", "eGFR category"], "dosing by low-eGFR category"),  # the next line starts lower
        (["Ketamine-", "Assisted Therapy"], "Ketamine- Assisted Therapy"),  # a capital: not a word break
        (["a dash -", "then text"], "a dash - then text"),
        (["one", "two  ", "", "three"], "one two three"),
        (["dose:\t56 mg"], "dose: 56 mg"),
        (["dose:  56 mg"], "dose: 56 mg"),
        (["caf\u00e9\tau lait"], "caf\u00e9 au lait"),
        (["", "  "], ""),  # a paragraph of blank lines
        (["caf\u00e9  au lait"], "caf\u00e9 au lait"),
    ],
)
def test_join_lines(lines: list[str], want: str) -> None:
    assert normalize.join_lines(lines) == want


@pytest.mark.parametrize(
    "lines, elsewhere, want",
    [
        (["a preg-", "nancy test"], "no pregnancy", "a pregnancy test"),  # the document's own word
        (["ketamine-", "assisted therapy"], "ketamine-assisted care", "ketamine-assisted therapy"),
        (["over-", "all response"], "overall, and all", "overall response"),  # even after a compound head
        (["follow-", "up visits"], "follow-up, followup", "follow-up visits"),  # both written: the hyphen
        (["non-", "preferred drugs"], "preferred", "non-preferred drugs"),  # a compound head + a word
        (["non-", "formulary agents"], "off-formulary use", "non-formulary agents"),  # ... part of one
        (["some-", "times repeated"], "three times", "sometimes repeated"),  # no compound head: joined
        (["treat-", "ment"], "", "treatment"),  # no evidence: a break
        (["a re-", "view"], "", "a review"),  # a compound head before no word of the document
    ],
)
def test_line_end_hyphens_decided_by_the_document(lines: list[str], elsewhere: str, want: str) -> None:
    texts = [normalize.join_lines(lines, mark=True), elsewhere]
    assert normalize.resolve_line_hyphens(texts) == [want, elsewhere]


def test_a_break_before_a_letter_outside_ascii_leaves_no_mark() -> None:
    (text,) = normalize.resolve_line_hyphens(
        [normalize.join_lines(["pour le bien-", "\u00eatre"], mark=True)]
    )
    assert text in ("pour le bien\u00eatre", "pour le bien-\u00eatre")


def test_text_without_line_end_hyphens_is_left_alone() -> None:
    texts = ["self-administered", "treat- ment"]
    assert normalize.resolve_line_hyphens(texts) == texts
