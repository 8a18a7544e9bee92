"""Atom and RSS 2.0 feeds of stored changes (feedgen), filtered by payer, drug, kind or minimum severity.

Feeds are byte-for-byte reproducible: the feed's ``updated``/``lastBuildDate`` is the newest entry's
detected-at, not the clock, so regenerating an unchanged feed gives the same bytes and the same ETag, and
feed readers see no phantom updates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from feedgen.feed import FeedGenerator
from lxml import etree

from differ.taxonomy import DRUG_TITLE, KINDS, SEVERITIES, kind_label, severity_rank
from feeds.present import (
    change_html,
    change_title,
    clean,
    diff_url,
    entry_id,
    one_line,
    safe_href,
)
from store.models import ChangeContext, payer_slug

FORMATS = ("atom", "rss")
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 100
FACETS = ("payer", "drug", "kind", "severity")
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FeedFilter:
    """Which changes a feed carries. ``payer`` matches a source id, the payer's name or its slug."""

    payer: str | None = None
    drug: str | None = None
    kind: str | None = None
    min_severity: str | None = None

    def matches(self, ctx: ChangeContext) -> bool:
        change = ctx.change
        if self.payer and not payer_matches(self.payer, ctx):
            return False
        if self.drug and self.drug not in change.drugs:
            return False
        if self.kind and change.kind != self.kind:
            return False
        if self.min_severity and severity_rank(change.severity) < severity_rank(self.min_severity):
            return False
        return True

    def path(self) -> str:
        """The feed's path under ``/feeds/`` without extension (URL scheme in docs/design.md)."""
        if self.payer:
            return f"payer/{payer_slug(self.payer)}"
        if self.drug:
            return f"drug/{self.drug}"
        if self.kind:
            return f"kind/{self.kind}"
        if self.min_severity:
            return f"severity/{self.min_severity}"
        return "all"


def payer_matches(wanted: str, ctx: ChangeContext) -> bool:
    w = wanted.strip().lower()
    return w in (ctx.source_id.lower(), ctx.payer.lower(), payer_slug(ctx.payer))


@dataclass(frozen=True)
class FeedSpec:
    """One published feed: its filter, URL path and human title."""

    filter: FeedFilter
    title: str

    @property
    def path(self) -> str:
        return self.filter.path()


def feed_from_path(facet: str | None, value: str | None) -> FeedFilter | None:
    """``/feeds/<facet>/<value>.<fmt>`` → filter, or None for an unknown facet/value (a 404)."""
    if facet is None:
        return FeedFilter()
    if facet == "payer" and value:
        return FeedFilter(payer=value)
    if facet == "drug" and value in DRUG_TITLE:
        return FeedFilter(drug=value)
    if facet == "kind" and value in KINDS:
        return FeedFilter(kind=value)
    if facet == "severity" and value in SEVERITIES:
        return FeedFilter(min_severity=value)
    return None


def all_feed_specs(contexts: list[ChangeContext], payers: list[str]) -> list[FeedSpec]:
    """Every feed ``publish`` writes: all, each payer (configured or seen in changes), drug,
    kind, severity."""
    specs = [FeedSpec(FeedFilter(), "All ketamine and esketamine policy changes")]
    names = {payer_slug(p): p for p in payers}
    for ctx in contexts:
        names.setdefault(payer_slug(ctx.payer), ctx.payer)
    for slug in sorted(names):
        specs.append(
            FeedSpec(FeedFilter(payer=slug), f"{names[slug]}: ketamine and esketamine policy changes")
        )
    for drug, label in DRUG_TITLE.items():
        specs.append(FeedSpec(FeedFilter(drug=drug), f"{label} policy changes"))
    for kind in KINDS:
        specs.append(FeedSpec(FeedFilter(kind=kind), f"Policy changes: {kind_label(kind)}"))
    for severity in SEVERITIES:
        specs.append(
            FeedSpec(FeedFilter(min_severity=severity), f"Policy changes of {severity} severity or more")
        )
    return specs


