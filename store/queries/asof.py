"""The policy in force on a day: appeals need the version in force on the day of a denial.

That is not always the one the payer was serving that day: documents are often published weeks before
they take effect, and sometimes re-issued with an effective date in the past. So every as-of question
names its clock: ``effective`` (the document's own effective date) or ``observed`` (when payerwatch first
saw the bytes).
"""

from __future__ import annotations

import datetime as dt

from store.base import ArchiveBase
from store.models import Version

BY = ("effective", "observed")


def in_force_date(
    version: Version, by: str = "effective", earlier_effective: dt.date | None = None
) -> dt.date:
    """The day a version counts from (Python twin of ``store.search._key_sql``).

    ``observed``: the day payerwatch first saw the bytes. ``effective``: the document's effective date when
    it moved forward from every earlier version's (``earlier_effective`` is their latest) — a re-issue
    with a new, even retroactive, effective date counts from it. Many documents keep their original
    effective date (Aetna's 2019) on every revision; such a revision cannot count from 2019, so it
    counts from the later of that date and the day it was issued (published, else first seen).
    """
    seen = version.first_seen.astimezone(dt.UTC).date()
    if by != "effective":
        return seen
    eff = version.effective
    if eff is not None and (earlier_effective is None or eff > earlier_effective):
        return eff
    issued = version.published or seen
    return max(eff, issued) if eff is not None else issued


def in_force_dates(versions: list[Version], by: str = "effective") -> dict[int, dt.date]:
    """``in_force_date`` of each version of one policy, keyed by version id."""
    out, latest = {}, None
    for v in sorted(versions, key=lambda v: v.seq):
        out[v.id] = in_force_date(v, by, latest)
        if v.effective is not None:
            latest = max(latest, v.effective) if latest else v.effective
    return out


class AsOfMixin(ArchiveBase):
    def version_as_of(self, policy_id: str, day: dt.date, by: str = "effective") -> Version | None:
        """The version in force on ``day``: latest in-force date ≤ day, ties broken by the later version.

        ``by="effective"`` uses the document's effective date (falling back to the day first seen);
        ``by="observed"`` the day payerwatch first saw the bytes.
        """
        if by not in BY:
            raise ValueError(f"by must be one of {BY}")
        versions = self.list_versions(policy_id)
        keys = in_force_dates(versions, by)
        candidates = [v for v in versions if keys[v.id] <= day]
        if not candidates:
            return None
        return max(candidates, key=lambda v: (keys[v.id], v.seq))
