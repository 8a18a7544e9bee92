"""Downloader middlewares: conditional requests from the archive, and redirects that stay on the site.

Scrapy's OffsiteMiddleware silently drops an off-site redirect target (or, in some versions, follows it);
either way the fetch would vanish from the record. Here a refused redirect stays a response the spider
records as an error with the target named.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapy import signals

from crawler.archive_handle import archive_for

LOGIN_PATH = re.compile(r"/(login|log-in|signin|sign-in|logon|sso|saml|oauth2?|auth|account/login)\b", re.I)


def host_allowed(url: str, allowed_domains: list[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(
        host == d.lower().split(":")[0] or host.endswith("." + d.lower().split(":")[0])
        for d in allowed_domains
    )


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since to document requests from the archive's last good fetch.

    Validators are loaded once per spider (one query), not per request: the unchanged re-crawl is the
    common case and must stay close to a bare crawl's cost.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.archive = archive_for(crawler.settings)
        self.validators: dict[str, tuple[str | None, str | None]] = {}  # url → (ETag, Last-Modified)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        config = getattr(spider, "config", None)
        if config is not None:
            self.validators = self.archive.validators_for_source(config.id)

    def process_request(self, request, spider=None):
        if not request.meta.get("conditional"):
            return None
        etag, modified = self.validators.get(request.url, (None, None))
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if modified:
            request.headers.setdefault("If-Modified-Since", modified)
        return None


class GuardedRedirectMiddleware:
    """Refuses redirects that leave ``allowed_domains`` or land on a login page; the spider records why."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if not (300 <= response.status < 400) or b"Location" not in response.headers:
            return response
        target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        if allowed and not host_allowed(target, allowed):
            request.meta["dont_redirect"] = True
            request.meta["refused_redirect"] = ("offsite-redirect", f"redirect to off-site {target} refused")
        elif LOGIN_PATH.search(urlsplit(target).path):
            request.meta["dont_redirect"] = True
            request.meta["refused_redirect"] = ("login-redirect", f"redirected to a login page: {target}")
        return response
