"""The archive browser in headless Chromium (Debian's, driven by Playwright; never a downloaded browser).

Walks what a researcher does: open the matrix, follow a policy, open a diff, run a search. Each page is
saved as a screenshot under ``test-artifacts/``; any JavaScript dialog (an ``alert`` smuggled in through
payer text) fails the test.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from payerwatch.web import create_app
from tests.support import ROOT
from tests.support.archive_builder import build_sample_archive

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("PAYERWATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def server(archive):
    build_sample_archive(archive)
    srv = make_server("127.0.0.1", 0, create_app(archive), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser_page():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.dialogs = dialogs
        yield page
        browser.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"web-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path


def test_matrix_policy_diff_search(server, browser_page):
    page = browser_page
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Coverage matrix"
    assert page.locator("#matrix tbody tr").count() == 2
    shot(page, "matrix")

    # the payer filter is a search box, submitted by the form like the menus (no JavaScript)
    page.fill("input[name=payer]", "united")
    page.click("form.filters button")
    page.wait_for_url("**/?payer=united*")
    assert page.locator("#matrix tbody tr").count() == 1
    assert "Sample United Health" in page.locator("#payer-matches").inner_text()
    page.fill("input[name=payer]", "")
    page.select_option("select[name=program]", "commercial")
    page.click("form.filters button")
    assert page.locator("#matrix tbody tr").count() == 1

    page.click("a.policy-link:has-text('Sample United Health')")
    page.wait_for_url("**/policy/sample-uhc-commercial/2026D0069P")
    assert page.locator("#timeline tbody tr").count() == 3
    assert page.locator("#stance-chart g.series").count() == 2
    shot(page, "policy")

    page.click("a.diff-link:has-text('diff v1→v2')")
    page.wait_for_url("**/diff/*/*")
    assert page.locator("#worddiff del").first.inner_text() == "three"
    assert page.locator("#worddiff ins").first.inner_text() == "two"
    assert page.locator("#bullets mark").count() == 2
    shot(page, "diff")

    page.fill("header input[name=q]", "investigational")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=investigational")
    assert page.locator("#hits li").count() == 1
    assert page.locator("#hits mark").first.inner_text() == "investigational"
    shot(page, "search")
    assert page.dialogs == []


def test_hostile_payer_text_stays_inert(server, browser_page):
    page = browser_page
    for url in ("/", "/policy/sample-tx-medicaid/KET-01", "/changes", "/search?q=infusion"):
        page.goto(server + url)
        page.wait_for_load_state("load")
        assert page.locator("body").inner_text().count('<script>alert("pwned")</script>') >= 1
        assert page.locator("main script, main img").count() == 0
    shot(page, "hostile-search")
    assert page.dialogs == []
