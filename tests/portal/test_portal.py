"""Tests of the bundled sample payer portal: generation, manifest, HTTP behaviour, noise revisions."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pdfplumber
import pytest
import yaml

from portal import PortalServer, build_site, portal_sources
from portal import build as build_module
from portal.content import load_expected, max_epoch
from portal.render_pdf import RUNNING_BAND
from tests.support import ROOT

EXPECTED = load_expected()
EPOCHS = sorted(EXPECTED["epochs"])
DOCS = EXPECTED["documents"]
TOPIC = re.compile(r"ketamine|esketamine|spravato|ketalar", re.I)


def url_of(key: str, epoch: int) -> str:
    return EXPECTED["epochs"][epoch]["documents"][key].get("url", DOCS[key]["url"])


def pdf_body_text(data: bytes) -> str:
    """Words of a PDF without its running header/footer, whitespace collapsed (what must not change)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        parts = [
            page.crop((0, RUNNING_BAND, page.width, page.height - RUNNING_BAND)).extract_text() or ""
            for page in pdf.pages
        ]
    return " ".join(" ".join(parts).split())


def pdf_full_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


class _MainText(HTMLParser):
    """Text inside <main> only: site chrome (cookie banner, nav, footer) is outside it."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.words = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "main"

    def handle_endtag(self, tag):
        self.depth -= tag == "main"

    def handle_data(self, data):
        if self.depth:
            self.words += data.split()


def html_main_text(data: bytes) -> str:
    parser = _MainText()
    parser.feed(data.decode("utf-8"))
    return " ".join(parser.words)


def document_text(key: str, body: bytes) -> str:
    return pdf_full_text(body) if DOCS[key]["format"] == "pdf" else body.decode("utf-8")


# -- generation ----------------------------------------------------------------------------------


def test_same_epoch_builds_identical_bytes():
    first = {p: d.body for p, d in build_site(2).items()}
    build_module.clear_cache()
    second = {p: d.body for p, d in build_site(2).items()}
    assert first == second


def test_builds_are_identical_across_processes():
    """invariant=1 must pin every date and ID reportlab would otherwise take from the clock."""
    script = (
        "import hashlib; from portal import build_site; h = hashlib.sha256()\n"
        "for p, d in sorted(build_site(3).items()): h.update(p.encode() + d.body)\n"
        "print(h.hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    h = hashlib.sha256()
    for path, doc in sorted(build_site(3).items()):
        h.update(path.encode() + doc.body)
    assert out.strip() == h.hexdigest()


def test_epoch_range_is_checked():
    assert max_epoch() >= 5
    with pytest.raises(ValueError):
        build_site(0)
    with pytest.raises(ValueError):
        build_site(max_epoch() + 1)


def test_last_modified_is_the_epoch_the_bytes_last_changed():
    url = DOCS["uhc/spravato"]["url"]
    e2, e5 = build_site(2)[url], build_site(5)[url]
    assert e5.last_modified.date().isoformat() == str(EXPECTED["epochs"][3]["date"])
    assert e2.last_modified.date().isoformat() == str(EXPECTED["epochs"][2]["date"])
    assert build_site(6)["/robots.txt"].last_modified == build_site(1)["/robots.txt"].last_modified


# -- manifest consistency ------------------------------------------------------------------------


@pytest.mark.parametrize("epoch", EPOCHS)
def test_manifest_statuses_match_the_site(epoch):
    site = build_site(epoch)
    entries = EXPECTED["epochs"][epoch]["documents"]
    assert set(entries) == set(DOCS), "every document is described in every epoch"
    for key, entry in entries.items():
        assert (url_of(key, epoch) in site) == (entry["status"] == 200), (key, epoch)
        assert entry["kinds"], key
        for url in DOCS[key].get("superseded_urls", []):
            assert url in site, url


@pytest.mark.parametrize("epoch", EPOCHS)
def test_every_served_policy_is_in_the_manifest(epoch):
    site = build_site(epoch)
    known = {url_of(k, epoch) for k in DOCS} | {
        u for d in DOCS.values() for u in d.get("superseded_urls", [])
    }
    known |= {
        "/bcbsmn/policies/Medicine/II-170/II-170-002.html",
        "/bcbsnd/api/policies?page=2",
        "/bcbsnd/api/policies",
        "/bcbsnd/providers/policies-precertification/medical-policy/",
        "/robots.txt",
        "/",
    }
    unknown = {p for p in site if p not in known and not p.endswith("/")}
    assert not unknown


def test_manifest_kinds_are_from_the_taxonomy():
    taxonomy = {
        "new_policy",
        "coverage_position",
        "criteria",
        "codes",
        "wording",
        "dates",
        "retired",
        "reinstated",
        "none",
    }
    for epoch in EPOCHS:
        for key, entry in EXPECTED["epochs"][epoch]["documents"].items():
            assert set(entry["kinds"]) <= taxonomy, (epoch, key)
            if entry["kinds"] != ["none"] and entry["kinds"] != ["new_policy"]:
                assert entry.get("bullets"), (epoch, key)


def test_unchanged_means_same_bytes_and_announced_means_different_bytes():
    for epoch in EPOCHS[1:]:
        now, before = build_site(epoch), build_site(epoch - 1)
        for key, entry in EXPECTED["epochs"][epoch]["documents"].items():
            if entry["status"] != 200 or EXPECTED["epochs"][epoch - 1]["documents"][key]["status"] != 200:
                continue
            old, new = before[url_of(key, epoch - 1)].body, now[url_of(key, epoch)].body
            if entry.get("what") == "unchanged":
                assert old == new, (epoch, key)
            if entry["kinds"] != ["none"] or "noise" in entry.get("what", ""):
                assert old != new, (epoch, key)


def test_topic_flag_matches_the_words():
    site = build_site(max_epoch())
    for key, doc in DOCS.items():
        if "topic" in doc:
            text = document_text(key, site[url_of(key, max_epoch())].body)
            assert bool(TOPIC.search(text)) == doc["topic"], key


# -- PDFs ------------------------------------------------------------------------------------------

UHC_HEADINGS = [
    "Instructions for Use",
    "Coverage Rationale",
    "Initial Therapy",
    "Continuation of Therapy",
    "Applicable Codes",
    "Background",
    "Clinical Evidence",
    "U.S. Food and Drug Administration",
    "References",
    "Policy History/Revision Information",
]


def test_uhc_pdf_has_the_real_section_structure():
    text = pdf_full_text(build_site(1)[DOCS["uhc/spravato"]["url"]].body)
    positions = [text.index(h) for h in UHC_HEADINGS]
    assert positions == sorted(positions)
    assert (
        "2025D0069O" in text and "S0013" in text and "at least three different oral antidepressants" in text
    )


def test_uhc_policy_number_and_codes_move_on():
    text = pdf_full_text(build_site(3)[DOCS["uhc/spravato"]["url"]].body)
    assert "2026D0069P" in text and "J0013" in text
    assert "S0013" not in text.split("Applicable Codes")[1].split("Background")[0]
    assert "J3490" not in text.split("Applicable Codes")[1].split("Background")[0]


def test_community_plan_pdf_names_the_state():
    text = pdf_full_text(build_site(4)[DOCS["uhc/cstx-spravato"]["url"]].body)
    assert "Application" in text and "Texas" in text and "CSTX2026D0069B" in text


def test_cigna_pdf_renamed_with_conditions_not_covered():
    e1 = pdf_full_text(build_site(1)[DOCS["cigna/IP-0412"]["url"]].body)
    e3 = pdf_full_text(build_site(3)[DOCS["cigna/IP-0412"]["url"]].body)
    assert "Conditions Not Covered" in e1 and "Approve for 6 months" in e1
    assert e1.lstrip().startswith("Drug Coverage Policy") and "\nEsketamine\n" in e1
    assert "Psychiatry – Spravato" in e3 and "IP 0412" in e3


@pytest.mark.parametrize(
    "key, epoch, same_order",
    [
        ("uhc/off-label", 2, True),
        ("uhc/cstx-spravato", 2, True),
        ("uhc/off-label", 3, True),
        # re-wrapping moves line breaks inside multi-line table cells, so plain-text reading order of a
        # table row can interleave differently; the words themselves are the same
        ("cigna/IP-0412", 2, False),
    ],
)
def test_pdf_noise_revisions_differ_in_bytes_not_in_words(key, epoch, same_order):
    old = build_site(epoch - 1)[DOCS[key]["url"]].body
    new = build_site(epoch)[DOCS[key]["url"]].body
    assert old != new
    old_text, new_text = pdf_body_text(old), pdf_body_text(new)
    if same_order:
        assert old_text == new_text
    else:
        assert sorted(old_text.split()) == sorted(new_text.split())
        assert old_text.split("Revision Details")[0] == new_text.split("Revision Details")[0]


def test_reexport_changes_producer_and_compression():
    old = build_site(1)[DOCS["uhc/off-label"]["url"]].body
    new = build_site(2)[DOCS["uhc/off-label"]["url"]].body
    assert b"/FlateDecode" not in old and b"/FlateDecode" in new
    with pdfplumber.open(io.BytesIO(old)) as a, pdfplumber.open(io.BytesIO(new)) as b:
        assert a.metadata["Producer"] != b.metadata["Producer"]


def test_omnibus_change_is_outside_the_ketamine_paragraph():
    e3 = pdf_body_text(build_site(3)[DOCS["uhc/off-label"]["url"]].body)
    e4 = pdf_body_text(build_site(4)[DOCS["uhc/off-label"]["url"]].body)
    assert e3 != e4
    k3 = e3.split(" Ketamine Ketamine given")[1].split("Botulinum Toxins")[0]
    k4 = e4.split(" Ketamine Ketamine given")[1].split("Botulinum Toxins")[0]
    assert k3 == k4 and "unproven" in k3


# -- HTML layouts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, epoch", [("aetna/0938", 2), ("aetna/0938", 5), ("aetna/index", 2)])
def test_html_chrome_noise_leaves_main_content_alone(key, epoch):
    old, new = build_site(epoch - 1)[DOCS[key]["url"]].body, build_site(epoch)[DOCS[key]["url"]].body
    assert old != new
    assert html_main_text(old) == html_main_text(new)


def test_aetna_index_reorder_keeps_the_same_links():
    links = [
        re.findall(rb'class="cpb-link" href="([^"]+)"', build_site(e)[DOCS["aetna/index"]["url"]].body)
        for e in (2, 3)
    ]
    assert links[0] != links[1] and sorted(links[0]) == sorted(links[1])


def test_bcbsmn_old_versions_carry_a_replaced_banner():
    site = build_site(4)
    index = site["/bcbsmn/policies/index.html"].body
    assert b"II-170-003.html" in index and b"II-170-002.html" not in index
    old = site["/bcbsmn/policies/Medicine/II-170/II-170-002.html"].body.decode()
    assert (
        "This policy version was replaced 01/15/2026" in old
        and 'href="/bcbsmn/policies/Medicine/II-170/II-170-003.html"' in old
    )
    assert b"was replaced" not in site["/bcbsmn/policies/Medicine/II-170/II-170-003.html"].body
    assert (
        b"This policy version was replaced 06/01/2025"
        in site["/bcbsmn/policies/Medicine/II-170/II-170-001.html"].body
    )


def test_bcbsnd_api_pages_list_every_policy():
    for epoch, expected in ((1, 3), (4, 2), (6, 3)):
        site = build_site(epoch)
        first = json.loads(site["/bcbsnd/api/policies?page=1"].body)
        results = []
        for page in range(1, first["totalPages"] + 1):
            results += json.loads(site[f"/bcbsnd/api/policies?page={page}"].body)["results"]
        assert len(results) == first["totalResults"] == expected
        assert all(r["url"] in site for r in results)


def test_dates_only_revision_changes_nothing_but_dates():
    url = DOCS["bcbsnd/MED-451"]["url"]
    old, new = (html_main_text(build_site(e)[url].body) for e in (2, 3))
    undated = [re.sub(r"\d{4}-\d{2}-\d{2}", "DATE", text) for text in (old, new)]
    assert old != new and undated[0] == undated[1]


def test_masshealth_table_has_the_nmda_row():
    body = build_site(1)[DOCS["masshealth/table-16-esketamine"]["url"]].body.decode()
    assert (
        "NMDA Receptor Antagonist" in body and "Spravato" in body and "Initial approval for 3 months" in body
    )


# -- the HTTP server ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal():
    with PortalServer(epoch=1) as server:
        yield server


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET without following redirects; returns (status, headers, body)."""
    parts = urllib.request.urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_server_serves_robots_and_documents(portal):
    portal.set_epoch(1)
    with urllib.request.urlopen(portal.url + "/robots.txt") as r:
        assert b"Allow: /" in r.read()
    status, headers, body = fetch(portal.url + DOCS["cigna/IP-0412"]["url"])
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert fetch(portal.url + "/nope.html")[0] == 404
    assert fetch(portal.url + DOCS["masshealth/table-16-esketamine"]["url"])[0] == 200


