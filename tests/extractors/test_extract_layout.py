"""PDF lines → blocks (``extractors/layout.py``): what text of a PDF is compared, and how it is cut.

Both PDF readers emit ``Line`` records (page, text, baseline, x, font size, boldness), so these tests
build the lines a page would give and check the blocks — the document's text, line by line — without
rendering a PDF for each rule. A running header, a "printed on" footer or a small-print page number let
into the text changes on every re-print (a false alert); a drug sentence taken for a header, or a heading
read as a paragraph, loses or misplaces a passage (a missed one). Running headers and small print:
test_extract_furniture.py.
"""

from __future__ import annotations

import pytest

from extractors.layout import Line, group_pieces, is_bold, lines_to_blocks
from tests.support.lines import FILL, LONG, P1, P2, Q1, Q2, SHORT, body, ln, read, texts

# -- fonts and pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("font", "bold"),
    [
        ("ABCDEF+Arial-BoldMT", True),
        ("Helvetica-BOLD", True),
        ("SourceSansPro-Semibold", True),
        ("Roboto-Black", True),
        ("Futura-Heavy", True),
        ("AvenirNext-DemiBold", True),
        ("ABCDEF+Arial-ItalicMT", False),
        ("Times-Roman", False),
    ],
)
def test_a_font_is_bold_when_its_name_says_so(font, bold):
    assert is_bold(font) is bold


def test_pieces_on_one_baseline_are_one_line_left_to_right():
    pieces = [
        (700.04, 200.0, 10.0, False, "considered investigational."),
        (720.0, 72.0, 14.0, True, "Coverage Rationale"),
        (699.98, 72.0, 10.0, False, "Ketamine is"),
        (680.0, 72.0, 10.0, False, "   "),
        (700.0, 130.0, 11.0, False, ""),
        (660.0, 90.0, 9.0, True, "Note:"),
        (660.0, 72.0, 9.0, False, " "),
        (660.0, 120.0, 8.0, True, "see below"),
        # 0.3 pt apart: two lines (a superscript's baseline is its own line)
        (640.3, 72.0, 10.0, False, "upper"),
        (640.0, 72.0, 10.0, False, "lower"),
        # pieces at one x keep the content stream's order
        (620.0, 72.0, 10.0, False, "stream-first"),
        (620.0, 72.0, 9.0, False, "stream-second"),
    ]
    assert group_pieces(pieces, 3) == [
        Line(page=3, text="Coverage Rationale", baseline=720.0, x=72.0, size=14.0, bold=True),
        Line(
            page=3,
            text="Ketamine is  considered investigational.",
            baseline=700.0,
            x=72.0,
            size=11.0,
            bold=False,
        ),
        Line(page=3, text="  Note: see below", baseline=660.0, x=72.0, size=9.0, bold=True),
        Line(page=3, text="upper", baseline=640.3, x=72.0, size=10.0, bold=False),
        Line(page=3, text="lower", baseline=640.0, x=72.0, size=10.0, bold=False),
        Line(page=3, text="stream-first stream-second", baseline=620.0, x=72.0, size=10.0, bold=False),
    ]


# -- headings, the title and their levels --------------------------------------------------------------


def test_headings_by_size_boldness_and_vocabulary_and_the_title_on_the_first_page():
    page = [
        ln("Ketamine Infusion Therapy", 740, size=16),
        ln("Coverage Rationale", 712, size=14),
        ln(P1, 690),
        ln(P2, 676),
        ln("Adult Criteria", 650, size=12, bold=True),
        ln(Q1, 630),
        ln(Q2, 616),
        ln("Dosing notes", 590, bold=True),
        ln(FILL, 570),
        ln("Background", 545),
        ln("Ketamine is an anesthetic agent approved decades ago.", 525),
    ]
    assert read(page) == [
        ("title", 0, "Ketamine Infusion Therapy"),
        ("heading", 1, "Coverage Rationale"),
        ("para", 0, f"{P1} {P2}"),
        ("heading", 2, "Adult Criteria"),
        ("para", 0, f"{Q1} {Q2}"),
        ("heading", 3, "Dosing notes"),
        ("para", 0, FILL),
        ("heading", 1, "Background"),
        ("para", 0, "Ketamine is an anesthetic agent approved decades ago."),
    ]


