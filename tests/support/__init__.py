"""Test helpers shared by every test module: fixture paths, CLI runs, saved-page responses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FILES = Path(__file__).resolve().parent.parent / "files"
ROOT = Path(__file__).resolve().parent.parent.parent


def fixture_path(slug: str, name: str) -> Path:
    """``tests/files/<slug>/<name>``: one folder per spider / extractor case, named by its slug."""
    return FILES / slug / name


def run_cli(
    *args: str, data_dir: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
):
    """Run ``python -m payerwatch`` as a user would (a real process, real exit code)."""
    # os.environ carries PAYERWATCH_DATABASE_URL only while a PostgreSQL archive fixture is active
    # (tests/conftest.py drops the developer's own), so the child opens the test's database.
    full_env = dict(os.environ) | (env or {})
    cmd = [sys.executable, "-m", "payerwatch"]
    if data_dir is not None:
        cmd += ["--data", str(data_dir)]
    return subprocess.run(
        cmd + list(args), capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=timeout, check=False
    )


def file_response(path: Path, url: str, status: int = 200, headers: dict | None = None):
    """A Scrapy response built from a saved page, for spider unit tests (City Scrapers style)."""
    from scrapy.http import HtmlResponse, Request, Response, TextResponse

    body = Path(path).read_bytes()
    request = Request(url=url)
    suffix = Path(path).suffix.lower()
    if suffix in (".html", ".htm", ".do", ".aspx"):
        cls = HtmlResponse
    elif suffix in (".json", ".txt", ".xml"):
        cls = TextResponse
    else:
        cls = Response
    kwargs = {"url": url, "request": request, "body": body, "status": status, "headers": headers or {}}
    if cls is not Response:
        kwargs["encoding"] = "utf-8"
    return cls(**kwargs)
