"""``cms_mcd``: Medicare Coverage Database articles through CMS's public Coverage API
(``api.coverage.cms.gov``) — the structured route to every revision of a billing article.

The HTML article pages put the AMA/ADA licence text inside the page's main form (our interstitial test
rightly rejects them), while the API states the licence once: ``/v1/metadata/license-agreement`` answers
a bearer token (valid about an hour), and ``/v1/data/article?articleid=<id>`` answers the current
revision's fields with its ``article_version``. We then fetch ``&ver=1`` … ``&ver=<current>`` in order
(archived oldest first under one identity, ``A<id>``); revisions before the current one are "replaced"
(kept as fetches, no version), and a revision the API does not serve is skipped quietly. The token rides
in each request's headers and meta — never on the spider. Config: ``articles`` (ids), ``max_versions``.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urljoin

from crawler.spiders.base import PolicySpider

ARTICLE_PATH = "/v1/data/article"


def api_rows(response) -> list[dict] | None:
    """The ``data`` list of a Coverage API answer (``{"meta": …, "data": [...]}``), or None."""
    try:
        data = json.loads(response.body)
    except ValueError:
        return None
    rows = data.get("data") if isinstance(data, dict) else None
    return rows if isinstance(rows, list) else None


class CmsMcdSpider(PolicySpider):
    name = "cms_mcd"
    required_keys = ("articles",)

    def parse(self, response, **kwargs):
        """The licence-agreement answer: a token, then one current-revision request per article."""
        rows = api_rows(response) if response.status == 200 else None
        token = (rows or [{}])[0].get("Token") if rows else None
        if not token:
            yield from self._index_fault(response, "the licence-agreement endpoint gave no token")
            return
        for aid in self.config.extra["articles"]:
            yield self.index_request(
                self._article_url(response.url, aid),
                callback=self.parse_article,
                token=token,
                article=str(aid),
            ).replace(headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def parse_article(self, response):
        """The current revision's fields: its version number and title; then every revision, oldest first."""
        rows = api_rows(response) if response.status == 200 else None
        if not rows:
            yield from self._index_fault(response, "the article endpoint returned no data")
            return
        aid, token = response.meta["article"], response.meta["token"]
        current = int(rows[0].get("article_version") or 1)
        first = max(1, current - int(self.config.extra.get("max_versions", 60)) + 1)
        title = rows[0].get("title")
        yield from self.chain(
            [
                self.document_request(
                    self._article_url(response.url, aid, ver),
                    title=title,
                    number=f"A{aid}",
                    callback=self.parse_revision,
                    current=current,
                    probe=ver < current,
                ).replace(headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
                for ver in range(first, current + 1)
            ]
        )

    def parse_revision(self, response):
        """One revision's JSON; an empty ``data`` list for an old revision means the API has not got it."""
        if response.status == 200 and not api_rows(response) and response.meta.get("probe"):
            yield from self.next_in_chain(response.request)
            return
        yield from self.parse_document(response)

    def check_document(self, response):
        if not api_rows(response):
            return "error-page", f"the Coverage API answered no article data: {response.url}"
        return None

    def _parse_replaced(self, response):
        """Revisions before the current one were replaced; the API's end date when it gives one."""
        if response.meta.get("current") is None or not response.meta.get("probe"):
            return None
        row = (api_rows(response) or [{}])[0]
        return row.get("rev_end_date") or row.get("article_end_date") or "superseded"

    def _article_url(self, base: str, aid, ver: int | None = None) -> str:
        query = {"articleid": aid} | ({"ver": ver} if ver is not None else {})
        return urljoin(base, ARTICLE_PATH) + "?" + urlencode(query)

    def _index_fault(self, response, text: str):
        fault = self.fault(response, expect_html=False) if response.status != 200 else None
        kind, message = fault or ("error-page", f"{text}: {response.url}")
        item = self.error_item(
            response.request, kind, message, status=response.status, final_url=response.url
        )
        item.is_index = True
        yield item
