"""A status is the document's own only when said of it (``extractors/status.py``).

Holdout-2 found a combined ketamine-and-esketamine policy announced as retired because it said that the
policy it replaced "has been archived", and a PDF saying "This policy has been retired" announced nothing.
Issue #11 (status wordings): "This policy and guideline were archived", "This means that this policy was
retired" and "replaced by policy MP-512" gave no status, and "Archived versions are available on request"
read as archived.
"""

from __future__ import annotations

import pytest

from extractors import extract
from extractors.status import document_status
from tests.support import pdf


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # said of this document
        ("This policy has been retired effective 07/01/2026.", "retired"),
        ("Effective 07/01/2026, this medical policy is retired.", "retired"),
        ("This Clinical Policy Bulletin was archived on 06/15/2026. It is kept for reference.", "archived"),
        ("This policy is no longer active and is not used for coverage decisions.", "retired"),
        ("This document is no longer in effect.", "retired"),
        ("This policy, formerly MP-330, has been retired.", "retired"),
        ("Status: Retired", "retired"),
        ("ARCHIVED", "archived"),
        ("SUPERSEDED - This article has been superseded by a newer version.", "superseded"),
        ("This policy version was replaced 01/01/2026.", "replaced"),
        ("Status: Superseded. This policy version was replaced 01/01/2026.", "replaced"),  # the stronger
        ("Ketamine Infusion Therapy | ARCHIVED", "archived"),  # a cell of a header line
        ("This policy replaces MP-330. This policy has been retired effective 07/01/2026.", "retired"),
        ("This policy (which replaced MP-330) has been retired.", "retired"),
        ("Archived: 06.01.2026", "archived"),
        # retirement in other payers' words: two names for this document, "that this policy …", a relative
        # clause between commas, "no longer" in use / in force / effective, replaced by another policy
        ("This policy and guideline were archived on 03/01/2026.", "archived"),
        ("This Policy and Procedure has been retired.", "retired"),
        ("This policy & guideline is no longer in use.", "retired"),
        ("This means that this policy was retired.", "retired"),
        ("Please note that this medical policy is no longer active.", "retired"),
        ("This policy, which covered ketamine infusions, has been archived.", "archived"),
        ("This guideline is no longer in force.", "retired"),
        ("This policy is no longer effective as of 06/01/2026.", "retired"),
        ("This policy has been replaced by Policy MP-512, Esketamine.", "retired"),
        ("This policy has been replaced by policies MP-512 and MP-513.", "retired"),
        (
            "Effective 01/01/2026, this guideline was replaced with the Behavioral Health Drug Policy.",
            "retired",
        ),
        ("This is an archived policy. It is kept for reference only.", "archived"),
        ("This is now a retired document.", "retired"),
        ("Archived Policy", "archived"),
        ("This policy was retired effective 06/01/2026 for all members.", "retired"),
        ("This policy was archived; members should call the number below.", "archived"),
        ("Effective 07/01/2026, this policy is retired for members of all plans.", "retired"),
        ("Coverage moves to policy MP-512 and this document is no longer in effect.", "retired"),
        # said of another document, or of people
        ("This policy replaces MP-330, which has been archived.", None),
        ("This combined policy replaces the former ketamine policy that was retired.", None),
        ("Policy MP-330 (Ketamine Infusions) has been retired; its criteria are now in this policy.", None),
        ("The separate esketamine policy has been archived.", None),
        ("The previous version of this policy was archived.", None),
        ("This bulletin lists new, updated and retired policies.", None),
        ("No policies were retired this month.", None),
        ("This manual section applies to active duty and retired service members.", None),
        ("Version 1 (SUPERSEDED, effective 07/01/2025 to 12/31/2026)", None),
        ("Current policy", None),
        ("Retired: MP-330 Ketamine Infusions", None),
        ("Archived policies – 5.01.20", None),
        ("Archived: 5.01.20", None),
        ("Retired Policies", None),  # the heading of a bulletin's list
        ("This policy replaces the policy retired in 2025.", None),
        ("This month no policies were retired.", None),
        ("Retired: 06/01/2026", "retired"),
        # the status word as an attribute of other documents or of people, "replaced by" a newer version,
        # "that" / "which" starting a clause without a subject
        ("Archived versions are available on request.", None),
        ("Archived versions of this policy are available on request.", None),
        ("Archived policy documents can be requested from Member Services.", None),
        ("Retired members keep their coverage under this policy.", None),
        ("Retired military service members are covered under the TRICARE manual.", None),
        ("Earlier versions that were archived can be requested.", None),
        ("This policy describes the policy that was retired in 2025.", None),
        ("This policy replaces MP-330, which was replaced by CP-12 in 2024.", None),
        ("This policy replaces MP-330, which has been archived, and MP-331.", None),
        ("This policy has been replaced by a newer version.", None),
        ("This policy has been replaced by the updated revision.", None),
        ("MP-330 was replaced by this policy.", None),
        ("This policy replaced MP-330.", None),
        ("The criteria were replaced by those in section 4.", None),
        ("This is an overview of archived policies.", None),
        ("This manual whose drug section was archived remains in force.", None),
    ],
)
def test_a_status_counts_only_when_said_of_this_document(text, expected):
    assert document_status(text) == expected


