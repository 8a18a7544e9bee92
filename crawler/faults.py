"""What went wrong, in words an operator can act on: the crawler's fault vocabulary in one place.

A crawl that finds nothing must say why — "cannot resolve the host" and "the payer blocks us" need
different fixes than "the markup changed". Spiders classify each failed fetch here (``classify_failure``,
``BLOCKED``), the run extension turns a run's faults into one message (``explain_empty_run``), and
``payerwatch sources check`` uses the same words. Expected network faults are logged as one line:
a DNS failure is a fact about the site, not a bug in payerwatch, so it never prints a traceback.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)

#: network-level kinds: the site could not be reached at all
NETWORK = ("dns", "connection", "tls", "timeout")
BLOCKED_REMEDY = (
    "the site refuses payerwatch's crawler: ask the payer to allow it (payerwatch names itself and your "
    "contact address in its User-Agent; set PAYERWATCH_CONTACT_URL to a page or mailto: where they can "
    "reach you)"
)
WHY = {
    "dns": "cannot resolve the host name (check the URL in sources.yaml, or this machine's DNS)",
    "connection": "the connection was refused (the site is down, or a firewall rejects us)",
    "tls": "the TLS handshake failed (certificate chain not trusted or expired); certificate checks "
    "stay on — report it to the payer",
    "timeout": "the site did not answer in time",
    "blocked": BLOCKED_REMEDY,
    "robots": "robots.txt disallows these pages for payerwatch",
    "index-http-404": "the index page is gone (HTTP 404): the payer moved it — find the new address "
    "and update start_urls",
}


def fault_kind(item) -> str:
    """The kind a run reports for a failed fetch: an index page answering 404/410 is ``index-http-404``
    (the payer moved it), never evidence that its policies are gone."""
    if item.is_index and item.error_kind in ("http-404", "http-410"):
        return f"index-{item.error_kind}"
    return item.error_kind


def blocked(url: str, status: int = 403) -> tuple[str, str]:
    """The fault for a 403 answered to the crawler."""
    return "blocked", f"HTTP {status} from {url}: {BLOCKED_REMEDY}"


def classify_failure(failure) -> tuple[str, str]:
    """(error_kind, text) for a download failure; TLS is told apart by the exception's module/name."""
    exc = failure.value
    name = f"{type(exc).__module__}.{type(exc).__name__}"
    text = str(exc) or type(exc).__name__
    host = urlsplit(getattr(getattr(failure, "request", None), "url", "") or "").hostname or ""
    if failure.check(IgnoreRequest) and "robots" in text.lower():
        return "robots", f"disallowed by robots.txt: {text}"
    if failure.check(DownloadTimeoutError) or "Timeout" in name:
        return "timeout", f"timed out: {text}"
    if failure.check(DownloadCancelledError) or "maxsize" in text.lower() or "larger than" in text.lower():
        return "too-large", f"body over the size limit: {text}"
    if failure.check(CannotResolveHostError) or "DNS" in name:
        return "dns", f"DNS lookup failed for {host or 'the host'}: {WHY['dns']}"
    if "SSL" in name or "ssl" in text.lower() or "certificate" in text.lower() or "tls" in text.lower():
        return "tls", f"TLS error with {host or 'the host'}: {text}"
    if failure.check(DownloadConnectionRefusedError) or "Refused" in name or "refused" in text.lower():
        return "connection", f"connection refused by {host or 'the host'}: {WHY['connection']}"
    if "Connection" in name:
        return "connection", f"connection to {host or 'the host'} failed: {text}"
    return "connection", f"{type(exc).__name__}: {text}"


def explain_empty_run(faults: dict[str, tuple[int, str]], source_id: str) -> str:
    """Why a run found no documents, from its faults ``{kind: (count, first text)}``; the likeliest
    cause first (a site we could not reach explains everything after it)."""
    for kind in (*NETWORK, "blocked", "robots", "index-http-404"):
        if kind in faults:
            count, text = faults[kind]
            return f"{kind}: {text}" + (f" ({count} fetches)" if count > 1 else "")
    if faults:
        kind, (count, text) = max(faults.items(), key=lambda kv: kv[1][0])
        return f"found no documents; {count} fetch(es) failed ({kind}): {text}"
    return (
        "found no documents: no link on the index matched the document patterns — the site or its "
        f"markup may have changed (run: payerwatch sources check --source {source_id})"
    )


class QuietNetworkFaults(logging.Filter):
    """Turns Scrapy's traceback for an unreachable robots.txt into one INFO line.

    Scrapy logs that case at ERROR with ``exc_info``; for DNS, refused, TLS and timeout errors the
    traceback says nothing the fault kind does not, and it tears through the progress display.
    """

    EXPECTED = (
        CannotResolveHostError,
        DownloadConnectionRefusedError,
        DownloadTimeoutError,
        ConnectionError,
        TimeoutError,
    )

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and (isinstance(exc, self.EXPECTED) or _tls_or_network(exc)):
            record.exc_info, record.exc_text = None, None
            # the document request behind it fails the same way and is recorded as a fault
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _tls_or_network(exc: BaseException) -> bool:
    name = f"{type(exc).__module__}.{type(exc).__name__}"
    return any(part in name for part in ("SSL", "DNS", "twisted.internet.error", "ResponseNeverReceived"))


def install_log_filter() -> None:
    """Idempotent: attach ``QuietNetworkFaults`` to the loggers that print download tracebacks."""
    for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietNetworkFaults) for f in logger.filters):
            logger.addFilter(QuietNetworkFaults())
