"""The sources file (contract in docs/design.md): load, validate and look up crawl targets.

A missing required key fails here, at load time, with the source id and the key named — a typo in the
YAML must not turn into a crawl that quietly finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from store.models import PROGRAMS, Source, payer_slug

DEFAULT_SOURCES = Path(__file__).with_name("sources.yaml")
REQUIRED = ("id", "payer", "program", "spider", "start_urls", "allowed_domains")
# family spiders that know their own document patterns do not need follow/documents
NEEDS_PATTERNS = ("generic",)


class SourceError(ValueError):
    """The sources file is unusable; the message names the file, the source and the key."""


@dataclass
class SourceConfig:
    id: str
    payer: str
    program: str
    spider: str
    start_urls: list[str]
    allowed_domains: list[str]
    state: str | None = None
    follow: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    schedule: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # family-specific keys

    @property
    def payer_slug(self) -> str:
        return payer_slug(self.payer)

    def to_source(self) -> Source:
        config = {
            "start_urls": self.start_urls,
            "allowed_domains": self.allowed_domains,
            "follow": self.follow,
            "documents": self.documents,
        } | self.extra
        return Source(
            id=self.id,
            payer=self.payer,
            program=self.program,
            state=self.state,
            spider=self.spider,
            schedule=self.schedule,
            config=config,
        )


def parse_source(raw: dict[str, Any], where: str = "sources") -> SourceConfig:
    sid = raw.get("id", "?")
    missing = [k for k in REQUIRED if not raw.get(k)]
    if raw.get("spider") in NEEDS_PATTERNS:
        missing += [k for k in ("documents",) if not raw.get(k)]
    if missing:
        raise SourceError(f"{where}: source {sid!r} is missing required key(s): {', '.join(missing)}")
    if raw["program"] not in PROGRAMS:
        raise SourceError(f"{where}: source {sid!r}: program must be one of {', '.join(PROGRAMS)}")
    for key in ("follow", "documents"):
        for pattern in raw.get(key) or []:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SourceError(
                    f"{where}: source {sid!r}: bad regex in {key}: {pattern!r} ({exc})"
                ) from None
    known = set(REQUIRED) | {"state", "follow", "documents", "schedule"}
    return SourceConfig(
        id=str(raw["id"]),
        payer=str(raw["payer"]),
        program=raw["program"],
        spider=raw["spider"],
        start_urls=list(raw["start_urls"]),
        allowed_domains=list(raw["allowed_domains"]),
        state=raw.get("state"),
        follow=list(raw.get("follow") or []),
        documents=list(raw.get("documents") or []),
        schedule=raw.get("schedule"),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def load_sources(path: Path | str | None = None) -> list[SourceConfig]:
    path = Path(path) if path else DEFAULT_SOURCES
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f"{path}: cannot read sources file ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceError(f"{path}: expected a top-level 'sources:' list")
    sources = [parse_source(raw, str(path)) for raw in data["sources"]]
    seen: set[str] = set()
    for s in sources:
        if s.id in seen:
            raise SourceError(f"{path}: duplicate source id {s.id!r}")
        seen.add(s.id)
    return sources


def get_source(source_id: str, path: Path | str | None = None) -> SourceConfig:
    for s in load_sources(path):
        if s.id == source_id:
            return s
    raise SourceError(f"{path or DEFAULT_SOURCES}: no source with id {source_id!r}")
