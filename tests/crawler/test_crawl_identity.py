"""Policy identity survives renames, URL moves, version suffixes and session/tracking query strings."""

from __future__ import annotations

import pytest

from crawler.identity import canonical_url, policy_id, url_key


@pytest.mark.parametrize(
    "a,b",
    [
        ("https://www.example.com/p/1.html?utm_source=mail&utm_campaign=x", "https://example.com/p/1.html"),
        ("http://Example.com:80/p/1.html#section-2", "https://example.com/p/1.html"),
        ("https://example.com/p/1.html;jsessionid=ABC123", "https://example.com/p/1.html"),
        ("https://example.com/p?b=2&a=1&sessionid=zz", "https://example.com/p?a=1&b=2"),
        ("https://example.com/p/1.pdf?gclid=1&fbclid=2", "https://example.com/p/1.pdf"),
    ],
)
def test_url_variants_share_a_key(a, b):
    assert url_key(a) == url_key(b)


def test_meaningful_query_parameters_stay():
    assert url_key("https://x.org/a.do?id=16") != url_key("https://x.org/a.do?id=20")


def test_number_beats_url_and_title():
    assert policy_id("aetna", "0938", "https://aetna.com/cpb/medical/data/900_999/0938.html") == "aetna/0938"
    assert policy_id("aetna", " 0938 ", "https://moved.example/elsewhere") == "aetna/0938"


def test_url_fallback_is_the_canonical_url_key():
    assert policy_id("x", None, "https://www.x.org/p/1.html?utm_medium=rss") == "x/x.org/p/1.html"


def test_canonical_url_keeps_scheme_and_sorts_query():
    assert canonical_url("HTTPS://X.org/p?z=1&a=2#f") == "https://x.org/p?a=2&z=1"