def test_etag_and_last_modified_answer_304(portal):
    portal.set_epoch(1)
    url = portal.url + DOCS["aetna/0938"]["url"]
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"].startswith('"')
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"something-else"'})[0] == 200
    portal.set_epoch(2)  # footer year changed: a new entity
    status, new_headers, _ = fetch(url, {"If-None-Match": headers["ETag"]})
    assert status == 200 and new_headers["ETag"] != headers["ETag"]
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 200
    portal.set_epoch(1)


def test_request_log_records_conditional_headers(portal):
    portal.set_epoch(1)
    portal.clear_requests()
    url = portal.url + DOCS["cigna/index"]["url"]
    _, headers, _ = fetch(url)
    fetch(url, {"If-None-Match": headers["ETag"], "If-Modified-Since": headers["Last-Modified"]})
    log = portal.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", DOCS["cigna/index"]["url"], 200),
        ("GET", DOCS["cigna/index"]["url"], 304),
    ]
    assert log[0].if_none_match is None and log[1].if_none_match == headers["ETag"]
    assert log[1].if_modified_since == headers["Last-Modified"] and log[1].epoch == 1


def test_fault_mode(portal):
    portal.set_epoch(3)
    portal.set_faults(True)
    try:
        for rule in EXPECTED["faults"]:
            status, headers, body = fetch(portal.url + rule["path"])
            if rule["behavior"] == "503":
                assert status == 503
            elif rule["behavior"] == "login_redirect":
                assert status == 302 and headers["Location"].endswith(rule["location"])
                assert fetch(portal.url + rule["location"])[0] == 200
            elif rule["behavior"] == "404_once":
                assert status == 404
                assert fetch(portal.url + rule["path"])[0] == 200
            elif rule["behavior"] == "error_page_200":
                assert status == 200 and headers["Content-Type"].startswith("text/html")
                assert b"temporarily unavailable" in body
        assert fetch(portal.url + DOCS["uhc/spravato"]["url"])[0] == 200  # the rest still works
    finally:
        portal.set_faults(False)
    assert all(fetch(portal.url + r["path"])[0] in (200, 404) for r in EXPECTED["faults"])
    assert fetch(portal.url + "/bcbsmn/account/login")[0] == 404
    portal.set_epoch(1)


