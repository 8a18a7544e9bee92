"""Every module of the pure layers has a mutation test selection.

Issue #11 makes mutation testing a habit over ``differ/`` and ``extractors/``: a module split out of
another (records.py out of reader.py on 5 Dec) silently fell out of ``make mutate`` because nothing
asked for its ``MODULES`` entry. This test asks.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.eval.mutation_score import MODULES

ROOT = Path(__file__).resolve().parents[2]


def _has_code(path: Path) -> bool:
    """A module mutmut can mutate: it defines at least one function or method."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) for node in ast.walk(tree))


def test_every_pure_module_with_code_has_a_selection() -> None:
    modules = sorted(
        p.relative_to(ROOT).as_posix()
        for package in ("extractors", "differ")
        for p in (ROOT / package).rglob("*.py")
        if _has_code(p)
    )
    assert modules, "no module found: the test looks in the wrong place"
    missing = [m for m in modules if m not in MODULES]
    assert missing == []


def test_every_selection_names_existing_tests() -> None:
    for module, selection in MODULES.items():
        assert (ROOT / module).is_file(), module
        for arg in selection:
            if arg.startswith("-"):
                continue
            assert (ROOT / arg.split("::")[0]).is_file(), (module, arg)
