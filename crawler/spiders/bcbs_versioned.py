"""``bcbs_versioned``: the CMS shared by Blue Cross MN and Highmark — every revision of a policy has its
own URL (``…/<Section>/<ID>/<ID>-<NNN>.html``) and old versions stay online with a banner
"This policy version was replaced <date>".

The index links the current version; we walk ``-001`` … ``-NNN`` in order (conditional requests make the
old ones cheap). Old versions that were taken down (404) are skipped quietly; pages with the banner are
kept as blobs and fetches but make no version (the archive's versions are what was current when we saw
it, so the first crawl announces one policy, not its whole history). If the linked page itself says it
was replaced, we probe the next numbers until one is not there.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

VERSIONED = re.compile(r"/(?P<id>[A-Za-z0-9.]+-[A-Za-z0-9.]+)/(?P=id)-(?P<n>\d{3})\.html$")
REPLACED = re.compile(
    r"version was replaced\s*(?:on\s*)?(?P<date>\d{1,2}/\d{1,2}/\d{4}|\w+ \d{1,2}, \d{4})", re.I
)
MAX_PROBES = 5


def version_url(url: str, n: int) -> str:
    m = VERSIONED.search(url)
    return url[: m.start("n")] + f"{n:03d}" + url[m.end("n") :]


class BcbsVersionedSpider(PolicySpider):
    name = "bcbs_versioned"

    def parse_index(self, response):
        yield from self.follow_links(response)
        max_versions = int(self.config.extra.get("max_versions", 60))
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"])
            m = VERSIONED.search(url)
            if not m:
                continue
            current = int(m["n"])
            first = max(1, current - max_versions + 1)
            title = link_text(link) or None
            requests = [
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
            yield from self.chain(requests)

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

    def _parse_replaced(self, response):
        """The replacement date from the banner of a superseded version."""
        if response.status != 200 or not hasattr(response, "text"):
            return None
        m = REPLACED.search(" ".join(response.xpath("//body//text()").getall()[:80]))
        return m["date"] if m else None
