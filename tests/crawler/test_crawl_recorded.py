"""The crawl's speed-ups (issue #17) change how fast a crawl runs, never what it records: the same site,
crawled with a speed-up turned off and on, leaves the same fetches, policies, versions, seen dates and
runs (``tests/support/crawl_record.py``)."""

from __future__ import annotations

import gc

import pytest

from payerwatch.commands.crawl import frozen_heap
from portal.localsite import LocalSite, Page
from tests.support.crawl_record import recorded, run_cli_with
from tests.support.sources import local_source_file

FAST = {"PAYERWATCH_CRAWL_DELAY": "0"}
# the plain path of each speed-up, run before the CLI in the child process
PLAIN = "import contextlib, payerwatch.commands.crawl as c\nc.frozen_heap = contextlib.nullcontext"


def _page(i: int, text: str) -> Page:
    return Page(
        f"<html><head><title>Policy {i}</title></head>"
        f"<body><h1>Policy {i}</h1><p>{text}</p></body></html>".encode()
    )


def _site(listed: list[int], changed: int | None = None) -> dict[str, Page]:
    """An index listing ``listed``; policy 5 answers 404, policy 6 redirects off the site."""
    links = "".join(f'<li><a href="/policy/{i}.html">Policy {i}</a></li>' for i in listed)
    pages = {"/medical/": Page(f"<html><body><ul>{links}</ul></body></html>".encode())}
    for i in (1, 2, 3, 4):
        pages[f"/policy/{i}.html"] = _page(i, "revised wording" if i == changed else "first wording")
    pages["/policy/5.html"] = Page(b"gone", status=404)
    pages["/policy/6.html"] = Page(b"", status=302, headers={"Location": "https://elsewhere.example/6"})
    return pages


def _crawl_both(tmp_path, site, prelude: str) -> None:
    sources = local_source_file(tmp_path, site.url)
    for data, pre in ((tmp_path / "plain", prelude), (tmp_path / "fast", "")):
        result = run_cli_with(
            pre, "crawl", "--no-progress", "--sources", str(sources), data_dir=data, env=FAST
        )
        assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize("prelude", [PLAIN], ids=["frozen-heap"])
def test_a_speed_up_records_what_the_plain_crawl_records(tmp_path, prelude):
    with LocalSite(_site([1, 2, 3, 4, 5, 6])) as site:
        _crawl_both(tmp_path, site, prelude)  # first crawl: every document new
        pages = _site([1, 2, 3, 5, 6], changed=2)  # 2 changed, 1 and 3 answer 304
        del pages["/policy/4.html"]  # unlisted and gone: the recheck finds it missing
        site.set_pages(pages)
        _crawl_both(tmp_path, site, prelude)
    plain, fast = recorded(tmp_path / "plain"), recorded(tmp_path / "fast")
    outcomes = {f[11] for f in fast["fetches"]}
    assert {"new_version", "not_modified", "error", "missing"} <= outcomes, outcomes
    assert fast == plain


def test_the_frozen_heap_is_handed_back_after_the_crawl():
    before = gc.get_freeze_count()
    with frozen_heap():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), frozen_heap():
        raise RuntimeError("a crawl that fails")
    assert gc.get_freeze_count() == 0
