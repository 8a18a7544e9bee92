"""A response that does not become a document is a recorded fault of the document's own URL.

A meta refresh or a script that sends the crawler off the site, and a redirect loop, used to leave no
fetch record (or one under the last looped URL, as ``connection``); the policy then looked absent and two
crawls later was announced ``retired``. Real crawls over loopback.
"""

from __future__ import annotations

import yaml

from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import run_cli

POLICY = (
    b"<html><head><title>Ketamine infusion</title></head><body><h1>Ketamine infusion</h1>"
    b"<p>Intravenous ketamine is considered investigational for depression.</p></body></html>"
)
META_AWAY = (
    b'<html><head><meta http-equiv="refresh" content="0; url=https://elsewhere.example/moved">'
    b"<title>Moved</title></head><body><p>Moved.</p></body></html>"
)
JS_AWAY = (
    b"<html><head><title>Loading</title><script>window.location.href = 'https://elsewhere.example/js';"
    b"</script></head><body><p>Loading...</p></body></html>"
)


def _sources(tmp_path, url):
    path = tmp_path / "sources.yaml"
    source = {
        "id": "hops",
        "payer": "Hops Health",
        "program": "commercial",
        "spider": "generic",
        "start_urls": [url + "/"],
        "allowed_domains": ["127.0.0.1"],
        "documents": ["/p/"],
    }
    path.write_text(yaml.safe_dump({"sources": [source]}))
    return path


def _index(names):
    links = "".join(f'<a href="/p/{n}">{n}</a>' for n in names)
    return Page(f"<html><head><title>Index</title></head><body>{links}</body></html>".encode())


def test_meta_refresh_script_and_loops_are_faults_of_the_first_url(tmp_path, data_dir):
    pages = {
        "/p/ok": Page(POLICY),
        "/p/meta-away": Page(META_AWAY),
        "/p/js-away": Page(JS_AWAY),
        "/p/loop-a": Page(status=302, headers={"Location": "/p/loop-b"}),
        "/p/loop-b": Page(status=302, headers={"Location": "/p/loop-a"}),
        "/p/self": Page(status=301, headers={"Location": "/p/self"}),
    }
    pages["/"] = _index([p.rsplit("/", 1)[-1] for p in pages])
    with LocalSite(pages) as site:
        result = run_cli(
            "crawl", "--no-progress", "--sources", str(_sources(tmp_path, site.url)), data_dir=data_dir
        )
    assert result.returncode == 0, result.stderr[-2000:]
    with Archive(data_dir) as arc:
        errors = {f.url.rsplit("/", 1)[-1]: f for f in arc.list_fetches("hops") if f.outcome == "error"}
        assert {name: f.error_kind for name, f in errors.items()} == {
            "meta-away": "offsite-redirect",
            "js-away": "js-redirect",
            "loop-a": "redirect-loop",
            "loop-b": "redirect-loop",  # linked too: its own loop, under its own URL
            "self": "redirect-loop",
        }
        assert "elsewhere.example/moved" in errors["meta-away"].error
        assert "/p/loop-b" in errors["loop-a"].error
        ok = next(p for p in arc.list_policies("hops") if p.url.endswith("/p/ok"))
        assert arc.list_versions(ok.id)


def test_a_policy_behind_a_meta_refresh_is_never_retired(tmp_path, data_dir):
    with LocalSite(
        {"/": _index(["policy", "other"]), "/p/policy": Page(POLICY), "/p/other": Page(POLICY)}
    ) as site:
        sources = _sources(tmp_path, site.url)
        assert run_cli("crawl", "--no-progress", "--sources", str(sources), data_dir=data_dir).returncode == 0
        site.set_pages(
            {"/": _index(["policy", "other"]), "/p/policy": Page(META_AWAY), "/p/other": Page(POLICY)}
        )
        for _ in range(3):
            result = run_cli("crawl", "--no-progress", "--sources", str(sources), data_dir=data_dir)
            assert result.returncode == 0, result.stderr[-2000:]
    with Archive(data_dir) as arc:
        policy = next(p for p in arc.list_policies("hops") if p.url.endswith("/p/policy"))
        assert policy.status == "active" and policy.missing_count == 0
        kinds = [f.error_kind for f in arc.list_fetches("hops", url=policy.url)]
        assert kinds.count("offsite-redirect") == 3
        assert not [c for c in arc.list_changes() if c.kind == "retired"]
