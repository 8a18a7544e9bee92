"""``generic``: any site described by the sources-file contract (start_urls, follow, documents regexes).

Used for plans, Medicaid programs, PBMs and vendors without a family spider; a site that outgrows
regexes gets its own family module. Optional keys: ``number`` (a regex whose first group, searched in the
URL then the link text, is the policy number — so Liferay's many URL variants of ``mp-446`` are one
policy) and ``drop_params`` (query parameters that do not name a document).
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
        number = self.config.extra.get("number")
        self.number_re = re.compile(number, re.I) if number else None
        self.drop_params = tuple(self.config.extra.get("drop_params") or ())

    def parse_index(self, response):
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            if not host_allowed(url, self.allowed_domains):
                continue
            if any(r.search(url) for r in self.document_res):
                title = self._parse_title(link)
                yield self.document_request(url, title=title, number=self._parse_link_number(url, title))
            elif any(r.search(url) for r in self.follow_res):
                yield self.index_request(url)

    def _parse_link_number(self, url: str, title: str | None) -> str | None:
        """The policy number named by the source's ``number`` regex, if it has one."""
        if self.number_re is None:
            return None
        m = self.number_re.search(url) or self.number_re.search(title or "")
        return m.group(1).upper() if m else None

    def _parse_title(self, link) -> str | None:
        """The link text, a hint for the policy title."""
        return link_text(link) or None
