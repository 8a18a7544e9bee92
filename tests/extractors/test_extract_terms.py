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
