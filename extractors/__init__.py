"""Pure functions from a document's bytes to an ``ExtractedPolicy`` (never imports Scrapy)."""

from extractors.model import ExtractedPolicy, ExtractionError, UnsupportedMediaType

EXTRACTOR_VERSION = "0"


def extract(data: bytes, media_type: str | None = None, url: str | None = None, *, timeout: float = 60):
    """Placeholder until the extractors land: refuses every document with a typed error."""
    raise UnsupportedMediaType("extractors not implemented yet")


__all__ = ["EXTRACTOR_VERSION", "ExtractedPolicy", "ExtractionError", "extract"]
