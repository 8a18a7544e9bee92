"""Page furniture in PDF lines (``extractors/layout.py``): running headers and footers, small print.

A running header, a "printed on" footer or a small-print page number let into the text changes on every
re-print: a false alert. A policy sentence taken for furniture (a drug sentence repeated at the top of
each page) loses its passage: a missed one. Lines are built by hand (tests/support/lines.py), as in
test_extract_layout.py.
"""

from __future__ import annotations

import pytest

from extractors.layout import Line, furniture, lines_to_blocks, page_body, running_shapes
from tests.support.lines import FILL, LONG, P1, P2, Q1, Q2, SHORT, body, ln, read, texts

HEADER = "Sample Health Plan Medical Policy Manual"
#: body text naming no drug (a recurring line next to a drug sentence would be kept with it)
NOTES = [
    "The plan reviews each request against the criteria in this policy.",
    "Requests are answered in writing within fourteen days of receipt.",
    "A member may appeal a denial by writing to the review unit.",
    "Providers keep the records that support each request for years.",
    "Claims without the required notes are returned unpaid.",
    "The review unit may ask for more records before it decides.",
    "An urgent request is answered within three working days.",
    "Letters name the criteria that were not met, one by one.",
    "Prior approval does not promise payment of a claim.",
    "The member's benefit plan decides what is covered in the end.",
    "Questions go to the number on the back of the member card.",
    "Coverage ends when the member leaves the plan.",
]


def _pages(n: int, *, header: Line | None = None, footer: Line | None = None) -> list[list[Line]]:
    """``n`` pages of four distinct body lines each, with a header and footer (``#``: the page number)."""
    out = []
    for k in range(n):
        page = body(k, NOTES[4 * k : 4 * k + 4], top=700)
        if header:
            page.insert(0, ln(header.text.replace("#", str(k + 1)), 740, k, size=header.size))
        if footer:
            page.append(ln(footer.text.replace("#", str(k + 1)), 40, k, size=footer.size))
        out.append(page)
    return out


def test_a_running_header_and_footer_are_not_text():
    pages = _pages(3, header=ln(HEADER, 0), footer=ln("Effective 01/01/2026 - Revision # - Sample", 0))
    assert " ".join(texts(*pages)) == " ".join(NOTES)


def test_a_header_on_two_of_three_pages_is_text():
    pages = _pages(3, header=ln(HEADER, 0))
    del pages[1][0]
    assert " ".join(texts(*pages)).count(HEADER) == 2


def test_a_heading_set_larger_than_the_body_is_never_running():
    pages = _pages(3, header=ln("Part #", 0, size=11))
    assert running_shapes(pages) == set()
    assert read(*pages)[0] == ("heading", 1, "Part 1")
    pages = _pages(3, header=ln("Part #", 0, size=10.6))
    assert running_shapes(pages) == set()
    assert " ".join(texts(*pages)).count("Part") == 3
    pages = _pages(3, header=ln("Part #", 0, size=10.5))
    assert running_shapes(pages) == {"part #"}
    assert "Part" not in " ".join(texts(*pages))


def test_a_recurring_line_inside_the_page_is_text():
    """Only the first and last five lines of a page can be furniture: of twelve, the sixth and seventh are
    inside (here the header's wording as a line of text), the eighth is among the last five."""
    first = [HEADER, *NOTES[0:4], HEADER, *NOTES[4:9], HEADER]
    second = [HEADER, P1, P2, Q1, Q2, SHORT, LONG, HEADER, *NOTES[9:12], HEADER]
    pages = [body(0, first, top=740), body(1, second, top=740)]
    assert " ".join(texts(*pages)) == " ".join([*first[1:-1], *second[1:7], *second[8:-1]])


def test_a_recurring_drug_sentence_at_body_size_is_policy_text():
    lead = ["Infusions of intravenous", "ketamine are covered for adults when:"]  # the drug in the second
    pages = [[*body(k, lead, top=740), *body(k, NOTES[4 * k : 4 * k + 4], top=700)] for k in range(3)]
    assert " ".join(texts(*pages)).count(" ".join(lead)) == 3