def _pdf(paragraphs: list[str], history: list[list[str]] | None = None) -> bytes:
    content = [{"title": "Ketamine Infusion Therapy"}, {"meta": ["Policy Number: MP-410"]}]
    content += [{"h1": "Policy"}, *({"p": p} for p in paragraphs)]
    if history:
        content += [{"h1": "Revision History"}, {"table": [["Date", "Change"], *history]}]
    return pdf.render(
        {
            "doc_title": "Ketamine",
            "header": "Pine Health",
            "footer": ["Page {page} of {pages}"],
            "content": content,
        }
    )


def test_a_retirement_notice_inside_a_pdf_is_the_status():
    body = "Intravenous ketamine is considered investigational for depression and chronic pain."
    notice = "This policy has been retired effective 06/01/2026 and is no longer used for coverage decisions."
    assert extract(_pdf([body])).metadata.status is None
    assert extract(_pdf([notice, body])).metadata.status == "retired"
    # a combined policy naming the one it replaced stays current
    merged = "This policy replaces MP-330, which has been archived."
    assert extract(_pdf([merged, body])).metadata.status is None


def test_a_pdf_retired_in_other_words_and_one_offering_archived_copies():
    """A notice whose subject is "this policy and guideline" retires the PDF; a line offering its archived
    versions does not (it read as archived: a false "retired" alert on a live policy)."""
    body = "Intravenous ketamine is considered investigational for depression and chronic pain."
    retired = "This policy and guideline were archived on 03/01/2026 and replaced by policy MP-512."
    assert extract(_pdf([retired, body])).metadata.status == "archived"
    copies = "Archived versions of this policy are available on request from Member Services."
    assert extract(_pdf([body, copies])).metadata.status is None


def test_a_revision_history_row_is_not_a_notice():
    body = "Intravenous ketamine is considered investigational for depression and chronic pain."
    history = [["01/01/2026", "Archived the earlier esketamine policy."], ["01/01/2025", "Status: Retired"]]
    assert extract(_pdf([body], history)).metadata.status is None


def _doc(content: list[dict]) -> bytes:
    head = [{"title": "Ketamine Infusion Therapy"}, {"meta": ["Policy Number: MP-410"]}, {"h1": "Policy"}]
    return pdf.render({"doc_title": "Ketamine", "header": "Pine Health", "content": head + content})


def test_a_history_written_as_paragraphs_is_no_notice():
    """Under "Revision History:" (its colon too) a paragraph about an earlier retirement is history."""
    body = {"p": "Intravenous ketamine is considered investigational for depression and chronic pain."}
    history = [
        {"h1": "Revision History:"},
        {"p": "01/15/2025: This policy was retired, then reinstated on 03/01/2025."},
    ]
    assert extract(_doc([body, *history])).metadata.status is None
    # the same paragraph outside the history is a notice
    assert extract(_doc([body, history[1]])).metadata.status == "retired"


def test_every_notice_of_a_pdf_is_read_whole():
    """Notices are read together, each whole: a status line after another paragraph that names a status
    word, and a status heading right after the revision history, still give the status."""
    body = {"p": "Intravenous ketamine is considered investigational for depression and chronic pain."}
    members = {"p": "Retired members keep the coverage described in this policy."}
    assert extract(_doc([body, members, {"p": "ARCHIVED"}])).metadata.status == "archived"
    history = [{"h1": "Revision History"}, {"table": [["Date", "Change"], ["01/01/2026", "Annual review."]]}]
    assert extract(_doc([body, *history, {"h1": "Archived"}])).metadata.status == "archived"


def test_an_html_page_naming_the_policy_it_absorbed_is_not_retired():
    page = (
        b"<html><body><main><h1>Ketamine and Esketamine</h1><p>Policy Number: 5.01.16</p><h2>Policy</h2>"
        b"<p>Esketamine nasal spray is medically necessary for treatment-resistant depression.</p>"
        b"<p>Note: this policy replaces MP-330, which has been retired.</p></main></body></html>"
    )
    assert extract(page).metadata.status is None
    # a table of the policies it replaced, with their status in a column
    table = (
        b"<table><tr><th>Policy</th><th>Status</th></tr>"
        b"<tr><td>MP-330 Ketamine</td><td>Archived</td></tr></table>"
    )
    assert extract(page.replace(b"</main>", table + b"</main>")).metadata.status is None
    banner = page.replace(b"<main>", b'<div class="alert">This policy has been archived.</div><main>')
    assert extract(banner).metadata.status == "archived"
