"""Workers benchmark: N documents across S loopback sources, crawled by 1, 2, 4 ``payerwatch worker``s.

    python bench/workers.py [--docs 20000] [--sources 50] [--workers 1 2 4]

One generated portal (``bench/portal.py``: small HTML policies behind index pages of 100 links, served
from memory) is cut into S sources of equal size (each source's ``start_urls`` are its own index pages).
For each worker count: a fresh PostgreSQL database and data directory, ``payerwatch enqueue`` of every
source, W workers started together, and the clock runs until the queue is empty (every crawl, analysis
batch, settle and deliver job done). Throughput is documents per wall second for the whole pipeline
(fetch, archive, extract, compare).

Per-document costs come from the workers' own log lines (``crawl job done`` carries the crawl child's
CPU seconds, ``analyse job done`` the analysis CPU of its batch) and from the archive afterwards
(database size + blob bytes per version). They are what docs/scale.md sizes a deployment from.

The machine matters: on a 2-core machine shared with other work, more workers than free cores cannot
go faster, and the table shows it. The portal server runs in its own process on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    started = time.perf_counter()
    procs = [subprocess.Popen(cli + ["worker"], env=env, cwd=ROOT, stdout=log, stderr=log) for log in logs]
    try:
        while not _drained(engine):
            if all(p.poll() is not None for p in procs):
                raise SystemExit(f"every worker died: see {data}/worker*.log")
            time.sleep(0.5)
        wall = time.perf_counter() - started
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=120)
        for log in logs:
            log.close()
    crawl_cpu = analyse_cpu = 0.0
    analysed = 0
    for i in range(workers):
        for line in (data / f"worker{i}.log").read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("msg") == "crawl job done":
                crawl_cpu += rec["cpu"]
            elif rec.get("msg") == "analyse job done":
                analyse_cpu += rec["cpu"]
                analysed += rec["versions"]
    with engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT count(*) FROM versions").scalar()
        documents = conn.exec_driver_sql("SELECT count(*) FROM fetches").scalar()
        db_bytes = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        queue_bytes = conn.exec_driver_sql(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relname LIKE 'procrastinate%' AND c.relkind = 'r'"
        ).scalar()
    engine.dispose()
    blob_bytes = sum(f.stat().st_size for f in (data / "blobs").rglob("*") if f.is_file())
    return {
        "workers": workers,
        "documents": documents,
        "versions": versions,
        "wall_s": round(wall, 1),
        "docs_per_s": round(documents / wall, 1),
        "crawl_cpu_ms_per_doc": round(1000 * crawl_cpu / max(documents, 1), 2),
        "analysis_cpu_ms_per_version": round(1000 * analyse_cpu / max(analysed, 1), 2),
        "db_bytes_per_version": round((db_bytes - queue_bytes) / max(versions, 1)),
        "blob_bytes_per_version": round(blob_bytes / max(versions, 1)),
    }


def main() -> None:
    from tests.support import postgres

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--sources", type=int, default=50)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = ap.parse_args()
    signal.signal(
        signal.SIGTERM, lambda *_: sys.exit(1)
    )  # run the clean-up below: workers, portal, PostgreSQL
    tmp = Path(tempfile.mkdtemp(prefix="pw-bench-workers-"))
    portal = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("portal.py")),
            "--docs",
            str(args.docs),
            "--lifetime",
            "7200",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    server = postgres.PostgresServer().start()
    try:
        portal_url = portal.stdout.readline().strip()
        print(f"{args.docs} documents, {args.sources} sources, {os.cpu_count()} CPUs; portal {portal_url}")
        rows = []
        for w in args.workers:
            row = one_run(server, portal_url, args.docs, args.sources, w, tmp)
            rows.append(row)
            print(json.dumps(row), flush=True)
        print()
        print(
            "| workers | documents | wall s | docs/s | crawl CPU ms/doc | analysis CPU ms/version |"
            " DB bytes/version | blob bytes/version |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['workers']} | {r['documents']} | {r['wall_s']} | {r['docs_per_s']} | "
                f"{r['crawl_cpu_ms_per_doc']} | {r['analysis_cpu_ms_per_version']} | "
                f"{r['db_bytes_per_version']} | {r['blob_bytes_per_version']} |"
            )
    finally:
        portal.terminate()
        server.stop()


if __name__ == "__main__":
    main()
