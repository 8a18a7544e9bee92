"""Generate the sample payer portal for one epoch: ``build_site(epoch) -> {path: Document}``.

Everything is rendered in memory from ``content/`` -- HTML through Jinja2 templates, PDFs through
reportlab with ``invariant=1`` -- so no binary fixture is ever committed and the same epoch always
yields byte-identical files. Last-Modified is derived, not declared: it is the date of the earliest
epoch from which a document's bytes have stayed the same, which is what a real web server would say.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
from dataclasses import dataclass

from . import layouts
from .content import PAYERS, epoch_date, load_payer, max_epoch


@dataclass(frozen=True)
class Document:
    """One servable resource. ``path`` includes the query string when the real site uses one."""

    path: str
    body: bytes
    content_type: str
    last_modified: dt.datetime

    @property
    def etag(self) -> str:
        """A strong ETag: the bytes' hash, so any byte change (even noise) is a new entity."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


ROBOTS = b"User-agent: *\nAllow: /\n"

#: reportlab keeps module-level state; a server thread and a test may both ask for a new epoch.
_BUILD_LOCK = threading.Lock()


def check_epoch(epoch: int) -> int:
    if not 1 <= epoch <= max_epoch():
        raise ValueError(f"epoch must be between 1 and {max_epoch()}, got {epoch}")
    return epoch


@functools.lru_cache(maxsize=16)
def _raw_site(epoch: int) -> dict[str, tuple[bytes, str]]:
    """All payers' resources at ``epoch`` as (bytes, content type), without dates."""
    site: dict[str, tuple[bytes, str]] = {"/robots.txt": (ROBOTS, "text/plain; charset=utf-8")}
    links = []
    for payer in PAYERS:
        site.update(layouts.BUILDERS[payer](epoch))
        data = load_payer(payer)
        links.append((data["prefix"] + "/", data["payer"]))
    site["/"] = (
        layouts.render_html("landing.html.j2", title="Sample payer portal", links=links),
        layouts.HTML,
    )
    return site


def _stamp(epoch: int) -> dt.datetime:
    return dt.datetime.combine(epoch_date(epoch), dt.time(6, 0), tzinfo=dt.UTC)


@functools.lru_cache(maxsize=16)
def _site(epoch: int) -> dict[str, Document]:
    out = {}
    for path, (body, ctype) in _raw_site(epoch).items():
        since = epoch
        while since > 1 and _raw_site(since - 1).get(path, (None,))[0] == body:
            since -= 1
        out[path] = Document(path, body, ctype, _stamp(since))
    return out


def build_site(epoch: int) -> dict[str, Document]:
    """Every resource the portal serves at ``epoch`` (paths absent here answer 404).
    Built once per epoch and process; the returned dict is a copy, the Documents are immutable."""
    check_epoch(epoch)
    with _BUILD_LOCK:
        return dict(_site(epoch))


def clear_cache() -> None:
    """Forget built epochs (tests use it to prove a rebuild gives the same bytes)."""
    with _BUILD_LOCK:
        _site.cache_clear()
        _raw_site.cache_clear()
