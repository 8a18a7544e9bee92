"""A CMS Coverage API answer reads as the article page it stands for (``extractors/coverage_api.py``).

The Medicare spider archives the API's JSON as it came; what the differ compares is the page this module
renders from it. A field dropped, a date label changed or a short flag let in as a section would show as a
change in every revision of the article, so the rendering is pinned byte for byte on a made-up record,
and which JSON counts as an answer at all (anything else is refused by the sniff) row by row.
"""

from __future__ import annotations

import json

import pytest

from extractors import extract
from extractors.coverage_api import is_coverage_api, to_html


def _answer(row: dict) -> bytes:
    return json.dumps({"meta": {"status": {"id": 200}}, "data": [row]}).encode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_answer({"title": "Sample"}), True),
        (b"\n  " + _answer({"title": "Sample"}), True),
        (json.dumps({"meta": {}, "data": [{}, 1]}).encode(), True),
        # not an object, not JSON, or not the API's shape
        (b"", False),
        (b"[" + _answer({"title": "Sample"}) + b"]", False),
        (b'x{"meta": {}, "data": [{"title": "Sample"}]}', False),
        (b'{"meta": {}, "data": [{"title": "Sample"}]', False),
        (json.dumps({"data": [{"title": "Sample"}]}).encode(), False),
        (json.dumps({"metadata": {}, "data": [{"title": "Sample"}]}).encode(), False),
        (json.dumps({"meta": {}}).encode(), False),
        (json.dumps({"meta": {}, "data": []}).encode(), False),
        (json.dumps({"meta": {}, "data": {"title": "Sample"}}).encode(), False),
        (json.dumps({"meta": {}, "data": ["Sample", {"title": "Sample"}]}).encode(), False),
    ],
)
def test_only_an_object_with_meta_and_a_list_of_records_is_an_answer(data, expected):
    assert is_coverage_api(data) is expected


GUIDANCE = "Made-up guidance: ketamine infusions are billed with the unlisted drug code and a clinical note."
CODING = "Made-up coding text: report J0013 once per session, with the diagnosis code on the same claim."
EXTRA = "A made-up field the page shows under its own name, because it holds prose worth comparing."
ROW = {
    "article_id": "12345",
    "article_version": "4",
    "display_id": "A12345",
    # longer than 40 characters, like the real titles: a title, id or date is never a section of its own
    "title": "Billing &amp; Coding: Ketamine Infusions for Depression",
    "article_eff_date": "03/01/2020",
    "rev_eff_date": "",
    "rev_end_date": "12/31/2026",
    # not in the page's order: the page puts the guidance first
    "coding_guidelines": f"&lt;p&gt;{CODING}&lt;/p&gt;",
    "description": f"&lt;p&gt;{GUIDANCE}&lt;/p&gt;",
    "util_guide": "&lt;p&gt;Short note.&lt;/p&gt;",
    "bill_type_note": f"&lt;p&gt;{EXTRA}&lt;/p&gt;",
    "status_flag": "Y",
    "contractor_count": 3,
}


def test_a_record_renders_as_the_article_page():
    assert to_html(_answer(ROW)).decode() == "\n".join(
        [
            "<html><head><title>Billing &amp; Coding: Ketamine Infusions for Depression</title></head><body>",
            "<h1>Billing &amp; Coding: Ketamine Infusions for Depression</h1>",
            "<p>Article ID: A12345</p>",
            "<p>Original Effective Date: 03/01/2020</p>",
            "<p>Revision Ending Date: 12/31/2026</p>",
            f"<h2>Article Guidance</h2><p>{GUIDANCE}</p>",
            f"<h2>Coding Guidelines</h2><p>{CODING}</p>",
            f"<h2>Bill type note</h2><p>{EXTRA}</p>",
            "</body></html>",
        ]
    )


def test_every_text_field_and_date_has_its_own_label_in_page_order():
    fields = (
        "description",
        "cms_cov_policy",
        "coding_guidelines",
        "doc_reqs",
        "util_guide",
        "other_comments",
    )
    row = {"title": "Sample", "rev_eff_date": "01/01/2026", "article_eff_date": "02/01/2019"}
    row |= {key: f"<p>{key}: {GUIDANCE}</p>" for key in reversed(fields)}
    page = to_html(_answer(row)).decode()
    labels = [
        "Original Effective Date: 02/01/2019",
        "Revision Effective Date: 01/01/2026",
        "<h2>Article Guidance</h2><p>description:",
        "<h2>CMS National Coverage Policy</h2><p>cms_cov_policy:",
        "<h2>Coding Guidelines</h2><p>coding_guidelines:",
        "<h2>Documentation Requirements</h2><p>doc_reqs:",
        "<h2>Utilization Guidelines</h2><p>util_guide:",
        "<h2>Other Comments</h2><p>other_comments:",
    ]
    at = [page.find(label) for label in labels]
    assert -1 not in at and at == sorted(at)


@pytest.mark.parametrize(
    ("ids", "line"),
    [
        ({"display_id": "A12345", "article_id": "99"}, "<p>Article ID: A12345</p>"),
        ({"display_id": "", "article_id": 59250}, "<p>Article ID: A59250</p>"),
        ({"article_id": "59250"}, "<p>Article ID: A59250</p>"),
        ({"display_id": "A1<2>"}, "<p>Article ID: A1&lt;2&gt;</p>"),
        ({"article_id": ""}, None),
        ({}, None),
    ],
)
def test_the_article_id_is_the_display_id_else_the_number(ids, line):
    page = to_html(_answer({"title": "Sample", **ids})).decode()
    if line:
        assert line in page.splitlines()
    else:
        assert "Article ID" not in page


def test_a_record_without_a_title_still_renders():
    page = to_html(_answer({"description": GUIDANCE})).decode()
    assert page.splitlines()[:2] == ["<html><head><title></title></head><body>", "<h1></h1>"]


@pytest.mark.parametrize(
    ("value", "section"),
    [
        ("x" * 41, True),
        ("x" * 40, False),
        (" " * 5 + "x" * 40 + " " * 5, False),
        # markup and entities are not prose: counted after the API's double encoding is undone
        ("<p>" + "x" * 39 + "</p>", False),
        ("&lt;p&gt;" + "x" * 38 + "&lt;/p&gt;", False),
        ("&lt;p&gt;" + "x" * 41 + "&lt;/p&gt;", True),
        ("x" * 36 + "&amp;nbsp;", False),
        ("x" * 36 + "&nbsp;", False),
        ("&lt;b&gt;" + "x" * 20 + "&lt;/b&gt; " + "y" * 20, True),
    ],
)
def test_a_field_is_a_section_only_when_it_holds_more_than_40_characters_of_prose(value, section):
    for key in ("other_comments", "extra_note"):
        page = to_html(_answer({"title": "Sample", key: value})).decode()
        assert ("<h2>" in page) is section, key


def test_the_archived_answer_reads_as_the_article_through_extract():
    doc = extract(_answer(ROW), "application/json")
    assert doc.media_type == "application/json"
    assert doc.metadata.title == "Billing & Coding: Ketamine Infusions for Depression"
    assert [s.path for s in doc.sections] == [
        ("Article Guidance",),
        ("Coding Guidelines",),
        ("Bill type note",),
    ]
    assert GUIDANCE in doc.text and CODING in doc.text and "Short note" not in doc.text
