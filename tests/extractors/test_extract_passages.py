"""Passage selection (extractors/passages.py) on hand-built blocks, one rule per test.

A passage is the differ's unit of comparison: a passage that grows by one off-topic paragraph, or loses
the criteria list under its drug heading, shows up as a wording change nobody made. So each test states
the exact passages a small document yields (text, section, pages, drugs, codes), not just their number.
"""

from __future__ import annotations

from extractors.passages import (
    MAX_COVERAGE_SECTION,
    MAX_SECTION,
    document_drugs,
    find_passages,
    passage_pages,
)
from extractors.sections import Block, assemble, build_sections


def _find(*blocks: Block, title: str | None = None):
    text, kept = assemble(list(blocks))
    return find_passages(text, kept, build_sections(kept, len(text)), title)


def _texts(passages) -> list[str]:
    return [p.text for p in passages]


def _filler(length: int) -> str:
    """Off-topic words of exactly ``length`` characters (no drug, no code, no colon at the end)."""
    return ("Members keep their records. " * (length // 28 + 1))[: length - 1] + "."


# short names: the tests below read like the block lists they are
def H(text: str, level: int = 1, page: int | None = None) -> Block:
    return Block("heading", text, level=level, page=page)


def P(text: str, page: int | None = None, last: int | None = None) -> Block:
    return Block("para", text, page=page, page_last=last)


def test_an_omnibus_policy_yields_only_its_ketamine_paragraph():
    (p,) = _find(
        H("Policy"),
        P("Acupuncture is unproven for back pain."),
        P("Ketamine infusion is unproven for depression."),
        P("Massage therapy is covered."),
    )
    assert (p.section_path, p.heading, p.text) == (
        ("Policy",),
        "Policy",
        "Ketamine infusion is unproven for depression.",
    )
    assert (p.drugs, p.indications, p.codes) == (("ketamine",), ("depression",), ())
    assert (p.page_start, p.page_end) == (None, None)  # HTML blocks carry no page


def test_a_drug_heading_takes_its_whole_section_even_lines_that_never_name_the_drug():
    blocks = [
        H("Esketamine (Spravato)"),
        P("Covered when all of the following are met:"),
        Block("item", "the member is 18 or older"),
        Block("item", "two antidepressants failed"),
        H("Background"),
        P("Ketamine was first an anesthetic."),
    ]
    first, second = _find(*blocks)
    assert first.text == "\n".join(b.text for b in blocks[:4])
    assert (first.heading, first.section_path, first.drugs) == (
        "Esketamine (Spravato)",
        ("Esketamine (Spravato)",),
        ("esketamine",),
    )
    assert (second.heading, second.text) == ("Background", "Ketamine was first an anesthetic.")


def test_a_drug_section_of_max_section_characters_is_whole_and_one_more_splits_it():
    heading, mention = "Ketamine", "Ketamine is unproven."
    # the section spans the heading, a newline, the mention, a newline and the filler
    filler = _filler(MAX_SECTION - len(heading) - len(mention) - 2)
    intro = [H("Overview"), P("About this policy.")]  # the drug section does not start at offset 0
    (whole,) = _find(*intro, H(heading), P(mention), P(filler))
    assert whole.end - whole.start == MAX_SECTION and whole.text.startswith(heading)
    assert whole.text.endswith(filler) and whole.heading == heading
    # one character more: the heading is skipped, the mention is a passage of its own
    (alone,) = _find(*intro, H(heading), P(mention), P(filler + "x"))
    assert (alone.text, alone.heading) == (mention, heading)


def test_the_innermost_drug_section_is_chosen_under_an_off_topic_one():
    (p,) = _find(
        H("Criteria"),
        P("Prior authorization applies to several drugs."),
        H("Spravato", level=2),
        P("REMS setting required."),
        H("Infliximab", level=2),
        P("Covered."),
    )
    assert p.text == "Spravato\nREMS setting required."
    assert (p.heading, p.section_path) == ("Spravato", ("Criteria", "Spravato"))


def test_a_drug_heading_over_a_long_section_is_not_a_passage_but_its_paragraphs_are():
    (p,) = _find(H("Ketamine"), P(_filler(MAX_SECTION)), P("Ketamine for CRPS is unproven."))
    assert (p.text, p.heading, p.indications) == ("Ketamine for CRPS is unproven.", "Ketamine", ("crps",))


def test_a_paragraph_ending_in_a_colon_takes_the_list_after_it():
    blocks = [
        H("Policy"),
        P("Intro."),
        P("Ketamine is covered when all of the following are met:"),
        Block("item", "age 18 or older"),
        Block("row", "PHQ-9 | 15"),
        H("Note", level=2),  # a deeper heading inside the list: passed over, not taken
        Block("item", "a psychiatrist prescribes"),
        P("Other drugs are not addressed here."),
    ]
    (p,) = _find(*blocks)
    assert p.text == "\n".join(b.text for b in blocks[2:7])
    # the list ends at a heading of the paragraph's own level ...
    blocks[5] = H("Note", level=1)
    (p,) = _find(*blocks)
    assert p.text == "\n".join(b.text for b in blocks[2:5])
    # ... and a paragraph without the colon takes nothing
    blocks[2] = P("Ketamine is covered when all of the following are met.")
    (p,) = _find(*blocks)
    assert p.text == blocks[2].text


def test_a_list_that_ends_in_a_deeper_heading_ends_at_its_last_item():
    (p,) = _find(
        H("Policy"),
        P("Ketamine is covered when:"),
        Block("item", "age 18 or older"),
        H("Note", level=2),
        P("Unrelated text."),
    )
    assert p.text == "Ketamine is covered when:\nage 18 or older"


def test_a_colon_paragraph_before_any_heading_stops_at_the_first_heading():
    """Outside every section no heading is a sub-heading of the paragraph's: the list ends there (it
    used to pass over any heading and take the next section's first list too)."""
    blocks = [
        P("Ketamine is covered when:"),
        Block("item", "age 18 or older"),
        H("Background", level=2),
        Block("item", "an anesthetic since 1970"),
        P("Unrelated text."),
    ]
    (p,) = _find(*blocks)
    assert p.text == "Ketamine is covered when:\nage 18 or older"
    assert (p.heading, p.section_path) == ("", ())


def test_a_mention_after_a_list_that_ran_into_a_sub_heading_is_a_passage_of_that_sub_section():
    first, second = _find(
        H("Policy"),
        P("Ketamine is covered when:"),
        Block("item", "age 18 or older"),
        H("Note", level=2),
        Block("item", "a psychiatrist prescribes"),
        P("Ketamine is given in a clinic."),
    )
    assert (first.heading, first.text.splitlines()[-1]) == ("Policy", "a psychiatrist prescribes")
    assert (second.heading, second.text, second.start) == (
        "Note",
        "Ketamine is given in a clinic.",
        first.end + 1,
    )


def test_rows_of_a_code_table_are_one_passage():
    p, q = _find(
        H("Applicable Codes"),
        P("The codes below are for reference."),
        Block("row", "S0013 | esketamine, 1 mg"),
        Block("row", "J0013 | esketamine, 1 mg"),
        Block("row", "J3490 | unclassified drugs"),  # J3490 alone is no mention: the table splits here
        Block("row", "G2082 | observation up to 56 mg"),
    )
    assert p.text == "S0013 | esketamine, 1 mg\nJ0013 | esketamine, 1 mg"
    assert p.codes == ("J0013", "S0013") and p.drugs == ("esketamine",)
    assert p.section_path == ("Applicable Codes",)
    assert (q.text, q.codes) == ("G2082 | observation up to 56 mg", ("G2082",))


def test_touching_passages_of_two_sections_stay_apart():
    first, second = _find(
        H("Policy"),
        P("Ketamine is unproven."),
        H("Spravato"),
        P("Covered with prior authorization."),
    )
    assert (first.heading, first.text) == ("Policy", "Ketamine is unproven.")
    assert (second.heading, second.text) == ("Spravato", "Spravato\nCovered with prior authorization.")
    assert second.start == first.end + 1


def test_touching_mentions_after_the_last_heading_merge_but_not_across_it():
    first, second = _find(P("Ketamine one."), P("Ketamine two."), H("Ketamine notes"), P("Text."))
    assert (first.text, first.heading, second.heading) == (
        "Ketamine one.\nKetamine two.",
        "",
        "Ketamine notes",
    )


def test_a_title_naming_the_drug_takes_the_top_level_coverage_sections():
    title = Block("title", "Esketamine Nasal Spray")
    (p,) = _find(
        title,
        H("1.2 Coverage Rationale:"),
        P("Covered for treatment-resistant depression with prior authorization."),
        H("Background"),
        P("Depression is common."),
    )
    assert (
        p.text
        == "1.2 Coverage Rationale:\nCovered for treatment-resistant depression with prior authorization."
    )
    assert (p.heading, p.drugs, p.indications) == ("1.2 Coverage Rationale:", ("esketamine",), ("trd",))
    # the same from the page's title, with no title block
    (q,) = _find(
        H("Policy"), P("Covered with prior authorization."), H("Background"), P("History."), title="Spravato"
    )
    assert (q.text, q.drugs) == ("Policy\nCovered with prior authorization.", ("esketamine",))


def test_a_coverage_heading_below_the_top_level_is_not_taken():
    assert _find(Block("title", "Spravato"), H("Overview"), H("Policy", level=2), P("Covered.")) == ()


def test_a_coverage_section_holds_the_paragraph_that_names_the_drug():
    (p,) = _find(
        Block("title", "Spravato"),
        H("Policy"),
        P("Esketamine is covered for TRD."),
        P("Reauthorization after six months."),
        H("References"),
        P("Some paper."),
    )
    assert p.text == "Policy\nEsketamine is covered for TRD.\nReauthorization after six months."


def test_a_coverage_section_of_max_coverage_section_characters_and_one_more():
    filler = _filler(MAX_COVERAGE_SECTION - len("Policy") - 1)
    (p,) = _find(Block("title", "Spravato"), H("Policy"), P(filler), H("Background"), P("History."))
    assert p.end - p.start == MAX_COVERAGE_SECTION and p.drugs == ("esketamine",)
    assert (
        _find(Block("title", "Spravato"), H("Policy"), P(filler + "x"), H("Background"), P("History.")) == ()
    )


def test_a_short_notice_about_the_drug_is_one_passage_but_a_long_one_is_not():
    title = Block("title", "Spravato billing notice")
    first, middle = _filler(3000), "Ketamine is not addressed."
    last = _filler(MAX_COVERAGE_SECTION - 3000 - len(middle) - 2)  # body: three blocks, two newlines
    (p,) = _find(title, P(first), P(middle), P(last))
    assert (p.start, p.end, p.text) == (
        len(title.text) + 1,
        len(title.text) + 1 + MAX_COVERAGE_SECTION,
        "\n".join((first, middle, last)),
    )
    assert (p.heading, p.section_path, p.drugs) == ("", (), ("ketamine",))  # its own words first
    (q,) = _find(title, P(first), P(middle), P(last + "x"))  # too long: the mention alone
    assert (q.text, q.drugs) == (middle, ("ketamine",))
    # a notice with headings goes by its sections instead
    assert _find(title, H("Background"), P(first)) == ()


def test_the_title_block_is_metadata_not_a_passage():
    assert _find(Block("title", "Ketamine infusion"), H("Background"), P("History.")) == ()


def test_document_drugs_are_those_of_the_title_blocks_and_the_page_title():
    blocks = [Block("title", "Spravato"), P("Ketamine is unproven.")]
    assert document_drugs(blocks) == ("esketamine",)
    assert document_drugs(blocks, "Ketamine infusion") == ("ketamine", "esketamine")
    assert document_drugs([P("Ketamine is unproven.")]) == ()


def test_pages_run_from_the_first_block_to_the_last_page_of_the_last_one():
    (p,) = _find(
        H("Ketamine", page=None),  # a heading without a page (a running head re-attached)
        P("Unproven.", page=2),
        P("Still unproven.", page=3, last=5),
        H("Other", page=6),
        P("Text.", page=6),
    )
    assert (p.page_start, p.page_end) == (2, 5)


def test_passage_pages_are_the_pages_the_passages_span_and_the_blocks_stay_as_given():
    blocks = [
        H("Background", page=1),
        P("Text.", page=1),
        H("Spravato", page=2),
        P("Covered.", page=2, last=3),
        H("Dosing", level=2, page=4),  # still the Spravato section
        P("Weekly.", page=4),
        H("References", page=5),
        P("Ketamine in a reference.", page=6, last=7),
    ]
    assert passage_pages(blocks) == {2, 3, 4, 6, 7}
    assert all((b.start, b.end) == (0, 0) for b in blocks)  # copied, not assembled in place
    assert passage_pages([P("Ketamine on a page without a number.")]) == set()
    assert passage_pages([]) == set()