def test_a_recurring_drug_line_set_smaller_than_the_text_stays_furniture():
    """Policy text is set at the body size (10 pt here); a header naming the drug a point smaller, not
    only in small print, is furniture: kept, it drew every page into the passages."""
    pages = _pages(3, header=ln("Spravato Policy | Page #", 0, size=8.5))
    assert "Spravato" not in " ".join(texts(*pages))
    pages = _pages(3, header=ln("Spravato Program Manual", 0, size=9.4))
    assert "Spravato" not in " ".join(texts(*pages))
    pages = _pages(3, header=ln("Spravato Program Manual", 0, size=9.5))
    assert " ".join(texts(*pages)).count("Spravato Program Manual") == 3


def test_furniture_marks_the_lines_the_layout_drops():
    """``furniture`` is the one decision: the PDF fast path asks it which lines are a page's furniture
    (their needles draw no page in), the layout drops exactly those. A header naming the drug a point
    smaller than the text is marked; a recurring drug sentence at the body size is not."""
    pages = _pages(3, header=ln("Spravato Program Manual", 0, size=9), footer=ln("Page #", 0, size=8))
    for k, page in enumerate(pages):
        page.insert(1, ln("Spravato is covered for adults when:", 726, k))
    marks = furniture(pages)
    assert marks == [[True, False, False, False, False, False, True]] * 3
    kept = [
        ln.text for page, m in zip(pages, marks, strict=True) for ln, f in zip(page, m, strict=True) if not f
    ]
    assert " ".join(texts(*pages)) == " ".join(kept)


def test_a_recurring_table_row_naming_the_drug_keeps_the_small_print_bound():
    """A table's header row repeated on each page, its cells a point or so smaller than the text, is the
    table's own; only in small print is a recurring row furniture."""
    for size, kept in ((8.6, 3), (8.5, 0)):
        pages = _pages(3)
        for k, page in enumerate(pages):
            page.insert(0, ln("Spravato | Criteria", 740, k, size=size, row=True))
        assert " ".join(texts(*pages)).count("Spravato | Criteria") == kept


def test_a_recurring_drug_line_after_a_line_of_the_page_is_policy_text():
    pages = []
    for k in range(3):
        head = [ln(NOTES[k], 754, k), ln("Spravato coverage summary", 740, k), ln(HEADER, 726, k, size=9.5)]
        pages.append([*head, *body(k, NOTES[4 + 2 * k : 6 + 2 * k], top=700)])
    joined = " ".join(texts(*pages))
    assert joined.count("Spravato coverage summary") == 3 and HEADER not in joined


def test_a_recurring_side_label_in_small_print_stays_furniture():
    """A margin label first in the content stream, set small beside the text: furniture, though it
    names the drug and sits level with the body."""
    pages = [
        [ln("Spravato Policy", 680, k, size=8.5, x=20), *body(k, NOTES[4 * k : 4 * k + 4], top=700)]
        for k in range(3)
    ]
    assert "Spravato" not in " ".join(texts(*pages))


def test_a_run_of_recurring_lines_ends_where_the_size_changes():
    pages = []
    for k in range(3):
        head = [
            ln("Spravato coverage summary", 754, k),
            ln("for adults", 740, k),
            ln(HEADER, 726, k, size=9.5),
        ]
        pages.append([*head, *body(k, NOTES[4 * k : 4 * k + 4], top=700)])
    joined = " ".join(texts(*pages))
    assert joined.count("Spravato coverage summary") == 3 and HEADER not in joined


def test_a_run_of_recurring_lines_ends_at_a_line_that_is_not_recurring():
    pages = []
    for k in range(3):
        head = [ln("Spravato coverage summary", 740, k), ln(NOTES[k], 726, k), ln(HEADER, 712, k)]
        pages.append([*head, *body(k, NOTES[4 + 2 * k : 6 + 2 * k], top=690)])
    joined = " ".join(texts(*pages))
    assert joined.count("Spravato coverage summary") == 3 and HEADER not in joined


def test_a_document_that_is_all_running_lines_keeps_them():
    pages = [body(k, [FILL, "Call the plan to ask about coverage."], top=700) for k in range(2)]
    assert " ".join(texts(*pages)).count("Call the plan to ask about coverage.") == 2


def test_small_print_at_the_page_edges_is_dropped_even_on_one_page():
    page = [
        ln("Member plan document, not for distribution", 760, size=8.5),
        *body(0, [P1, P2], top=700),
        ln("a footnote set small between two body lines", 679, size=8),
        *body(0, [Q1, Q2], top=672),
        ln("Internal reference SAMPLE-77, version four", 30, size=8),
        ln("J0013 | 1 mg", 20, size=8, row=True),
    ]
    assert texts(page) == [f"{P1} {P2} a footnote set small between two body lines {Q1} {Q2}", "J0013 | 1 mg"]


