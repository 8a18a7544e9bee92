"""Named kill points: deterministic crash injection for the tests of durability.

``PAYERWATCH_KILL_AT=analysis:versions`` makes the process SIGKILL itself when it reaches that point, so
a test can prove that a crash between two steps loses and duplicates nothing — without sleeps and
without racing a timer. Several names may be given, comma-separated. Unset (production), this is one
dictionary lookup.

Points (the step just finished → the step that has not started):

* ``crawl:archived`` — the reactor stopped, every fetch and version is stored; no analysis yet.
* ``analysis:versions`` — new versions extracted and compared; retirements/returns not settled.
* ``analysis:settled`` — one crawl run settled (statuses and their changes committed); its changes are
  not yet queued for mail.
* ``analysis:done`` — every pending run settled and queued.
* ``send:claimed`` — a message's deliveries are claimed (``sending``, Message-ID and lease stored); SMTP
  not yet spoken.
* ``send:accepted`` — the server answered 250 to the message's DATA; the deliveries are not yet marked
  ``sent``. The only point where a kill duplicates a mail (after the lease, same Message-ID).
* ``extract:worker`` — an extraction worker (``payerwatch.extraction``) has set its limits and not yet
  read its document: the worker dies as if the kernel had killed it for memory; the process that
  started it goes on (the document is recorded ``resource-limit``).
"""

from __future__ import annotations

import os
import signal

ENV = "PAYERWATCH_KILL_AT"
POINTS = (
    "crawl:archived",
    "analysis:versions",
    "analysis:settled",
    "analysis:done",
    "send:claimed",
    "send:accepted",
    "extract:worker",
)


def wanted(name: str) -> bool:
    """Whether ``PAYERWATCH_KILL_AT`` names ``name`` (for a point reached in another process)."""
    names = os.environ.get(ENV) or ""
    return name in (w.strip() for w in names.split(",") if w.strip())


def kill_point(name: str) -> None:
    """SIGKILL this process if ``PAYERWATCH_KILL_AT`` names ``name``."""
    if wanted(name):
        os.kill(os.getpid(), signal.SIGKILL)
