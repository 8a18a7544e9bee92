"""Scrapy settings for payerwatch: polite by default (we are a guest on payers' sites).

Identifying User-Agent with a contact URL (``PAYERWATCH_CONTACT_URL``), robots.txt obeyed, AutoThrottle,
one request per domain at a time, bounded body size and timeouts, and retries only where a retry can help
(timeouts and 5xx) — a 404 or a TLS error will not fix itself in two seconds.
"""

from __future__ import annotations

import os

BOT_NAME = "payerwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

CONTACT_URL = os.environ.get("PAYERWATCH_CONTACT_URL", "https://github.com/payerwatch/payerwatch#contact")
USER_AGENT = f"payerwatch/0.1 (+{CONTACT_URL}; policy-change monitor)"
PAYERWATCH_DATA = os.environ.get("PAYERWATCH_DATA", "data")
PAYERWATCH_BATCH = 100  # documents per archive transaction

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy (2.13+, asyncio reactor) starts CONCURRENT_ITEMS worker tasks for *every* callback's output, even a
# callback that yields one item: the default 100 costs ~0.6 ms CPU per response here, a third of a small
# document's whole cost. Our pipelines are synchronous, so more than a few concurrent items buys nothing.
CONCURRENT_ITEMS = 16
# seconds between requests to one domain (AutoThrottle never goes below it); 0 for loopback tests
DOWNLOAD_DELAY = float(os.environ.get("PAYERWATCH_CRAWL_DELAY", "1.0"))
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = max(DOWNLOAD_DELAY, 0.01)
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = float(os.environ.get("PAYERWATCH_DOWNLOAD_TIMEOUT", "60"))
DOWNLOAD_MAXSIZE = int(os.environ.get("PAYERWATCH_MAXSIZE", str(50 * 1024 * 1024)))
DOWNLOAD_VERIFY_CERTIFICATES = True  # a broken chain is reported as a `tls` fault, never worked around
DOWNLOAD_WARNSIZE = min(20 * 1024 * 1024, DOWNLOAD_MAXSIZE)

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadTimeoutError",
    "twisted.internet.error.TimeoutError",
    "twisted.internet.defer.TimeoutError",
]

HTTPERROR_ALLOW_ALL = True  # spiders record 4xx/5xx as failed fetches themselves
COOKIES_ENABLED = True  # some portals set a session cookie on the index page
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DUPEFILTER_CLASS = "crawler.middlewares.RedirectAwareDupeFilter"
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ConditionalRequestMiddleware": 560,
    # process_response runs from high to low numbers: this sees a 3xx before RedirectMiddleware (600)
    "crawler.middlewares.GuardedRedirectMiddleware": 610,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.IdentityPipeline": 200,
    "crawler.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.CrawlRunExtension": 500,
}
