"""HTML bytes → blocks (``extractors/html.py``): the policy's words without the site around them.

Payer sites change their menus, cookie banners and news boxes far more often than their policies: any of
that let into the text is a false alert on the next redesign, and a policy paragraph taken for chrome is
a missed change. Each case is a small page in my own words and the blocks it must give, ``(kind, level,
text)`` — one block a line of the document's text.
"""

from __future__ import annotations

import re

import pytest

from extractors.html import read_html
from extractors.model import EmptyDocument, NotAPolicy

SENTENCE = "Esketamine nasal spray is medically necessary for treatment-resistant depression."
OTHER = "Intravenous ketamine is considered investigational for every indication."


def page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def blocks(body: str, head: str = "") -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, b.text) for b in read_html(page(body, head)).blocks]


def texts(body: str) -> list[str]:
    return [text for _, _, text in blocks(body)]


# -- chrome ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chrome",
    [
        "<nav>Home Members Providers</nav>",
        "<header>Sample Health Plan</header>",
        "<footer>Contact us</footer>",
        "<aside>Related reading</aside>",
        "<form><label>Search the site</label></form>",
        "<script>var tracker = 1;</script>",
        "<style>p { color: red }</style>",
        "<noscript>Turn on scripts</noscript>",
        "<button>Print this page</button>",
        "<dialog>Leaving our site</dialog>",
        "<menu><li>Share</li></menu>",
        '<div role="navigation">Home Members</div>',
        '<div role="banner">Sample Health Plan</div>',
        '<div role="contentinfo">Contact us</div>',
        '<div role="complementary">Related reading</div>',
        '<div aria-hidden="true">Skip to content</div>',
        "<div hidden>Old version of the notice</div>",
        '<div style="display:none">Old version of the notice</div>',
        '<div style="color: grey; display : none">Old version of the notice</div>',
        '<div class="cookie-banner">We use cookies</div>',
        '<div class="page wrap" id="onetrust-consent">We use cookies</div>',
        '<div id="breadcrumb">Home / Policies</div>',
        '<div class="related-news">Plan wins award</div>',
        '<div class="newsBox">Plan wins award</div>',
        '<div class="site-footer">Contact us</div>',
        '<div class="share social">Share this page</div>',
        '<div class="sr-only">Skip to content</div>',
        '<div id="top" class="nav links">Home Members</div>',
    ],
)
def test_site_chrome_is_not_text(chrome):
    assert texts(f"{chrome}<p>{SENTENCE}</p>{chrome}") == [SENTENCE]


@pytest.mark.parametrize(
    "content",
    [
        '<div role="main"><p>{}</p></div>',
        '<div aria-hidden="false"><p>{}</p></div>',
        '<div style="display: block"><p>{}</p></div>',
        '<div class="policy-body" id="criteria"><p>{}</p></div>',
        '<div class="unavailable-drugs"><p>{}</p></div>',  # "nav" only at a word start
        '<div class="" id=""><p>{}</p></div>',
    ],
)
def test_content_that_only_resembles_chrome_is_text(content):
    assert texts(content.format(SENTENCE) + f"<p>{OTHER}</p>") == [SENTENCE, OTHER]


def test_comments_are_not_text():
    body = f"<p><!-- reviewed by the editor -->{SENTENCE}<!-- done --></p><!-- layout note --><p>{OTHER}</p>"
    assert texts(body) == [SENTENCE, OTHER]


# -- headings, the title, paragraphs --------------------------------------------------------------------


def test_the_first_h1_is_the_title_and_headings_keep_their_level():
    body = (
        f"<h1>Ketamine Infusion Therapy</h1><h2>Coverage <em>Rationale</em></h2><p>{SENTENCE}</p>"
        f"<h3>Adults</h3><h1>Appendix</h1><h6>Notes</h6><h4>  </h4><p>{OTHER}</p>"
    )
    read = read_html(page(body, "<title>Policy 5.01 | Sample Health Plan</title>"))
    assert [(b.kind, b.level, b.text) for b in read.blocks] == [
        ("title", 0, "Ketamine Infusion Therapy"),
        ("heading", 2, "Coverage Rationale"),
        ("para", 0, SENTENCE),
        ("heading", 3, "Adults"),
        ("heading", 1, "Appendix"),
        ("heading", 6, "Notes"),
        ("para", 0, OTHER),
    ]
    assert read.title == "Ketamine Infusion Therapy"
    assert read.head_title == "Policy 5.01 | Sample Health Plan"


