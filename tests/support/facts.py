"""The facts tables' shared reading (tests/extractors/test_facts_shapes.py and test_facts_rules.py).

A case is a short policy snippet wrapped into a minimal HTML page and run through ``extractors.extract``;
its ``facts`` / ``no_facts`` patterns (``drug indication field value``, ``*`` for any) say what it must and
must not yield (``exact: true``: the ``facts`` are all it yields), and every fact must quote the text it was
read from.
"""

from __future__ import annotations

import html

import extractors
from extractors.facts import FIELDS
from extractors.model import DRUGS
from extractors.terms import INDICATIONS

_IND_RANK = {slug: i for i, (slug, _) in enumerate(INDICATIONS)}


def page(case: dict) -> bytes:
    title = html.escape(case["title"])
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><main><h1>{title}</h1>\n{case['html']}</main></body></html>"
    ).encode()


def keys(result) -> list[tuple[str, ...]]:
    out = []
    for f in result.facts:
        sub = getattr(f, "subpopulation", None)
        out.append((f.drug, f.indication, f.field, f.value + (f" @{sub}" if sub else "")))
    return out


def check_quotes(result) -> None:
    """Every fact shows the words it was read from: a non-empty stretch of the document's text, at the
    offsets it gives (the archive and the alerts quote it); a sub-population is named or absent; facts come
    in one order (drug, indication, field)."""
    for f in result.facts:
        where = f"{f.drug} {f.indication} {f.field} {f.value}"
        assert f.sentence.strip() and f.start < f.end, f"{where}: empty quote {f.sentence!r}"
        assert result.text[f.start : f.end] == f.sentence, f"{where}: {f.sentence!r} is not at {f.start}"
        assert f.subpopulation is None or f.subpopulation, f"{where}: empty sub-population"
    # one order for every reader of the facts: drug, then indication and field in vocabulary order
    rank = [
        (DRUGS.index(f.drug), _IND_RANK.get(f.indication, 99), FIELDS.index(f.field)) for f in result.facts
    ]
    assert rank == sorted(rank), [f"{f.drug} {f.indication} {f.field}" for f in result.facts]


def matches(pattern: str, key: tuple[str, ...]) -> bool:
    drug, ind, field, value = pattern.split(" ", 3)
    return all(p == "*" or p == k for p, k in zip((drug, ind, field, value), key, strict=True))


def read_case(case: dict):
    """Extract the case's page and check its quotes, wanted and unwanted facts; (result, fact keys)."""
    result = extractors.extract(page(case), media_type="text/html")
    check_quotes(result)
    got = keys(result)
    shown = sorted(" ".join(k) for k in got)
    for want in case.get("facts", []):
        assert any(matches(want, k) for k in got), f"missing {want!r}; have {shown}"
    for unwanted in case.get("no_facts", []):
        assert not any(matches(unwanted, k) for k in got), f"unwanted {unwanted!r}; have {shown}"
    if case.get("exact"):  # the facts listed are all the snippet says: nothing else, nothing twice
        extra = [k for k in got if not any(matches(want, k) for want in case.get("facts", []))]
        assert not extra and len(set(got)) == len(got), f"exact: unlisted {extra}; have {shown}"
    return result, got
