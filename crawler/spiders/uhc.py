"""``uhc``: UnitedHealthcare medical-benefit drug policies (commercial, and the Community Plan).

Listing pages link PDF policies; the link text is the title. Policy numbers carry a year and a version
letter (``2025D0069O`` → ``2026D0069P``; Community Plan ``CSTX2025D0069O``): identity keeps only the
stable part (``D0069``, ``CSTX-D0069``) so a yearly renumbering is a new version, not a new policy.

The Community Plan publishes one list for every state: a source with a ``state`` keeps the links that name
its state or no state at all. That list shows no policy numbers, so the number is read from the PDF's
first page (PDFium) when the listing has none; without one, the canonical URL is the identity.
"""

from __future__ import annotations

import re

import pypdfium2

from crawler.spiders.base import PolicySpider, link_text

NUMBER = re.compile(r"\b(?P<plan>CS[A-Z]{2})?(?P<year>20\d\d)(?P<num>[A-Z]\d{4})(?P<letter>[A-Z]{1,2})?\b")
STATES = dict(
    s.split(":")
    for s in "AL:Alabama AK:Alaska AZ:Arizona AR:Arkansas CA:California CO:Colorado CT:Connecticut "
    "DE:Delaware DC:District_of_Columbia FL:Florida GA:Georgia HI:Hawaii ID:Idaho IL:Illinois IN:Indiana "
    "IA:Iowa KS:Kansas KY:Kentucky LA:Louisiana ME:Maine MD:Maryland MA:Massachusetts MI:Michigan "
    "MN:Minnesota MS:Mississippi MO:Missouri MT:Montana NE:Nebraska NV:Nevada NH:New_Hampshire "
    "NJ:New_Jersey NM:New_Mexico NY:New_York NC:North_Carolina ND:North_Dakota OH:Ohio OK:Oklahoma "
    "OR:Oregon PA:Pennsylvania RI:Rhode_Island SC:South_Carolina SD:South_Dakota TN:Tennessee TX:Texas "
    "UT:Utah VT:Vermont VA:Virginia WA:Washington WV:West_Virginia WI:Wisconsin WY:Wyoming".split()
)


def stable_number(raw: str | None) -> str | None:
    """``CSTX2025D0069O`` → ``CSTX-D0069``; ``2025D0069O`` → ``D0069``; anything else → None."""
    m = NUMBER.search(raw or "")
    if not m:
        return None
    return f"{m['plan']}-{m['num']}" if m["plan"] else m["num"]


def states_named(text: str) -> set[str]:
    """The two-letter codes of the US states a link's text and file name name ("Texas", ``…-tx.pdf``,
    ``cstx…``); longer names first, so "West Virginia" does not also name Virginia."""
    low, named = text.lower(), set()
    for code, name in sorted(STATES.items(), key=lambda kv: -len(kv[1])):
        name = name.replace("_", " ").lower()
        if re.search(rf"\b{name}\b", low):
            named.add(code)
            low = re.sub(rf"\b{name}\b", " ", low)
    codes = re.findall(r"[-_]([a-z]{2})\.pdf\b|\bcs([a-z]{2})\d{4}", low)
    return named | {c.upper() for pair in codes for c in pair if c.upper() in STATES}


class UhcSpider(PolicySpider):
    name = "uhc"

    def parse_index(self, response):
        yield from self.follow_links(response)
        state = (self.config.state or "").upper() if self.config.program == "medicaid" else ""
        for link in response.xpath(
            "//main//a[@href] | //div[contains(@class,'content')]//a[@href]"
        ) or response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            title = link_text(link)
            if not url.lower().split("?")[0].endswith(".pdf"):
                continue
            if state and states_named(f"{title} {url.rsplit('/', 1)[-1]}") - {state}:
                continue  # another state's policy
            yield self.document_request(url, title=title or None, number=self._parse_number_near(link))

    def _parse_number_near(self, link) -> str | None:
        """The policy number printed next to the link (same list item or table row), made version-free."""
        row = link.xpath("ancestor::li[1] | ancestor::tr[1]")
        return stable_number(" ".join(row.xpath(".//text()").getall())) if row else None

    def _parse_number(self, response) -> str | None:
        """The number on the PDF's first page, for listings that show none (the Community Plan's)."""
        if not response.body.startswith(b"%PDF"):
            return None
        try:
            pdf = pypdfium2.PdfDocument(response.body)
            try:
                text = pdf[0].get_textpage().get_text_range() if len(pdf) else ""
            finally:
                pdf.close()
        except Exception:  # a PDF PDFium cannot read still gets archived; identity falls back to the URL
            return None
        return stable_number(text)
