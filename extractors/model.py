"""Typed results of extraction: the boundary between `extractors/` and everything downstream.

These dataclasses are what the differ compares and what the store keeps (as JSON on the version and as
passage / fact rows), so they must round-trip through ``to_dict`` / ``from_dict`` without loss. Offsets
are character offsets into ``ExtractedPolicy.text`` (the normalized text), so evidence shown to users
points at exactly the words the differ saw.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

DRUGS = ("ketamine", "esketamine")

#: Coverage positions, from most to least favourable. The strings are part of the change bullets.
POSITIONS = (
    "covered",
    "covered_with_criteria",
    "not_covered",
    "not_medically_necessary",
    "experimental_investigational",
    "unproven",
)


@dataclass(frozen=True)
class Section:
    """A heading and the span of normalized text it governs (up to the next heading of its level)."""

    heading: str
    path: tuple[str, ...]
    level: int
    start: int
    end: int
    page_start: int | None = None
    page_end: int | None = None


@dataclass(frozen=True)
class Passage:
    """A piece of a section that mentions ketamine, esketamine, Spravato, Ketalar or their codes."""

    section_path: tuple[str, ...]
    heading: str
    text: str
    start: int
    end: int
    page_start: int | None = None
    page_end: int | None = None
    drugs: tuple[str, ...] = ()
    indications: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoverageFact:
    """One explainable statement: for ``drug`` x ``indication``, ``field`` is ``value``.

    ``field`` is ``position`` (value one of POSITIONS) or a criterion such as ``age_min``,
    ``failed_antidepressants``, ``trial_weeks``, ``approval_initial``, ``approval_continuation``,
    ``prescriber``, ``concomitant_antidepressant``, ``rems``, ``dose_max_mg`` ... ``sentence`` is the
    normalized sentence the fact was read from and ``start``/``end`` its offsets.

    ``subpopulation`` (positions only, e.g. ``monotherapy``) is set when the policy gives part of an
    indication a stance of its own ("Spravato used as monotherapy is unproven for TRD" next to TRD covered
    with criteria): the pair is two rows, never one row with two stances.
    """

    drug: str
    indication: str
    field: str
    value: str
    sentence: str
    start: int
    end: int
    page: int | None = None
    subpopulation: str | None = None


@dataclass(frozen=True)
class RevisionEntry:
    """One row of the document's own revision-history section."""

    date: dt.date | None
    text: str


@dataclass(frozen=True)
class PolicyMetadata:
    policy_number: str | None = None
    title: str | None = None
    published: dt.date | None = None
    effective: dt.date | None = None
    next_review: dt.date | None = None
    line_of_business: str | None = None
    state: str | None = None
    #: "superseded" / "replaced" / "retired" when the page says this version is no longer current
    status: str | None = None


@dataclass(frozen=True)
class ExtractedPolicy:
    """Everything payerwatch reads out of one document's bytes.

    ``text`` is the normalized full text: formatting noise (wrapping, hyphenation, running headers,
    page numbers, printed-on dates, ligatures) is gone, so equal text means no change to announce.
    """

    media_type: str
    text: str
    metadata: PolicyMetadata = field(default_factory=PolicyMetadata)
    sections: tuple[Section, ...] = ()
    passages: tuple[Passage, ...] = ()
    facts: tuple[CoverageFact, ...] = ()
    codes: tuple[str, ...] = ()
    revision_history: tuple[RevisionEntry, ...] = ()
    pages: int | None = None
    extractor_version: str = "1"

    @property
    def mentions_topic(self) -> bool:
        return bool(self.passages)

    @property
    def drugs(self) -> tuple[str, ...]:
        found = {d for p in self.passages for d in p.drugs}
        return tuple(d for d in DRUGS if d in found)

    def to_dict(self) -> dict[str, Any]:
        return _encode(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractedPolicy:
        meta = data.get("metadata") or {}
        return cls(
            media_type=data["media_type"],
            text=data["text"],
            metadata=PolicyMetadata(**{k: _date(v) if k in _DATE_FIELDS else v for k, v in meta.items()}),  # type: ignore[arg-type]
            sections=tuple(Section(**_tuples(s)) for s in data.get("sections", ())),
            passages=tuple(Passage(**_tuples(p)) for p in data.get("passages", ())),
            facts=tuple(CoverageFact(**f) for f in data.get("facts", ())),
            codes=tuple(data.get("codes", ())),
            revision_history=tuple(
                RevisionEntry(date=_date(r.get("date")), text=r["text"])
                for r in data.get("revision_history", ())
            ),
            pages=data.get("pages"),
            extractor_version=data.get("extractor_version", "1"),
        )


_DATE_FIELDS = {"published", "effective", "next_review"}


def _encode(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_encode(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _tuples(d: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


class ExtractionError(Exception):
    """A document that cannot be read as a policy. ``reason`` is a short stable slug for the fetch log."""

    reason = "unreadable"


class CorruptDocument(ExtractionError):
    reason = "corrupt"


class EncryptedDocument(ExtractionError):
    reason = "encrypted"


class EmptyDocument(ExtractionError):
    reason = "empty"


class NoTextLayer(ExtractionError):
    reason = "no-text-layer"


class DocumentTooLarge(ExtractionError):
    reason = "too-large"


class NotAPolicy(ExtractionError):
    """A login page, an error page or an interstitial served where a policy was expected."""

    reason = "not-a-policy"


class UnsupportedMediaType(ExtractionError):
    reason = "unsupported-media-type"


class ExtractionTimeout(ExtractionError):
    reason = "timeout"


class InflationBomb(ExtractionError):
    """A PDF whose compressed streams inflate past the budget: refused before any reader lays it out."""

    reason = "inflation-bomb"


class ResourceLimit(ExtractionError):
    """Reading the document ran out of memory, or (``payerwatch.extraction``) its worker process was
    killed for passing its memory, CPU or wall-time limit."""

    reason = "resource-limit"
