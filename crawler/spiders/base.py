"""``PolicySpider``: what every payer-family spider shares — config from the sources file, fault
classification, and turning every response or failure into a ``PolicyDocument``.

Family spiders only implement ``parse_index`` (discover documents) and, when the site needs it,
``_parse_number`` / ``check_document``. Non-2xx responses reach the callbacks (``HTTPERROR_ALLOW_ALL``)
so that every failure becomes a recorded fetch with an ``error_kind`` and a readable ``error``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.faults import NETWORK, blocked, classify_failure
from crawler.items import PolicyDocument
from crawler.middlewares import LOGIN_PATH
from crawler.sources import SourceConfig, SourceError, get_source
from store.models import GONE_HTTP_STATUSES

ERROR_TITLE = re.compile(
    r"page not found|we'?re sorry|we are sorry|\b(404|500|502|503)\s*[-:–]?\s*(not "
    r"found|error|page|server|service)|"
    r"\b(error|http)\s*(404|500|502|503)\b|an error (has )?occurred|service (is )?(temporarily )?unavailable|"
    r"site (is )?(down for|under) maintenance|access denied|something went wrong|server error|"
    r"(we'?ll|we will) be (right )?back|back (up )?shortly|scheduled maintenance|temporarily (down|offline)|"
    r"please try again later",
    re.I,
)
INTERSTITIAL = re.compile(
    r"\b(accept|agree|i agree|continue)\b.{0,300}\b(statement|terms|license|disclaimer)\b|"
    r"\b(statement|terms|license|disclaimer)\b.{0,300}\b(accept|agree)\b",
    re.I | re.S,
)


class PolicySpider(scrapy.Spider):
    # every status reaches the callbacks (RedirectMiddleware still follows 3xx; HttpErrorMiddleware lets
    # 4xx/5xx through) so each failure becomes a recorded fetch
    custom_settings = {"HTTPERROR_ALLOW_ALL": True}
    required_keys: tuple[str, ...] = ()  # family-specific keys the source must provide
    drop_params: tuple[str, ...] = ()  # query parameters that name a version, not a document

    def __init__(
        self,
        source: str | None = None,
        sources: str | None = None,
        config: SourceConfig | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if config is None:
            if not source:
                raise SourceError(
                    f"spider {self.name!r} needs -a source=<id> (and optionally -a sources=<file>)"
                )
            config = get_source(source, sources or os.environ.get("PAYERWATCH_SOURCES"))
        missing = [k for k in self.required_keys if k not in config.extra]
        if missing:
            raise SourceError(
                f"source {config.id!r} (spider {self.name}) is missing key(s): {', '.join(missing)}"
            )
        self.config = config
        self.allowed_domains = list(config.allowed_domains)
        self.start_urls = list(config.start_urls)
        self._callbacks: dict = {}  # function → the one bound method every request uses (see _stable)

    # -- requests ------------------------------------------------------------------------------------
    async def start(self):
        for url in self.start_urls:
            yield self.index_request(url)

    def index_request(self, url: str, callback=None, **meta) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self._stable(callback or self.parse),
            errback=self._stable(self.errback),
            meta={"index": True, **meta},
        )

    def document_request(
        self, url: str, title: str | None = None, number: str | None = None, callback=None, **meta
    ) -> scrapy.Request:
        """A document fetch: conditional (validators from the archive) and carrying its identity hints."""
        return scrapy.Request(
            url,
            callback=self._stable(callback or self.parse_document),
            errback=self._stable(self.errback),
            meta={"conditional": True, "title": title, "number": number, **meta},
        )

    def _stable(self, method):
        """The one bound-method object of ``method`` that every request carries.

        Scrapy reads and parses each callback's source to warn about generators that return a value, and
        caches the answer under a weak reference to the callable. A fresh bound method per request dies
        with its request, so the check ran again and again (~128 times a crawl, ~0.5 ms each); one object
        per method, held by the spider, keeps the answer cached. Equal to ``self.<name>`` as before.
        """
        func = getattr(method, "__func__", None)
        if func is None or getattr(method, "__self__", None) is not self:
            return method
        return self._callbacks.setdefault(func, method)

    # -- callbacks -----------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs) -> Iterator:
        fault = self.fault(response, expect_html=True)
        if fault:
            item = self.error_item(response.request, *fault, status=response.status, final_url=response.url)
            item.is_index = True
            yield item
            return
        yield from self.parse_index(response)

    def parse_index(self, response: Response) -> Iterator:
        raise NotImplementedError

    def parse_document(self, response: Response) -> Iterator:
        meta = response.meta
        if response.status == 304:
            yield self.item(response, not_modified=True)
            yield from self.next_in_chain(response.request)
            return
        fault = self.fault(
            response, expect_html=not _looks_pdf_url(response.request.url)
        ) or self.check_document(response)
        if fault:
            if not (meta.get("probe") and response.status in GONE_HTTP_STATUSES):
                yield self.error_item(
                    response.request, *fault, status=response.status, final_url=response.url
                )
            yield from self.next_in_chain(response.request)
            return
        number = meta.get("number") or self._parse_number(response)
        yield self.item(
            response, body=response.body, number=number, replaced_on=self._parse_replaced(response)
        )
        yield from self.next_in_chain(response.request)

    def chain(self, requests: list[scrapy.Request]) -> Iterator[scrapy.Request]:
        """Fetch ``requests`` one after another, in order: versions of one policy must be archived oldest
        first so that version numbers (``seq``) follow the payer's own order."""
        if requests:
            first, rest = requests[0], requests[1:]
            first.meta["chain"] = rest
            yield first

    def next_in_chain(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        rest = request.meta.get("chain")
        if rest:
            yield from self.chain(list(rest))

    def follow_links(self, response: Response) -> Iterator[scrapy.Request]:
        """Index pages named by the source's ``follow`` regexes (pagination, letter pages)."""
        patterns = [re.compile(p) for p in self.config.follow]
        if not patterns:
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href).split("#")[0]
            if any(p.search(url) for p in patterns):
                yield self.index_request(url)

    def _parse_replaced(self, response: Response) -> str | None:
        """Family hook: the date a newer version replaced this one, when the page says so."""
        return None

    def check_document(self, response: Response) -> tuple[str, str] | None:
        """Family hook: a site-specific reason this 200 response is not the document."""
        return None

    def _parse_number(self, response: Response) -> str | None:
        """Family hook: read the policy number from the document itself."""
        return None

    def item(self, response: Response, **fields) -> PolicyDocument:
        meta = response.meta
        return PolicyDocument(
            source=self.config.id,
            url=response.request.url,
            final_url=response.url,
            title=meta.get("title") or None,
            policy_number=fields.pop("number", None) or meta.get("number"),
            status=response.status,
            headers={k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v},
            recheck=bool(meta.get("recheck")),
            policy_id=meta.get("policy_id"),
            **fields,
        )

    def error_item(
        self, request, kind: str, text: str, status: int | None = None, final_url: str | None = None
    ) -> PolicyDocument:
        # a fault belongs to the document's own URL, not to wherever its redirects led
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        return PolicyDocument(
            source=self.config.id,
            url=first,
            final_url=final_url or (request.url if first != request.url else None),
            title=request.meta.get("title"),
            policy_number=request.meta.get("number"),
            status=status,
            error_kind=kind,
            error=text,
            is_index=bool(request.meta.get("index")),
            recheck=bool(request.meta.get("recheck")),
            policy_id=request.meta.get("policy_id"),
        )

    def errback(self, failure):
        request = failure.request
        kind, text = classify_failure(failure)
        if kind == "connection" and "max redirections" in text:
            path = [*request.meta.get("redirect_urls", []), request.url]
            kind, text = "redirect-loop", f"more than {len(path) - 1} redirects: {' -> '.join(path[:4])} ..."
        # expected network faults are facts for the summary table, not warnings for the console
        log = self.logger.info if kind in NETWORK else self.logger.warning
        log("%s: %s (%s)", request.url, text, kind)
        if request.meta.get("probe") and kind.startswith("http-4"):
            return
        yield self.error_item(request, kind, text)
        yield from self.next_in_chain(request)

    # -- fault classification ------------------------------------------------------------------------
    def fault(self, response: Response, expect_html: bool) -> tuple[str, str] | None:
        """Why this response is not a usable page, or None. Order matters: most specific reason first."""
        refused = response.meta.get("refused_redirect")
        if refused:
            return refused
        if response.status == 403:
            return blocked(response.url)
        if response.status >= 400:
            return f"http-{response.status}", f"HTTP {response.status} from {response.url}"
        if 300 <= response.status < 400:
            return f"http-{response.status}", f"unfollowed redirect ({response.status}) from {response.url}"
        if LOGIN_PATH.search(urlsplit(response.url).path):
            return "login-redirect", f"landed on a login page: {response.url}"
        if not expect_html and response.body.startswith(b"%PDF"):
            return None
        if not isinstance(response, TextResponse):
            if not expect_html and not response.body.startswith(b"%PDF"):
                return "error-page", f"expected a PDF, got {len(response.body)} bytes that are not one"
            return None
        if response.selector.type == "json":
            return None  # a structured answer (CMS Coverage API) is judged by its spider's check_document
        if response.xpath("//input[@type='password']"):
            return "login-redirect", f"page asks for a password: {response.url}"
        target = js_redirect(response)
        if target is not None:
            return "js-redirect", f"page only redirects with JavaScript (to {target}): {response.url}"
        heading = " ".join(response.xpath("//title//text() | //h1//text()").getall())
        if ERROR_TITLE.search(heading):
            return "error-page", f"error page served with HTTP {response.status}: {heading.strip()[:120]!r}"
        if response.xpath("//form") and INTERSTITIAL.search(
            " ".join(response.xpath("//form//text()").getall() + response.xpath("//h1//text()").getall())
        ):
            return (
                "interstitial",
                f"a click-through statement page stands before the document: {response.url}",
            )
        if not expect_html:
            return "error-page", f"expected a PDF, got an HTML page ({heading.strip()[:80]!r})"
        return None


_JS_LOCATION = re.compile(
    r"""(?:\blocation(?:\.href)?\s*=|\blocation\.(?:replace|assign)\s*\()\s*["']([^"']+)""", re.I
)


def js_redirect(response: TextResponse) -> str | None:
    """The target of a page that does nothing but send the browser elsewhere with a script (almost no
    text of its own), or None. Such a page is not the document, and must not be archived as one."""
    scripts = " ".join(response.xpath("//script//text()").getall())
    found = _JS_LOCATION.search(scripts)
    if found is None:
        return None
    text = response.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
    ).getall()
    if len(" ".join(text).split()) > 40:
        return None
    return response.urljoin(found.group(1))


def _looks_pdf_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".pdf")


def link_text(selector) -> str:
    """A link's text, whitespace collapsed: every text node under it (``.//text()``), read with lxml's
    ``itertext`` on the element (the same nodes in the same order, without an XPath query per link)."""
    return " ".join(" ".join(selector.root.itertext()).split())
