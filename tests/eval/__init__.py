"""Evaluation scorers: hand-labelled corpora in tests/files/eval/<name>/, one module per corpus
(`make eval`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def holdout_order(folder: Path) -> tuple[int, str]:
    """Blind sets in the order they were written: ``holdout`` is the first (1), then ``holdout2`` …
    ``holdout10`` by number, not by name (``holdout10`` after ``holdout9``); a folder with another suffix
    goes last instead of failing the scorer's import."""
    suffix = folder.name.removeprefix("holdout")
    if not suffix:
        return 1, folder.name
    return (int(suffix) if suffix.isascii() and suffix.isdigit() else 1 << 30), folder.name


def eval_sets(root: Path, is_set: Callable[[Path], bool]) -> dict[str, Path]:
    """``main`` (``root`` itself) and every ``holdout*`` folder under it that ``is_set`` accepts, in
    ``holdout_order``: a new blind corpus counts from the commit that adds it, with no list to forget."""
    folders = sorted((f for f in root.glob("holdout*") if f.is_dir()), key=holdout_order)
    return {"main": root, **{f.name: f for f in folders if is_set(f)}}