def feed_title(flt: FeedFilter, contexts: list[ChangeContext]) -> str:
    if flt.payer:
        name = next((c.payer for c in contexts if payer_matches(flt.payer, c)), flt.payer)
        return f"{one_line(name)}: ketamine and esketamine policy changes"
    if flt.drug:
        return f"{DRUG_TITLE.get(flt.drug, flt.drug)} policy changes"
    if flt.kind:
        return f"Policy changes: {kind_label(flt.kind)}"
    if flt.min_severity:
        return f"Policy changes of {flt.min_severity} severity or more"
    return "All ketamine and esketamine policy changes"


def select(contexts: list[ChangeContext], flt: FeedFilter, limit: int = FEED_LIMIT) -> list[ChangeContext]:
    """The newest ``limit`` matching changes; ``contexts`` must already be newest first."""
    return [c for c in contexts if flt.matches(c)][:limit]


def build_feed(
    contexts: list[ChangeContext],
    flt: FeedFilter,
    fmt: str,
    base_url: str,
    title: str | None = None,
) -> bytes:
    """Serialize the feed for ``flt`` in ``fmt`` (atom | rss). ``contexts``: all changes, newest first."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown feed format {fmt!r}")
    entries = select(contexts, flt)
    path = flt.path()
    self_url = f"{base_url}/feeds/{path}.{fmt}"
    newest = entries[0].change.detected_at if entries else _EPOCH

    fg = FeedGenerator()
    fg.id(f"tag:payerwatch,2026:feed/{path}")
    fg.title(clean(title or feed_title(flt, contexts)))
    fg.subtitle("Changes payers made to what they say about IV ketamine and esketamine (Spravato).")
    fg.link(href=self_url, rel="self")
    fg.link(href=f"{base_url}/", rel="alternate")  # after "self": feedgen's RSS <link> takes the last one
    fg.language("en")
    fg.author(name="payerwatch")  # Atom requires an author at feed level when entries carry none
    fg.generator("payerwatch")
    fg.updated(newest)
    fg.lastBuildDate(newest)
    # feedgen prepends by default, which would reverse our newest-first order
    for ctx in entries:
        _add_entry(fg, ctx, base_url)
    if fmt == "atom":
        return _with_link_rels(fg.atom_str(pretty=True), entries)
    return fg.rss_str(pretty=True)


def _with_link_rels(data: bytes, entries: list[ChangeContext]) -> bytes:
    """Put back the entries' ``rel`` attributes, which feedgen 1.0 drops from Atom entry links.

    (Its ``FeedEntry.atom_entry`` shadows the link dict with the new XML element before reading ``rel``.)
    Our entries carry at most two links, added in this order: the diff page, then the payer's document.
    """
    root = etree.fromstring(data)
    for element, _ctx in zip(root.iter(f"{{{ATOM_NS}}}entry"), entries, strict=True):
        for link, rel in zip(element.findall(f"{{{ATOM_NS}}}link"), ("alternate", "related"), strict=False):
            link.set("rel", rel)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def _add_entry(fg: FeedGenerator, ctx: ChangeContext, base_url: str) -> None:
    change = ctx.change
    fe = fg.add_entry(order="append")
    fe.id(entry_id(change.id))
    fe.guid(entry_id(change.id), permalink=False)
    fe.title(change_title(ctx))
    fe.link(href=diff_url(base_url, ctx), rel="alternate")
    doc = safe_href(ctx.policy_url)
    if doc:
        fe.link(href=doc, rel="related")
    fe.published(change.detected_at)
    fe.updated(change.detected_at)
    # type="html": feedgen escapes the markup as text (never CDATA, which a "]]>" would break)
    fe.content(change_html(ctx, base_url), type="html")
    slug = payer_slug(ctx.payer)
    fe.category(term=slug, label=one_line(ctx.payer), scheme=f"{base_url}/feeds/payer/")
    for drug in change.drugs:
        fe.category(
            term=one_line(drug), label=DRUG_TITLE.get(drug, one_line(drug)), scheme=f"{base_url}/feeds/drug/"
        )
    fe.category(term=change.kind, label=kind_label(change.kind), scheme=f"{base_url}/feeds/kind/")
    fe.category(
        term=change.severity, label=f"severity: {change.severity}", scheme=f"{base_url}/feeds/severity/"
    )