@pytest.mark.parametrize(("size", "kind"), [(13.0, "title"), (12.9, "heading")])
def test_the_title_is_set_at_least_three_points_above_the_body(size, kind):
    page = [ln("Ketamine Infusion Therapy", 740, size=size), *body(0, [P1, P2, Q1, Q2, FILL])]
    assert read(page)[0] == (kind, 0 if kind == "title" else 1, "Ketamine Infusion Therapy")


def test_only_the_first_page_has_a_title():
    first = [ln("Ketamine Infusion Therapy", 740, size=16), *body(0, [P1, P2])]
    second = [ln("Ketamine Infusion Therapy", 740, 1, size=16), *body(1, [Q1, Q2])]
    assert read(first, second) == [
        ("title", 0, "Ketamine Infusion Therapy"),
        ("para", 0, f"{P1} {P2}"),
        ("heading", 1, "Ketamine Infusion Therapy"),
        ("para", 0, f"{Q1} {Q2}"),
    ]


def test_a_first_page_without_text_gives_no_title():
    """A scanned cover page: the large line on page 2 is a heading, not the title."""
    second = [ln("Ketamine Infusion Therapy", 740, 1, size=16), *body(1, [P1, P2, Q1, Q2])]
    assert read([], second)[0] == ("heading", 1, "Ketamine Infusion Therapy")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (ln("Adult Criteria", 700, bold=True), "heading"),
        (ln("dosing and limits", 700, bold=True), "heading"),
        (ln("Adult Criteria", 700, size=11), "heading"),
        (ln("Adult Criteria", 700, size=10.9), "para"),
        (ln("Coverage Policy:", 700), "heading"),
        (ln("coverage policy", 700), "heading"),
        (ln("Coverage policy terms", 700), "para"),
        (ln("2026", 700, bold=True), "para"),
        (ln("Adult criteria.", 700, bold=True), "para"),
        (ln("Adult criteria,", 700, size=12), "para"),
        (ln("Adult criteria;", 700, bold=True), "para"),
        (ln("• Adult criteria", 700, bold=True), "item"),
        (ln("1. Adult criteria", 700, size=12), "item"),
        (ln("Adult Criteria", 700, size=14, row=True), "row"),
        (ln("A" * 150, 700, bold=True), "heading"),
        (ln("A" * 151, 700, size=14), "para"),
    ],
)
def test_what_makes_a_heading(line, kind):
    assert read([line, *body(0, [P1, P2, Q1, Q2, FILL])])[0][0] == kind


def test_heading_lines_of_one_size_close_together_are_one_heading():
    page = [
        ln("Ketamine and Esketamine", 740, size=16),
        ln("Infusion Therapy", 717, size=16),  # 23 pt below: within 1.45 lines of 16 pt
        ln("Coverage Criteria for Intravenous", 690, size=14),
        ln("Ketamine Infusions", 670, size=14),  # 20 pt below: within 1.45 lines of 14 pt
        ln("Initial Approval", 640, size=14),  # 30 pt below: a new heading
        ln("Continued Approval", 620, size=12),  # another size: a new heading
        *body(0, [P1, P2, Q1, Q2]),
        ln("Renewal", 520, size=12),
    ]
    assert read(page, [ln("Limits", 740, 1, size=12), *body(1, [FILL])]) == [
        ("title", 0, "Ketamine and Esketamine Infusion Therapy"),
        ("heading", 1, "Coverage Criteria for Intravenous Ketamine Infusions"),
        ("heading", 1, "Initial Approval"),
        ("heading", 2, "Continued Approval"),
        ("para", 0, f"{P1} {P2} {Q1} {Q2}"),
        ("heading", 2, "Renewal"),
        ("heading", 2, "Limits"),  # the next page: never the same heading as the last one
        ("para", 0, FILL),
    ]


