"""Crawl benchmark: payerwatch vs a bare Scrapy spider on the same generated portal, same run.

    python bench/crawl.py [--docs 2000] [--rounds 1]

A generated site of N small HTML documents (20 index pages) is served on loopback by a separate process
(so server CPU is not charged to the crawler). Each crawl runs in a fresh process (Twisted's reactor
runs once per process) and reports wall time, CPU seconds (user+sys of that process) and peak RSS:

- ``bare``: a minimal ``scrapy.Spider`` that reads the index pages and fetches every document, nothing else;
- ``pw-first``: ``payerwatch crawl`` (generic spider, pipelines, archive) into an empty data directory;
- ``pw-recrawl``: the same again — conditional requests, every document answers 304, no new version.

Both sides use the same concurrency (16, no delay, no AutoThrottle): politeness is a production setting,
not what is measured here. Extraction/diff is off (``PAYERWATCH_PROCESS=False``): this measures the crawl.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_INDEX = 100
COMMON = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "ERROR",
    "TELNETCONSOLE_ENABLED": False,
}


def build_pages(n: int):
    from crawler.localsite import Page

    pages = {}
    for i in range(n):
        body = (f"<html><head><title>Policy {i}</title></head><body><h1>Sample policy {i}</h1>"
                + "<p>Esketamine may be covered when criteria are met; ketamine infusion is unproven.</p>" * 12
                + "</body></html>")
        pages[f"/doc/{i}.html"] = Page(body.encode())
    for k in range(0, n, PER_INDEX):
        links = "".join(f'<li><a href="/doc/{i}.html">Policy {i}</a></li>' for i in range(k, min(n, k + PER_INDEX)))
        pages[f"/index/{k // PER_INDEX}.html"] = Page(f"<html><body><ul>{links}</ul></body></html>".encode())
    pages["/"] = Page(("<html><body>" + "".join(
        f'<a href="/index/{j}.html">page {j}</a>' for j in range((n + PER_INDEX - 1) // PER_INDEX)) + "</body></html>"
    ).encode())
    return pages


def serve(n: int, q) -> None:
    from crawler.localsite import LocalSite

    with LocalSite(build_pages(n), log=False) as site:
        q.put(site.url)
        q.get()  # block until told to stop


def bare_crawl(url: str, n: int) -> dict:
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

    process = CrawlerProcess({**COMMON, "ITEM_PIPELINES": {}})
    process.crawl(BareSpider)
    t0 = time.perf_counter()
    process.start()
    return {"wall": time.perf_counter() - t0, "docs": counted["docs"]}


def pw_crawl(url: str, n: int, data: str) -> dict:
    import yaml

    from payerwatch.commands.crawl import run_crawl

    src = Path(data) / "bench-sources.yaml"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(yaml.safe_dump({"sources": [{
        "id": "bench", "payer": "Bench Health", "program": "commercial", "spider": "generic",
        "start_urls": [url + "/"], "allowed_domains": ["127.0.0.1"], "follow": ["/index/\\d+\\.html$"],
        "documents": ["/doc/\\d+\\.html$"]}]}))
    t0 = time.perf_counter()
    runs = run_crawl(Path(data), src, (), settings={**COMMON, "PAYERWATCH_PROCESS": False}, progress=False)
    wall = time.perf_counter() - t0
    r = runs[0]
    return {"wall": wall, "docs": r.documents, "not_modified": r.not_modified, "new_versions": r.new_versions,
            "errors": r.errors}


def child(mode: str, url: str, n: int, data: str) -> None:
    cpu0 = time.process_time()
    out = bare_crawl(url, n) if mode == "bare" else pw_crawl(url, n, data)
    out["cpu"] = time.process_time() - cpu0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("BENCH " + json.dumps(out))


def run_child(mode: str, url: str, n: int, data: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", mode, url, str(n), data], capture_output=True,
                          text=True, cwd=ROOT, timeout=900, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
    return {"mode": mode, **json.loads(line[6:])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=1, help="repeat bare / pw-recrawl pairs to see the spread")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, url, n, data = args.child
        child(mode, url, int(n), data)
        return
    q = mp.Queue()
    server = mp.Process(target=serve, args=(args.docs, q), daemon=True)
    server.start()
    url = q.get(timeout=60)
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            results.append(run_child("bare", url, args.docs, data))
            results.append(run_child("pw-first", url, args.docs, data))
            for _ in range(args.rounds):
                results.append(run_child("bare", url, args.docs, data))
                results.append(run_child("pw-recrawl", url, args.docs, data))
    finally:
        q.put("stop")
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()
    print(f"{'mode':<11} {'docs':>5} {'wall s':>7} {'docs/s':>7} {'CPU ms/doc':>10} {'peak MB':>8}  notes")
    for r in results:
        note = "" if r["mode"] == "bare" else f"not_modified={r['not_modified']} new={r['new_versions']} errors={r['errors']}"
        print(f"{r['mode']:<11} {r['docs']:>5} {r['wall']:>7.2f} {r['docs'] / r['wall']:>7.0f} "
              f"{1000 * r['cpu'] / max(r['docs'], 1):>10.2f} {r['peak_rss_mb']:>8.0f}  {note}")
    bare = min(r["wall"] for r in results if r["mode"] == "bare")
    recrawl = min(r["wall"] for r in results if r["mode"] == "pw-recrawl")
    print(f"unchanged re-crawl / bare Scrapy (best of each): {recrawl / bare:.2f}x (target <= 1.30x)")


if __name__ == "__main__":
    main()