def test_a_footer_at_exactly_the_small_print_bound_is_dropped():
    """The only line in small type sits at 0.85 of the body size, no smaller: the page still has small
    print to drop (the pass that looks for any is skipped only when there is none)."""
    page = [*body(0, [P1, P2], top=700), ln("Internal reference SAMPLE-77, version four", 30, size=8.5)]
    assert texts(page) == [f"{P1} {P2}"]


def test_small_print_is_judged_page_by_page():
    """A footer is below its own page's text, whatever the next page's text reaches down to; a page of
    small print alone (a cover note) leaves the pages after it judged too."""
    cover = [ln("Cover note set in small type.", 700, 0, size=8)]
    first = [*body(1, [P1, P2, Q1, Q2], top=700), ln("Internal reference SAMPLE-77", 600, 1, size=8)]
    second = body(2, [FILL, *NOTES[:12]], top=700)
    joined = " ".join(texts(cover, first, second))
    assert "Cover note" in joined and "SAMPLE-77" not in joined


def test_small_print_level_with_the_top_or_bottom_body_line_stays():
    page = [*body(0, [P1, P2], top=700), ln("Sample note on the same line", 700, size=8, x=400)]
    page += [*body(0, [Q1, Q2], top=600), ln("A side note at the last line", 586, size=8, x=400)]
    joined = " ".join(texts(page))
    assert "Sample note on the same line" in joined and "A side note at the last line" in joined


def test_a_page_of_small_print_alone_is_kept():
    first = body(0, [P1, P2, Q1, Q2, FILL, FILL], top=700)
    second = [ln("Appendix set in small type on a page of its own.", 700, 1, size=8)]
    assert texts(first, second)[-1].endswith("Appendix set in small type on a page of its own.")


def _code_rows() -> list[Line]:
    return [
        ln(f"J00{k:02d} | Sample drug code row number {k} with a description", 500 - 12 * k, size=9, row=True)
        for k in range(20)
    ]


def test_table_cells_set_smaller_do_not_make_the_paragraphs_headings():
    page = [ln("Criteria", 720, size=12), *body(0, [P1, P2, Q1, Q2], top=700), *_code_rows()]
    assert [k for k, _, _ in read(page)][:3] == ["heading", "para", "row"]


def test_a_table_only_document_measures_the_body_in_its_cells():
    note = "A note in the body size, too short to set the body size on its own, ends on a full stop."
    page = [ln("Applicable codes for this sample policy", 720, size=10), ln(note, 700), *_code_rows()]
    assert read(page)[0] == ("heading", 1, "Applicable codes for this sample policy")


@pytest.mark.parametrize(("chars", "kind"), [(200, "para"), (199, "title")])
def test_text_outside_tables_sets_the_body_size_from_200_characters(chars, kind):
    """Under 200 characters of it, the table cells count too: 9 pt rows make 12 pt text a title."""
    lines = ["w" * 50, "w" * 50, "w" * 50, "w" * (chars - 150)]
    page = [*body(0, lines, top=720, size=12), *_code_rows()]
    assert read(page)[0][0] == kind


def test_page_numbers_and_printed_on_stamps_are_cut_from_a_line():
    stamps = ["Printed on 12/01/2026", "Page 3 of 9", "© 2026 Sample Health Plan. All rights reserved."]
    assert texts(body(0, [P1, P2, *stamps])) == [f"{P1} {P2}"]


def test_no_lines_no_blocks():
    assert lines_to_blocks([]) == [] and lines_to_blocks([[], []]) == []


def test_the_layout_takes_the_running_shapes_and_body_size_its_caller_found():
    """``pdf.read_pdf`` finds the shapes once, on the lines as read, and names the furniture by them: the
    layout must drop by the same shapes, and by the ones it is given."""

    def pages() -> list[list[Line]]:  # fresh lines each time: the layout cleans their text in place
        return _pages(3, header=ln(HEADER, 0), footer=ln("Page # of 3", 0))

    size = page_body(pages())
    shapes = running_shapes(pages(), size)
    assert size == 10 and len(shapes) == 2
    given = [(b.kind, b.text) for b in lines_to_blocks(pages(), shapes, size)]
    assert given == [(b.kind, b.text) for b in lines_to_blocks(pages())]
    assert HEADER not in " ".join(t for _, t in given)
    assert HEADER in " ".join(b.text for b in lines_to_blocks(pages(), set(), size))