@pytest.mark.parametrize(
    ("gap", "headings"),
    [(29.0, ["Coverage Criteria Ketamine Infusions"]), (29.5, ["Coverage Criteria", "Ketamine Infusions"])],
)
def test_heading_lines_further_apart_are_two_headings(gap, headings):
    page = [
        ln("Ketamine", 760, size=24),
        ln("Coverage Criteria", 700, size=20),
        ln("Ketamine Infusions", 700 - gap, size=20),
    ]
    assert texts([*page, *body(0, [P1, P2, Q1, Q2], top=560)])[1:-1] == headings


def test_a_vocabulary_heading_at_body_size_is_top_level_unless_bold():
    page = [
        ln("Ketamine", 760, size=16),
        ln("Coverage Rationale", 740, size=14),
        ln("Adult Criteria", 720, size=12),
        ln("Overview", 700),
        ln("Definitions", 680, bold=True),
        *body(0, [P1, P2, Q1, Q2]),
    ]
    assert read(page)[1:5] == [
        ("heading", 1, "Coverage Rationale"),
        ("heading", 2, "Adult Criteria"),
        ("heading", 1, "Overview"),
        ("heading", 3, "Definitions"),
    ]


def test_a_heading_one_point_above_the_body_has_a_level_of_its_own():
    page = [
        ln("Ketamine", 760, size=16),
        ln("Coverage Rationale", 740, size=14),
        ln("Adult Criteria", 720, size=11),
        ln("Dosing notes", 700, bold=True),
        ln("Background", 680, size=11),
        *body(0, [P1, P2, Q1, Q2], top=600),
    ]
    assert read(page)[1:5] == [
        ("heading", 1, "Coverage Rationale"),
        ("heading", 2, "Adult Criteria"),
        ("heading", 3, "Dosing notes"),
        ("heading", 2, "Background"),  # its size, not its name, places it
    ]


def test_a_title_line_is_not_merged_into_a_heading_below_it():
    page = [ln("Ketamine Policy", 740, size=16), ln("Ketamine Policy", 720, size=14), *body(0, [P1, P2])]
    assert read(page)[:2] == [("title", 0, "Ketamine Policy"), ("heading", 1, "Ketamine Policy")]


# -- paragraphs, list items and rows -------------------------------------------------------------------


@pytest.mark.parametrize(("gap", "paragraphs"), [(14.5, 1), (14.6, 2), (20.0, 2)])
def test_a_wider_gap_than_one_and_a_half_lines_starts_a_paragraph(gap, paragraphs):
    page = [ln(P1, 700), ln(P2, 700 - gap), *body(0, [Q1, Q2, FILL], top=600)]
    assert len(read(page)) == paragraphs + 1


def test_the_gap_is_measured_in_the_larger_of_two_sizes():
    """17 pt is more than 1.45 lines of 10 pt but not of 12 pt (a line ending on a comma is no heading)."""
    page = [ln(Q1 + ",", 700, size=12), ln(Q2, 683), *body(0, [P1, P2, FILL, FILL], top=600)]
    assert texts(page)[0] == f"{Q1}, {Q2}"
    page = [ln(Q1, 700), ln(Q2, 683, size=12), *body(0, [P1, P2, FILL, FILL], top=600)]
    assert texts(page)[0] == f"{Q1} {Q2}"


