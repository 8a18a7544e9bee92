"""extractors/facts/relaxed.py: a pattern without anchors and lookarounds matches wherever it does.

The pre-check searches a whole paragraph with the relaxed form once, where the rules search each clause
(precheck.py): a relaxed form that misses a match skips a paragraph a rule fires on; one that matches
everything skips nothing. So each construct is read both ways. test_facts_precheck.py checks the rules'
own patterns on every table wording.
"""

from __future__ import annotations

import re

from extractors.facts.relaxed import relaxed


def test_relaxed_drops_anchors_and_lookarounds_only() -> None:
    assert relaxed(re.compile(r"\b\d+\b(?!\s*mg)")).search("20 mg")
    assert relaxed(re.compile(r"(?<!not )\bcovered$")).search("not covered; for adults")
    assert not relaxed(re.compile(r"^covered$")).search("the claim was denied")
    assert not relaxed(re.compile(r"(?!x)covered(?=\.)")).search("the claim was denied")
    assert relaxed(re.compile(r"(?>\bcovered$)")).search("covered here")
    assert not relaxed(re.compile(r"(?>\bcovered$)")).search("covers here")
    conditional = re.compile(r"(\()?\bcovered\b(?(1)\)$|:$)")
    assert relaxed(conditional).search("(covered) here") and relaxed(conditional).search("covered: here")
    assert not relaxed(conditional).search("covered here")
    assert relaxed(re.compile(r"(\()?\bcovered\b(?(1)\)$)")).search("(covered) here")
    assert relaxed(re.compile(r"^Spravato\b", re.I)).search("is spravato")
    assert relaxed(re.compile(r"medically \s+ necessary  # the stance", re.X)).search(
        "is medically necessary"
    )
