"""The analysis seam: the crawler archives and records presence; analysis runs from the archive, durably.

Crawls are real ``payerwatch crawl`` processes against a loopback site. A crash during analysis is
injected deterministically with ``PAYERWATCH_KILL_AT`` (``store/killpoint.py``): the child SIGKILLs itself
at the named point, and the next crawl (or ``reprocess``) must announce what the dead one did not —
exactly once.
"""

from __future__ import annotations

import signal

import pytest

from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import run_cli
from tests.support.sources import local_source_file

FAST = {"PAYERWATCH_CRAWL_DELAY": "0"}


def _site(listed=(1, 2, 3), online=(1, 2, 3), broken: dict[int, int] | None = None) -> dict[str, Page]:
    """An index listing ``listed``; documents ``online`` answer 200, ``broken`` {n: status} fail."""
    links = "".join(f'<li><a href="/policy/{i}.html">Policy {i}</a></li>' for i in listed)
    pages = {"/medical/": Page(f"<html><body><h1>Policies</h1><ul>{links}</ul></body></html>".encode())}
    for i in online:
        pages[f"/policy/{i}.html"] = Page(
            f"<html><head><title>Policy {i}</title></head><body><h1>Policy {i}</h1>"
            f"<p>Ketamine infusion for depression is not covered (policy {i}).</p></body></html>".encode()
        )
    for i, status in (broken or {}).items():
        pages[f"/policy/{i}.html"] = Page(b"try later", status=status)
    return pages


def _sources(tmp_path, url: str):
    return local_source_file(tmp_path, url)


def _crawl(tmp_path, data_dir, site, kill_at: str | None = None):
    env = dict(FAST, PAYERWATCH_KILL_AT=kill_at) if kill_at else FAST
    return run_cli(
        "crawl", "--no-progress", "--sources", str(_sources(tmp_path, site.url)), data_dir=data_dir, env=env
    )


def _status(data_dir, n: int) -> tuple[str, int]:
    with Archive(data_dir) as arc:
        (policy,) = [p for p in arc.list_policies("local") if p.url.endswith(f"/policy/{n}.html")]
        return policy.status, policy.missing_count


def _kinds(data_dir) -> list[str]:
    with Archive(data_dir) as arc:
        return sorted(c.kind for c in arc.list_changes() if c.kind in ("retired", "reinstated"))


def test_listed_document_answering_404_is_a_fetch_fault_not_missing(tmp_path, data_dir):
    with LocalSite(_site()) as site:
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        site.set_pages(_site(online=(1, 2)))  # still listed, but 404
        for _ in range(3):
            assert _crawl(tmp_path, data_dir, site).returncode == 0
    assert _status(data_dir, 3) == ("active", 0)
    assert _kinds(data_dir) == []
    with Archive(data_dir) as arc:
        faults = {f.error_kind for f in arc.list_fetches("local") if f.outcome == "error"}
        assert faults == {"http-404"}


def test_unlisted_but_still_online_is_not_missing(tmp_path, data_dir):
    with LocalSite(_site()) as site:
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        site.set_pages(_site(listed=(1, 2)))  # off the index, still served
        for _ in range(2):
            assert _crawl(tmp_path, data_dir, site).returncode == 0
    assert _status(data_dir, 3) == ("active", 0)
    assert _kinds(data_dir) == []


def test_gone_from_index_and_404_retires_after_two_successful_crawls_then_reinstated(tmp_path, data_dir):
    with LocalSite(_site()) as site:
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        site.set_pages(_site(listed=(1, 2), online=(1, 2)))
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        assert _status(data_dir, 3) == ("missing", 1)
        # a 503 blip on another document is a fault of that fetch: this crawl still counts for policy 3
        site.set_pages(_site(listed=(1, 2), online=(1,), broken={2: 503}))
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        assert _status(data_dir, 3)[0] == "retired"
        assert _kinds(data_dir) == ["retired"]
        site.set_pages(_site())
        assert _crawl(tmp_path, data_dir, site).returncode == 0
    assert _status(data_dir, 3) == ("active", 0)
    assert _kinds(data_dir) == ["reinstated", "retired"]
    with Archive(data_dir) as arc:
        assert all(r.analysed_at is not None for r in arc.list_runs("local"))


def test_an_index_fault_never_counts_a_document_as_missing(tmp_path, data_dir):
    with LocalSite(_site()) as site:
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        pages = _site(online=(1, 2))
        pages["/medical/"] = Page(b"busy", status=503)
        site.set_pages(pages)
        for _ in range(3):
            assert _crawl(tmp_path, data_dir, site).returncode == 0
    assert _status(data_dir, 3)[0] == "active"
    assert _kinds(data_dir) == []


@pytest.mark.parametrize(
    ("kill_at", "resume"),
    [("crawl:archived", "crawl"), ("analysis:versions", "crawl"), ("analysis:versions", "reprocess")],
)
def test_crawl_killed_during_analysis_announces_the_retirement_exactly_once_on_rerun(
    tmp_path, data_dir, kill_at, resume
):
    assert run_cli("subscribe", "clinic@example.org", data_dir=data_dir).returncode == 0
    with LocalSite(_site()) as site:
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        site.set_pages(_site(listed=(1, 2), online=(1, 2)))
        assert _crawl(tmp_path, data_dir, site).returncode == 0
        killed = _crawl(tmp_path, data_dir, site, kill_at=kill_at)
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
        assert _kinds(data_dir) == []  # the dead process announced nothing
        if resume == "crawl":
            assert _crawl(tmp_path, data_dir, site).returncode == 0
        else:
            result = run_cli("reprocess", data_dir=data_dir)
            assert result.returncode == 0, result.stderr
        assert _crawl(tmp_path, data_dir, site).returncode == 0  # and once more: nothing new
    assert _status(data_dir, 3)[0] == "retired"
    assert _kinds(data_dir) == ["retired"]
    with Archive(data_dir) as arc:
        (retired,) = [c for c in arc.list_changes() if c.kind == "retired"]
        deliveries = [d for d in arc.list_deliveries() if d.change_id == retired.id]
        assert len(deliveries) == 1
        assert all(r.analysed_at is not None for r in arc.list_runs("local"))