def test_without_an_h1_the_page_title_is_the_title():
    read = read_html(page(f"<h2>Coverage</h2><p>{SENTENCE}</p>", "<title> Ketamine  Policy </title>"))
    assert read.title == "Ketamine Policy" and read.head_title == "Ketamine Policy"
    assert read.blocks[0].kind == "heading"
    read = read_html(page(f"<p>{SENTENCE}</p>"))
    assert read.title is None and read.head_title == ""


@pytest.mark.parametrize(
    ("paragraph", "kind"),
    [
        ("<p><strong>Coverage Criteria</strong></p>", "heading"),
        ("<p> <b>Coverage Criteria</b>\n </p>", "heading"),
        ("<p><strong>Coverage criteria apply.</strong></p>", "para"),
        ("<p><strong>Coverage</strong> criteria</p>", "para"),
        ("<p><em>Coverage Criteria</em></p>", "para"),
        ("<p>Coverage Criteria</p>", "para"),
        ("<p><strong>{}</strong></p>".format("C" * 120), "heading"),
        ("<p><strong>{}</strong></p>".format("C" * 121), "para"),
        ('<p class="Heading2">Coverage Criteria</p>', "heading"),
        ('<p class="body Heading 3">Coverage Criteria</p>', "heading"),
        ('<p class="heading">Coverage Criteria</p>', "heading"),
        ('<p class="doc-title">Coverage Criteria</p>', "heading"),
        ('<p class="subheading">Coverage Criteria</p>', "para"),
        ('<p class="titlebar">Coverage Criteria</p>', "para"),
        ('<p class="Heading2">{}</p>'.format("C" * 120), "heading"),
        ('<p class="Heading2">A</p>', "heading"),  # an index letter
        ('<p class="Heading2">{}</p>'.format("C" * 121), "para"),
        ('<div class="Heading2">Coverage Criteria</div>', "para"),
    ],
)
def test_a_paragraph_all_in_bold_or_classed_as_a_heading_is_a_heading(paragraph, kind):
    found = blocks(f"{paragraph}<p>{SENTENCE}</p>")
    assert found[0][0] == kind and found[1] == ("para", 0, SENTENCE)
    if kind == "heading":
        assert found[0][1] == 7 and found[0][2] == re.sub(r"<[^>]+>", "", paragraph).strip()


def test_a_classed_heading_without_text_is_nothing():
    assert blocks(f'<p class="Heading2"> </p><p>{SENTENCE}</p>') == [("para", 0, SENTENCE)]


def test_inline_markup_stays_inside_its_paragraph():
    body = (
        "<p>Esketamine <b>nasal</b> spray<span> is</span> covered<a href='#'> for adults</a>"
        " aged 18<sup>1</sup> and 65<sub>a</sub> or more, per <i>label</i>.</p>"
    )
    assert texts(body) == [
        "Esketamine nasal spray is covered for adults aged 18 1 and 65 a or more, per label ."
    ]


def test_a_footnote_mark_or_subscript_is_one_word():
    body = "<p>Esketamine<sup>1<i>a</i></sup> and ketamine<sub>2<i>b</i></sub> are covered.</p>"
    assert texts(body) == ["Esketamine 1a and ketamine 2b are covered."]


def test_a_line_break_inside_inline_markup_separates_words():
    assert texts("<p><span>Minimum age:<br>18 years</span></p>") == ["Minimum age: 18 years"]


def test_blocks_break_paragraphs():
    body = f"<div>{SENTENCE}<div>{OTHER}</div>Criteria follow.<br>Each is required.<hr>Last line.</div>"
    assert texts(body) == [SENTENCE, OTHER, "Criteria follow.", "Each is required.", "Last line."]


def test_page_numbers_and_copyright_lines_are_not_text():
    body = f"<p>{SENTENCE}</p><p>Page 2 of 3</p><p>© 2026 Sample Health Plan. All rights reserved.</p>"
    assert texts(body) == [SENTENCE]


# -- lists ------------------------------------------------------------------------------------------------


