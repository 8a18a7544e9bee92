"""A drug-naming sentence reworded in a descriptive section (differ/background.py), bullet by bullet.

Background, Description and Overview stay out of the topic scope, but the payer's own sentence about the
drug in them is a ketamine/esketamine passage: rewording, adding or removing it is a ``wording`` bullet
that quotes both sentences and points at them in both versions. Sentences that do not name a drug, or
that only moved, say nothing.
"""

from __future__ import annotations

import pytest

from differ.background import background_bullets
from tests.support.differ import nested, policy

RATIONALE = ("Coverage Rationale", ["Spravato is proven for treatment-resistant depression."])
NOTE = "Depression affects many adults."
SAID = "Spravato was approved in 2019."
SAID_AGAIN = "Spravato was first approved in 2019."


def _version(*background: str, heading: str = "Background", title: str = "Spravato"):
    return policy([RATIONALE, (heading, list(background))], title=title)


def _evidence(ep, sentence: str) -> dict:
    start = ep.text.index(sentence)
    return {"start": start, "end": start + len(sentence), "page": 1, "text": sentence}


def test_a_reworded_drug_sentence_is_one_wording_bullet_quoting_both():
    old, new = _version(f"{NOTE} {SAID}"), _version(f"{NOTE} {SAID_AGAIN}")  # a sentence after another
    assert background_bullets(old, new) == [
        {
            "text": f"Esketamine (Background): “{SAID}” → “{SAID_AGAIN}”",
            "drug": "esketamine",
            "indication": None,
            "field": "wording",
            "old": SAID,
            "new": SAID_AGAIN,
            # the evidence starts at the sentence, not at the space after the sentence before it
            "evidence": {"old": _evidence(old, SAID), "new": _evidence(new, SAID_AGAIN)},
        }
    ]


def test_a_drug_sentence_added_or_removed():
    old, new = _version(NOTE), _version(NOTE, SAID)
    (added,) = background_bullets(old, new)
    assert added["text"] == f"Esketamine (Background): added “{SAID}”"
    assert (added["old"], added["new"]) == (None, SAID)
    assert added["evidence"] == {"old": None, "new": _evidence(new, SAID)}
    (removed,) = background_bullets(new, old)
    assert removed["text"] == f"Esketamine (Background): removed “{SAID}”"
    assert (removed["old"], removed["new"]) == (SAID, None)
    assert removed["evidence"] == {"old": _evidence(new, SAID), "new": None}


def test_a_sentence_naming_both_drugs_is_plain_wording_without_a_drug():
    old = _version("Ketamine and Spravato are related.")
    new = _version("Ketamine and Spravato are closely related.")
    (b,) = background_bullets(old, new)
    assert b["drug"] is None
    was, now = "Ketamine and Spravato are related.", "Ketamine and Spravato are closely related."
    assert b["text"] == f"Wording (Background): “{was}” → “{now}”"


def test_ketamine_reads_as_iv_ketamine():
    (b,) = background_bullets(
        _version("Ketamine is an anesthetic."), _version("Ketamine is an old anesthetic.")
    )
    assert b["drug"] == "ketamine" and b["text"].startswith("IV ketamine (Background): ")


def test_the_first_sentence_that_went_and_the_first_that_came_are_quoted():
    old = _version("Spravato is a nasal spray.", SAID)
    new = _version("Spravato is a nasal spray given in a clinic.", SAID_AGAIN)
    (b,) = background_bullets(old, new)
    assert (b["old"], b["new"]) == (
        "Spravato is a nasal spray.",
        "Spravato is a nasal spray given in a clinic.",
    )


def test_a_long_sentence_is_quoted_short():
    long_old = "Spravato " + "is given under watch " * 10 + "in a certified clinic."
    long_new = long_old.replace("certified", "REMS-certified")
    (b,) = background_bullets(_version(long_old), _version(long_new))
    quoted = b["text"].removeprefix("Esketamine (Background): “").split("” → “")
    assert [len(q.rstrip("”")) for q in quoted] == [160, 160] and quoted[0].endswith("…")
    assert (b["old"], b["new"]) == (long_old, long_new)  # the bullet's values stay whole


def test_the_section_named_is_the_new_sentence_s_else_the_old_one_s():
    old = policy([RATIONALE, ("Background", [SAID]), ("Description", [NOTE])], title="Spravato")
    new = policy([RATIONALE, ("Background", [NOTE]), ("Description", [SAID_AGAIN])], title="Spravato")
    (b,) = background_bullets(old, new)
    assert b["text"].startswith("Esketamine (Description): ")
    (gone,) = background_bullets(old, _version(NOTE))
    assert gone["text"].startswith("Esketamine (Background): removed")


@pytest.mark.parametrize(
    "heading", ["Background", "General Background", "description:", " Overview ", "BACKGROUND"]
)
def test_descriptive_headings(heading):
    assert (
        len(background_bullets(_version(SAID, heading=heading), _version(SAID_AGAIN, heading=heading))) == 1
    )


@pytest.mark.parametrize(
    "heading", ["Background Checks", "Clinical Evidence", "References", "Coverage Rationale"]
)
def test_other_headings_are_not_read_here(heading):
    assert background_bullets(_version(SAID, heading=heading), _version(SAID_AGAIN, heading=heading)) == []


def test_a_background_inside_the_revision_history_is_not_read():
    def version(sentence):
        return nested([RATIONALE, ("Revision History", [("Background", [sentence])])], title="Spravato")

    assert background_bullets(version(SAID), version(SAID_AGAIN)) == []
    # the same outline under another heading is read
    assert (
        len(
            background_bullets(
                nested([("Notes", [("Background", [SAID])])]),
                nested([("Notes", [("Background", [SAID_AGAIN])])]),
            )
        )
        == 1
    )


def test_sentences_without_a_drug_or_that_only_moved_say_nothing():
    assert background_bullets(_version(NOTE, SAID), _version("Many adults have depression.", SAID)) == []
    assert (
        background_bullets(
            _version(NOTE, SAID, "Spravato is a spray."), _version("Spravato is a spray.", SAID, NOTE)
        )
        == []
    )
    # whitespace and case are formatting, not wording
    assert background_bullets(_version(SAID), _version("SPRAVATO  was approved in 2019.")) == []


def test_a_sentence_said_twice_then_once_is_a_removal():
    """The counts differ although each sentence is on both sides: one copy went (this raised an
    AssertionError in the differ before: no sentence had gone or come)."""
    old, new = _version(SAID, SAID), _version(SAID)
    (b,) = background_bullets(old, new)
    assert b["text"] == f"Esketamine (Background): removed “{SAID}”"
    assert (b["old"], b["new"]) == (SAID, None)
    (b,) = background_bullets(new, old)
    assert b["text"] == f"Esketamine (Background): added “{SAID}”"
    # a sentence that went entirely is quoted before a copy of one said less often
    (b,) = background_bullets(_version(SAID, SAID, SAID_AGAIN), _version(SAID))
    assert b["old"] == SAID_AGAIN


def test_comparing_versions_with_a_repeated_sentence_dropped_is_a_wording_change():
    from differ import compare

    (change,) = compare(_version(NOTE, SAID, SAID), _version(NOTE, SAID)).changes
    assert change.kind == "wording" and [b["old"] for b in change.bullets] == [SAID]
