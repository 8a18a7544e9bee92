"""Workers benchmark: N documents across S loopback sources, crawled by 1, 2, 4 ``payerwatch worker``s.

    python bench/workers.py [--docs 20000] [--sources 50] [--workers 1 2 4]

One generated portal (``bench/portal.py``: small HTML policies behind index pages of 100 links, served
from memory) is cut into S sources of equal size (each source's ``start_urls`` are its own index pages).
For each worker count: a fresh PostgreSQL database and data directory, ``payerwatch enqueue`` of every
source, W workers started together, and the clock runs until the queue is empty (every crawl, analysis
batch, settle and deliver job done). Throughput is documents per wall second for the whole pipeline
(fetch, archive, extract, compare).

Per-document costs: the crawl children's CPU from the workers' ``crawl job done`` log lines; everything
else the workers spent (extraction processes, compare, settle, deliver, queue polling) from /proc once
the queue is empty — each worker's own CPU, its reaped children's and its extraction forkserver's with
the extraction processes under it, alive or reaped; PostgreSQL's from its postmaster's tree the same way; the
portal's from its ``/_stats``. Bytes per version from the archive afterwards. They are what
docs/scale.md sizes a deployment from. ``cores used`` is all of that CPU over the wall time: how much of
the machine the run got.

The machine matters: on a 2-core machine shared with other work, more workers than free cores cannot
go faster, and the table shows it — with other work running, more worker processes get a larger share
of the cores (the kernel shares CPU per process), which is contention, not scaling. Each run prints the
1-minute load average (mean of samples every 10 s); report it with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal import PortalProcess  # noqa: E402

PER_INDEX = 100  # bench/portal.py's links per index page


def sources_yaml(url: str, docs: int, sources: int) -> dict:
    indexes = (docs + PER_INDEX - 1) // PER_INDEX
    per = max(1, indexes // sources)
    out = []
    for s in range(sources):
        mine = range(s * per, indexes if s == sources - 1 else (s + 1) * per)
        if not mine:
            break
        out.append(
            {
                "id": f"bench-{s:02d}",
                "payer": f"Bench Health {s:02d}",
                "program": "commercial",
                "spider": "generic",
                "start_urls": [f"{url}/index/{k}.html" for k in mine],
                "allowed_domains": ["127.0.0.1"],
                "documents": ["/doc/\\d+\\.html$"],
            }
        )
    return {"sources": out}


def _drained(engine) -> bool:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return (
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                    "AND task_name <> 'payerwatch:retry_stalled'"
                )
            ).scalar_one()
            == 0
        )


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields after the command name (which may hold spaces): [0] is the state."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that just ended
            continue
    return out


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process, of its children it reaped (cutime/cstime) and, recursively, of its live
    children: a worker's own, its crawl children's (reaped) and its extraction forkserver's with the
    extraction processes under it (alive, or reaped by the forkserver)."""
    try:
        fields = _stat(pid)
        children = _children(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0.0  # exited since it was listed: its parent's cutime counts it once reaped
    own = sum(int(f) for f in fields[11:15]) / TICK  # utime stime cutime cstime
    return own + sum(tree_cpu(c) for c in children)


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's own peak resident set."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def postgres_cpu(server) -> float:
    """The PostgreSQL server's CPU seconds so far: the postmaster, the backends it reaped, the live ones."""
    pid = int((server.dir / "data" / "postmaster.pid").read_text().split()[0])
    return tree_cpu(pid)


def portal_cpu(portal_url: str) -> float:
    import urllib.request

    with urllib.request.urlopen(f"{portal_url}/_stats", timeout=10) as resp:
        return json.load(resp)["cpu"]


def _log_records(path: Path) -> Iterator[dict]:
    for line in path.read_text().splitlines():
        try:
            yield json.loads(line)
        except ValueError:
            continue


def one_run(server, portal_url: str, docs: int, sources: int, workers: int, tmp: Path) -> dict:
    import sqlalchemy as sa
    import yaml

    name = f"bench_w{workers}"
    url = server.create_database(name)
    data = tmp / name
    data.mkdir()
    src = data / "sources.yaml"
    src.write_text(yaml.safe_dump(sources_yaml(portal_url, docs, sources), sort_keys=False))
    env = dict(os.environ) | {"PAYERWATCH_DATABASE_URL": url, "PAYERWATCH_CRAWL_DELAY": "0"}
    cli = [sys.executable, "-m", "payerwatch", "--data", str(data)]
    subprocess.run(cli + ["enqueue", "--sources", str(src)], env=env, check=True, capture_output=True)
    logs = [(data / f"worker{i}.log").open("w") for i in range(workers)]
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    pg_before, portal_before = postgres_cpu(server), portal_cpu(portal_url)
    loads = [os.getloadavg()[0]]
    started = time.perf_counter()
    procs = [subprocess.Popen(cli + ["worker"], env=env, cwd=ROOT, stdout=log, stderr=log) for log in logs]
    try:
        polled = started
        while not _drained(engine):
            if all(p.poll() is not None for p in procs):
                raise SystemExit(f"every worker died: see {data}/worker*.log")
            time.sleep(0.5)
            if time.perf_counter() - polled >= 10:
                polled = time.perf_counter()
                loads.append(os.getloadavg()[0])
        wall = time.perf_counter() - started
        # the queue is empty and every worker idle: read their CPU and memory before they exit
        worker_cpu = sum(tree_cpu(p.pid) for p in procs)
        worker_peak = max(peak_rss_mb(p.pid) for p in procs)
        pg_cpu = postgres_cpu(server) - pg_before
        server_cpu = portal_cpu(portal_url) - portal_before
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=120)
        for log in logs:
            log.close()
    crawl_cpu = analyse_cpu = 0.0
    crawl_peak = 0.0
    for i in range(workers):
        for rec in _log_records(data / f"worker{i}.log"):
            if rec.get("msg") == "crawl job done":
                crawl_cpu += rec["cpu"]
                crawl_peak = max(crawl_peak, rec.get("child_peak_mb", 0.0))
            elif rec.get("msg") == "analyse job done":
                analyse_cpu += rec["cpu"]
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT count(*) FROM versions").scalar()
        documents = conn.exec_driver_sql("SELECT count(*) FROM fetches").scalar()
        db_bytes = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        queue_bytes = conn.execute(
            sa.text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "WHERE c.relname LIKE 'procrastinate%' AND c.relkind = 'r'"
            )
        ).scalar()
    engine.dispose()
    blob_bytes = sum(f.stat().st_size for f in (data / "blobs").rglob("*") if f.is_file())
    per_doc = max(documents, 1)
    return {
        "workers": workers,
        "documents": documents,
        "versions": versions,
        "wall_s": round(wall, 1),
        "docs_per_s": round(documents / wall, 1),
        "load": round(sum(loads) / len(loads), 1),
        # the crawl children's CPU (fetch, parse, archive), from the workers' `crawl job done` lines
        "crawl_cpu_ms_per_doc": round(1000 * crawl_cpu / per_doc, 2),
        # everything else the workers spent: extraction processes, compare, settle, deliver, the queue
        "analysis_cpu_ms_per_doc": round(1000 * (worker_cpu - crawl_cpu) / per_doc, 2),
        "analyse_in_process_ms_per_doc": round(1000 * analyse_cpu / per_doc, 2),
        "postgres_cpu_ms_per_doc": round(1000 * pg_cpu / per_doc, 2),
        "portal_cpu_ms_per_doc": round(1000 * server_cpu / per_doc, 2),
        # how much of the machine the run got: all its CPU (workers, PostgreSQL, portal) over wall time
        "cores_used": round((worker_cpu + pg_cpu + server_cpu) / wall, 2),
        "worker_peak_mb": round(worker_peak),
        "crawl_child_peak_mb": round(crawl_peak),
        "db_bytes_per_version": round((db_bytes - queue_bytes) / max(versions, 1)),
        "blob_bytes_per_version": round(blob_bytes / max(versions, 1)),
    }