def test_list_items_are_marked_and_numbered():
    body = (
        "<p>Esketamine is covered when:</p>"
        "<ol><li>the member is an adult;</li><li><p>two antidepressants failed;</p></li>"
        "<li>it is given with an oral antidepressant:<ul><li>an SSRI, or</li><li>an SNRI.</li></ul></li>"
        "<li>• the member is monitored.</li></ol>"
        "<ul><li>Renewal after six months.</li><li>1. Reviewed yearly.</li></ul>"
        "<li>A stray item outside any list.</li>"
    )
    assert blocks(body) == [
        ("para", 0, "Esketamine is covered when:"),
        ("item", 0, "1. the member is an adult;"),
        ("item", 0, "2. two antidepressants failed;"),
        ("item", 0, "3. it is given with an oral antidepressant:"),
        ("item", 0, "- an SSRI, or"),
        ("item", 0, "- an SNRI."),
        ("item", 0, "- the member is monitored."),
        ("item", 0, "- Renewal after six months."),
        ("item", 0, "- 1. Reviewed yearly."),
        ("item", 0, "- A stray item outside any list."),
    ]


def test_an_item_that_starts_with_a_heading_keeps_it_a_heading():
    body = "<ul><li><h3>Adults</h3><p>Covered after two failed trials.</p></li><li></li></ul>"
    assert blocks(body) == [("heading", 3, "Adults"), ("para", 0, "Covered after two failed trials.")]


def test_a_paragraph_that_starts_like_a_list_item_is_an_item():
    assert blocks("<p>• Covered after two failed trials.</p><p>2) Renewed yearly.</p>") == [
        ("item", 0, "- Covered after two failed trials."),
        ("item", 0, "2) Renewed yearly."),
    ]


# -- tables -----------------------------------------------------------------------------------------------


def test_table_rows_are_cells_joined_by_bars():
    body = (
        "<table><thead><tr><th>Code</th><th>Description</th></tr></thead>"
        "<tr><td>J0013</td><td>Esketamine, <b>1 mg</b></td></tr>"
        "<tr><td> </td><td></td></tr>"
        "<tr><td>S0013</td><td>Esketamine, <span>56 mg</span></td><td>kit</td></tr>"
        "<tr><script>track()</script><td>G2082</td><td>Visit</td></tr>"
        "<tr><td>X</td><td></td><td>X</td></tr>"  # check marks are the table's content
        "</table>"
    )
    assert blocks(body) == [
        ("row", 0, "Code | Description"),
        ("row", 0, "J0013 | Esketamine, 1 mg"),
        ("row", 0, "S0013 | Esketamine, 56 mg | kit"),
        ("row", 0, "G2082 | Visit"),
        ("row", 0, "X |  | X"),
    ]


def test_a_table_that_lays_out_the_page_is_read_as_content():
    body = (
        f"<table><tr><td><h2>Coverage</h2><p>{SENTENCE}</p></td><td>Side cell</td></tr></table>"
        f"<table><tr><td><table><tr><td>Inner</td><td>row</td></tr></table></td></tr></table>"
    )
    assert blocks(body) == [
        ("heading", 2, "Coverage"),
        ("para", 0, SENTENCE),
        ("para", 0, "Side cell"),
        ("row", 0, "Inner | row"),
    ]


# -- the main content -------------------------------------------------------------------------------------


LONG = " ".join([SENTENCE, OTHER, SENTENCE])  # more than 200 characters


@pytest.mark.parametrize(
    "main",
    [
        "<main><p>{}</p></main>",
        '<div role="main"><p>{}</p></div>',
        "<article><p>{}</p></article>",
        '<div id="main-content"><p>{}</p></div>',
        '<div id="content"><p>{}</p></div>',
        '<div class="content"><p>{}</p></div>',
    ],
)
def test_the_main_content_is_read_when_the_page_marks_it(main):
    body = "<div class='links'>Find a doctor</div>" + main.format(LONG) + "<div>Plan news this week</div>"
    assert texts(body) == [LONG]


def test_a_marked_main_of_200_characters_or_less_is_not_the_content():
    short = "x" * 200
    assert texts(f"<div>Intro</div><main><p>{short}</p></main>") == ["Intro", short]
    assert texts(f"<div>Intro</div><main><p>{short}x</p></main>") == [short + "x"]


# -- what the page says about itself ----------------------------------------------------------------------


def test_a_status_banner_is_read_with_its_element_and_a_cell_with_its_row():
    body = (
        '<div class="alert"><strong>SUPERSEDED</strong> by the <em>new</em> policy</div>'
        '<div class="notice">This policy has been archived <em>(see the new one)</em>.</div>'
        f"<p>{SENTENCE}</p>"
        "<table><tr><td>MP-330</td><td>Ketamine</td><td>Archived</td></tr>"
        "<tr><td>Status</td><td><span>Retired</span></td></tr>"
        "<tr><th>Superseded</th><td>5.01.16</td></tr>"
        "<tr><th><span>Archived</span> copy</th><td>2</td></tr>"
        "</table>"
    )
    status = read_html(page(body)).status_text
    assert status == (
        "SUPERSEDED This policy has been archived (see the new one) . MP-330 Ketamine Archived Status Retired"
        " Superseded 5.01.16 Archived copy 2"
    )


