"""``cms_mcd``: CMS Medicare Coverage Database articles — every revision at its own URL
(``article.aspx?articleid=<id>&ver=<n>``), older ones with a "SUPERSEDED" banner.

``start_urls`` are the articles' current pages; each lists its versions. We archive every ``ver=`` in
ascending order under one identity (``A<id>``), so the Medicare history reads like any other policy's.
The AMA/ADA license page the site puts before articles with CPT codes is an interstitial, not a policy.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.spiders.base import PolicySpider, link_text

VERSION_LINK = re.compile(r"article\.aspx\?.*\bver=(\d+)", re.I)


def article_id(url: str) -> str | None:
    q = {k.lower(): v for k, v in parse_qs(urlsplit(url).query).items()}
    return q.get("articleid", [None])[0]


class CmsMcdSpider(PolicySpider):
    name = "cms_mcd"
    drop_params = ("ver",)

    def parse_index(self, response):
        aid = article_id(response.url)
        if not aid:
            return
        versions = {}
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"])
            m = VERSION_LINK.search(url)
            if m and article_id(url) == aid:
                versions[int(m.group(1))] = (url, link_text(link))
        title = self._parse_title(response)
        requests = [
            self.document_request(url, title=title, number=f"A{aid}")
            for _, (url, _) in sorted(versions.items())
        ]
        yield from self.chain(requests)

    def _parse_title(self, response) -> str | None:
        """The article title from the page heading."""
        return " ".join(" ".join(response.xpath("//h1//text()").getall()).split()) or None

    def _parse_replaced(self, response):
        """ "SUPERSEDED" banners carry the revision ending date."""
        text = " ".join(
            response.xpath("//*[contains(@class,'superseded') or contains(@class,'banner')]//text()").getall()
        )
        if "SUPERSEDED" not in text.upper():
            return None
        m = re.search(r"\d{1,2}/\d{1,2}/\d{4}", text)
        return m.group(0) if m else "superseded"
