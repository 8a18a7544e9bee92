"""Crawl benchmark: payerwatch vs a bare Scrapy spider on the same generated portal, same run (issue #3).

    python bench/crawl.py [--docs 2000 [8000 ...]] [--rounds 2] [--load-check]

The portal (``bench/portal.py``: N small HTML documents behind N/100 index pages, ETag/Last-Modified/304)
is a ``twisted.web`` server in its own process, serving from memory; it answers over 10,000 requests/s on
one core (``--load-check`` runs wrk against it), so the crawlers — not the server — are what is measured. On
a machine with 2+ CPUs the server is
pinned to the last CPU and every crawl to the others, so server CPU is never charged to a crawler. The
``server %`` column shows how busy the server's core was during each crawl: far below 100% means the
server was not the bottleneck.

Each crawl runs in a fresh process (Twisted's reactor runs once per process; peak RSS is per process),
and that process measures itself with ``getrusage``: wall and CPU seconds of the crawl (imports done
before the clock starts), CPU of the whole process, and peak RSS:

- ``bare``: a minimal ``scrapy.Spider`` that reads the index pages and fetches every document, nothing else;
- ``pw-first``: ``payerwatch crawl`` (generic spider, middlewares, pipelines, archive) into an empty data dir;
- ``pw-recrawl``: the same again — conditional requests, every document answers 304, no new version.

Both sides use the same concurrency (16, no delay, no AutoThrottle): politeness is a production setting,
not what is measured here. Extraction/diff is off (``PAYERWATCH_PROCESS=False``): this measures the crawl.
Targets (issue #17): best pw-recrawl wall time <= 1.1x best bare wall time, first crawl <= 2x, and peak
RSS flat in N. With several ``--docs`` sizes, the last lines give each mode's peak-RSS growth per 1,000
documents: bare Scrapy's own (dupefilter fingerprints, scheduler backlog) is the floor payerwatch is
compared with.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bench.portal import PortalProcess  # noqa: E402

CHILD_TIMEOUT = 600  # seconds: a crawl that takes longer is broken, not slow
COMMON = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    # payerwatch's own setting (crawler/settings.py); Scrapy's default 100 costs both sides ~0.6 ms/response
    "CONCURRENT_ITEMS": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "ERROR",
    "TELNETCONSOLE_ENABLED": False,
}


# -- the crawls (each in its own child process) ----------------------------------------------------------
def bare_crawl(url: str) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    counted = {"docs": 0}

    class BareSpider(scrapy.Spider):
        name = "bare"
        start_urls = [url + "/"]

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                if href.startswith("/index/"):
                    yield response.follow(href, self.parse)
                elif href.startswith("/doc/"):
                    yield response.follow(href, self.parse_doc)

        def parse_doc(self, response):
            counted["docs"] += 1
            yield {"url": response.url, "size": len(response.body)}

    t0, cpu0 = time.perf_counter(), _cpu()
    process = CrawlerProcess({**COMMON, "ITEM_PIPELINES": {}})
    process.crawl(BareSpider)
    process.start()
    return {"wall": time.perf_counter() - t0, "cpu": _cpu() - cpu0, "docs": counted["docs"]}


def pw_crawl(url: str, data: str) -> dict:
    import yaml

    from payerwatch.commands.crawl import run_crawl

    src = Path(data) / "bench-sources.yaml"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {
                        "id": "bench",
                        "payer": "Bench Health",
                        "program": "commercial",
                        "spider": "generic",
                        "start_urls": [url + "/"],
                        "allowed_domains": ["127.0.0.1"],
                        "follow": ["/index/\\d+\\.html$"],
                        "documents": ["/doc/\\d+\\.html$"],
                    }
                ]
            }
        )
    )
    t0, cpu0 = time.perf_counter(), _cpu()
    runs = run_crawl(Path(data), src, (), settings={**COMMON, "PAYERWATCH_PROCESS": False}, progress=False)
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    r = runs[0]
    return {
        "wall": wall,
        "cpu": cpu,
        "docs": r.documents,
        "not_modified": r.not_modified,
        "new_versions": r.new_versions,
        "errors": r.errors,
    }


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def child(mode: str, url: str, data: str, items: int) -> None:
    # import before the clock starts, so both sides pay their imports outside the measurement (the
    # ``proc CPU s`` column still shows them: payerwatch's are ~0.6 s more than bare Scrapy's)
    import scrapy.crawler  # noqa: F401

    COMMON["CONCURRENT_ITEMS"] = items
    if mode != "bare":
        from scrapy.utils.misc import walk_modules_iter

        import crawler.archive_handle  # noqa: F401
        import crawler.sources  # noqa: F401
        import payerwatch.commands.crawl  # noqa: F401

        for _ in walk_modules_iter("crawler.spiders"):  # what SpiderLoader imports
            pass
    out = bare_crawl(url) if mode == "bare" else pw_crawl(url, data)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out["proc_cpu"] = ru.ru_utime + ru.ru_stime
    out["peak_rss_mb"] = ru.ru_maxrss / 1024  # KiB on Linux
    print("BENCH " + json.dumps(out), flush=True)


# -- the parent: server, children, table -----------------------------------------------------------------
def _cpus() -> tuple[set[int] | None, set[int] | None]:
    """(server CPUs, crawler CPUs): the last CPU for the server, the rest for crawlers; None if unpinnable."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


