"""Layers import only downward (docs/conventions.md), checked by reading every module's imports.

A small AST walk instead of a plugin: the rules fit in one table, and a test can prove the check fails
on a forbidden import (``test_the_check_catches_...``) without touching the tree.

    extractors ◄── differ ◄── feeds ◄── payerwatch (CLI, processing, service, web)
         ▲                      │
       store ◄──────────────────┘        crawler ──► store        portal: imports nothing of the product
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("payerwatch", "crawler", "store", "extractors", "differ", "feeds", "portal")

#: package -> top-level packages of this repository it must never import
FORBIDDEN: dict[str, set[str]] = {
    # pure functions from bytes to typed results: nothing above them
    "extractors": set(PRODUCT) - {"extractors"},
    # pure comparison; it may read the extractors' types and topic words, nothing else
    "differ": set(PRODUCT) - {"differ", "extractors"},
    # the crawler discovers, fetches and archives; analysis, announcing and serving are elsewhere
    "crawler": {"payerwatch", "feeds", "differ", "portal"},
    # the store stores plain data: no extractor type, no change vocabulary
    "store": set(PRODUCT) - {"store"},
    # feeds build and render; they never serve (payerwatch/web does) and never crawl
    "feeds": {"payerwatch", "crawler", "portal", "extractors"},
    # the sample payer world is not part of the product
    "portal": set(PRODUCT) - {"portal"},
}


def imported_packages(source: str, module: str) -> set[str]:
    """Top-level packages imported by ``source`` (the text of ``module``, a dotted name)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = module.split(".")[: -node.level] or [module.split(".")[0]]
                found.add(base[0])
            elif node.module:
                found.add(node.module.split(".")[0])
    return found


def violations(package: str, source: str, module: str) -> set[str]:
    """The forbidden packages that ``source`` (a module of ``package``) imports."""
    return imported_packages(source, module) & FORBIDDEN.get(package, set())


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_only_downward(package):
    bad = {}
    for path in _modules(package):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found = violations(package, path.read_text(encoding="utf-8"), module)
        if found:
            bad[str(path.relative_to(ROOT))] = sorted(found)
    assert not bad, f"forbidden imports (see tests/test_layering.py): {bad}"


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("extractors", "from store.models import Version\n"),
        ("differ", "import store\n"),
        ("differ", "def f():\n    from feeds.present import esc\n"),  # a lazy import counts too
        ("crawler", "from payerwatch.processing import process_versions\n"),
        ("store", "from extractors.model import ExtractedPolicy\n"),
        ("store", "from differ.taxonomy import KINDS\n"),
        ("portal", "from crawler.sources import load_sources\n"),
        ("feeds", "from payerwatch.web import create_app\n"),
    ],
)
def test_the_check_catches_a_forbidden_import(package, source):
    assert violations(package, source, f"{package}.synthetic")


def test_allowed_imports_pass_the_check():
    assert not violations("differ", "from extractors.terms import drugs_in\nimport re\n", "differ.topic")
    assert not violations("extractors", "from .model import Passage\n", "extractors.pdf")
    assert not violations("crawler", "from store import Archive\nimport scrapy\n", "crawler.pipelines")


def test_a_forbidden_import_in_a_real_file_fails_the_layer_test(tmp_path, monkeypatch):
    """End to end: a module with a forbidden import, dropped into a copy of a package, is reported."""
    package = tmp_path / "differ"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "leak.py").write_text("from store.models import Change\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="leak.py"):
        test_layers_import_only_downward("differ")
