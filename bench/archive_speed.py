"""Benchmark the researcher archive at scale: store calls, web pages and API calls, export throughput.

Generates an archive of N versions (default 100,000) through ``Archive.bulk_load`` (executemany, not one
API call per row), then times the same store calls the CLI makes and the pages and JSON API calls the
web app answers (through Flask's test client, no network). Targets from issue #17: every timed operation
p95 < 200 ms, search p95 < 50 ms, at 1,000,000 versions. Building that archive takes ~30 min on a busy
2-core machine: build it once with ``--data DIR`` (kept outside the repository), later runs reuse it.

    .venv/bin/python bench/archive_speed.py [--versions N] [--data DIR] [--queries 200] [--skip-export]
        [--policies-per-source 200]

``--policies-per-source 4`` gives a small archive as many sources as a million versions has (500 at
20,000 versions): what the web pages' per-source parts cost, without building the big archive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from payerwatch.web import create_app  # noqa: E402
from store import Archive  # noqa: E402
from store.models import Source  # noqa: E402
from store.queries import matrix_cursor  # noqa: E402
from store.search import SEARCH_TIMEOUT, SearchTimeout  # noqa: E402

VERSIONS_PER_POLICY = 10
POLICIES_PER_SOURCE = 200
PROGRAMS = ("commercial", "medicare", "medicaid", "federal")
TOPIC = [
    "ketamine",
    "esketamine",
    "Spravato",
    "intravenous",
    "infusion",
    "nasal",
    "spray",
    "depression",
    "treatment-resistant",
    "investigational",
    "experimental",
    "medically",
    "necessary",
    "covered",
    "criteria",
    "antidepressant",
    "trials",
    "psychiatrist",
    "REMS",
    "monitoring",
    "suicidal",
    "ideation",
]
POSITIONS = (
    "covered_with_criteria",
    "not_covered",
    "experimental_investigational",
    "not_medically_necessary",
)


def vocabulary(rng: random.Random, n: int = 4000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(n)]


def sentence(rng: random.Random, vocab: list[str], words: int = 45) -> str:
    out = []
    for _ in range(words):
        out.append(
            rng.choice(TOPIC) if rng.random() < 0.2 else vocab[int(rng.paretovariate(1.1)) % len(vocab)]
        )
    return " ".join(out).capitalize() + "."


def generate(
    archive: Archive, n_versions: int, seed: int = 7, policies_per_source: int = POLICIES_PER_SOURCE
) -> list[str]:
    """Sources → policies → versions (+2 passages, 3 facts, 1 change each) via bulk loads; return
    policy ids."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    n_policies = max(1, n_versions // VERSIONS_PER_POLICY)
    n_sources = max(1, n_policies // policies_per_source)
    base = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    for s in range(n_sources):
        archive.upsert_source(
            Source(
                id=f"bench-{s}",
                payer=f"Bench Payer {s}",
                program=PROGRAMS[s % 4],
                state="TX" if s % 4 == 2 else None,
            )
        )
    policy_ids = [f"bench-{p % n_sources}/P{p:06d}" for p in range(n_policies)]
    archive.bulk_load(
        "policies",
        (
            {
                "id": pid,
                "source_id": pid.split("/")[0],
                "url": f"https://bench/{pid}",
                "policy_number": pid.split("/")[1],
                "title": f"Policy {pid}",
                "status": "active",
                "missing_count": 0,
                "first_seen": base,
                "last_seen": base,
            }
            for pid in policy_ids
        ),
    )

    def versions():
        vid = 0
        for pid in policy_ids:
            for seq in range(1, VERSIONS_PER_POLICY + 1):
                vid += 1
                if vid > n_versions:
                    return
                seen = base + dt.timedelta(days=seq * 70 + rng.randint(0, 30))
                yield {
                    "id": vid,
                    "policy_id": pid,
                    "seq": seq,
                    "sha256": hashlib.sha256(f"{pid}{seq}".encode()).hexdigest(),
                    "url": f"https://bench/{pid}.pdf",
                    "media_type": "application/pdf",
                    "size": 50_000,
                    "first_seen": seen,
                    "last_seen": seen + dt.timedelta(days=60),
                    "mentions_topic": True,
                    "effective": (seen + dt.timedelta(days=rng.randint(-20, 40))).date(),
                    "title": f"Policy {pid}",
                    "policy_number": pid.split("/")[1],
                }

    rows = list(versions())
    archive.bulk_load("versions", rows)
    archive.bulk_load(
        "passages",
        (
            {
                "version_id": v["id"],
                "ordinal": o,
                "heading": "Esketamine" if o else "Ketamine",
                "text": sentence(rng, vocab),
                "section_path": [],
                "start": 0,
                "end": 300,
                "page_start": 1,
                "page_end": 1,
                "drugs": ["esketamine"] if o else ["ketamine"],
                "indications": ["trd"],
                "codes": [],
            }
            for v in rows
            for o in (0, 1)
        ),
    )
    archive.bulk_load(
        "facts",
        (
            {
                "version_id": v["id"],
                "drug": d,
                "indication": "trd" if d == "esketamine" else "depression",
                "field": f,
                "value": rng.choice(POSITIONS) if f == "position" else str(rng.randint(1, 4)),
                "sentence": "...",
                "start": 0,
                "end": 3,
                "page": 1,
            }
            for v in rows
            for d, f in (
                ("esketamine", "position"),
                ("esketamine", "failed_antidepressants"),
                ("ketamine", "position"),
            )
        ),
    )
    archive.bulk_load(
        "changes",
        (
            {
                "id": hashlib.sha256(f"c{v['id']}".encode()).hexdigest()[:32],
                "policy_id": v["policy_id"],
                "old_version_id": v["id"] - 1 if v["seq"] > 1 else None,
                "new_version_id": v["id"],
                "kind": "criteria" if v["seq"] > 1 else "new_policy",
                "severity": "high",
                "drugs": ["esketamine"],
                "summary": f"{v['policy_id']}: synthetic change",
                "details": [],
                "diff": [],
                "evidence": [],
                "needs_review": False,
                "detected_at": v["first_seen"],
                "effective_date": v["effective"],
            }
            for v in rows
        ),
    )
    return sorted({v["policy_id"] for v in rows})


def timed(fn, args_list) -> tuple[list[float], float, int]:
    """Wall milliseconds per call, this process's mean CPU milliseconds per call (what a loaded machine
    does not inflate), and how many calls hit the search timeout (counted at their full time)."""
    out, timeouts = [], 0
    cpu = time.process_time()
    for args in args_list:
        t0 = time.perf_counter()
        try:
            fn(*args)
        except SearchTimeout:
            timeouts += 1
        out.append((time.perf_counter() - t0) * 1000)
    return out, (time.process_time() - cpu) * 1000 / max(1, len(args_list)), timeouts


def summary(ms: list[float]) -> tuple[float, float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[max(0, int(len(ms) * 0.95) - 1)], ms[-1]


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def get(client, url: str) -> None:
    """One page or API call; anything but 200 is a failure of the benchmark, not a fast answer."""
    response = client.get(url)
    if response.status_code == 503:  # the search timeout, answered as "try again"
        raise SearchTimeout(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    response.get_data()


def operations(archive: Archive, policies: list[str], n: int, rng: random.Random) -> list[tuple]:
    """(label, function, argument tuples): the store calls, then the pages and API calls."""
    words = [w.lower() for w in TOPIC]
    queries = [(f"{rng.choice(words)} {rng.choice(words)}",) for _ in range(n)]
    vocab = vocabulary(random.Random(7))  # the generator's words; Pareto-distributed, so mostly rare
    rare = [(f"{rng.choice(words)} {rng.choice(vocab[100:])}",) for _ in range(n)]
    some = [(rng.choice(policies),) for _ in range(n)]
    # matrix cursors spread over the whole matrix: page 1 costs what page 2,000 does
    starts = [archive.matrix_rows(limit=1, after=(f"Bench Payer {i * 23}", "")) for i in range(20)]
    rows = [found[0][0].key for found in starts if found]
    cell_cursors = [(matrix_cursor(k),) for k in rows]
    row_cursors = [(matrix_cursor(k[:2]),) for k in rows]
    stances = ("not_covered", "experimental_investigational", "covered", "mixed")
    client = create_app(archive).test_client()
    web = lambda url: lambda *a: get(client, url.format(*a))  # noqa: E731
    return [
        ("search (latest versions)", lambda q: archive.search(q, limit=20), queries),
        (
            "search --as-of 2020-06-01",
            lambda q: archive.search(q, as_of=dt.date(2020, 6, 1), limit=20),
            queries,
        ),
        ("search --order relevance", lambda q: archive.search(q, order="relevance", limit=20), queries),
        ("search rare word", lambda q: archive.search(q, limit=20), rare),
        ("search --drug esketamine", lambda q: archive.search(q, drug="esketamine", limit=20), queries),
        ("history POLICY", archive.history, some),
        (
            "changes page (50)",
            lambda o: archive.changes_page(limit=50, offset=o),
            [(o * 50,) for o in range(20)],
        ),
        ("matrix page (50 cells)", lambda: archive.matrix(limit=50), [()] * 20),
        ("matrix page at a cursor", lambda k: archive.matrix(limit=50, after=k), [(k,) for k in rows]),
        (
            "matrix --stance (4 kinds)",
            lambda st: archive.matrix(limit=50, stance=st),
            [(stances[i % 4],) for i in range(20)],
        ),
        (
            "matrix drug+indication+stance",
            lambda: archive.matrix(limit=50, drug="ketamine", indication="depression", stance="not_covered"),
            [()] * 20,
        ),
        ("matrix --payer", lambda i: archive.matrix(limit=50, payer=f"bench-{i}"), [(i,) for i in range(20)]),
        (
            "show --as-of (effective)",
            lambda p: archive.version_as_of(p, dt.date(2020, 6, 1)),
            some,
        ),
        (
            "export first row",
            lambda what: next(archive.iter_export(what)),
            [(w,) for w in ("versions", "passages", "facts", "changes")] * 5,
        ),
        (
            "export first 50 rows",
            lambda what: list(itertools.islice(archive.iter_export(what), 50)),
            [(w,) for w in ("versions", "passages", "facts", "changes")] * 5,
        ),
        ("GET / (matrix page)", web("/"), [()] * 20),
        ("GET /?after=CURSOR", web("/?after={}"), row_cursors),
        ("GET /?stance=not_covered", web("/?stance=not_covered&drug=ketamine"), [()] * 20),
        ("GET /api/matrix", web("/api/matrix?limit=100"), [()] * 20),
        ("GET /api/matrix?cursor", web("/api/matrix?limit=100&cursor={}"), cell_cursors),
        ("GET /search?q=", web("/search?q={}"), queries[:50]),
        ("GET /api/search relevance", web("/api/search?order=relevance&q={}"), queries[:50]),
        ("GET /policy/ID", web("/policy/{}"), some[:50]),
        ("GET /api/policies/ID/versions", web("/api/policies/{}/versions"), some[:50]),
        ("GET /api/.../as-of", web("/api/policies/{}/as-of?date=2020-06-01"), some[:50]),
        ("GET /changes", web("/changes"), [()] * 20),
        ("GET /api/changes", web("/api/changes?cursor={}"), [(o * 50,) for o in range(20)]),
        ("GET /api/policies", web("/api/policies?cursor={}"), [(o * 50,) for o in range(20)]),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=100_000)
    ap.add_argument("--data", type=Path, help="archive directory (default: a fresh temporary one)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-export", action="store_true", help="skip the whole-archive export throughput")
    ap.add_argument("--policies-per-source", type=int, default=POLICIES_PER_SOURCE, help="when generating")
    args = ap.parse_args(argv)
    data = args.data or Path(tempfile.mkdtemp(prefix="payerwatch-bench-"))
    rng = random.Random(11)
    with Archive(data) as archive:
        t0 = time.perf_counter()
        existing = [p.id for p in archive.list_policies()]
        if existing:  # re-measure an archive generated earlier with --data
            policies = existing
            print(f"archive: reusing {len(policies):,} policies at {data}")
        else:
            policies = generate(archive, args.versions, policies_per_source=args.policies_per_source)
            if (
                archive.engine.dialect.name == "postgresql"
            ):  # what autovacuum would do before the first reader
                with archive.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("ANALYZE")
            build_s = time.perf_counter() - t0
            print(
                f"archive: {args.versions:,} versions, {len(policies):,} policies, built in {build_s:.1f}s "
                f"at {data}"
            )
        archive.search("warm up")
        rows = []
        print(f"timing: {load()}")
        for label, fn, arglist in operations(archive, policies, args.queries, rng):
            ms, cpu, timeouts = timed(fn, arglist)
            rows.append((label, *summary(ms), cpu, len(arglist), timeouts))
        print(f"\n{'operation':<32}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'CPU ms':>8}{'runs':>6}")
        for label, med, p95, mx, cpu, n, timeouts in rows:
            note = f"  {timeouts} timed out ({SEARCH_TIMEOUT:g} s)" if timeouts else ""
            print(f"{label:<32}{med:>11.2f}{p95:>9.2f}{mx:>9.2f}{cpu:>8.2f}{n:>6}{note}")
        print(f"after timing: {load()}")
        if args.skip_export:
            return 0
        print(f"\n{'export':<28}{'rows':>11}{'seconds':>9}{'rows/s':>11}")
        for what in ("versions", "passages", "changes"):
            t0 = time.perf_counter()
            n = sum(1 for _ in archive.iter_export(what))
            secs = time.perf_counter() - t0
            print(f"{what:<28}{n:>11,}{secs:>9.2f}{n / secs:>11,.0f}")
        # constant memory: the traced peak while streaming every passage stays that of one batch
        tracemalloc.start()
        n = sum(1 for _ in archive.iter_export("passages"))
        print(
            f"\npeak Python memory while exporting {n:,} passages: "
            f"{tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB"
        )
        tracemalloc.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
