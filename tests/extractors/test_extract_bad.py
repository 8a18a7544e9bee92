"""Bad input: every failure is a typed ExtractionError with a reason slug, never a hang or a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

import extractors
from extractors import model
from tests.support.pdf import FILES, image_only_pdf, load, render, render_file, synthetic_policy


def _raises(exc_type: type[model.ExtractionError], data: bytes, **kw) -> model.ExtractionError:
    with pytest.raises(exc_type) as info:
        extractors.extract(data, **kw)
    assert isinstance(info.value, model.ExtractionError)
    assert str(info.value)  # a clear message for the fetch log
    return info.value


def test_empty() -> None:
    assert _raises(model.EmptyDocument, b"").reason == "empty"
    _raises(model.EmptyDocument, b"   \n\t ")


def test_corrupt_pdf() -> None:
    _raises(model.CorruptDocument, b"%PDF-1.7\n1 0 obj <</Type /Catalog>> garbage\n%%EOF\n")


def test_truncated_pdf() -> None:
    data = render_file("uhc-spravato.yaml")
    err = _raises(model.CorruptDocument, data[: len(data) // 2])
    assert "truncated" in str(err)


def test_encrypted_pdf() -> None:
    data = render(load("uhc-spravato.yaml"), encrypt="s3cret")
    assert _raises(model.EncryptedDocument, data).reason == "encrypted"


def test_image_only_pdf() -> None:
    assert _raises(model.NoTextLayer, image_only_pdf()).reason == "no-text-layer"


def test_too_many_pages() -> None:
    data = render(synthetic_policy(6))
    err = _raises(model.DocumentTooLarge, data, max_pages=3)
    assert "pages" in str(err)


def test_too_many_bytes() -> None:
    _raises(model.DocumentTooLarge, b"%PDF-1.4\n" + b"0" * 5000, max_bytes=1000)


def test_timeout() -> None:
    data = render(synthetic_policy(12, topic_pages=tuple(range(12))))
    err = _raises(model.ExtractionTimeout, data, timeout=0.01, full=True)
    assert err.reason == "timeout"


@pytest.mark.parametrize(
    "name, reason",
    [
        ("bad-login.html", "login"),
        ("bad-notfound.html", "error page"),
        ("bad-unavailable.html", "error page"),
        ("bad-interstitial.html", "interstitial"),
    ],
)
def test_not_a_policy(name: str, reason: str) -> None:
    err = _raises(model.NotAPolicy, Path(FILES, name).read_bytes(), media_type="text/html")
    assert reason in str(err)
    assert err.reason == "not-a-policy"


@pytest.mark.parametrize(
    "data, declared",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "application/pdf"),
        (b"PK\x03\x04" + b"\x00" * 100, "text/html"),
        (bytes(range(256)) * 8, "text/html"),
        (b"\x00\x01\x02junk\xff\xfe" * 50, "application/pdf"),
        (b"just some plain text, not a policy document", "text/plain"),
    ],
)
def test_junk_with_misleading_type(data: bytes, declared: str) -> None:
    err = _raises(model.UnsupportedMediaType, data, media_type=declared)
    assert err.reason == "unsupported-media-type"


def test_pdf_served_as_html_is_sniffed() -> None:
    result = extractors.extract(render_file("uhc-spravato.yaml"), media_type="text/html")
    assert result.media_type == "application/pdf"


def test_html_served_as_pdf_is_sniffed() -> None:
    data = Path(FILES, "bcbsnd-spravato.html").read_bytes()
    assert extractors.extract(data, media_type="application/pdf").media_type == "text/html"


def test_html_with_only_chrome_is_empty() -> None:
    data = b"<html><body><nav>Home Members Providers</nav><footer>(c) 2026 Example</footer></body></html>"
    _raises(model.EmptyDocument, data)
