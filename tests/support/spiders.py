"""Helpers for spider unit tests: build a spider from the shipped sources file, split callback output."""

from __future__ import annotations

import scrapy

from crawler.items import PolicyDocument
from crawler.sources import get_source
from tests.support import file_response, fixture_path


def make_spider(cls, source_id: str):
    return cls(config=get_source(source_id))


def split(results) -> tuple[list[scrapy.Request], list[PolicyDocument]]:
    results = list(results)
    return (
        [r for r in results if isinstance(r, scrapy.Request)],
        [r for r in results if isinstance(r, PolicyDocument)],
    )


def documents(results) -> list[scrapy.Request]:
    return [r for r in split(results)[0] if r.meta.get("conditional")]


def indexes(results) -> list[scrapy.Request]:
    return [r for r in split(results)[0] if r.meta.get("index")]


def page(slug: str, name: str, url: str, status: int = 200, headers: dict | None = None, request=None):
    response = file_response(fixture_path(slug, name), url, status=status, headers=headers)
    if request is not None:
        response = response.replace(request=request)
    return response