def test_no_status_words_no_status_text():
    assert read_html(page(f"<p>{SENTENCE}</p>")).status_text == ""


# -- pages that are not policies --------------------------------------------------------------------------


def _reason(data: bytes, error=NotAPolicy) -> str:
    with pytest.raises(error) as info:
        read_html(data)
    return str(info.value)


@pytest.mark.parametrize(
    ("body", "head", "reason"),
    [
        ('<form><input type="password"></form><p>{}</p>', "", "login page (password field)"),
        ('<form action="/sign-in"><input type="text"></form><p>{}</p>', "", "login page (sign-in form)"),
        ("<form><label>Log in to continue</label></form><p>{}</p>", "", "login page (sign-in form)"),
        ("<form><label>Signin</label></form><p>{}</p>", "", "login page (sign-in form)"),
        ("<p>{}</p>", "<title>Page Not Found</title>", "error page (page not found)"),
        ("<p>Error 404. {}</p>", "", "error page (error 404. esketamine"),
        ("<p>404 {}</p>", "", "error page (404 esketamine"),
        (
            "<form><strong>Sign</strong><em>in</em> to see this page</form><p>{}</p>",
            "",
            "login page (sign-in",
        ),
        ("<p>I <b>accept</b> the terms. {}</p>", "", "interstitial (click-through acceptance page)"),
        ("<p>Service unavailable. {}</p>", "", "error page (service unavailable. esketamine"),
        ("<p>HTTP 503 {}</p>", "", "error page (http 503 esketamine"),
        ("<p>Access denied. {}</p>", "", "error page (access denied. esketamine"),
        ("<p>An error occurred. {}</p>", "", "error page (an error occurred. esketamine"),
        ("<p>The site is under maintenance. {}</p>", "", "error page (the site is under maintenance. esk"),
        ("<p>I accept the terms. {}</p>", "", "interstitial (click-through acceptance page)"),
        ("<p>By clicking below you agree. {}</p>", "", "interstitial (click-through acceptance page)"),
    ],
)
def test_login_error_and_click_through_pages_are_not_policies(body, head, reason):
    assert _reason(page(body.format(SENTENCE), head)).startswith(reason)


def test_the_error_reason_quotes_the_page_start_without_a_title():
    text = "Forbidden: " + "word " * 20
    assert _reason(page(f"<p>{text}</p>")) == f"error page ({text.lower()[:60]})"


@pytest.mark.parametrize(
    ("body", "own", "words"),
    [
        # a sign-in form or an error word on a long page: a policy with a site login box
        ('<form action="/login"><input type="text"></form><p>{}</p>', 0, 400),
        ("<p>Page not found in the index. {}</p>", 6, 300),
        ("<p>I agree with the reviewer. {}</p>", 5, 400),
    ],
)
def test_a_long_page_with_a_login_box_or_error_words_is_a_policy(body, own, words):
    assert read_html(page(body.format(" ".join(["covered"] * (words - own))))).blocks
    with pytest.raises(NotAPolicy):
        read_html(page(body.format(" ".join(["covered"] * (words - own - 1)))))


def test_a_form_without_sign_in_words_is_not_a_login():
    assert texts(f'<form action="/search"><input type="text"></form><p>{SENTENCE}</p>') == [SENTENCE]
    # sign-in words outside a form: a policy telling providers where to send requests
    notice = "Providers sign in to the portal to send a request."
    assert texts(f"<p>{SENTENCE}</p><p>{notice}</p>") == [SENTENCE, notice]


def test_an_accept_button_in_a_cookie_banner_is_not_an_interstitial():
    body = f'<div class="cookie-notice">By clicking OK I agree to cookies.</div><p>{SENTENCE}</p>'
    assert texts(body) == [SENTENCE]


def test_an_accept_question_in_hidden_chrome_is_not_an_interstitial():
    body = f'<div><span aria-hidden="true">I agree</span></div><p>{SENTENCE}</p>'
    assert texts(body) == [SENTENCE]


def test_an_empty_page_and_a_page_of_chrome_are_empty():
    assert _reason(page("  <p> </p> "), EmptyDocument) == "HTML page has no text"
    assert (
        _reason(page("<nav>Home Members Providers</nav>"), EmptyDocument)
        == "HTML page has no content outside the site chrome"
    )
