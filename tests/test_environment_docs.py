"""Every ``PAYERWATCH_*`` name the code reads is on docs/configuration.md, and every name there is read.

Five of them (``PAYERWATCH_BATCH``, ``_CLOCK_SINCE``, ``_KILL_WORKER_AFTER``, ``_PROCESS``,
``_READY_FILE``) were read for stops without a word about them anywhere; this keeps the next one from
slipping through. "The code" is every Python file of the repository (tests included: the test-only
switches are documented too) and the CI and make scripts; the page's "Settings" names must also be in the
README's Configuration table, where they are described.
"""

from __future__ import annotations

import re
import subprocess

from tests.support import ROOT

NAME = re.compile(r"\bPAYERWATCH_[A-Z0-9_]*[A-Z0-9]\b")
PAGE = ROOT / "docs" / "configuration.md"


def _code_files() -> list[str]:
    """Tracked and new files (not ignored) that hold code: Python, the CI scripts, the Makefile."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        path
        for path in listed
        if not path.startswith("tests/files/")
        and (path.endswith(".py") or path.startswith(".ci/") or path == "Makefile")
        and (ROOT / path).is_file()
    ]


def names_read() -> dict[str, str]:
    """Each name the code mentions → the first file that does."""
    found: dict[str, str] = {}
    for path in _code_files():
        for name in NAME.findall((ROOT / path).read_text(encoding="utf-8", errors="replace")):
            found.setdefault(name, path)
    return found


def test_every_name_the_code_reads_is_documented():
    documented = set(NAME.findall(PAGE.read_text(encoding="utf-8")))
    missing = {name: path for name, path in names_read().items() if name not in documented}
    assert not missing, f"read in the code, missing from docs/configuration.md: {missing}"


def test_every_documented_name_is_read():
    stale = set(NAME.findall(PAGE.read_text(encoding="utf-8"))) - set(names_read())
    assert not stale, f"docs/configuration.md lists names no code reads: {sorted(stale)}"


def test_the_settings_the_page_defers_to_the_readme_are_in_its_table():
    page = PAGE.read_text(encoding="utf-8")
    settings = page.split("## Settings", 1)[1].split("\n## ", 1)[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = sorted(set(NAME.findall(settings)) - set(NAME.findall(table)))
    assert not missing, f"docs/configuration.md sends readers to the README for {missing}"


def test_the_scan_finds_a_name_read_anywhere():
    assert {"PAYERWATCH_READY_FILE", "PAYERWATCH_REQUIRE_POSTGRES", "PAYERWATCH_BATCH"} <= set(names_read())
    knob = "PAYERWATCH" + "_NEW_KNOB"  # written in two parts, or the scan would find it in this file
    assert NAME.findall(f'os.environ.get("{knob}", "1")') == [knob]
