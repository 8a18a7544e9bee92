"""``regence``: Regence BlueCross BlueShield (Utah and its sister plans) — the provider library's policy
index (``/provider/library/policies-guidelines/medical-policy``) links policy pages whose entries carry a
number such as ``dru398`` or ``psych12`` in the link text or the URL. ``documents`` (regexes) keeps only
links into the current library, so links to the retired site's numbered files are not fetched. The
number, lower-cased in Regence's own style, is the identity.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PolicySpider, link_text

NUMBER = re.compile(r"\b(dru|med|sur|psych|beh|gen|lab|rad|dme|trans|alt|ahs|anc)[-_ ]?(\d{1,4})\b", re.I)


class RegenceSpider(PolicySpider):
    name = "regence"

    def parse_index(self, response):
        yield from self.follow_links(response)
        patterns = [re.compile(p) for p in self.config.documents]
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            text = link_text(link)
            number = self._parse_link_number(text, url)
            if number is None or (patterns and not any(p.search(url) for p in patterns)):
                continue
            yield self.document_request(url, title=NUMBER.sub("", text).strip(" -–:") or None, number=number)

    def _parse_link_number(self, text: str, url: str) -> str | None:
        """``dru398`` from the link text, else from the URL."""
        m = NUMBER.search(text) or NUMBER.search(url.rsplit("/", 1)[-1])
        return f"{m.group(1).lower()}{int(m.group(2))}" if m else None
