"""How long feeds and the outbox take on a larger archive.

    python bench/feeds_speed.py [CHANGES] [SUBSCRIBERS]


Builds an archive of CHANGES synthetic changes (from the feed test fixtures) in a temp dir, then times one
Atom feed, ``publish`` (every feed, both formats) and delivering one alert per change to SUBSCRIBERS
addresses through a local aiosmtpd server.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feeds.build import FeedFilter, build_feed  # noqa: E402
from feeds.outbox import send_outbox  # noqa: E402
from feeds.publish import publish  # noqa: E402
from store import Archive  # noqa: E402
from store.models import utcnow  # noqa: E402
from tests.support.feeds import SmtpSink, load_cases, mail_settings, make_change, seed_sources  # noqa: E402


def main(n_changes: int = 2000, n_subs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp, Archive(Path(tmp) / "data") as archive:
        seed_sources(archive)
        specs = load_cases()["changes"]
        t0 = time.perf_counter()
        start = utcnow() + dt.timedelta(seconds=5)
        subs_at = utcnow()
        for i in range(n_subs):
            archive.add_subscription(f"clinic{i}@bench.test")
        for i in range(n_changes):
            make_change(archive, dict(specs[i % len(specs)], key=f"b{i}"), start + dt.timedelta(minutes=i))
        print(f"seeded {n_changes} changes in {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        contexts = archive.list_change_contexts()
        data = build_feed(contexts, FeedFilter(), "atom", "https://w.test")
        print(f"all.atom (100 of {n_changes}): {len(data) // 1024} KiB in {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        written = publish(archive, Path(tmp) / "site", "https://w.test")
        print(f"publish: {len(written)} files in {time.perf_counter() - t0:.2f} s")

        subset = min(n_changes, 200)
        for d in archive.list_subscriptions():
            assert d.created_at >= subs_at
        with SmtpSink() as sink:
            t0 = time.perf_counter()
            report = send_outbox(archive, mail_settings(sink.port), max_messages=subset * n_subs)
            took = time.perf_counter() - t0
        print(f"send: {len(report.sent)} messages in {took:.1f} s ({len(report.sent) / took:.0f}/s)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
