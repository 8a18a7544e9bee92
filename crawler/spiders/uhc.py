"""``uhc``: UnitedHealthcare medical-benefit drug policies (commercial and Community Plan per state).

Listing pages link PDF policies; the link text is the title. Policy numbers carry a year and a version
letter (``2025D0069O`` → ``2026D0069P``; Community Plan ``CSTX2025D0069O``): identity keeps only the
stable part (``D0069``, ``CSTX-D0069``) so a yearly renumbering is a new version, not a new policy.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

NUMBER = re.compile(r"\b(?P<plan>CS[A-Z]{2})?(?P<year>20\d\d)(?P<num>[A-Z]\d{4})(?P<letter>[A-Z]{1,2})?\b")


def stable_number(raw: str | None) -> str | None:
    """``CSTX2025D0069O`` → ``CSTX-D0069``; ``2025D0069O`` → ``D0069``; anything else → None."""
    m = NUMBER.search(raw or "")
    if not m:
        return None
    return f"{m['plan']}-{m['num']}" if m["plan"] else m["num"]


class UhcSpider(PolicySpider):
    name = "uhc"

    def parse_index(self, response):
        yield from self.follow_links(response)
        for link in response.xpath(
            "//main//a[@href] | //div[contains(@class,'content')]//a[@href]"
        ) or response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            if not url.lower().split("?")[0].endswith(".pdf"):
                continue
            yield self.document_request(
                url, title=link_text(link) or None, number=self._parse_number_near(link)
            )

    def _parse_number_near(self, link) -> str | None:
        """The policy number printed next to the link (same list item or table row), made version-free."""
        row = link.xpath("ancestor::li[1] | ancestor::tr[1]")
        return stable_number(" ".join(row.xpath(".//text()").getall())) if row else None
