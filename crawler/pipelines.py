"""Item pipelines, one job each: validate the item → give it its policy identity → archive it.

The crawler only archives: extraction, change detection and the missing/retired bookkeeping run later
from the archive (``payerwatch.processing.analyse_source``) — the same seam ``payerwatch reprocess`` uses.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.archive_handle import archive_for
from crawler.identity import policy_id
from crawler.items import PolicyDocument
from store.crawlstate import DocumentFetch
from store.models import GONE_KINDS


def _header(headers: dict, name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


class ValidatePipeline:
    """An item must carry exactly one of: a body, a 304, an error; and a media type when it has a body."""

    def process_item(self, item: PolicyDocument):
        has = [
            item.body is not None and item.error_kind is None,
            item.not_modified,
            item.error_kind is not None,
        ]
        if sum(has) != 1:
            raise DropItem(f"{item.url}: item must carry exactly one of body / not_modified / error")
        if item.body is not None and item.error_kind is None and not item.media_type:
            ctype = (_header(item.headers, "Content-Type") or "").split(";")[0].strip().lower()
            item.media_type = ctype or ("application/pdf" if item.body[:5] == b"%PDF-" else "text/html")
        return item


class IdentityPipeline:
    """``<source id>/number`` or ``<source id>/<canonical url>`` — the policy's key, stable across renames,
    moves and tracking params, and never derived from the payer's display name (which people edit)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: PolicyDocument):
        if item.policy_id:  # a recheck of a known policy keeps that policy's identity
            return item
        spider = self.crawler.spider
        drop = tuple(getattr(spider, "drop_params", ()))
        item.policy_id = policy_id(spider.config.id, item.policy_number, item.url, drop)
        return item


class ArchivePipeline:
    """Records every fetch and keeps new bytes, in batches of ``PAYERWATCH_BATCH`` per transaction."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.archive = archive_for(crawler.settings)
        self.batch_size = crawler.settings.getint("PAYERWATCH_BATCH", 100)
        self.pending: list[tuple[PolicyDocument, DocumentFetch]] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: PolicyDocument):
        self.pending.append((item, _to_fetch(item)))
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self, spider=None):
        self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        from crawler.extensions import CrawlRunExtension

        ext = self.crawler.get_extension(CrawlRunExtension)
        run_id = ext.run.id if ext and ext.run else None
        batch, self.pending = self.pending, []
        results = self.archive.record_documents(run_id, [f for _, f in batch])
        for (item, _), (outcome, vid) in zip(batch, results, strict=True):
            item.outcome, item.version_id = outcome, vid
        self.crawler.stats.inc_value("payerwatch/archived", len(batch))


def _to_fetch(item: PolicyDocument) -> DocumentFetch:
    # one pass over the headers for the three we keep (``_header`` walks them once per name)
    found: dict[str, str] = {}
    for key, value in item.headers.items():
        found.setdefault(key.lower(), value)
    return DocumentFetch(
        source_id=item.source,
        url=item.url,
        policy_id=item.policy_id,
        final_url=item.final_url,
        title=item.title,
        policy_number=item.policy_number,
        http_status=item.status,
        etag=found.get("etag"),
        last_modified=found.get("last-modified"),
        content_type=found.get("content-type"),
        media_type=item.media_type,
        body=item.body if item.error_kind is None else None,
        not_modified=item.not_modified,
        superseded=bool(item.replaced_on),
        missing=item.recheck and item.gone,
        recheck=item.recheck,
        # an index page answering 404/410 says nothing about the policies it listed: record it as a
        # fault of the crawl ("index-http-404"), so the run never counts those policies as missing
        error_kind=f"index-{item.error_kind}"
        if item.is_index and item.error_kind in GONE_KINDS
        else item.error_kind,
        error=item.error,
    )
