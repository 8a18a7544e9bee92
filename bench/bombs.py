"""Peak memory of a crawl over each PDF bomb shape: one crawl process per bomb, measured by the kernel.

For each shape in ``tests/support/bombs.py`` a loopback site serves that bomb and one real policy; a real
``payerwatch crawl`` process crawls it and at exit writes its own peak RSS (``VmHWM``). Printed: the
bomb's size, the crawl process's peak, and the typed error the bomb ended with. (The workers are children
of the forkserver, not of the crawl, and are bounded by ``PAYERWATCH_EXTRACT_MEMORY``.)

    .venv/bin/python -m bench.bombs
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import ROOT, bombs
from tests.support.pdf import render_file

PROBE = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
def report():
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    json.dump({"hwm": int(status["VmHWM"].split()[0]) * 1024}, open(out, "w"))
atexit.register(report)
sys.argv[0] = "payerwatch"
runpy.run_module("payerwatch", run_name="__main__")
"""


def measure(name: str, data: bytes, folder: Path) -> tuple[int, str]:
    pages = {
        "/docs/bomb.pdf": Page(data, content_type="application/pdf"),
        "/docs/fine.pdf": Page(render_file("cigna-ketamine.yaml"), content_type="application/pdf"),
    }
    pages["/"] = Page(
        b'<html><body><a href="/docs/bomb.pdf">b</a><a href="/docs/fine.pdf">f</a></body></html>'
    )
    with LocalSite(pages) as site:
        sources = folder / "sources.yaml"
        source = {
            "id": "bombs",
            "payer": "Hostile Health",
            "program": "commercial",
            "spider": "generic",
            "start_urls": [site.url + "/"],
            "allowed_domains": ["127.0.0.1"],
            "documents": [r"\.pdf$"],
        }
        sources.write_text(yaml.safe_dump({"sources": [source]}))
        out = folder / "probe.json"
        env = dict(os.environ, PAYERWATCH_CRAWL_DELAY="0")
        cmd = [
            sys.executable,
            "-c",
            PROBE,
            str(out),
            "--data",
            str(folder / "data"),
            "crawl",
            "--no-progress",
        ]
        subprocess.run([*cmd, "--sources", str(sources)], check=True, cwd=ROOT, env=env, capture_output=True)
    with Archive(folder / "data") as archive:
        errors = [
            v.extract_error for p in archive.list_policies("bombs") for v in archive.list_versions(p.id)
        ]
    return json.loads(out.read_text())["hwm"], next((e for e in errors if e), "no error")


def main() -> None:
    for name, (build, _) in bombs.BOMBS.items():
        data = build()
        with tempfile.TemporaryDirectory() as tmp:
            hwm, error = measure(name, data, Path(tmp))
        print(f"{name:15s} {len(data) / 1024:8.0f} KiB  crawl peak RSS {hwm / 2**20:6.0f} MiB  {error[:70]}")


if __name__ == "__main__":
    main()
