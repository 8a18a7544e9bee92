"""Faults are facts about a fetch: each kind is recorded with a clear reason and the crawl goes on.

One real crawl over loopback covers the network-level faults (timeout, body over the size limit, TLS
with an untrusted certificate, off-site and login redirects, error page and click-through served with 200);
unit tests cover the classification of failures that need no server.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from twisted.python.failure import Failure

from crawler.spiders.base import classify_failure
from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import run_cli


def _self_signed(tmp_path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


FAULTS = {
    "ok": Page(b"<html><head><title>Fine</title></head><body><h1>Policy</h1></body></html>"),
    "slow": Page(hang=True),
    "big": Page(b"<html><body>" + b"x" * 200_000 + b"</body></html>"),
    "offsite": Page(status=302, headers={"Location": "https://elsewhere.example/policy"}),
    "login": Page(status=302, headers={"Location": "/account/login?next=/p/login"}),
    "sorry": Page(
        b"<html><head><title>We're sorry</title></head><body><h1>Temporarily unavailable</h1></body></html>"
    ),
    "statement": Page(
        b"<html><head><title>Notice</title></head><body><h1>Before you continue</h1><form>"
        b"<p>Please read the statement below and accept to continue.</p><button>I accept</button>"
        b"</form></body></html>"
    ),
    "gone": Page(status=404),
    "broken": Page(status=500),
}


def test_every_fault_is_recorded_with_its_kind(tmp_path, data_dir):
    pages = {f"/p/{name}": page for name, page in FAULTS.items()}
    links = "".join(f'<a href="/p/{name}">{name}</a>' for name in FAULTS)
    pages["/"] = Page(f"<html><head><title>Index</title></head><body>{links}</body></html>".encode())
    with (
        LocalSite(pages) as site,
        LocalSite({"/": pages["/"], "/p/ok": FAULTS["ok"]}, tls=_self_signed(tmp_path)) as tls_site,
    ):

        def src(sid, url):
            return {
                "id": sid,
                "payer": "Faulty",
                "program": "commercial",
                "spider": "generic",
                "start_urls": [url + "/"],
                "allowed_domains": ["127.0.0.1"],
                "documents": ["/p/"],
            }

        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [src("faulty", site.url), src("tls", tls_site.url)]}))
        env = {
            "PAYERWATCH_CRAWL_DELAY": "0",
            "PAYERWATCH_DOWNLOAD_TIMEOUT": "2",
            "PAYERWATCH_MAXSIZE": "100000",
        }
        result = run_cli("crawl", "--no-progress", "--sources", str(path), data_dir=data_dir, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    with Archive(data_dir) as arc:
        kinds = {
            f.url.rsplit("/", 1)[-1]: f.error_kind for f in arc.list_fetches("faulty") if f.outcome == "error"
        }
        assert kinds == {
            "slow": "timeout",
            "big": "too-large",
            "offsite": "offsite-redirect",
            "login": "login-redirect",
            "sorry": "error-page",
            "statement": "interstitial",
            "gone": "http-404",
            "broken": "http-500",
        }
        assert all(f.error for f in arc.list_fetches("faulty") if f.outcome == "error")
        assert [p.url.rsplit("/", 1)[-1] for p in arc.list_policies("faulty")] == ["ok"]
        tls = arc.list_fetches("tls")
        assert [f.error_kind for f in tls] == ["tls"] and "TLS" in tls[0].error
        assert arc.list_runs("tls")[0].status == "failed"
    assert "faulty" in result.stdout and "tls" in result.stdout


@pytest.mark.parametrize(
    "exc,kind",
    [
        (DownloadTimeoutError("took longer than 60 seconds"), "timeout"),
        (
            DownloadCancelledError("Cancelling download: expected response size (9000000) larger than 100"),
            "too-large",
        ),
        (CannotResolveHostError("DNS lookup failed: no results for hostname lookup: nowhere.invalid"), "dns"),
        (ConnectionRefusedError("Connection was refused by other side"), "connection"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots"),
    ],
)
def test_classify_failure(exc, kind):
    class Req:
        meta = {}

    failure = Failure(exc)
    failure.request = Req()
    assert classify_failure(failure)[0] == kind


@pytest.mark.parametrize(
    "title,is_error",
    [
        ("Policy 404: Ketamine", False),
        ("404 Not Found", True),
        ("Error 503", True),
        ("We're sorry", True),
        ("Page Not Found | Example", True),
        ("Medication Errors in Infusion Centers", False),
    ],
)
def test_error_page_titles(title, is_error):
    from crawler.spiders.base import ERROR_TITLE

    assert bool(ERROR_TITLE.search(title)) is is_error
