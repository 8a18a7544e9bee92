"""``cigna``: Cigna / Evernorth drug coverage policies — a table of PDF links with the policy number
(``IP 0412``) in its own column; the file name repeats the number (``ip_0412_coveragepositioncriteria_…``).

Identity is the number: the esketamine policy was renamed ("Psychiatry – Spravato") without a new number.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

CELL_NUMBER = re.compile(r"\b(IP|PH|P|CNF)\s*[_-]?\s*(\d{3,4})\b")
FILE_NUMBER = re.compile(r"/(ip|ph|p|cnf)_(\d{3,4})_", re.I)


class CignaSpider(PolicySpider):
    name = "cigna"

    def parse_index(self, response):
        yield from self.follow_links(response)
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"])
            if not url.lower().split("?")[0].endswith(".pdf"):
                continue
            yield self.document_request(
                url, title=link_text(link) or None, number=self._parse_row_number(link, url)
            )

    def _parse_row_number(self, link, url: str) -> str | None:
        """``IP0412`` from the row's number cell, else from the file name."""
        row = " ".join(link.xpath("ancestor::tr[1]//text()").getall())
        m = CELL_NUMBER.search(row) or FILE_NUMBER.search(url)
        return f"{m.group(1).upper()}{m.group(2).zfill(4)}" if m else None
