"""A crawl carries on where an interrupted one stopped, and two crawls of one source never overlap."""

from __future__ import annotations

import sqlalchemy as sa
import yaml

from payerwatch.locks import source_lock
from portal.server import PortalServer
from portal.sources import portal_sources
from store import Archive, schema
from tests.support import run_cli


def _sources(tmp_path, url, ids):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [s for s in portal_sources(url) if s["id"] in ids]}))
    return path


def test_versions_left_unanalysed_by_a_killed_crawl_are_analysed_by_the_next(tmp_path):
    data = tmp_path / "data"
    with PortalServer(epoch=1) as portal:
        sources = _sources(tmp_path, portal.url, {"sample-tx-medicaid"})
        assert run_cli("crawl", "--sources", str(sources), "--quiet", data_dir=data).returncode == 0
        portal.set_epoch(3)  # after the baseline: a new notice is news
        assert run_cli("crawl", "--sources", str(sources), "--quiet", data_dir=data).returncode == 0
        with Archive(data) as archive:
            before = {c.id for c in archive.list_changes()}
            assert before
            with archive.engine.connect() as conn:
                n_versions = conn.execute(
                    sa.select(sa.func.count()).select_from(schema.versions)
                ).scalar_one()
            # What a crawl killed between archiving and analysis leaves behind: versions, no extraction,
            # no changes.
            with archive.engine.begin() as conn:
                conn.execute(schema.changes.delete())
                conn.execute(schema.facts.delete())
                conn.execute(schema.passages.delete())
                conn.execute(
                    schema.versions.update().values(extraction=None, extractor_version=None, text_hash=None)
                )
            assert archive.unprocessed_version_ids("sample-tx-medicaid")
        result = run_cli("crawl", "--sources", str(sources), "--quiet", data_dir=data)
        assert result.returncode == 0, result.stderr
    with Archive(data) as archive:
        assert archive.unprocessed_version_ids() == []
        assert {c.id for c in archive.list_changes()} == before  # same changes, same ids, no duplicates
        with archive.engine.connect() as conn:
            assert (
                conn.execute(sa.select(sa.func.count()).select_from(schema.versions)).scalar_one()
                == n_versions
            )


def test_a_source_being_crawled_elsewhere_is_skipped(tmp_path):
    data = tmp_path / "data"
    with PortalServer(epoch=1) as portal:
        sources = _sources(tmp_path, portal.url, {"sample-tx-medicaid", "sample-aetna-cpb"})
        with source_lock(data, "sample-aetna-cpb"):
            result = run_cli("crawl", "--sources", str(sources), "--now", "sample-aetna-cpb", data_dir=data)
            assert result.returncode == 1 and "already being crawled" in result.stderr
            result = run_cli("crawl", "--sources", str(sources), "--quiet", data_dir=data)
            assert (
                result.returncode == 0
                and "sample-aetna-cpb is already being crawled; skipped" in result.stderr
            )
        assert not any(r.path.startswith("/aetna/") for r in portal.requests)
    with Archive(data) as archive:
        assert archive.list_runs("sample-aetna-cpb") == []
        assert [r.status for r in archive.list_runs("sample-tx-medicaid")] == ["ok"]


def test_reprocess_waits_for_no_running_crawl_of_its_sources(tmp_path):
    data = tmp_path / "data"
    with PortalServer(epoch=1) as portal:
        sources = _sources(tmp_path, portal.url, {"sample-tx-medicaid"})
        assert run_cli("crawl", "--sources", str(sources), "--quiet", data_dir=data).returncode == 0
    with source_lock(data, "sample-tx-medicaid"):
        busy = run_cli("reprocess", data_dir=data)
        assert busy.returncode == 1 and "already being crawled" in busy.stderr
    done = run_cli("reprocess", data_dir=data)
    assert done.returncode == 0 and "0 new change(s)" in done.stdout
