"""``aetna_cpb``: Aetna Clinical Policy Bulletins — HTML bulletins at
``/cpb/medical/data/<range>/<NNNN>.html``.

The index is a table per number range (``900_999``); the CPB number is the identity (``aetna/0938``),
because titles grow ("…Depression…" → "…Other Selected Indications") while the number stays.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

CPB_URL = re.compile(r"/cpb/(medical|pharmacy)/data/\d+_\d+/(?P<num>\d{4})\.html$")


class AetnaCpbSpider(PolicySpider):
    name = "aetna_cpb"

    def parse_index(self, response):
        yield from self.follow_links(response)
        seen = set()
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0].split("?")[0]
            m = CPB_URL.search(url)
            if not m or url == response.url or url in seen:
                continue
            seen.add(url)
            yield self.document_request(url, title=link_text(link) or None, number=m["num"])

    def _parse_number(self, response):
        """A bulletin reached without an index link: the number from its URL."""
        m = CPB_URL.search(response.url)
        return m["num"] if m else None
