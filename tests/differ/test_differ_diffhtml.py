"""How a diff reads on every surface (``differ/diffhtml.py``): the terminal, the HTML page, feeds and mail.

Long unchanged stretches are trimmed the same way everywhere (the first keeps its end, the last its start,
the others both ends around an ellipsis); deletions and insertions carry inline styles (mail clients drop
``<style>`` blocks); every piece of document text is escaped, since a policy is untrusted input.
"""

from __future__ import annotations

import pytest

from differ.diffhtml import DEL_STYLE, INS_STYLE, collapse, html_fragment, html_page
from differ.words import DELETE, EQUAL, INSERT

LONG = "a" * 30 + "b" * 30 + "c" * 30  # 90 characters: over 2 × 30 + 20


def test_a_middle_stretch_keeps_both_ends_around_an_ellipsis() -> None:
    ops = [(DELETE, "x"), (EQUAL, LONG), (INSERT, "y")]
    assert collapse(ops, 30) == [(DELETE, "x"), (EQUAL, "a" * 30 + " … " + "c" * 30), (INSERT, "y")]


def test_the_first_stretch_keeps_its_end_and_the_last_its_start() -> None:
    ops = [(EQUAL, LONG), (DELETE, "x"), (EQUAL, LONG)]
    assert collapse(ops, 30) == [(EQUAL, "… " + "c" * 30), (DELETE, "x"), (EQUAL, "a" * 30 + " …")]


def test_a_lone_stretch_keeps_its_end() -> None:
    """The whole text unchanged: the one stretch is the first one."""
    assert collapse([(EQUAL, LONG)], 30) == [(EQUAL, "… " + "c" * 30)]


@pytest.mark.parametrize("length, trimmed", [(80, False), (81, True)])
def test_a_stretch_is_trimmed_only_past_twice_the_context_and_twenty(length: int, trimmed: bool) -> None:
    text = "e" * length
    out = collapse([(DELETE, "x"), (EQUAL, text), (INSERT, "y")], 30)
    assert (out[1] != (EQUAL, text)) is trimmed


def test_changed_text_is_never_trimmed() -> None:
    ops = [(DELETE, LONG), (INSERT, LONG)]
    assert collapse(ops, 30) == ops


def test_context_zero_keeps_everything_as_a_new_list() -> None:
    ops = [(EQUAL, LONG * 10), (DELETE, "x")]
    out = collapse(ops, 0)
    assert out == ops and out is not ops


def test_the_default_context_is_two_hundred_characters() -> None:
    text = "f" * 420
    assert collapse([(DELETE, "x"), (EQUAL, text)]) == [(DELETE, "x"), (EQUAL, text)]
    text = "f" * 421
    assert collapse([(DELETE, "x"), (EQUAL, text)]) == [(DELETE, "x"), (EQUAL, "f" * 200 + " …")]


def test_deletions_and_insertions_carry_inline_styles_and_text_is_escaped() -> None:
    ops = [(EQUAL, "Age <18> & "), (DELETE, '"old"'), (INSERT, "'new'")]
    assert html_fragment(ops) == (
        "Age &lt;18&gt; &amp; "
        f'<del style="{DEL_STYLE}">&quot;old&quot;</del>'
        f'<ins style="{INS_STYLE}">&#x27;new&#x27;</ins>'
    )
    assert "line-through" in DEL_STYLE and "line-through" not in INS_STYLE


@pytest.mark.parametrize("op", [EQUAL, DELETE, INSERT])
def test_newlines_read_as_line_breaks_unless_the_page_keeps_them(op: int) -> None:
    assert "a<br>\nb" in html_fragment([(op, "a\nb")])
    assert "<br>" not in html_fragment([(op, "a\nb")], newlines=False)
    assert "a\nb" in html_fragment([(op, "a\nb")], newlines=False)


def test_a_page_stands_alone_with_its_title_header_lines_bullets_and_diff() -> None:
    page = html_page(
        "UHC <Spravato>",
        [(EQUAL, "at least "), (DELETE, "3"), (INSERT, "2\n")],
        header_lines=["Effective <2026>"],
        bullets=["Esketamine · TRD: 3 → 2 & more"],
    )
    assert page.startswith("<!DOCTYPE html>\n")
    assert '<meta charset="utf-8">' in page
    assert "<title>UHC &lt;Spravato&gt;</title>" in page
    assert '<h1 style="font-size:1.3em">UHC &lt;Spravato&gt;</h1>' in page
    assert '<p style="margin:2px 0;color:#444">Effective &lt;2026&gt;</p>' in page
    assert "<ul><li>Esketamine · TRD: 3 → 2 &amp; more</li></ul>" in page
    assert f'at least <del style="{DEL_STYLE}">3</del><ins style="{INS_STYLE}">2<br>\n</ins></div>' in page
    assert "<script" not in page and "http" not in page  # no external assets
    assert page.endswith("</body></html>\n")


def test_a_page_without_bullets_has_no_empty_list() -> None:
    page = html_page("T", [(EQUAL, "same")])
    assert "<ul>" not in page and "<li>" not in page and "<p " not in page


def test_the_whole_page() -> None:
    """Byte for byte: a page written twice for the same diff is the same file."""
    page = html_page("T", [(EQUAL, "a "), (INSERT, "b")], header_lines=["h1", "h2"], bullets=["x", "y"])
    assert page == (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>T</title></head>\n'
        '<body style="font-family:Georgia,serif;max-width:60em;margin:2em auto;line-height:1.5">\n'
        '<h1 style="font-size:1.3em">T</h1>\n'
        '<p style="margin:2px 0;color:#444">h1</p><p style="margin:2px 0;color:#444">h2</p>\n'
        "<ul><li>x</li><li>y</li></ul>\n"
        '<div style="white-space:normal;border-top:1px solid #ccc;padding-top:1em">'
        f'a <ins style="{INS_STYLE}">b</ins></div>\n'
        "</body></html>\n"
    )
    bare = html_page("T", [(EQUAL, "a")])
    assert '<h1 style="font-size:1.3em">T</h1>\n\n\n<div style=' in bare
