"""One policy across renames and moves: a new document that prints an older policy's number continues it.

The crawler names a document by its key — ``<source id>/<policy number>`` when the site shows the number
where a spider can read it, else ``<source id>/<canonical URL>``. Many sites show the number only inside
the document, so a policy renamed and moved to a new URL (or re-issued under a versioned URL or a dated
path) first arrives as a new policy. Here, after extraction, such a first version is matched by the
policy number printed in it with an older policy of the same source that no index lists any more, and
the two become one (``Archive.merge_policy``): one history, one change for the rename, never a
``new_policy`` plus a ``retired``.

A number shared by two documents that are both still listed is not a succession: nothing is merged.
"""

from __future__ import annotations

import re

from store import Archive
from store.models import Version


def number_key(number: str | None) -> str | None:
    """A printed policy number compared without case, spaces or dashes ("IP 0412" = "ip-0412")."""
    if not number:
        return None
    key = re.sub(r"[\s\-_.]+", "", number).upper()
    return key if re.search(r"\d", key) else None


def continue_history(archive: Archive, version: Version, printed_number: str | None) -> Version:
    """Merge the new policy of ``version`` into the older policy it succeeds; return the version as stored.

    Only a policy's first version is considered, and only when the run that brought it did not list
    the older policy (it moved, or was replaced by a new versioned URL).
    """
    key = number_key(printed_number)
    if key is None or version.seq != 1:
        return version
    policy = archive.get_policy(version.policy_id)
    if policy is None:
        return version
    run_id = archive.run_of_version(version.id)
    candidates = [
        c
        for c in archive.policies_with_number(policy.source_id, key, exclude=policy.id)
        if run_id is None or not archive.listed_in_run(c.id, run_id)
    ]
    if not candidates:
        return version
    into = max(candidates, key=lambda c: (c.last_seen, c.id))
    archive.merge_policy(policy.id, into.id)
    return archive.get_version(version.id)
