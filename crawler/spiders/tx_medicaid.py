"""``tx_medicaid``: Texas Medicaid (TMHP) provider notices — a news list linking dated notices
(``/news/<YYYY-MM-DD>-<slug>``). Each notice is its own document, identified by its dated path.

TMHP publishes many notices a week; ``keywords`` (regex on the link text and slug) keeps the crawl to the
ones that can matter and keeps us polite.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

NOTICE = re.compile(r"/news/(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[\w-]+)/?$")


class TxMedicaidSpider(PolicySpider):
    name = "tx_medicaid"

    def parse_index(self, response):
        yield from self.follow_links(response)
        keywords = self.config.extra.get("keywords")
        pattern = re.compile(keywords, re.I) if keywords else None
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0].split("?")[0]
            m = NOTICE.search(url)
            title = link_text(link)
            if not m or (pattern and not pattern.search(f"{title} {m['slug']}")):
                continue
            yield self.document_request(url, title=title or None, number=f"{m['date']}-{m['slug']}")