def test_concurrent_requests_and_epoch_switches(portal):
    """A crawler fetches in parallel while a test may advance the epoch: every answer must be whole."""
    from concurrent.futures import ThreadPoolExecutor

    portal.set_epoch(1)
    urls = [
        portal.url + DOCS[k]["url"] for k in ("uhc/spravato", "cigna/IP-0412", "aetna/0938", "bcbsnd/api")
    ]

    def get(i: int) -> int:
        if i == 10:
            portal.set_epoch(2)
        status, headers, body = fetch(urls[i % len(urls)])
        assert int(headers["Content-Length"]) == len(body)
        return status

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(get, range(40))) == {200}
    portal.set_epoch(1)


def test_main_module_serves():
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal", "--epoch", "2", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert fetch(url + "/robots.txt")[0] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- sources ---------------------------------------------------------------------------------------


def test_portal_sources_cover_every_document(portal):
    sources = portal_sources(portal.url)
    ids = [s["id"] for s in sources]
    assert len(ids) == len(set(ids)) >= 7
    keys = {
        "id",
        "payer",
        "program",
        "state",
        "spider",
        "start_urls",
        "allowed_domains",
        "follow",
        "documents",
        "schedule",
    }
    by_id = {s["id"]: s for s in sources}
    for source in sources:
        assert keys <= set(source) and source["allowed_domains"] == ["127.0.0.1"]
        for url in source["start_urls"]:
            assert fetch(url)[0] == 200
    for key, doc in DOCS.items():
        source = by_id[doc["source"]]
        patterns = source["follow"] if doc.get("role") == "index" else source["documents"]
        assert any(re.search(p, portal.url + doc["url"]) for p in patterns), key


def test_every_sample_source_is_named_after_the_real_source_it_imitates():
    """One payer, one slug: the sample id is ``sample-`` + the real slug (issue #11 found five names)."""
    real = {s["id"] for s in yaml.safe_load((ROOT / "crawler" / "sources.yaml").read_text())["sources"]}
    sample = [s["id"] for s in portal_sources("http://127.0.0.1:1")]
    assert all(i.startswith("sample-") for i in sample), sample
    assert {i.removeprefix("sample-") for i in sample} <= real, set(sample) - {f"sample-{r}" for r in real}
    assert {d["source"] for d in load_expected()["documents"].values()} == set(sample)
