"""``/healthz``: the last finished run per source, for an uptime monitor (``payerwatch serve``).

The configured sources come from ``app.config["SOURCES"]`` (``create_app(..., sources=...)``); without
them every source the archive knows is reported.

Staleness: a service whose scheduler silently stopped still answers HTTP, so "up" is not "watching". A
source whose last finished run is older than twice the longest schedule interval (a missed run plus
jitter), plus half an hour for the crawl itself, is *stale*, and then ``/healthz`` answers 503 with
``"status": "stale"`` so an uptime monitor pages someone. A source that never ran is not stale (the
service may have just started).
"""

from __future__ import annotations

import datetime as dt

import flask

from store import Archive
from store.models import utcnow

STALE_FACTOR = 2
# a crawl itself takes time (minutes for a large payer), so very short schedules get this much slack too
STALE_GRACE = dt.timedelta(minutes=30)


def schedule_interval(expr: str | None, now: dt.datetime) -> dt.timedelta:
    """The longest gap between the next few runs of a schedule ("0 6 * * 1" → 7 days)."""
    from payerwatch.service import parse_schedule

    trigger = parse_schedule(expr)
    interval = getattr(trigger, "interval", None)
    if interval is not None:
        return interval
    times = []
    previous, moment = None, now
    for _ in range(8):
        nxt = trigger.get_next_fire_time(previous, moment)
        if nxt is None:
            break
        times.append(nxt)
        previous, moment = nxt, nxt + dt.timedelta(seconds=1)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    return max(gaps) if gaps else dt.timedelta(days=1)


health = flask.Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """Last run and status per source; failing sources are named (HTTP 200), stale ones too (HTTP 503)."""
    archive: Archive = flask.current_app.config["ARCHIVE"]
    configured = flask.current_app.config.get("SOURCES") or []
    statuses = {st.source.id: st for st in archive.source_status()}
    sources, failing = [], []
    ids = [s.id for s in configured] or sorted(statuses)
    now = utcnow()
    schedules = [s.schedule for s in configured] or [st.source.schedule for st in statuses.values()]
    longest = max(
        (schedule_interval(expr, now) for expr in schedules or [None]), default=dt.timedelta(days=1)
    )
    stale_after = STALE_FACTOR * longest + STALE_GRACE
    stale_before = now - stale_after
    stale = []
    for sid in ids:
        st = statuses.get(sid)
        recent = archive.list_runs(sid, limit=5)
        running = bool(recent) and recent[0].status == "running"
        # health is judged on the last run that finished; one in progress is reported alongside
        run = next((r for r in recent if r.status != "running"), None)
        entry = {
            "source": sid,
            "last_run": run.started_at.isoformat() if run else None,
            "finished": run.finished_at.isoformat() if run and run.finished_at else None,
            "status": run.status if run else "never-run",
            "running": running,
            "documents": run.documents if run else 0,
            "new_versions": run.new_versions if run else 0,
            "errors": st.open_errors if st else 0,
        }
        if run and run.status in ("failed", "interrupted"):
            failing.append(sid)
            entry["message"] = run.message or (st.last_error if st else None)
        finished = run.finished_at or run.started_at if run else None
        if finished is not None and _utc(finished) < stale_before:
            stale.append(sid)
            entry["stale"] = True
        sources.append(entry)
    runs = sum(1 for s in sources if s["last_run"])
    body = {
        "status": "stale" if stale else "degraded" if failing else "ok",
        "checked_at": now.isoformat(timespec="seconds"),
        "runs": runs,
        "failing": failing,
        "stale": stale,
        "stale_after": f"{int(stale_after.total_seconds())} s without a finished run",
        "sources": sources,
    }
    return flask.jsonify(body), 503 if stale else 200


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
