"""Every feed as static files plus an index page, so that any static host can serve them.

``publish --out DIR`` writes what ``serve`` answers under ``/feeds/``: ``DIR/all.atom``,
``DIR/payer/<slug>.atom``, ... and ``DIR/index.html``. Host DIR at ``<base URL>/feeds/`` and the self links
inside the feeds are right.
"""

from __future__ import annotations

import os
from pathlib import Path

from feeds.build import FORMATS, FeedSpec, all_feed_specs, build_feed, select
from feeds.present import esc
from store import Archive


def feed_specs(archive: Archive) -> tuple[list[FeedSpec], list]:
    contexts = archive.list_change_contexts()
    payers = sorted({s.payer for s in archive.list_sources()})
    return all_feed_specs(contexts, payers), contexts


def index_html(specs: list[FeedSpec], contexts: list, prefix: str = "") -> str:
    """A plain page listing every feed with its entry count; ``prefix`` is prepended to the links."""
    rows = []
    for spec in specs:
        n = len(select(contexts, spec.filter))
        links = " ".join(
            f'<a href="{esc(prefix + spec.path + "." + fmt)}">{fmt.upper()}</a>' for fmt in FORMATS
        )
        rows.append(f"<li>{esc(spec.title)} — {n} change{'s' if n != 1 else ''} · {links}</li>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>payerwatch feeds</title></head>\n"
        '<body style="font-family:sans-serif;max-width:48em;margin:2em auto">\n'
        "<h1>payerwatch feeds</h1>\n<p>Subscribe in any feed reader. Each entry is one change a payer made "
        "to what its policies say about IV ketamine or esketamine (Spravato).</p>\n<ul>\n"
        + "\n".join(rows)
        + "\n</ul>\n</body></html>\n"
    )


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file so a reader never sees half a feed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def publish(archive: Archive, out_dir: Path, base_url: str) -> list[Path]:
    """Write every feed in both formats and ``index.html``; return the written paths."""
    specs, contexts = feed_specs(archive)
    written = []
    for spec in specs:
        for fmt in FORMATS:
            path = Path(out_dir) / f"{spec.path}.{fmt}"
            _write(path, build_feed(contexts, spec.filter, fmt, base_url, title=spec.title))
            written.append(path)
    index = Path(out_dir) / "index.html"
    _write(index, index_html(specs, contexts).encode())
    written.append(index)
    return written


def publish_all(archive: Archive, out_dir: Path, base_url: str | None = None) -> list[Path]:
    """What the scheduler and the demo call after each crawl: ``publish`` with the configured base URL."""
    from feeds.config import base_url as env_base_url

    return publish(archive, out_dir, (base_url or env_base_url()).rstrip("/"))
