"""Formatting-only differences must normalize to identical text (EDGI-style before/after pairs)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import extractors
from tests.support.pdf import FILES, load, render, render_file, synthetic_policy, ttf_available

PDF_SOURCES = sorted(p.name for p in FILES.glob("*.yaml") if p.name != "cases.yaml")
PAIRS = yaml.safe_load((FILES / "cases.yaml").read_text(encoding="utf-8"))["noise_pairs"]


def _passages(result):
    """Passages without offsets: what must agree between two readings of the same words."""
    return [(p.section_path, p.heading, p.text, p.drugs, p.indications, p.codes) for p in result.passages]


def _facts(result):
    return [(f.drug, f.indication, f.field, f.value, f.sentence) for f in result.facts]


def _variant_cases() -> list:
    return [
        pytest.param(variant, source, id=f"{variant}-{source}")
        for variant in ("reexport", "rewrap", "reprint", "typeset")
        for source in PDF_SOURCES
    ]


@pytest.mark.parametrize(("variant", "source"), _variant_cases())
def test_pdf_variant_same_text(source: str, variant: str) -> None:
    base, other = render_file(source), render_file(source, variant)
    assert base != other  # the bytes really differ
    a, b = extractors.extract(base), extractors.extract(other)
    assert a.text == b.text
    assert _passages(a) == _passages(b)
    assert _facts(a) == _facts(b)
    assert a.metadata == b.metadata


@pytest.mark.parametrize("source", PDF_SOURCES)
def test_fast_path_equals_full_path(source: str) -> None:
    data = render_file(source)
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert fast.passages == full.passages  # offsets included
    assert fast.facts == full.facts
    assert fast.metadata == full.metadata
    if full.passages:  # an off-topic PDF is read by PDFium: its text is not pdfplumber's (README)
        assert fast.text == full.text


def test_fast_path_on_long_policy_plumbs_few_pages() -> None:
    from extractors.passages import passage_pages
    from extractors.pdf import read_pdf

    data = render(synthetic_policy(20, topic_pages=(3, 11)))
    read = read_pdf(data, passage_pages=passage_pages)
    assert read.pages >= 20
    assert len(read.plumbed | read.glyphs) <= 6, sorted(read.plumbed | read.glyphs)
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert [p.page_start for p in fast.passages] == [p.page_start for p in full.passages]
    assert fast.passages == full.passages
    assert fast.text == full.text


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_html_chrome_changes_same_text(pair: list[str]) -> None:
    a_bytes, b_bytes = (Path(FILES, name).read_bytes() for name in pair)
    assert a_bytes != b_bytes
    a, b = extractors.extract(a_bytes), extractors.extract(b_bytes)
    assert a.text == b.text
    assert a.passages == b.passages
    for word in ("cookie", "Privacy", "Related news", "All rights reserved", "Providers"):
        assert word not in a.text


@pytest.mark.skipif(not ttf_available(), reason="DejaVu fonts not installed")
@pytest.mark.parametrize("source", ["uhc-spravato.yaml", "cigna-spravato.yaml", "uhc-unproven-omnibus.yaml"])
def test_embedded_truetype_fonts(source: str) -> None:
    """Subset TrueType fonts (the common case in real PDFs): the result equals the Type 1 rendering of
    the same source (tests/extractors/test_extract_producers.py: and the full path's)."""
    data = render(load(source), ttf=True)
    ttf, type1 = extractors.extract(data), extractors.extract(render_file(source))
    assert ttf.text == type1.text
    assert _passages(ttf) == _passages(type1)
    assert _facts(ttf) == _facts(type1)


def test_fast_path_follows_a_drug_section_onto_the_next_page() -> None:
    """The criteria list under a drug heading spills onto a page that never names the drug: the closure
    step must lay that page out with pdfplumber too, or the passage would differ from the full path."""
    from extractors.passages import passage_pages
    from extractors.pdf import read_pdf

    data = render(synthetic_policy(8, drug_section_at=3))
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    (passage,) = fast.passages
    assert passage.heading == "Esketamine (Spravato) Criteria"
    assert passage.page_end > passage.page_start
    assert fast.passages == full.passages and fast.facts == full.facts
    read = read_pdf(data, passage_pages=passage_pages)
    exact = read.plumbed | read.glyphs  # pages read with pdfplumber's rule
    assert set(range(passage.page_start, passage.page_end + 1)) <= exact
    assert len(exact) < read.pages


def test_topic_sentence_repeated_at_the_top_of_pages_is_kept() -> None:
    """The same sentence about the drug opens four pages, where running headers sit: it is policy text,
    not furniture, so each page keeps it and its passage (the running-line rule alone dropped both)."""
    data = render(synthetic_policy(5, topic_pages=(1, 2, 3, 4)))
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert len(fast.passages) == 4
    assert all(p.text.startswith("Esketamine nasal spray (Spravato) is proven") for p in fast.passages)
    assert [p.page_start for p in fast.passages] == [1, 2, 3, 4]
    assert fast.passages == full.passages and fast.text == full.text


def test_small_print_header_naming_the_drug_stays_furniture() -> None:
    """A running header in small print that names the drug is still dropped from the text."""
    src = dict(synthetic_policy(5, topic_pages=(2,)), header="Esketamine (Spravato) Medical Benefit Policy")
    data = render(src)
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert "Medical Benefit Policy" not in fast.text
    assert len(fast.passages) == 1 and fast.passages == full.passages and fast.text == full.text


def _manual(breaks: tuple[int, ...]) -> dict:
    """A program manual on esketamine whose running header names the drug ("Spravato Program Manual",
    8 pt over 9 pt text: a point smaller, not small print by the 0.85 rule), page breaks after the
    paragraphs numbered in ``breaks`` (so a re-paginated copy has the same words on other pages)."""
    paras = [
        "Members join the program through the plan portal or by calling the member services line.",
        "Each site that gives the nasal spray keeps a log of visits, doses and observation times.",
        "Esketamine (Spravato) is covered for treatment-resistant depression when the member is 18 years "
        "of age or older and has tried two antidepressants, each for at least six weeks, without response.",
        "The first authorization lasts six months and a renewal lasts twelve months when the member "
        "has improved on the treatment.",
        "Sites renew their certification once a year and report adverse events within seven days.",
        "Pharmacies ship the spray only to certified sites and never to the member's home.",
    ]
    content: list[dict] = [
        {"title": "Program Manual for Certified Sites"},
        {"meta": ["Manual Number: PM-0042", "Effective Date: January 1, 2026"]},
    ]
    for k, text in enumerate(paras):
        content.append({"p": text})
        content.extend({"p": note} for note in _NOTES[2 * k : 2 * k + 2])
        if k in breaks:
            content.append({"pagebreak": True})
    return {
        "header": "Spravato Program Manual",
        "footer": ["Page {page} of {pages}"],
        "font_size": 9,
        "content": content,
    }


#: notes that say nothing of the drug, each once (a note on half the pages would be a running line)
_NOTES = (
    "Staff check the member's identity and the order before every visit.",
    "Visit notes are kept with the member's chart for at least seven years.",
    "The program office answers questions from sites on working days.",
    "A site that moves to a new address tells the program office first.",
    "Training for new staff takes one afternoon and ends with a short quiz.",
    "Forms sent by fax are accepted when the cover sheet names the site.",
    "An interpreter can join a visit by phone at no cost to the member.",
    "Parking vouchers are given to members who arrive by car.",
    "Each site names one contact person for questions about billing.",
    "Complaints about a site are answered within thirty days.",
    "Sites may close on public holidays after telling their members.",
    "The program office publishes a list of certified sites every month.",
)


def test_a_running_header_naming_the_drug_is_furniture_on_every_page() -> None:
    """A header that names the drug, set a point smaller than the text, is furniture on every page in
    both readings: it used to be kept as policy text (a recurring drug line above 0.85 × body size), so
    each page's header became a passage of its own, or joined the paragraph running over the page
    break — passages that change whenever the pages break elsewhere."""
    data = render(_manual(breaks=(0, 2, 4)))
    fast, full = extractors.extract(data), extractors.extract(data, full=True)
    assert fast.passages == full.passages and fast.text == full.text
    assert "Spravato Program Manual" not in fast.text
    (passage,) = fast.passages
    assert passage.text.startswith("Esketamine (Spravato) is covered for treatment-resistant depression")
    from extractors.passages import passage_pages
    from extractors.pdf import read_pdf

    read = read_pdf(data, passage_pages=passage_pages)
    assert read.plumbed | read.glyphs == {passage.page_start}  # the header draws no page into the passages


def test_a_re_paginated_manual_with_a_drug_header_reads_the_same() -> None:
    """The same words with other page breaks: the same text and passages (the header joined to the
    paragraph over a page break made this a wording alert; the differ's side of it is the case
    tests/files/diff/falsepos-pdf-drug-header-repaginated)."""
    a = extractors.extract(render(_manual(breaks=(0, 2, 4))))
    b = extractors.extract(render(_manual(breaks=(1, 3))))
    assert (a.pages, a.passages[0].page_start) != (b.pages, b.passages[0].page_start)
    assert a.text == b.text and _passages(a) == _passages(b) and _facts(a) == _facts(b)
