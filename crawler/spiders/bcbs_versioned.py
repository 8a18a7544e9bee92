"""``bcbs_versioned``: the "securecms" medical-policy CMS shared by Blue Cross MN and Highmark — every
revision of a policy has its own URL (``…/policies/<Section>/<ID>/<ID>-<NNN>.html``) and old versions stay
online with a banner "This policy version was replaced <date>".

The public index is a search page (behind a click-through statement on the payer's main site): a
keyword search lists policies, and the per-number search (``search.html?q=<ID>&number=<ID>``) shows a
"Currently Active Policy" table — section and version — from which the current URL is built. Optional
keys: ``numbers`` (policy numbers to look up directly), ``policies_base`` (the ``…/policies/`` URL the
table's rows are joined to), ``max_versions``. From the current version we walk ``-001`` … ``-NNN`` in
order; old versions taken down (404) are skipped quietly, replaced ones are kept as fetches but make no
version, and a current page that says it was replaced makes us probe the next numbers.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit

from crawler.spiders.base import PolicySpider, link_text

VERSIONED = re.compile(r"/(?P<id>[A-Za-z0-9.]+-[A-Za-z0-9.]+)/(?P=id)-(?P<n>\d{3})\.html$")
NUMBER = re.compile(r"\b([IVXL]{1,4}|[A-Z])-\d{1,4}\b")
REPLACED = re.compile(
    r"version was replaced\s*(?:on\s*)?(?P<date>\d{1,2}/\d{1,2}/\d{4}|\w+ \d{1,2}, \d{4})", re.I
)
MAX_PROBES = 5


def version_url(url: str, n: int) -> str:
    m = VERSIONED.search(url)
    return url[: m.start("n")] + f"{n:03d}" + url[m.end("n") :]


class BcbsVersionedSpider(PolicySpider):
    name = "bcbs_versioned"

    async def start(self):
        async for request in super().start():
            yield request
        for number in self.config.extra.get("numbers") or []:
            yield self.index_request(self._search_url(self.start_urls[0], number), number=number)

    def parse_index(self, response):
        yield from self.follow_links(response)
        walked = set()
        for link in response.xpath("//a[@href]"):
            m = VERSIONED.search(response.urljoin(link.attrib["href"]))
            if m and m["id"] not in walked:
                walked.add(m["id"])
                yield from self._walk(response.urljoin(link.attrib["href"]), link_text(link) or None)
        current = self._parse_active_row(response)
        if current and VERSIONED.search(current)["id"] not in walked:
            walked.add(VERSIONED.search(current)["id"])
            yield from self._walk(current, self._parse_heading(response))
        if walked or response.meta.get("number"):
            return
        # a keyword search that lists numbers without links: look each one up on its own
        text = " ".join(response.xpath("//a//text() | //td//text() | //li//text()").getall())
        for number in dict.fromkeys(m.group(0) for m in NUMBER.finditer(text)):
            yield self.index_request(self._search_url(response.url, number), number=number)

    def _walk(self, url: str, title: str | None):
        """Versions 001 … current of one policy, chained oldest first."""
        m = VERSIONED.search(url)
        current = int(m["n"])
        first = max(1, current - int(self.config.extra.get("max_versions", 60)) + 1)
        yield from self.chain(
            [
                self.document_request(
                    version_url(url, n),
                    title=title,
                    number=m["id"],
                    callback=self.parse_version,
                    current=current,
                    probe=n < current,
                )
                for n in range(first, current + 1)
            ]
        )

    def parse_version(self, response):
        """Archive this version; past the indexed one, keep probing while the page says it was replaced."""
        yield from self.parse_document(response)
        m = VERSIONED.search(response.request.url)
        n, current = int(m["n"]), response.meta["current"]
        if current <= n < current + MAX_PROBES and self._parse_replaced(response):
            yield self.document_request(
                version_url(response.request.url, n + 1),
                title=response.meta.get("title"),
                number=m["id"],
                callback=self.parse_version,
                current=current,
                probe=True,
            )

    def _parse_active_row(self, response) -> str | None:
        """The current version's URL from a "Currently Active Policy" table: section and version cells."""
        number = response.meta.get("number")
        base = self.config.extra.get("policies_base")
        for row in response.xpath(
            "//*[contains(normalize-space(.), 'Currently Active Policy')]/following::table[1]//tr[td]"
        ):
            cells = [" ".join(c.xpath(".//text()").getall()).strip() for c in row.xpath("td")]
            version = next((c for c in cells if re.fullmatch(r"\d{3}", c)), None)
            row_number = next((c for c in cells if NUMBER.fullmatch(c)), number)
            if version and row_number and base and cells[0]:
                section = cells[0].replace(" ", "_")
                return urljoin(base, f"{section}/{row_number}/{row_number}-{version}.html")
        return None

    def _parse_heading(self, response) -> str | None:
        """The policy title shown on a per-number search page, if any."""
        return " ".join(" ".join(response.xpath("//h1//text()").getall()).split()) or None

    def _search_url(self, url: str, number: str) -> str:
        """The per-number search on the same site as ``url``."""
        parts = urlsplit(url)
        query = urlencode(
            {"q": number, "sort-by-field": "version", "sort-by-order": "desc", "number": number}
        )
        return parts._replace(query=query, fragment="").geturl()

    def _parse_replaced(self, response):
        """The replacement date from the banner of a superseded version."""
        if response.status != 200 or not hasattr(response, "text"):
            return None
        m = REPLACED.search(" ".join(response.xpath("//body//text()").getall()[:80]))
        return m["date"] if m else None