def test_list_items_and_their_wrapped_lines():
    page = [
        ln("Esketamine is medically necessary when all of the following are met:", 700),
        ln("• The member is 18 years of age or older and has major", 686),
        ln("depressive disorder without psychotic features;", 672, x=84),
        ln("1. two antidepressant trials have failed at an adequate", 658),
        ln("dose and duration;", 644, x=84),
        ln("o it is given with an oral antidepressant and", 630),
        ln("psychotherapy.", 623, x=73.5),
        ln("The plan may ask for the prescriber's notes.", 616, x=73),
        ln("Reviews take up to fourteen days.", 602, x=73),
        *body(0, [FILL, P1, P2], top=560),
    ]
    assert texts(page) == [
        "Esketamine is medically necessary when all of the following are met:",
        "- The member is 18 years of age or older and has major depressive disorder"
        " without psychotic features;",
        "1. two antidepressant trials have failed at an adequate dose and duration;",
        "- it is given with an oral antidepressant and psychotherapy.",
        "The plan may ask for the prescriber's notes. Reviews take up to fourteen days.",
        f"{FILL} {P1} {P2}",
    ]
    assert [k for k, _, _ in read(page)] == ["para", "item", "item", "item", "para", "para"]


def test_a_line_less_indented_than_its_item_ends_it():
    page = [
        ln("• The member is 18 years of age or older and has major", 686, x=90),
        ln("depressive disorder (wrapped 1.5 pt to the right);", 672, x=91.5),
        ln("reviews take up to fourteen days.", 658, x=91),
        ln("Requests are answered in writing.", 644, x=91.5),
        *body(0, [FILL, P1, P2], top=560),
    ]
    assert texts(page)[:2] == [
        "- The member is 18 years of age or older and has major depressive disorder"
        " (wrapped 1.5 pt to the right);",
        "reviews take up to fourteen days. Requests are answered in writing.",
    ]


def test_table_rows_stand_alone_and_end_a_paragraph():
    page = [
        ln(P1, 700),
        ln("J0013 | Esketamine, 1 mg", 686, size=9, bold=True, row=True),
        ln("Page 2 | printed on 01/02/2026", 672, size=9, row=True),
        ln(P2, 658),
        *body(0, [Q1, Q2, FILL], top=600),
    ]
    assert read(page)[:4] == [
        ("para", 0, P1),
        ("row", 0, "J0013 | Esketamine, 1 mg"),
        ("row", 0, "Page 2 | printed on 01/02/2026"),  # a cell is the table's text: not cleaned as noise
        ("para", 0, P2),
    ]


def test_a_word_hyphenated_at_a_line_end_is_joined_as_the_document_writes_it():
    page = body(0, ["Esketamine is not covered during preg-", "nancy or for treatment-", "resistant cases."])
    page += body(0, ["Pregnancy and treatment-resistant depression are defined below."], top=500)
    assert texts(page)[0] == "Esketamine is not covered during pregnancy or for treatment-resistant cases."


def test_every_block_knows_its_pages():
    first = [
        ln("Ketamine Infusion Therapy", 740, size=16),
        ln("Coverage Rationale", 712, size=14),
        *body(0, [P1, P2], top=690),
        ln("J0013 | 1 mg", 640, row=True),
        *body(0, [LONG, "program rules that apply to each of the"], top=620),
    ]
    second = [
        *body(1, ["treatment sessions."], top=700),
        ln("Limits", 680, 1, size=14),
        ln("J0013 | 2 mg", 660, 1, row=True),
    ]
    assert [(b.kind, b.pages) for b in lines_to_blocks([first, second])] == [
        ("title", (0, 0)),
        ("heading", (0, 0)),
        ("para", (0, 0)),
        ("row", (0, 0)),
        ("para", (0, 1)),
        ("heading", (1, 1)),
        ("row", (1, 1)),
    ]


def test_a_line_end_hyphen_is_settled_by_the_whole_document():
    """Not by a fixed list of compound heads: "drug-specific" is written with its hyphen elsewhere, and
    "nonsmoker" without one (though "non" usually keeps its hyphen)."""
    page = body(0, ["Dosing follows the drug-", "specific label of each product for the non-", "smoker."])
    page += body(0, ["Each drug-specific limit is listed below for a nonsmoker."], top=500)
    assert texts(page)[0] == "Dosing follows the drug-specific label of each product for the nonsmoker."


