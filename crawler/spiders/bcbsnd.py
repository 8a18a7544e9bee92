"""``bcbsnd``: BCBS North Dakota — the policy search is a JavaScript app; we call its JSON API
(``…/api/policies?page=N``: ``results[]`` with ``title``, ``policyNumber``, ``url``; ``page``/``totalPages``)
and fetch each HTML policy page (``…/medical-policy/<letter>/<slug>``).

Key names are config (``results_key``, ``url_key``, ``title_key``, ``number_key``) so a renamed API field
is a one-line fix in sources.yaml.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.spiders.base import PolicySpider


class BcbsndSpider(PolicySpider):
    name = "bcbsnd"

    def parse(self, response, **kwargs):
        if response.status != 200:
            yield from super().parse(response)
            return
        try:
            data = json.loads(response.body)
        except ValueError:
            item = self.error_item(
                response.request,
                "error-page",
                f"search API did not return JSON: {response.url}",
                status=response.status,
                final_url=response.url,
            )
            item.is_index = True
            yield item
            return
        yield from self.parse_api(response, data)

    def parse_api(self, response, data: dict):
        cfg = self.config.extra
        results = data.get(cfg.get("results_key", "results")) or []
        for row in results:
            href = row.get(cfg.get("url_key", "url"))
            if href:
                yield self.document_request(
                    response.urljoin(href),
                    title=row.get(cfg.get("title_key", "title")),
                    number=row.get(cfg.get("number_key", "policyNumber")),
                )
        page, total = data.get("page"), data.get("totalPages")
        if isinstance(page, int) and isinstance(total, int) and page < total:
            yield self.index_request(self._page_url(response.url, page + 1))

    def _page_url(self, url: str, page: int) -> str:
        """The same API URL with ``page`` replaced."""
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query["page"] = str(page)
        return urlunsplit(parts._replace(query=urlencode(query)))
