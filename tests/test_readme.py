"""README's "How the folders fit" is the map newcomers read first: every folder it names must exist, and
every top-level package of the repository must be on it. The demo walk-through's count of changes is the
portal's (said 27 for stops while the demo printed 14)."""

from __future__ import annotations

import re
from pathlib import Path

from portal.content import expected_announcements

ROOT = Path(__file__).resolve().parent.parent


def _folder_map() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the folders fit", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def named_folders(text: str) -> set[str]:
    """``store/``, ``payerwatch/web/`` … : every path ending in a slash in the map."""
    return set(re.findall(r"(?<![\w/.])([a-z_]+(?:/[a-z_]+)*)/(?=[\s)]|$)", text))


def test_every_folder_the_readme_names_exists():
    names = named_folders(_folder_map())
    assert {"crawler", "store", "extractors", "differ", "feeds", "payerwatch", "portal", "tests"} <= names
    missing = sorted(n for n in names if not (ROOT / n).is_dir())
    assert not missing, f"README names folders that do not exist: {missing}"


def test_every_top_level_package_is_on_the_map():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    missing = sorted(packages - named_folders(_folder_map()))
    assert not missing, f"top-level packages missing from README's folder map: {missing}"


def test_the_check_notices_a_folder_that_does_not_exist():
    assert "nowhere/here" in named_folders("  nowhere/here/   a folder\n")
    assert not (ROOT / "nowhere/here").is_dir()


def test_the_demo_walk_through_counts_the_changes_the_demo_finds():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (said,) = re.findall(r"prints a table of the (\d+) changes it found", readme)
    assert int(said) == expected_announcements()  # tests/payerwatch/test_demo.py: the demo finds these
