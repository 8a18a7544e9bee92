"""``generic``: any site described by the sources-file contract (start_urls, follow, documents regexes).

Used for plans, Medicaid programs, PBMs and vendors without a family spider; a site that outgrows
regexes gets its own family module.
"""

from __future__ import annotations

import re

from crawler.middlewares import host_allowed
from crawler.spiders.base import PolicySpider, link_text


class GenericSpider(PolicySpider):
    name = "generic"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_res = [re.compile(p) for p in self.config.follow]
        self.document_res = [re.compile(p) for p in self.config.documents]

    def parse_index(self, response):
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            if not host_allowed(url, self.allowed_domains):
                continue
            if any(r.search(url) for r in self.document_res):
                yield self.document_request(url, title=self._parse_title(link))
            elif any(r.search(url) for r in self.follow_res):
                yield self.index_request(url)

    def _parse_title(self, link) -> str | None:
        """The link text, a hint for the policy title."""
        return link_text(link) or None
