"""What a killed process leaves behind, found and cleaned on the next start.

A ``kill -9`` (or the OOM killer, or a power cut) can leave two kinds of debris: a ``.tmp-<pid>-*`` file
in ``blobs/.tmp/`` from a write that never reached its rename, and crawl runs still marked ``running``.
Neither is ever finished by anyone, and both used to make the archive look broken forever (``verify``
failed on the temp file; ``status`` showed a crawl running for weeks). The writer's pid is in a temp
file's name, and a crawl holds its source's lock for as long as it lives, so both can be told apart
from work in progress: a temp file whose writer is alive, or a run whose source lock is held, is left
alone. ``payerwatch crawl`` cleans before it starts, holding the locks of the sources it is about to
crawl: their runs still ``running`` are dead too (a crawl job on the worker queue runs ``payerwatch
crawl``'s code in a child, under the queue's source lock across machines as well). ``payerwatch verify``
cleans and says what it fixed. Analysis never closes a run: it settles finished runs only.
"""

from __future__ import annotations

from pathlib import Path

from payerwatch.locks import holder
from store import Archive

DEAD_RUN = "the crawl process died before the run finished (found on a later start); nothing counted"


def recover(
    archive: Archive, data_dir: Path, crawling: frozenset[str] = frozenset(), everywhere: bool = False
) -> list[str]:
    """Remove stale temp blobs and close the runs of dead crawls; one line per thing fixed.

    ``crawling``: the sources whose locks the caller holds, about to crawl them (no crawl is running).
    ``everywhere``: also walk every blob folder for temp files an older payerwatch left next to the blobs
    (``verify`` does; a crawl's start lists ``blobs/.tmp/`` only, so it does not grow with the archive).
    """
    fixed = [
        f"removed {path} (a blob write interrupted before its rename)"
        for path in archive.blobs.remove_stale_temp_files(everywhere=everywhere)
    ]
    for source in archive.list_sources():
        if not any(run.status == "running" for run in archive.list_runs(source.id, limit=20)):
            continue
        if source.id not in crawling and holder(data_dir, source.id) is not None:
            continue  # a live crawl: its runs are its own
        ids = archive.close_dead_runs(source.id, DEAD_RUN)
        if ids:
            runs = ", ".join(str(i) for i in ids)
            fixed.append(f"crawl run {runs} of {source.id} marked interrupted (its process is gone)")
    return fixed
