"""``tricare``: the TRICARE Policy Manual — chapter files under an as-of date
(``/pages/DisplayManualHtmlFile/<YYYY-MM-DD>/AsOf/TP15/C7S3_8.html``). The date names the manual change,
not the section: identity is ``TP15/C7S3_8`` so each change of the manual is a new version of a section.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

SECTION = re.compile(
    r"/DisplayManualHtmlFile/(?P<date>\d{4}-\d{2}-\d{2})/AsOf/(?P<manual>\w+)/(?P<file>[\w.-]+)\.html?$", re.I
)


class TricareSpider(PolicySpider):
    name = "tricare"

    def parse_index(self, response):
        yield from self.follow_links(response)
        sections = [re.compile(p) for p in self.config.extra.get("sections") or []]
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            m = SECTION.search(url)
            if not m or (sections and not any(p.search(m["file"]) for p in sections)):
                continue
            yield self.document_request(
                url, title=link_text(link) or None, number=f"{m['manual']}/{m['file']}"
            )
