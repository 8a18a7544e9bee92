"""TRICARE (``tricare-tpm``, ``tricare`` spider): contents → chapter 7 contents → section 3.7, lower-case
paths, identity without the as-of date."""

from __future__ import annotations

from crawler.middlewares import host_allowed
from crawler.spiders.tricare import TricareSpider
from tests.support.spiders import documents, indexes, make_spider, page, split

SITE = "https://manuals.health.mil"
TOC = f"{SITE}/pages/ManualToc.aspx?Manual=TPT5"
C7 = f"{SITE}/pages/DisplayManualHtmlFile/2026-01-12/AsOf/TPT5/C7TOC.html"
S37 = f"{SITE}/pages/DisplayManualHtmlFile/2026-01-12/AsOf/tpt5/c7s3_7.html"


def spider():
    return make_spider(TricareSpider, "tricare-tpm")


def test_contents_lead_to_the_configured_chapter_only():
    out = spider().parse(page("tricare-tpm", "ManualToc.html", TOC))
    results = list(out)
    assert [r.url for r in indexes(results)] == [C7] and documents(results) == []


def test_chapter_contents_lead_to_section_3_7():
    s = spider()
    reqs = documents(s.parse(page("tricare-tpm", "C7TOC.html", C7)))
    # every section of chapter 7 part 3 (mental health): the topic filter decides which ones matter
    assert [(r.url, r.meta["number"]) for r in reqs] == [
        (S37.replace("3_7", "3_1"), "TPT5/C7S3_1"),
        (S37, "TPT5/C7S3_7"),
    ]
    assert host_allowed(S37, s.allowed_domains)


def test_section_is_an_esketamine_document():
    s = spider()
    req = s.document_request(S37, number="TPT5/C7S3_7")
    _, items = split(s.parse_document(page("tricare-tpm", "c7s3_7.html", S37, request=req)))
    assert items[0].ok and b"esketamine" in items[0].body and items[0].policy_number == "TPT5/C7S3_7"


def test_viewer_links_with_the_file_in_the_query_are_understood():
    s = spider()
    html = (
        b'<html><body><a href="/pages/DisplayManualHtml.aspx?Manual=TPT5&amp;Change=14&amp;Type=AsOf&amp;'
        b'Filename=C7TOC.html">Chapter 7</a></body></html>'
    )
    out = list(s.parse(page("tricare-tpm", "ManualToc.html", TOC).replace(body=html)))
    assert [r.url.rsplit("Filename=", 1)[1] for r in indexes(out)] == ["C7TOC.html"]
    assert (
        s._parse_id(s._parse_file(f"{SITE}/pages/X.aspx?Manual=TPT5&Filename=c7s3_7.html")) == "TPT5/C7S3_7"
    )