def run_child(mode: str, portal: PortalProcess, data: str, cpus: set[int] | None, items: int) -> dict:
    before = portal.stats()
    preexec = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, portal.url, data, str(items)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=CHILD_TIMEOUT,
        check=False,
        preexec_fn=preexec,
    )
    after = portal.stats()
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"{mode} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    out = {"mode": mode, "items": items, **json.loads(line[6:])}
    out["server_cpu"] = after["cpu"] - before["cpu"]
    out["requests"] = after["requests"] - before["requests"]
    out["served_304"] = after["not_modified"] - before["not_modified"]
    return out


def bench(docs: int, rounds: int, items: int) -> list[dict]:
    server_cpus, crawler_cpus = _cpus()
    results = []
    with PortalProcess("--docs", str(docs), cpus=server_cpus) as portal, tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        results.append(run_child("bare", portal, data, crawler_cpus, items))
        results.append(run_child("pw-first", portal, data, crawler_cpus, items))
        for _ in range(rounds):
            results.append(run_child("bare", portal, data, crawler_cpus, items))
            results.append(run_child("pw-recrawl", portal, data, crawler_cpus, items))
    return results


def load_check(docs: int) -> None:
    """A bounded wrk run (3 s, 16 connections, one client thread) against the portal, if wrk is installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        print("load check skipped: wrk is not installed (apt-get install -y wrk)")
        return
    server_cpus, client_cpus = _cpus()
    with PortalProcess("--docs", str(docs), cpus=server_cpus) as portal:
        preexec = (lambda: os.sched_setaffinity(0, client_cpus)) if client_cpus else None
        for name, extra in (
            ("200", []),
            ("304", ["-H", 'If-None-Match: "' + _etag(portal.url + "/doc/1.html") + '"']),
        ):
            proc = subprocess.run(
                [wrk, "-t1", "-c16", "-d3s", *extra, portal.url + "/doc/1.html"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
                preexec_fn=preexec,
            )
            rps = next(
                (ln.split()[-1] for ln in proc.stdout.splitlines() if ln.startswith("Requests/sec")), "?"
            )
            print(f"load check ({name} answers, wrk -t1 -c16 -d3s): {rps} requests/s")


def _etag(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.headers["ETag"].strip('"')


def print_table(docs: int, results: list[dict]) -> float:
    print(f"\n{docs} documents (16 concurrent requests, CONCURRENT_ITEMS={results[0]['items']})")
    print(
        f"{'mode':<11} {'docs':>5} {'wall s':>7} {'docs/s':>7} {'CPU ms/doc':>10} {'proc CPU s':>10} "
        f"{'peak MB':>8} {'server %':>8} {'304s':>5}  notes"
    )
    for r in results:
        note = (
            ""
            if r["mode"] == "bare"
            else f"not_modified={r['not_modified']} new={r['new_versions']} errors={r['errors']}"
        )
        print(
            f"{r['mode']:<11} {r['docs']:>5} {r['wall']:>7.2f} {r['docs'] / r['wall']:>7.0f} "
            f"{1000 * r['cpu'] / max(r['docs'], 1):>10.2f} {r['proc_cpu']:>10.2f} {r['peak_rss_mb']:>8.1f} "
            f"{100 * r['server_cpu'] / r['wall']:>7.0f}% {r['served_304']:>5}  {note}"
        )
    bare = min(r["wall"] for r in results if r["mode"] == "bare")
    recrawl = min(r["wall"] for r in results if r["mode"] == "pw-recrawl")
    ratio = recrawl / bare
    print(f"unchanged re-crawl / bare Scrapy (best of each): {ratio:.2f}x (target <= 1.10x)")
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--docs", type=int, nargs="+", default=[2000], help="portal size(s); several show memory growth"
    )
    ap.add_argument(
        "--rounds", type=int, default=2, help="bare / pw-recrawl pairs per size (best of each counts)"
    )
    ap.add_argument("--load-check", action="store_true", help="first, a 3 s wrk run against the portal")
    ap.add_argument(
        "--concurrent-items",
        type=int,
        default=COMMON["CONCURRENT_ITEMS"],
        help="CONCURRENT_ITEMS for both sides (Scrapy's default is 100; payerwatch sets 16)",
    )
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, url, data, items = args.child
        child(mode, url, data, int(items))
        return
    if args.load_check:
        load_check(args.docs[0])
    peaks = {}
    for docs in args.docs:
        results = bench(docs, args.rounds, args.concurrent_items)
        print_table(docs, results)
        peaks[docs] = {
            m: max(r["peak_rss_mb"] for r in results if r["mode"] == m)
            for m in ("bare", "pw-first", "pw-recrawl")
        }
    if len(peaks) > 1:
        lo, hi = min(peaks), max(peaks)
        print(f"\npeak RSS growth from {lo} to {hi} documents (KB per 1,000 documents):")
        for mode in ("bare", "pw-first", "pw-recrawl"):
            kb = 1024 * (peaks[hi][mode] - peaks[lo][mode]) / ((hi - lo) / 1000)
            print(
                f"  {mode:<11} {peaks[lo][mode]:7.1f} MB -> {peaks[hi][mode]:7.1f} MB  {kb:+7.0f} KB/1k docs"
            )


if __name__ == "__main__":
    main()