COLUMNS = (
    ("workers", "workers", "{}"),
    ("docs", "documents", "{}"),
    ("wall s", "wall_s", "{:.1f}"),
    ("docs/s", "docs_per_s", "{:.1f}"),
    ("load", "load", "{:.1f}"),
    ("cores used", "cores_used", "{:.2f}"),
    ("crawl CPU ms/doc", "crawl_cpu_ms_per_doc", "{:.1f}"),
    ("analysis CPU ms/doc", "analysis_cpu_ms_per_doc", "{:.1f}"),
    ("PostgreSQL CPU ms/doc", "postgres_cpu_ms_per_doc", "{:.1f}"),
    ("portal CPU ms/doc", "portal_cpu_ms_per_doc", "{:.1f}"),
    ("peak MB worker / crawl child", None, None),
    ("DB B/version", "db_bytes_per_version", "{}"),
)


def table(rows: list[dict]) -> str:
    """A Markdown table, as docs/scale.md and bench/README.md show it."""
    lines = ["| " + " | ".join(c[0] for c in COLUMNS) + " |", "|" + "---:|" * len(COLUMNS)]
    for r in rows:
        cells = [
            f"{r['worker_peak_mb']} / {r['crawl_child_peak_mb']}" if key is None else fmt.format(r[key])
            for _, key, fmt in COLUMNS
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    from tests.support import postgres

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--sources", type=int, default=50)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--keep", action="store_true", help="keep the data directories and databases")
    args = ap.parse_args()
    signal.signal(
        signal.SIGTERM, lambda *_: sys.exit(1)
    )  # run the clean-up below: workers, portal, PostgreSQL
    tmp = Path(tempfile.mkdtemp(prefix="pw-bench-workers-"))
    # it also stops when this process goes away
    portal = PortalProcess("--docs", str(args.docs), lifetime=24 * 3600)
    server = postgres.PostgresServer().start()
    try:
        portal_url = portal.url
        print(
            f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC: {args.docs} documents, {args.sources} "
            f"sources, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; portal {portal_url}",
            flush=True,
        )
        rows = []
        for w in args.workers:
            row = one_run(server, portal_url, args.docs, args.sources, w, tmp)
            rows.append(row)
            print(json.dumps(row), flush=True)
            if not args.keep:
                server.drop_database(f"bench_w{w}")
                shutil.rmtree(tmp / f"bench_w{w}", ignore_errors=True)
        print()
        print(table(rows))
        print("load: the 1-minute load average, mean of samples every 10 s during the run")
    finally:
        portal.stop()
        server.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
