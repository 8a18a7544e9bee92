"""A crawl that reaches nothing says why: DNS, refused connection and a 403 are named in the summary
table and in ``payerwatch status``, with the remedy, and no traceback reaches the operator's terminal."""

from __future__ import annotations

import socket

import pytest
import yaml

from crawler.faults import explain_empty_run
from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import run_cli


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _source(sid: str, url: str, host: str) -> dict:
    return {
        "id": sid,
        "payer": f"Payer {sid}",
        "program": "commercial",
        "spider": "generic",
        "start_urls": [url],
        "allowed_domains": [host],
        "documents": [r"\.pdf$"],
    }


def test_offline_sources_are_reported_by_cause(tmp_path, data_dir):
    pages = {"/policies/": Page(b"<html><body><h1>Forbidden</h1></body></html>", status=403)}
    with LocalSite(pages) as site:
        sources = [
            _source("nowhere", "https://policies.nowhere.invalid/index.html", "policies.nowhere.invalid"),
            _source("refused", f"http://127.0.0.1:{_closed_port()}/policies/", "127.0.0.1"),
            _source("forbidden", f"{site.url}/policies/", "127.0.0.1"),
        ]
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": sources}))
        env = {"PAYERWATCH_CRAWL_DELAY": "0", "COLUMNS": "400"}
        crawl = run_cli("crawl", "--sources", str(path), data_dir=data_dir, env=env)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert "Traceback" not in crawl.stderr + crawl.stdout
    with Archive(data_dir) as arc:
        messages = {sid: arc.list_runs(sid)[0].message for sid in ("nowhere", "refused", "forbidden")}
        kinds = {sid: [f.error_kind for f in arc.list_fetches(sid)] for sid in messages}
    assert messages["nowhere"].startswith("dns: DNS lookup failed for policies.nowhere.invalid")
    assert messages["refused"].startswith("connection: connection refused by 127.0.0.1")
    assert (
        messages["forbidden"].startswith("blocked: HTTP 403")
        and "PAYERWATCH_CONTACT_URL" in messages["forbidden"]
    )
    assert kinds == {"nowhere": ["dns"], "refused": ["connection"], "forbidden": ["blocked"]}
    assert "markup may have changed" not in crawl.stdout
    status = run_cli("status", data_dir=data_dir, env={"COLUMNS": "400"})
    assert "dns: DNS lookup failed" in status.stdout and "blocked: HTTP 403" in status.stdout


@pytest.mark.parametrize(
    "faults,starts",
    [
        ({}, "found no documents: no link on the index matched"),
        ({"http-500": (2, "HTTP 500 from x")}, "found no documents; 2 fetch(es) failed (http-500)"),
        ({"index-http-404": (1, "HTTP 404 from x"), "tls": (1, "TLS error")}, "tls: TLS error"),
        ({"blocked": (3, "HTTP 403 from x: ask")}, "blocked: HTTP 403 from x: ask (3 fetches)"),
    ],
)
def test_explain_empty_run(faults, starts):
    assert explain_empty_run(faults, "src").startswith(starts)


def test_user_agent_names_payerwatch_and_the_operators_contact(monkeypatch):
    import importlib

    import crawler.settings

    monkeypatch.setenv("PAYERWATCH_CONTACT_URL", "mailto:ops@clinic.example")
    settings = importlib.reload(crawler.settings)
    try:
        assert settings.USER_AGENT.startswith("payerwatch/")
        assert "mailto:ops@clinic.example" in settings.USER_AGENT
        assert "Mozilla" not in settings.USER_AGENT  # never disguised as a browser
    finally:
        monkeypatch.delenv("PAYERWATCH_CONTACT_URL")
        importlib.reload(crawler.settings)
