"""``generic`` spider: every generic source in the shipped sources file, against its saved index page
(``tests/files/generic/<source-id>.html``); the URLs its patterns must find are in ``expected.yaml``."""

from __future__ import annotations

import pytest
import yaml

from crawler.sources import SourceError, load_sources, parse_source
from crawler.spiders.generic import GenericSpider
from tests.support import fixture_path
from tests.support.spiders import documents, page

GENERIC = [s for s in load_sources() if s.spider == "generic"]
EXPECTED = yaml.safe_load(fixture_path("generic", "expected.yaml").read_text())


def test_every_generic_source_has_a_fixture_and_expectations():
    assert {s.id for s in GENERIC} == set(EXPECTED)
    assert all(fixture_path("generic", f"{s.id}.html").is_file() for s in GENERIC)


@pytest.mark.parametrize("source", GENERIC, ids=[s.id for s in GENERIC])
def test_generic_source_finds_its_documents(source):
    spider = GenericSpider(config=source)
    reqs = documents(spider.parse(page("generic", f"{source.id}.html", source.start_urls[0])))
    urls = [r.url for r in reqs]
    expected = EXPECTED[source.id]
    assert len(urls) == len(expected), urls
    for tail, url in zip(expected, urls, strict=True):
        assert url.endswith(tail), (tail, url)
    assert all(r.meta["title"] for r in reqs)


def test_generic_requires_document_patterns():
    raw = {
        "id": "x",
        "payer": "X",
        "program": "commercial",
        "spider": "generic",
        "start_urls": ["https://x.example/"],
        "allowed_domains": ["x.example"],
    }
    with pytest.raises(SourceError, match="'x' is missing required key.*documents"):
        parse_source(raw)


def test_number_regex_merges_url_variants_of_one_policy():
    source = next(s for s in GENERIC if s.id == "bcbsal")
    reqs = documents(GenericSpider(config=source).parse(page("generic", "bcbsal.html", source.start_urls[0])))
    assert [r.meta["number"] for r in reqs] == ["MP-446", "MP-446", "MP-117"]
