"""Hostile text from a payer's document stays inert in the feeds, the mails and the pages.

The fixture change ``cm-hostile`` carries ``<script>``, ``]]>``, entities, quotes, a control character and
non-ASCII text in its summary, bullets, diff and revision note; its policy title and URL are hostile too.
"""

from __future__ import annotations

import email
import email.policy
import urllib.request
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree

from feeds.build import ATOM_NS, FeedFilter, build_feed
from feeds.message import compose
from feeds.present import change_html, change_title, entry_id, esc
from feeds.publish import index_html, publish
from feeds.tokens import unsubscribe_url
from store.models import Source
from tests.support.feeds import Served, load_cases, make_change, seed

BASE = "https://watch.example.org"
VISIBLE = ["<script>alert(1)</script>", "]]>", '"quoted"', "'single'", "café", "≥ 2", "½ dose", "naïve"]


def assert_inert_html(fragment: str) -> str:
    """No active element, event handler or non-http link; return the visible text."""
    root = lxml.html.fromstring(f"<div>{fragment}</div>")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("script", "iframe", "img", "object", "embed", "svg", "b"), el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            if name in ("href", "src", "action"):
                assert urlsplit(value.strip()).scheme in ("", "http", "https"), value
    return root.text_content()


@pytest.fixture
def hostile(archive):
    changes = seed(archive)
    ctx = next(c for c in archive.list_change_contexts() if c.change.id == changes["cm-hostile"].id)
    return ctx


def test_render_fragment_is_inert(hostile):
    # the summary travels in the title (entry title, mail subject and heading), the rest in the fragment
    text = assert_inert_html(f"<h2>{esc(change_title(hostile))}</h2>" + change_html(hostile, BASE))
    for s in VISIBLE + ["<b>bold</b>", "<iframe src=javascript:alert(4)>", "<![CDATA[", "</content>"]:
        assert s in text, s
    assert "\x0b" not in text


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feed_is_well_formed_and_inert(archive, hostile, fmt):
    data = build_feed(archive.list_change_contexts(), FeedFilter(), fmt, BASE)
    root = etree.fromstring(data, parser=etree.XMLParser(recover=False, resolve_entities=False))
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    if fmt == "atom":
        entry = next(
            e
            for e in root.iter(f"{{{ATOM_NS}}}entry")
            if e.findtext(f"{{{ATOM_NS}}}id") == entry_id(hostile.change.id)
        )
        title = entry.findtext(f"{{{ATOM_NS}}}title")
        content = entry.findtext(f"{{{ATOM_NS}}}content")
        assert entry.find(f"{{{ATOM_NS}}}content").get("type") == "html"
    else:
        entry = next(e for e in root.iter("item") if e.findtext("guid") == entry_id(hostile.change.id))
        title, content = entry.findtext("title"), entry.findtext("description")
    assert "<script>alert(1)</script>" in title and "]]>" in title
    assert not root.findall(".//script") and not root.findall(f".//{{{ATOM_NS}}}script")
    text = title + assert_inert_html(content)  # the summary is the title; the content does not repeat it
    for s in VISIBLE:
        assert s in text, s
    # the hostile document link (quotes, ampersands) is still one well-formed attribute value
    hrefs = [a.get("href") for a in lxml.html.fromstring(f"<div>{content}</div>").iter("a")]
    assert 'https://crescent-mutual.test/policy/318.html?view=full&lang="en"' in hrefs


def test_javascript_url_is_never_linked(archive):
    seed(archive)
    from store.models import Policy

    archive.upsert_policy(
        Policy(id="crescent-mutual/CM-999", source_id="crescent-mutual", url="javascript:alert(7)", title="x")
    )
    spec = dict(load_cases()["changes"][3], key="js", policy="crescent-mutual/CM-999")
    change = make_change(archive, spec)
    data = build_feed(archive.list_change_contexts(), FeedFilter(), "atom", BASE)
    assert b"javascript:alert(7)" not in data
    entry = next(e for e in feedparser.parse(data).entries if e.id == entry_id(change.id))
    assert {link.rel for link in entry.links} == {"alternate"}


def _mail(ctx, archive, summary: str | None = None):
    if summary is not None:
        ctx.change.summary = summary
    sub = archive.add_subscription('"odd<script>"@example.org')
    msg = compose(
        [ctx], [1], sub, mail_from="payerwatch <alerts@watch.example.org>", base_url=BASE, secret="s"
    )
    return email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)


def test_mail_is_inert(archive, hostile):
    parsed = _mail(hostile, archive)
    html = parsed.get_body(("html",)).get_content()
    text = assert_inert_html(lxml.html.tostring(lxml.html.fromstring(html).body, encoding="unicode"))
    for s in VISIBLE:
        assert s in text, s
    plain = parsed.get_body(("plain",)).get_content()
    for s in VISIBLE:
        assert s in plain, s
    assert "<script>alert(1)</script>" in str(parsed["Subject"])


def test_mail_headers_cannot_be_injected(archive, hostile):
    parsed = _mail(
        hostile, archive, summary="Crescent Mutual Health Plan: x\r\nBcc: victim@example.com\r\n\r\nbody"
    )
    assert parsed["Bcc"] is None
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])
    assert "Bcc: victim@example.com" in str(parsed["Subject"])  # kept, harmlessly, as subject text


def test_pages_are_inert(archive, hostile, tmp_path):
    archive.upsert_source(Source(id="evil", payer='<script>alert(8)</script> "Health" & Co'))
    sub = archive.add_subscription('"<script>alert(9)</script>"@example.org')
    with Served(archive, secret="s") as srv:
        url = unsubscribe_url(srv.url, "s", sub.id, sub.email)
        with urllib.request.urlopen(url, timeout=10) as resp:
            page = resp.read().decode()
        with urllib.request.urlopen(f"{srv.url}/feeds/", timeout=10) as resp:
            index = resp.read().decode()
    assert "<script>alert(9)</script>" in assert_inert_html(
        lxml.html.tostring(lxml.html.fromstring(page).body, encoding="unicode")
    )
    assert "<script>alert(8)</script>" in assert_inert_html(
        lxml.html.tostring(lxml.html.fromstring(index).body, encoding="unicode")
    )
    assert "<script>alert" not in index and "<script>alert" not in page
    written = publish(archive, tmp_path / "site", BASE)
    for path in written:
        if path.suffix in (".atom", ".rss"):
            assert not feedparser.parse(path.read_bytes()).bozo, path
    assert (tmp_path / "site" / "index.html").read_text() == index_html(*_specs(archive))


def _specs(archive):
    from feeds.publish import feed_specs

    return feed_specs(archive)