# -- across a page break -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "next_line", "paragraphs"),
    [
        ("program rules that apply to each of the", "treatment sessions.", 1),  # no sentence end
        (SHORT, "The member is observed for two hours.", 2),
        (SHORT, "the member is observed for two hours.", 1),  # a lower-case start continues
        (SHORT.replace(".", ":"), "The member is observed for two hours.", 2),
        (SHORT.replace(".", ";"), "The member is observed for two hours.", 2),
        (SHORT.replace(".", '."'), "The member is observed for two hours.", 2),
        (SHORT, "(see the table below for the observation period.)", 2),  # only a lower-case letter continues
        (SHORT + " x", "The member is observed for two hours.", 1),
        # a last line as long as the paragraph's others (0.85 of 57 = 48.45) was wrapped at a full stop
        # that may well not end the paragraph
        ("direct supervision of a clinician who is on site.", "The member is observed.", 1),
        ("direct supervision of a clinician who is onsite.", "The member is observed.", 2),
    ],
)
def test_a_paragraph_continues_over_a_page_break_unless_it_closed_a_short_sentence(
    last, next_line, paragraphs
):
    first = [*body(0, [FILL], top=700), *body(0, [LONG, last], top=600)]
    second = body(1, [next_line], top=700)
    blocks = lines_to_blocks([first, second])
    assert len(blocks) == 1 + paragraphs
    assert blocks[1].pages == ((0, 1) if paragraphs == 1 else (0, 0))
    assert blocks[-1].text.endswith(next_line)


@pytest.mark.parametrize(("last", "paragraphs"), [("y" * 33 + ".", 1), ("y" * 32 + ".", 2)])
def test_a_last_line_of_at_least_0_85_of_the_longest_other_line_was_wrapped(last, paragraphs):
    """The longest of the *other* lines (40 characters; an indented first line is shorter): 0.85 × 40 = 34."""
    first = [*body(0, [FILL], top=700), *body(0, ["x" * 20, "x" * 40, last], top=600)]
    second = body(1, ["The member is observed for two hours."], top=700)
    assert len(read(first, second)) == 1 + paragraphs


@pytest.mark.parametrize(("length", "paragraphs"), [(56, 2), (57, 1)])
def test_a_one_line_paragraph_at_a_page_end_is_short_against_the_documents_full_lines(length, paragraphs):
    """Full lines are the 90th percentile of body lines (here 66 characters): 0.85 of that is 56.1.
    Headings are not body lines, however long."""
    headings = [ln("H" * 100, 760 - 14 * k, bold=True) for k in range(3)]
    lines = ["x" * 66] * 9 + ["y" * 20]
    first = [*headings, *body(0, lines, top=700, step=30), ln("Z" * (length - 1) + ".", 300)]
    second = body(1, ["The member is observed for two hours."], top=700)
    assert len(read(first, second)) == 1 + len(lines) + paragraphs


def test_an_item_continues_over_a_page_break_only_in_lower_case():
    first = [*body(0, [FILL], top=700), ln("• The member has tried two", 600)]
    lower = body(1, ["antidepressants."], top=700)
    upper = body(1, ["Antidepressants."], top=700)
    indented = body(1, ["Antidepressants."], top=700, x=73.5)
    level = body(1, ["Antidepressants."], top=700, x=73)
    aside = body(1, ["(see the list of classes)"], top=700)
    assert texts(first, lower)[1:] == ["- The member has tried two antidepressants."]
    assert texts(first, upper)[1:] == ["- The member has tried two", "Antidepressants."]
    assert texts(first, level)[1:] == ["- The member has tried two", "Antidepressants."]
    assert texts(first, aside)[1:] == ["- The member has tried two", "(see the list of classes)"]
    # indented past the bullet: the item's own wrapped line, whatever its case
    assert texts(first, indented)[1:] == ["- The member has tried two Antidepressants."]
