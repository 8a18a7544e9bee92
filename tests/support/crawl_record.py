"""What a crawl leaves in the archive, in a form two archives can be compared by: the equivalence tests of
the crawl's speed-ups crawl the same site twice, with and without a speed-up, and compare these.

Ids and clock times differ between two archives by construction, so times are replaced by the crawl run
they fall in (the number of runs started at or before them): a seen date the speed-up forgot to move, or
moved in the wrong run, still shows. Fetches are compared as a sorted list, since concurrent requests
finish in any order.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from bisect import bisect_right
from pathlib import Path

from store import Archive
from tests.support import ROOT


def recorded(data_dir: Path) -> dict[str, list]:
    """Fetch rows, policies, versions and runs of every source, with times as run numbers."""
    with Archive(data_dir) as arc:
        runs = sorted(arc.list_runs(limit=10_000), key=lambda r: r.started_at)
        starts = [r.started_at for r in runs]

        def when(t: dt.datetime | None) -> int | None:
            return None if t is None else bisect_right(starts, t)

        policies = arc.list_policies()
        fetches = arc.list_fetches(limit=100_000)
        return {
            "runs": [
                (r.source_id, r.status, r.documents, r.not_modified, r.new_versions, r.errors, r.index_faults)
                for r in runs
            ],
            "fetches": sorted(
                (
                    when(f.fetched_at),
                    f.source_id,
                    f.url,
                    f.final_url or "",
                    f.policy_id or "",
                    f.http_status or 0,
                    f.etag or "",
                    f.last_modified or "",
                    f.content_type or "",
                    f.sha256 or "",
                    f.size or 0,
                    f.outcome,
                    f.error_kind or "",
                    f.error or "",
                )
                for f in fetches
            ),
            "policies": sorted(
                (
                    p.id,
                    p.source_id,
                    p.url,
                    p.policy_number or "",
                    p.title or "",
                    p.status,
                    p.missing_count,
                    when(p.first_seen),
                    when(p.last_seen),
                    when(p.retired_at),
                )
                for p in policies
            ),
            "versions": sorted(
                (
                    v.policy_id,
                    v.seq,
                    v.sha256,
                    v.url,
                    v.size,
                    v.media_type or "",
                    when(v.first_seen),
                    when(v.last_seen),
                )
                for p in policies
                for v in arc.list_versions(p.id)
            ),
        }


def run_cli_with(
    prelude: str, *args: str, data_dir: Path, env: dict[str, str] | None = None, timeout: float = 120
):
    """``python -m payerwatch ARGS`` with ``prelude`` run first in the same process: how a test turns a
    speed-up off (it replaces the fast path with the plain one) to compare what the two record."""
    code = f"{prelude}\nfrom payerwatch.cli import main\nmain()\n"
    cmd = [sys.executable, "-c", code, "--data", str(data_dir), *args]
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ) | (env or {}),
        timeout=timeout,
        check=False,
    )
