"""SMTP security modes from the environment: STARTTLS and implicit TLS with login, against aiosmtpd.

The certificate is made per test with the system's ``openssl`` and trusted through ``SSL_CERT_FILE``, which
``ssl.create_default_context()`` honours, so the production code path (verification on) is what runs.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest

from feeds.config import load_settings
from feeds.outbox import send_outbox
from tests.support.feeds import SmtpSink, detection_moment, free_port, seed

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


@pytest.fixture
def cert(tmp_path):
    key, crt = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(crt)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(crt, key)
    return crt, context


class Logins:
    """aiosmtpd authenticator accepting one user; remembers who logged in."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.login == b"alerts" and auth_data.password == b"s3cret"
        if ok:
            self.seen.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd replies 535 itself


def _env(monkeypatch, crt, port, security, password="s3cret"):
    for key, value in {
        "SSL_CERT_FILE": str(crt),
        "PAYERWATCH_SMTP_HOST": "127.0.0.1",
        "PAYERWATCH_SMTP_PORT": str(port),
        "PAYERWATCH_SMTP_SECURITY": security,
        "PAYERWATCH_SMTP_USER": "alerts",
        "PAYERWATCH_SMTP_PASSWORD": password,
        "PAYERWATCH_SECRET": "x",
    }.items():
        monkeypatch.setenv(key, value)


def _sink(context, implicit: bool, logins: Logins) -> SmtpSink:
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    kwargs = {"ssl_context": context} if implicit else {"tls_context": context, "require_starttls": True}
    # implicit TLS: aiosmtpd does not count the wrapped socket as TLS for AUTH, so do not require it twice
    sink.controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=sink.port,
        authenticator=logins,
        auth_require_tls=not implicit,
        **kwargs,
    )
    return sink


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_secure_login_and_delivery(archive, cert, monkeypatch, security):
    crt, context = cert
    archive.add_subscription("clinic@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    logins = Logins()
    with _sink(context, security == "tls", logins) as sink:
        _env(monkeypatch, crt, sink.port, security)
        report = send_outbox(archive, load_settings(archive.data_dir))
    assert len(report.sent) == 1 and len(sink.messages) == 1
    assert logins.seen == ["alerts"]


def test_wrong_password_keeps_mail_queued(archive, cert, monkeypatch):
    crt, context = cert
    archive.add_subscription("clinic@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    with _sink(context, False, Logins()) as sink:
        _env(monkeypatch, crt, sink.port, "starttls", password="wrong")
        report = send_outbox(archive, load_settings(archive.data_dir))
    assert report.sent == [] and report.stopped and "535" in report.stopped
    assert [d.status for d in archive.list_deliveries()] == ["pending"]


def test_unreachable_tls_port_is_temporary(archive, cert, monkeypatch):
    crt, _ = cert
    archive.add_subscription("clinic@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    _env(monkeypatch, crt, free_port(), "tls")
    report = send_outbox(archive, load_settings(archive.data_dir))
    assert report.stopped and [d.status for d in archive.list_deliveries()] == ["pending"]


def _send_cli(archive, monkeypatch, crt, port, security, password="s3cret"):
    from tests.support import run_cli

    _env(monkeypatch, crt, port, security, password=password)  # run_cli's process inherits os.environ
    return run_cli("send", data_dir=archive.data_dir)


@pytest.mark.parametrize(
    "case, expected",
    [
        ("unreachable", "unreachable"),
        ("no-starttls", "the server does not offer STARTTLS"),
        ("bad-login", "login refused for user alerts (535"),
    ],
)
def test_send_says_which_server_and_what_failed_and_exits_non_zero(
    archive, cert, monkeypatch, case, expected
):
    """An operator fixes "unreachable", "no STARTTLS" and "wrong password" in three different places."""
    crt, context = cert
    archive.add_subscription("clinic@clinic.test", min_severity="critical")
    seed(archive, detected_at=detection_moment())
    if case == "unreachable":
        port = free_port()
        res = _send_cli(archive, monkeypatch, crt, port, "starttls")
    elif case == "no-starttls":
        with SmtpSink() as sink:  # plain SMTP, no TLS context: EHLO lists no STARTTLS
            port = sink.port
            res = _send_cli(archive, monkeypatch, crt, port, "starttls")
    else:
        with _sink(context, False, Logins()) as sink:
            port = sink.port
            res = _send_cli(archive, monkeypatch, crt, port, "starttls", password="wrong")
    assert res.returncode == 1, res.stdout + res.stderr
    assert f"127.0.0.1:{port}: {expected}" in res.stderr, res.stderr
    assert "0 sent" in res.stdout and res.stderr.count(expected) == 1  # said once, not per message
    assert [d.status for d in archive.list_deliveries()] == ["pending"]
