"""The shared topic vocabulary (extractors/terms.py), sections and passage selection, one rule per case.

Every stage asks these helpers what "mentions ketamine" means; a wrong answer here puts an off-topic
block in a passage (a false alert later) or drops an on-topic one (a missed change).
"""

from __future__ import annotations

import pytest

from extractors.terms import codes_in, drugs_in, indications_in, is_topic


@pytest.mark.parametrize(
    ("text", "drugs"),
    [
        ("Ketamine infusions are unproven.", ("ketamine",)),
        ("KETALAR (ketamine hydrochloride) injection", ("ketamine",)),
        ("Spravato nasal spray", ("esketamine",)),
        ("es-ketamine and esketamine", ("esketamine",)),
        ("(S)-ketamine is the S-enantiomer", ("esketamine",)),
        ("Bill S0013 per 1 mg", ("esketamine",)),
        ("HCPCS J0013 replaces the S code", ("esketamine",)),
        ("G2082 and G2083 cover observation", ("esketamine",)),
        ("Ketamine and Spravato are addressed separately.", ("ketamine", "esketamine")),
        ("Esketamine, unlike ketamine, is FDA-approved.", ("ketamine", "esketamine")),
        ("Unlisted drug J3490 only", ()),
        ("Transcranial magnetic stimulation", ()),
        ("arketamine is not a listed drug", ()),
        ("Ésketamine à domicile: SPRAVATO", ("esketamine",)),
        ("La kétamine n'est pas couverte; KETAMINE est citée", ("ketamine",)),
    ],
)
def test_which_drugs_a_block_names(text, drugs):
    assert drugs_in(text) == drugs
    assert is_topic(text) is bool(drugs)


def test_codes_are_listed_once_in_order():
    assert codes_in("J3490, S0013 and again S0013; F32.2 and R45.851") == (
        "F32.2",
        "J3490",
        "R45.851",
        "S0013",
    )
    assert codes_in("no billing codes here") == ()


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("treatment-resistant depression (TRD)", {"trd"}),
        ("major depressive disorder with acute suicidal ideation or behavior", {"mdsi"}),
    ],
)
def test_indications_named(text, wanted):
    assert wanted <= set(indications_in(text))


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        # a generic use named only inside a specific phrase is not a second use ...
        ("treatment-resistant depression", ("trd",)),
        ("chronic neuropathic pain", ("neuropathic_pain",)),
        ("chronic neuropathic pain and complex regional pain syndrome", ("crps", "neuropathic_pain")),
        (
            "treatment-resistant depression, major depressive disorder with suicidal ideation, "
            "and bipolar depression",
            ("trd", "mdsi", "bipolar_depression"),
        ),
        # ... but named on its own as well, it is
        ("depression; also treatment-resistant depression", ("trd", "depression")),
        ("chronic pain, including neuropathic pain", ("neuropathic_pain", "chronic_pain")),
        ("chronic pain syndromes such as CRPS", ("crps", "chronic_pain")),
    ],
)
def test_a_generic_use_inside_a_specific_phrase_is_not_a_second_use(text, wanted):
    assert indications_in(text) == wanted


# -- sections: the tree every passage, fact and change is placed in ---------------------------------------


def test_an_empty_block_is_skipped_and_the_blocks_after_it_kept():
    from extractors.sections import Block, assemble

    text, kept = assemble([Block("para", "A"), Block("para", ""), Block("para", "B")])
    assert text == "A\nB" and [b.text for b in kept] == ["A", "B"] and kept[1].start == 2


def test_a_section_ends_on_the_page_of_its_own_last_block():
    from extractors.sections import Block, assemble, build_sections

    blocks = [
        Block("heading", "Policy", level=1, page=1),
        Block("para", "Ketamine is unproven.", page=1, page_last=2),
        Block("heading", "Background", level=1, page=3),
        Block("para", "History.", page=3),
        Block("para", "More history.", page=4, page_last=5),
    ]
    text, kept = assemble(blocks)
    policy, background = build_sections(kept, len(text))
    assert (policy.page_start, policy.page_end) == (1, 2)
    assert (background.page_start, background.page_end) == (3, 5)
    assert policy.end == kept[2].start - 1 and background.end == len(text)


def test_the_innermost_enclosing_section_is_the_shortest_of_a_level():
    from extractors.model import Section
    from extractors.sections import enclosing

    outer = Section("Policy", ("Policy",), 1, 0, 100)
    inner = Section("Criteria", ("Criteria",), 1, 60, 95)
    sub = Section("Initial", ("Criteria", "Initial"), 2, 70, 90)
    assert enclosing((outer, inner, sub), 72, 80) == [sub, inner, outer]
    assert enclosing((outer, inner, sub), 10, 20) == [outer]
