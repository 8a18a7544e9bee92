"""One policy across renames and moves: a new document that prints an older policy's number continues it.

The crawler names a document by its key — ``<source id>/<policy number>`` when the site shows the number
where a spider can read it, else ``<source id>/<canonical URL>``. Many sites show the number only inside
the document, so a policy renamed and moved to a new URL (or re-issued under a versioned URL or a dated
path) first arrives as a new policy. Here, after extraction, such a first version is matched by the
policy number printed in it with an older policy of the same source that no index lists any more, and
the two become one (``Archive.merge_policy``): one history, one change for the rename, never a
``new_policy`` plus a ``retired``.

A number shared by two documents that are both still listed is not a succession: nothing is merged.

A manual that republishes every section at a new dated path (``/manuals/2026-03-01/…/c7s3_8.html``, the
earlier editions staying online) may print no number we can read: there the path without its date is the
identity, and only a *newer* edition continues an older one (an old edition found late never becomes the
current version).
"""

from __future__ import annotations

import re

from store import Archive
from store.models import Policy, Version

#: A revision marker after the number: "MP-401 Rev. 3", "MP-401 v2", "0938 (version 4)", and the
#: revision counter after a colon of document ids such as "BI641:00" → "BI641:01".
_REVISION = re.compile(r"(?<=\d)(?:[\s\-_.,(]*(?:REV(?:ISION)?|VER(?:SION)?|V)\.?\s*\d{1,3}\)?|:\d{1,3})$")
#: A "-NNN" version counter after a letter-prefixed number ("CS-301-002", as in versioned URLs).
_COUNTER = re.compile(r"^([A-Z]{1,5}[\s\-]?\d{2,4})-\d{3}$")
#: The year of a UnitedHealthcare-style number ("2026D0072A", "CSTX2026D0069P"): the year of the version.
_YEAR = re.compile(r"(?:^|(?<=[A-Z]))(?:19|20)\d{2}(?=[A-Z]\d{3})")
#: A trailing version letter right after the digits ("2026D0072A" → "B" → "C").
_LETTER = re.compile(r"(?<=\d)[A-Z]$")
#: A dated path segment — the edition, not the document: "/2026-03-01/", "/20260301/", "/2026/03[/01]/".
_DATED = re.compile(r"/(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}/\d{2}(?:/\d{2})?)(?=/)")


def number_key(number: str | None) -> str | None:
    """A printed policy number without its version: the part a payer keeps across revisions.

    Compared without case, spaces, dots or dashes ("IP 0412" = "ip-0412"), and without what payers
    append or prefix per revision — UnitedHealthcare's year and version letter (``2025D0069O`` and
    ``2026D0069P`` are one policy), "-NNN" counters (``CS-301-002``), "Rev. 3" / "v2" markers and ":NN"
    revision counters (``QV641:00`` → ``QV641:01``) — so a
    renamed, moved *and* re-lettered document still continues its policy. What names a different
    policy stays: the serial digits, a plan / state prefix (``CSTX…`` is not the commercial ``D0069``),
    the BCBSA section numbers.
    """
    if not number:
        return None
    raw = re.sub(r"\s+", " ", number.strip().upper())
    raw = _REVISION.sub("", raw)
    raw = _COUNTER.sub(r"\1", raw)
    key = re.sub(r"[\s\-_.,]+", "", raw)
    key = _LETTER.sub("", _YEAR.sub("", key))
    return key if re.search(r"\d", key) else None


def _policies_numbered(archive: Archive, source_id: str, key: str, exclude: str) -> list[Policy]:
    """The source's other policies crawled under, or printing, a number with this key."""
    ids = sorted(
        {pid for pid, n in archive.policy_numbers(source_id, exclude=exclude) if number_key(n) == key}
    )
    return [p for p in (archive.get_policy(pid) for pid in ids) if p is not None]


def undated(url: str | None) -> tuple[str, str] | None:
    """(the URL with its dated segment blanked, the date as digits), or None for an undated path."""
    found = list(_DATED.finditer(url or ""))
    if len(found) != 1:  # no date, or several: nothing says which one names the edition
        return None
    m = found[0]
    return url[: m.start()] + "/{date}" + url[m.end() :], re.sub(r"\D", "", m.group(1))


def _earlier_editions(
    archive: Archive, policy: Policy, version: Version, printed: str | None
) -> list[Policy]:
    """The source's policies at this document's path under an older date (earlier manual editions)."""
    here = undated(version.url or policy.url)
    if here is None:
        return []
    out = []
    for other in archive.list_policies(policy.source_id):
        there = undated(other.url)
        if other.id == policy.id or there is None or there[0] != here[0] or there[1] >= here[1]:
            continue
        a, b = number_key(printed), number_key(_printed(archive, other))
        if a is None or b is None or a == b:  # two printed numbers that differ: two sections
            out.append(other)
    return out


def _later_edition(other: Policy, version: Version) -> bool:
    """Is ``other`` a later edition of this dated path? An old edition found late never continues it."""
    here, there = undated(version.url), undated(other.url)
    return bool(here and there and here[0] == there[0] and there[1] > here[1])


def _printed(archive: Archive, policy: Policy) -> str | None:
    latest = archive.latest_version(policy.id)
    return (latest.policy_number if latest else None) or policy.policy_number


def continue_history(archive: Archive, version: Version, printed_number: str | None) -> Version:
    """Merge the new policy of ``version`` into the older policy it succeeds; return the version as stored.

    Only a policy's first version is considered, and only when the run that brought it did not list
    the older policy (it moved, or was replaced by a new versioned URL). The printed number decides;
    without one (or with no older policy printing it), an earlier edition at the same dated path does.
    """
    key = number_key(printed_number)
    if version.seq != 1:
        return version
    policy = archive.get_policy(version.policy_id)
    if policy is None:
        return version
    run_id = archive.run_of_version(version.id)
    numbered = _policies_numbered(archive, policy.source_id, key, exclude=policy.id) if key else []
    candidates = [
        c
        for c in numbered or _earlier_editions(archive, policy, version, printed_number)
        if (run_id is None or not archive.listed_in_run(c.id, run_id)) and not _later_edition(c, version)
    ]
    if not candidates:
        return version
    into = max(candidates, key=lambda c: (c.last_seen, c.id))
    archive.merge_policy(policy.id, into.id)
    return archive.get_version(version.id)
