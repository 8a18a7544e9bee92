"""``masshealth``: the MassHealth Drug List — therapeutic class tables (``pubtheradetail.do?id=<n>``) as
HTML. Each table is one document (``MHDL-T16``); the ``drugId`` parameter only highlights a row and the
session id only names a visit, so neither takes part in identity.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.identity import PATH_SESSION
from crawler.spiders.base import PolicySpider, link_text

DETAIL = re.compile(r"pubtheradetail\.do(;[^?]*)?\?", re.I)


class MassHealthSpider(PolicySpider):
    name = "masshealth"
    drop_params = ("drugId",)

    def parse_index(self, response):
        yield from self.follow_links(response)
        tables = {str(t) for t in self.config.extra.get("tables") or []}
        for link in response.xpath("//a[@href]"):
            url = PATH_SESSION.sub("", response.urljoin(link.attrib["href"]))
            table = self._parse_table_id(url)
            if not DETAIL.search(url) or table is None or (tables and table not in tables):
                continue
            yield self.document_request(url, title=link_text(link) or None, number=f"MHDL-T{table}")

    def _parse_table_id(self, url: str) -> str | None:
        """The ``id`` query parameter: the table number."""
        return (parse_qs(urlsplit(url).query).get("id") or [None])[0]
