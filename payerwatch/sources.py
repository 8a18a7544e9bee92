"""Reading the sources file (contract in shared/design.md): the crawl targets and their schedules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SOURCES = Path(__file__).resolve().parent.parent / "crawler" / "sources.yaml"
REQUIRED = ("id", "payer", "spider", "start_urls")
PROGRAMS = ("commercial", "medicare", "medicaid", "federal")


class SourcesError(Exception):
    """The sources file is missing or malformed; the message names the file and the entry."""


@dataclass
class SourceConfig:
    id: str
    payer: str
    spider: str
    start_urls: list[str]
    program: str = "commercial"
    state: str | None = None
    allowed_domains: list[str] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    schedule: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "extra"}
        out.update(self.extra)
        return out


def load_sources(path: Path | str | None = None) -> list[SourceConfig]:
    path = Path(path) if path else DEFAULT_SOURCES
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read sources file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML ({exc})") from None
    entries = (data or {}).get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: expected a top-level 'sources:' list")
    out, seen = [], set()
    for i, entry in enumerate(entries):
        where = f"{path}: sources[{i}]"
        if not isinstance(entry, dict):
            raise SourcesError(f"{where}: expected a mapping")
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            raise SourcesError(f"{where} ({entry.get('id', '?')}): missing {', '.join(missing)}")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", str(entry["id"])):
            raise SourcesError(f"{where}: id {entry['id']!r} must be a lower-case slug")
        if entry["id"] in seen:
            raise SourcesError(f"{where}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        program = entry.get("program") or "commercial"
        if program not in PROGRAMS:
            raise SourcesError(f"{where} ({entry['id']}): program must be one of {', '.join(PROGRAMS)}")
        known = {f for f in SourceConfig.__dataclass_fields__ if f != "extra"}
        out.append(
            SourceConfig(
                **{k: entry[k] for k in known if k in entry and entry[k] is not None and k != "program"},
                program=program,
                extra={k: v for k, v in entry.items() if k not in known},
            )
        )
    return out
