"""The completeness rule for sources, in one place: a source's slug (its id) names its fixtures and its test.

- generic payer: ``tests/files/generic/<slug>.html`` and an entry in ``tests/files/generic/expected.yaml``;
- family payer: ``tests/files/<slug>/README.md`` (with the saved pages) and
  ``tests/crawler/test_<slug with underscores>.py``, which loads the source by its id.

``tests/crawler/test_crawl_sources.py`` applies it to the shipped sources file; the ``new-source`` tests
apply it to a scratch copy of the repository.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from crawler.sources import SourceConfig, load_sources


def missing_for(source: SourceConfig, root: Path) -> list[str]:
    """What ``source`` still lacks under ``root`` (a checkout), as repository-relative paths."""
    if source.spider == "generic":
        page = f"tests/files/generic/{source.id}.html"
        expected_file = root / "tests/files/generic/expected.yaml"
        expected = yaml.safe_load(expected_file.read_text(encoding="utf-8")) or {}
        return [page] * (not (root / page).is_file()) + [
            f"tests/files/generic/expected.yaml: {source.id}"
        ] * (source.id not in expected)
    readme = f"tests/files/{source.id}/README.md"
    test = f"tests/crawler/test_{source.id.replace('-', '_')}.py"
    out = [readme] * (not (root / readme).is_file())
    if not (root / test).is_file():
        out.append(test)
    elif f'"{source.id}"' not in (root / test).read_text(encoding="utf-8"):
        out.append(f"{test} never loads {source.id!r}")
    return out


def missing_files(root: Path) -> dict[str, list[str]]:
    """Every source of ``root/crawler/sources.yaml`` with what it lacks (empty: all complete)."""
    found = {s.id: missing_for(s, root) for s in load_sources(root / "crawler" / "sources.yaml")}
    return {sid: lacks for sid, lacks in found.items() if lacks}


def local_source_file(
    folder: Path, url: str, *, payer: str = "Local Health", documents: str = r"/policy/\d+\.html"
) -> Path:
    """``folder/sources.yaml`` with one generic source ``local`` whose index is ``<url>/medical/``: the
    loopback site the crawl, analysis and fault tests build page by page."""
    path = folder / "sources.yaml"
    source = {
        "id": "local",
        "payer": payer,
        "program": "commercial",
        "spider": "generic",
        "start_urls": [f"{url}/medical/"],
        "allowed_domains": ["127.0.0.1"],
        "documents": [documents],
    }
    path.write_text(yaml.safe_dump({"sources": [source]}))
    return path
