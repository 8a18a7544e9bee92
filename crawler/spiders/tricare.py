"""``tricare``: the TRICARE Policy Manual (TPT5) — a contents page (``ManualToc.aspx?Manual=TPT5``)
links chapter contents pages (``…/AsOf/TPT5/C7TOC.html``), which link the sections
(``/pages/DisplayManualHtmlFile/<YYYY-MM-DD>/AsOf/tpt5/c7s3_7.html`` — paths occur in either case).

The date names the manual change, not the section: identity is ``TPT5/C7S3_7`` (upper-cased), so each
change of the manual is a new version of a section. ``chapters`` and ``sections`` are regexes on the file
name (case-insensitive). Editions renumber sections (TP15 → TPT5 moved the esketamine text from 3.8 to
3.7): when that happens, point ``sections`` at the new number — the old identity then retires.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

MANUAL_FILE = re.compile(
    r"/DisplayManualHtmlFile/(?P<date>\d{4}-\d{2}-\d{2})/AsOf/(?P<manual>\w+)/(?P<file>[\w.-]+)\.html?$", re.I
)
# the contents page may link a viewer with the file in its query (``DisplayManualHtml.aspx?…&Change=N``)
QUERY_FILE = re.compile(r"[?&](?:[^=&]*=)?(?P<file>C\d+(?:TOC|S\d+(?:_\d+)?|AD\w*))\.html?(?:&|$)", re.I)
QUERY_MANUAL = re.compile(r"[?&](?:Manual|SeriesId)=(?P<manual>\w+)", re.I)
CHAPTER_TOC = re.compile(r"^C\d+TOC$", re.I)


class TricareSpider(PolicySpider):
    name = "tricare"
    required_keys = ("sections",)

    def parse_index(self, response):
        yield from self.follow_links(response)
        chapters = [re.compile(p, re.I) for p in self.config.extra.get("chapters") or [r"^C\d+TOC$"]]
        sections = [re.compile(p, re.I) for p in self.config.extra["sections"]]
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            m = self._parse_file(url)
            if not m or url == response.url:
                continue
            if CHAPTER_TOC.match(m["file"]):
                if any(p.search(m["file"]) for p in chapters):
                    yield self.index_request(url)
            elif any(p.search(m["file"]) for p in sections):
                yield self.document_request(url, title=link_text(link) or None, number=self._parse_id(m))

    def _parse_file(self, url: str) -> dict | None:
        """``{manual, file}`` from a dated path, or from a viewer link's query string."""
        m = MANUAL_FILE.search(url)
        if m:
            return {"manual": m["manual"], "file": m["file"]}
        q, manual = QUERY_FILE.search(url), QUERY_MANUAL.search(url)
        return {"manual": manual["manual"] if manual else "TPT5", "file": q["file"]} if q else None

    def _parse_id(self, m: dict) -> str:
        """``TPT5/C7S3_7``: manual and section, upper-cased, without the as-of date."""
        return f"{m['manual'].upper()}/{m['file'].upper()}"
