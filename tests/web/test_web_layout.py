"""The pages as a reader sees them, in headless Chromium at a laptop (1280 px) and a phone (375 px) width,
over the sample payer portal's archive (15 policies, six epochs: a wide matrix and real histories).

What is checked is what people complained about: the page never scrolls sideways (the matrix scrolls
inside its own box, with its headers and first column stuck in place), every page with changes names its
Atom feed for feed readers and shows it as a link, and the policy chart draws one band row per drug ×
indication coloured by stance. Screenshots go to ``test-artifacts/web-layout-*.png``.
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from payerwatch.web import create_app
from payerwatch.web.fragments import STANCE_COLORS, stance_of
from store import Archive
from tests.support.archive_builder import build_portal_archive
from tests.web.test_web_browser import ARGS, ARTIFACTS, CHROMIUM

pytestmark = pytest.mark.browser
WIDTHS = (1280, 375)
POLICY = "sample-aetna-cpb/0938"


@pytest.fixture(scope="module")
def portal_site(tmp_path_factory):
    archive = Archive(tmp_path_factory.mktemp("portal-archive"))
    build_portal_archive(archive)
    srv = make_server("127.0.0.1", 0, create_app(archive), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield archive, f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=10)
    archive.close()


@pytest.fixture(scope="module")
def chromium():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, chromium):
    context = chromium.new_context(viewport={"width": request.param, "height": 860})
    tab = context.new_page()
    tab.width = request.param
    yield tab
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"web-layout-{name}-{page.width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000


def no_page_overflow(page) -> None:
    doc = page.evaluate(
        "({sw: document.documentElement.scrollWidth, w: document.documentElement.clientWidth})"
    )
    assert doc["sw"] <= doc["w"], f"the page scrolls sideways at {page.width}px: {doc}"


def test_matrix_scrolls_inside_its_box_with_sticky_headers(portal_site, page):
    _, base = portal_site
    page.goto(base + "/")
    no_page_overflow(page)
    box = page.evaluate(
        """() => { const s = document.querySelector('#matrix-scroll');
                   const r = s.getBoundingClientRect();
                   return {sw: s.scrollWidth, cw: s.clientWidth, right: r.right, ox:
                   getComputedStyle(s).overflowX,
                           vw: document.documentElement.clientWidth}; }"""
    )
    assert box["ox"] in ("auto", "scroll")
    assert box["sw"] > box["cw"], "the matrix is wider than its box and scrolls inside it"
    assert box["right"] <= box["vw"], "the box itself fits the page"
    header = page.locator("#matrix thead tr.indications th").first.inner_text()
    assert header == "treatment-resistant depression"
    assert page.locator("#matrix tbody td").filter(has_text="_").count() == 0  # no raw keys in cells
    shot(page, "matrix")

    # sideways and down inside the box: the payer column and the header rows stay where they were
    first_col = page.locator("#matrix tbody tr th").first
    head = page.locator("#matrix thead tr.groups th").nth(1)
    left_before, top_before = first_col.bounding_box()["x"], head.bounding_box()["y"]
    page.evaluate("document.querySelector('#matrix-scroll').scrollBy(600, 400)")
    assert abs(first_col.bounding_box()["x"] - left_before) < 1
    assert abs(head.bounding_box()["y"] - top_before) < 1
    shot(page, "matrix-scrolled")

    page.select_option("select[name=drug]", "ketamine")
    page.click("#matrix-filters button")
    page.wait_for_url("**/?*drug=ketamine*")
    assert set(page.locator("#matrix thead tr.groups th.drug").all_inner_texts()) == {"IV ketamine"}
    no_page_overflow(page)


CHANGE_PAGES = [
    ("/", None),
    ("/changes", None),
    ("/changes?payer=sample-aetna-cpb", "/feeds/payer/aetna.atom"),
    ("/changes?drug=esketamine", "/feeds/drug/esketamine.atom"),
    ("/changes?kind=coverage_position", "/feeds/kind/coverage_position.atom"),
    (f"/policy/{POLICY}", "/feeds/payer/aetna.atom"),
    (f"/policy/{POLICY}/diff/2/3", "/feeds/payer/aetna.atom"),
]


def test_every_page_with_changes_offers_its_feed(portal_site, page):
    _, base = portal_site
    for url, facet_feed in CHANGE_PAGES:
        page.goto(base + url)
        no_page_overflow(page)
        alternates = page.locator('head link[rel=alternate][type="application/atom+xml"]')
        hrefs = [alternates.nth(i).get_attribute("href") for i in range(alternates.count())]
        assert "/feeds/all.atom" in hrefs, (url, hrefs)
        visible = page.locator("#feeds a.feed")
        shown = [visible.nth(i).get_attribute("href") for i in range(visible.count())]
        assert shown == hrefs, (url, shown, hrefs)  # what a feed reader finds is what a reader sees
        if facet_feed:
            assert facet_feed in hrefs, (url, hrefs)
        for href in hrefs:
            response = page.request.get(base + href)
            assert response.ok and "application/atom+xml" in response.headers["content-type"], href
    shot(page, "changes-filtered")
    page.goto(base + "/feeds/")
    no_page_overflow(page)
    assert page.locator("header a.brand").count() == 1  # the feed index has the site's way back
    assert page.locator("main ul.feed-index a.feed").count() >= 10
    shot(page, "feeds")


def test_policy_chart_draws_a_band_row_per_drug_and_indication(portal_site, page):
    archive, base = portal_site
    page.goto(base + f"/policy/{POLICY}")
    no_page_overflow(page)
    timeline = archive.position_timeline(POLICY)
    keys = {k for _, positions in timeline for k in positions}
    stances = {stance_of(p.get(k)) for _, p in timeline for k in keys}
    series = page.locator("#stance-chart g.series")
    assert series.count() == len(keys)
    bands = page.locator("#stance-chart rect.band")
    drawn = {}
    for i in range(bands.count()):
        band = bands.nth(i)
        drawn.setdefault(band.get_attribute("data-stance"), set()).add(band.get_attribute("fill"))
    assert set(drawn) == stances
    assert all(colors == {STANCE_COLORS[stance]} for stance, colors in drawn.items())  # one colour per stance
    legend = page.locator("#stance-legend li[data-stance]")
    assert {legend.nth(i).get_attribute("data-stance") for i in range(legend.count())} == stances

    history = archive.history(POLICY)
    announced = [e for e in history[1:] if e.changes]
    marks = page.locator("#stance-chart a.change-mark")
    assert marks.count() == len(announced)
    for i, entry in enumerate(announced):
        href = marks.nth(i).get_attribute("href")
        assert href.endswith(f"/diff/{entry.version.seq - 1}/{entry.version.seq}")
        assert page.request.get(base + href).ok
    ticks = page.locator("#stance-chart line.tick").count()
    assert 2 <= ticks <= 12  # a readable calendar axis, not just the two ends
    shot(page, "policy")
    page.goto(base + f"/policy/{POLICY}/diff/2/3")
    no_page_overflow(page)
    assert "v2 → v3" in page.locator("h1").inner_text()
    assert page.locator(".kicker").inner_text().strip().lower() == "aetna"
    shot(page, "diff")


def test_error_pages_are_styled_with_a_way_on(portal_site, page):
    _, base = portal_site
    for url in (f"/policy/{POLICY}x", "/unsubscribe?token=damaged"):
        response = page.goto(base + url)
        assert response.status in (400, 404)
        no_page_overflow(page)
        assert page.locator("header nav a").count() >= 4
        assert page.locator("main a[href='/changes']").count() >= 1
    shot(page, "error")
