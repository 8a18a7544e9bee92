"""``/healthz``: the last finished run per source, for an uptime monitor (``payerwatch serve``).

The configured sources come from ``app.config["SOURCES"]`` (``create_app(..., sources=...)``); without
them every source the archive knows is reported."""

from __future__ import annotations

import datetime as dt

import flask

from store import Archive

health = flask.Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """Last run and status per source; failing sources are named (HTTP 200 while the service is up)."""
    archive: Archive = flask.current_app.config["ARCHIVE"]
    configured = flask.current_app.config.get("SOURCES") or []
    statuses = {st.source.id: st for st in archive.source_status()}
    sources, failing = [], []
    ids = [s.id for s in configured] or sorted(statuses)
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
        sources.append(entry)
    runs = sum(1 for s in sources if s["last_run"])
    body = {
        "status": "degraded" if failing else "ok",
        "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "failing": failing,
        "sources": sources,
    }
    return flask.jsonify(body)
