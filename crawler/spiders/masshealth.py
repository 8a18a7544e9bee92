"""``masshealth``: the MassHealth Drug List — therapeutic class tables (``pubtheradetail.do?id=<n>``) as
HTML, one document per table; the ``drugId`` parameter only highlights a row and the session id only
names a visit, so neither takes part in identity.

``tables`` selects tables by title (a regex on the link text, e.g. ``Antidepressants``): table numbers and
ids move between editions ("Table 17: Antidepressants" is ``id=31``), titles do not. A table chosen by
title is identified by its title (``MHDL-antidepressants``); without ``tables`` every table is fetched and
identified by its id (``MHDL-T16``). Numeric ``tables`` entries still select by id.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.identity import PATH_SESSION
from crawler.spiders.base import PolicySpider, link_text

DETAIL = re.compile(r"pubtheradetail\.do(;[^?]*)?\?", re.I)
TABLE_PREFIX = re.compile(r"^\s*table\s+\d+\s*[:.-]\s*", re.I)


class MassHealthSpider(PolicySpider):
    name = "masshealth"
    drop_params = ("drugId",)

    def parse_index(self, response):
        yield from self.follow_links(response)
        seen = set()
        for link in response.xpath("//a[@href]"):
            url = PATH_SESSION.sub("", response.urljoin(link.attrib["href"]))
            table, title = self._parse_table_id(url), link_text(link)
            number = self._parse_number_for(table, title)
            if not DETAIL.search(url) or table is None or number is None or number in seen:
                continue
            seen.add(number)
            yield self.document_request(url, title=title or None, number=number)

    def _parse_number_for(self, table: str | None, title: str) -> str | None:
        """The identity of a selected table, or None when ``tables`` does not select it."""
        wanted = self.config.extra.get("tables") or []
        if not wanted:
            return f"MHDL-T{table}"
        for entry in wanted:
            if isinstance(entry, int) or str(entry).isdigit():
                if str(entry) == table:
                    return f"MHDL-T{table}"
            elif re.search(str(entry), TABLE_PREFIX.sub("", title), re.I):
                return "MHDL-" + re.sub(r"[^a-z0-9]+", "-", TABLE_PREFIX.sub("", title).lower()).strip("-")
        return None

    def _parse_table_id(self, url: str) -> str | None:
        """The ``id`` query parameter of a table link."""
        return (parse_qs(urlsplit(url).query).get("id") or [None])[0]
