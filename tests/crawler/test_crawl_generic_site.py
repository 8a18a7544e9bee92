"""End to end over a real loopback HTTP server: the generic spider, conditional re-crawl,
faults, retirement."""

from __future__ import annotations

from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import run_cli
from tests.support.sources import local_source_file

FAST = {"PAYERWATCH_CRAWL_DELAY": "0"}


def _site(n: int = 3, text: str = "v1") -> dict[str, Page]:
    links = "".join(
        f'<li><a href="/policy/{i}.html?utm_source=x">Policy {i}</a></li>' for i in range(1, n + 1)
    )
    pages = {
        "/medical/": Page(
            f"<html><head><title>Policies</title></head><body><ul>{links}</ul></body></html>".encode()
        )
    }
    for i in range(1, n + 1):
        pages[f"/policy/{i}.html?utm_source=x"] = Page(
            f"<html><head><title>Policy {i}</title></head>"
            f"<body><h1>Policy {i}</h1><p>{text} ketamine</p></body></html>".encode()
        )
    return pages


def _sources(tmp_path, url: str):
    return local_source_file(tmp_path, url)


def _crawl(tmp_path, data_dir, site):
    result = run_cli(
        "crawl", "--no-progress", "--sources", str(_sources(tmp_path, site.url)), data_dir=data_dir, env=FAST
    )
    assert result.returncode == 0, result.stderr
    return result


def test_recrawl_is_conditional_and_creates_no_versions(tmp_path, data_dir):
    with LocalSite(_site()) as site:
        first = _crawl(tmp_path, data_dir, site)
        assert "local" in first.stdout
        with Archive(data_dir) as arc:
            assert len(arc.list_policies("local")) == 3
            versions = [v for p in arc.list_policies("local") for v in arc.list_versions(p.id)]
            assert len(versions) == 3
            # new versions went through payerwatch.processing (extracted, or the extractor's error recorded)
            assert all(v.extractor_version or v.extract_error for v in versions)
        site.requests.clear()
        _crawl(tmp_path, data_dir, site)
        conditional = [r for r in site.hits("If-None-Match") if r.path.startswith("/policy/")]
        assert len(conditional) == 3 and all(r.status == 304 for r in conditional)
        with Archive(data_dir) as arc:
            run = arc.list_runs("local")[0]
            assert (run.status, run.documents, run.not_modified, run.new_versions) == ("ok", 3, 3, 0)
            assert sum(len(arc.list_versions(p.id)) for p in arc.list_policies("local")) == 3


def test_faults_are_recorded_and_never_retire(tmp_path, data_dir):
    with LocalSite(_site()) as site:
        _crawl(tmp_path, data_dir, site)
        faulty = _site(2)  # policy 3 is absent from the index, and the rest fail
        faulty["/policy/1.html?utm_source=x"] = Page(b"busy", status=503)
        faulty["/policy/2.html?utm_source=x"] = Page(
            b"", status=302, headers={"Location": "https://evil.example/x"}
        )
        site.set_pages(faulty)
        for _ in range(2):
            _crawl(tmp_path, data_dir, site)
        with Archive(data_dir) as arc:
            kinds = {f.error_kind for f in arc.list_fetches("local") if f.outcome == "error"}
            assert {"http-503", "offsite-redirect"} <= kinds
            assert all(p.status == "active" for p in arc.list_policies("local"))
            assert sum(len(arc.list_versions(p.id)) for p in arc.list_policies("local")) == 3


def test_absent_twice_from_a_working_index_retires(tmp_path, data_dir):
    with LocalSite(_site()) as site:
        _crawl(tmp_path, data_dir, site)
        site.set_pages(_site(2))
        _crawl(tmp_path, data_dir, site)
        with Archive(data_dir) as arc:
            gone = [p for p in arc.list_policies("local") if p.status != "active"]
            assert [(p.status, p.missing_count) for p in gone] == [("missing", 1)]
        _crawl(tmp_path, data_dir, site)
        with Archive(data_dir) as arc:
            assert [p.status for p in arc.list_policies("local")].count("retired") == 1


def test_zero_documents_is_a_failing_source(tmp_path, data_dir):
    with LocalSite(
        {"/medical/": Page(b"<html><head><title>Moved</title></head><body>nothing</body></html>")}
    ) as site:
        result = _crawl(tmp_path, data_dir, site)
        assert "failed" in result.stdout


def test_an_index_page_answering_404_never_counts_its_policies_as_missing(tmp_path, data_dir):
    """The start URL moving (or briefly 404ing) is a fault of the crawl, not evidence that policies
    are gone."""
    with LocalSite(_site()) as site:
        _crawl(tmp_path, data_dir, site)
        site.set_pages({})
        for _ in range(3):
            result = _crawl(tmp_path, data_dir, site)
            assert "failed" in result.stdout
    with Archive(data_dir) as arc:
        assert {p.status for p in arc.list_policies("local")} == {"active"}
        assert [c.kind for c in arc.list_changes()].count("retired") == 0
        assert [r.status for r in arc.list_runs("local")][:3] == ["failed"] * 3
