"""Downloader middlewares: conditional requests from the archive, and redirects that stay on the site.

Scrapy's OffsiteMiddleware silently drops an off-site redirect target (or, in some versions, follows it);
either way the fetch would vanish from the record, and two crawls later the policy would be announced
retired. Here a refused redirect — a 3xx or a ``<meta http-equiv="refresh">`` leaving the site or landing on
a login page, or one that comes back to a URL already on its path (a loop) — stays a response the spider
records as an error of the document's own URL (its first URL), with the target named.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh

from crawler.archive_handle import archive_for

LOGIN_PATH = re.compile(r"/(login|log-in|signin|sign-in|logon|sso|saml|oauth2?|auth|account/login)\b", re.I)


#: ``scheme://netloc`` at the start of an absolute URL, exactly where ``urlsplit`` finds them
_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def host_allowed(url: str, allowed_domains: list[str]) -> bool:
    # asked for every link of every index page: the answer depends on the host alone, so it is cached by
    # the URL's origin (a URL that does not start with one is its own key)
    origin = _ORIGIN.match(url)
    return _host_allowed(origin.group() if origin else url, tuple(allowed_domains))


@functools.lru_cache(maxsize=1024)
def _host_allowed(url: str, allowed_domains: tuple[str, ...]) -> bool:
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
        if 300 <= response.status < 400 and b"Location" in response.headers:
            target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
            how = "redirect"
        elif response.status == 200 and isinstance(response, HtmlResponse):
            interval, target = get_meta_refresh(response)
            if target is None or interval > self.crawler.settings.getfloat("METAREFRESH_MAXDELAY", 100):
                return response
            how = "meta refresh"
        else:
            return response
        refused = self.refusal(request, target, how)
        if refused:
            request.meta["dont_redirect"] = True
            request.meta["refused_redirect"] = refused
        return response

    def refusal(self, request, target: str, how: str) -> tuple[str, str] | None:
        """(kind, text) when following ``target`` must not happen, else None."""
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        path = [*request.meta.get("redirect_urls", []), request.url]
        if target.split("#")[0] in path:
            return "redirect-loop", f"{how} loop: {' -> '.join([*path, target])}"
        if allowed and not host_allowed(target, allowed):
            return "offsite-redirect", f"{how} to off-site {target} refused"
        if LOGIN_PATH.search(urlsplit(target).path):
            return "login-redirect", f"{how} to a login page: {target}"
        return None


class RedirectAwareDupeFilter(RFPDupeFilter):
    """Never drops a request made by following a redirect.

    Scrapy's filter drops a redirect target it has already seen: A -> B, with B also linked (or a loop
    A -> B -> A), and A's fetch ends in silence, with no response and no error to record. Redirect
    chains stay bounded (``GuardedRedirectMiddleware`` refuses loops, ``REDIRECT_MAX_TIMES`` the rest).
    """

    def request_seen(self, request) -> bool:
        if request.meta.get("redirect_urls"):
            return False
        return super().request_seen(request)
