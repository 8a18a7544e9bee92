"""Policy identity: one policy across renames, URL moves, version suffixes and tracking query strings.

``<source id>/policy-number`` when the number is known (family spiders strip version letters and years
from it), else ``<source id>/<canonical url>``. Link text never takes part: titles get renamed. The
source id is the unique slug of sources.yaml, never the payer's display name: editing ``payer:`` must not
re-identify every policy. This is the policy's *key*; the store maps keys to ids (``policy_keys``), so
a policy found under a second key (renamed and moved, see payerwatch/identity.py) keeps its first id.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# query parameters that name a session or a campaign, never a document
TRACKING = re.compile(
    r"^(utm_[a-z]+|gclid|fbclid|msclkid|mc_[a-z]+|_ga|_gl|sessionid|session|sid|jsessionid|phpsessid|"
    r"aspsessionid\w*|cfid|cftoken|ts|timestamp|cachebust|_)$",
    re.I,
)
PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.I)


def _canonical(url: str, drop_params: tuple[str, ...]) -> tuple[str, str, str, str]:
    """(scheme, netloc, path, query) of the canonical URL."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    path = PATH_SESSION.sub("", parts.path) or "/"
    query = ""
    if parts.query:  # most document URLs have none: no parsing, no re-encoding
        dropped = {p.lower() for p in drop_params}
        pairs = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING.match(k) and k.lower() not in dropped
        ]
        query = urlencode(sorted(pairs))
    return parts.scheme.lower(), host, path, query


def canonical_url(url: str, drop_params: tuple[str, ...] = ()) -> str:
    """Lower-case scheme/host, no fragment, no session/tracking params, remaining params sorted."""
    return urlunsplit((*_canonical(url, drop_params), ""))


def url_key(url: str, drop_params: tuple[str, ...] = ()) -> str:
    """The canonical URL without the scheme and port, so http/https and host:port moves keep identity."""
    scheme, netloc, path, query = _canonical(url, drop_params)
    if not netloc:  # rare (no host): read back from the canonical URL, as it always was
        parts = urlsplit(urlunsplit((scheme, netloc, path, query, "")))
        netloc, path, query = parts.netloc, parts.path, parts.query
    # with a host, the canonical URL reads back to these same parts (its path starts with "/"), so the
    # second urlsplit it used to take is skipped: every document's identity is computed at every crawl
    host = netloc.split(":")[0]
    if host.startswith("www."):
        host = host[4:]
    key = host + path
    return key + (f"?{query}" if query else "")


def normalize_number(number: str) -> str:
    return re.sub(r"\s+", "", number.strip()).upper()


def policy_id(source_id: str, number: str | None, url: str, drop_params: tuple[str, ...] = ()) -> str:
    if number:
        return f"{source_id}/{normalize_number(number)}"
    return f"{source_id}/{url_key(url, drop_params)}"
