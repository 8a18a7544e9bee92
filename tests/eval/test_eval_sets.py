"""The scorers find every labelled set by its folder, so a new blind corpus is scored by `make eval`
from the commit that adds it; a forgotten entry in a hand-kept list would leave it silently unscored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.eval import eval_sets, facts, history, history_site, holdout_order


def test_facts_sets_are_every_labelled_folder_in_order() -> None:
    folders = [p.parent.name for p in facts.ROOT.glob("holdout*/labels.yaml")]
    generated = sorted(p.parent.name for p in facts.ROOT.glob("gen[0-9]*/labels.yaml"))
    holdouts = sorted(folders, key=lambda n: holdout_order(Path(n)))
    assert list(facts.SETS) == ["main", *holdouts, *generated]
    assert generated[:2] == ["gen1", "gen2"]
    assert list(facts.SETS)[:3] == ["main", "holdout", "holdout2"]


def test_history_sets_are_every_folder_of_sources() -> None:
    folders = {p.parent.name for p in history_site.HISTORY.glob("holdout*/*.yaml")}
    assert set(history_site.SETS) == {"main", *folders}
    assert history_site.SETS["main"] == history_site.HISTORY
    assert list(history_site.SETS)[1] == "holdout"


def test_a_folder_without_labels_is_not_a_set(tmp_path: Path) -> None:
    (tmp_path / "holdout9").mkdir()
    (tmp_path / "holdout10").mkdir()
    (tmp_path / "holdout10" / "labels.yaml").write_text("documents: []\n", encoding="utf-8")
    (tmp_path / "holdout").mkdir()
    (tmp_path / "holdout" / "labels.yaml").write_text("documents: []\n", encoding="utf-8")
    sets = eval_sets(tmp_path, lambda folder: (folder / "labels.yaml").exists())
    assert list(sets) == ["main", "holdout", "holdout10"]
    assert sets["main"] == tmp_path and sets["holdout10"] == tmp_path / "holdout10"


def test_blind_sets_go_in_the_order_they_were_written(tmp_path: Path) -> None:
    """One ordering for both scorers (facts and history): ``holdout`` first, then by number, not by name;
    a file or a folder with another suffix neither breaks the order nor fails the import."""
    for name in ("holdout10", "holdout2", "holdout", "holdout9", "holdout-notes", "holdout1"):
        (tmp_path / name).mkdir()
    (tmp_path / "holdout3.yaml").write_text("sources: []\n", encoding="utf-8")
    sets = eval_sets(tmp_path, lambda folder: True)
    assert list(sets) == ["main", "holdout", "holdout1", "holdout2", "holdout9", "holdout10", "holdout-notes"]
    assert sorted(["holdout10", "holdout", "holdout2"], key=lambda n: holdout_order(Path(n))) == [
        "holdout",
        "holdout2",
        "holdout10",
    ]
    assert list(eval_sets(tmp_path, lambda folder: folder.name.endswith("0"))) == ["main", "holdout10"]


def test_all_prints_one_named_line_per_set(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(facts, "SETS", {"main": facts.SETS["main"], "holdout": facts.SETS["holdout"]})
    monkeypatch.setattr(facts, "score_set", lambda name: (facts.Tally(), facts.Tally(), []))
    assert facts.main(["--set", "all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["facts[main]", "facts[holdout]"]


def test_one_set_keeps_the_plain_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(facts, "score_set", lambda name: (facts.Tally(), facts.Tally(), []))
    facts.main(["--set", "holdout"])
    assert capsys.readouterr().out.startswith("facts: strict_position_precision=")


def test_history_skips_an_unknown_set_without_failing(capsys) -> None:
    assert history.main(["--set", "holdout3x"]) == 0
    assert "skipped" in capsys.readouterr().out


def test_generated_sets_are_what_the_generator_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gen1/gen2 are rewritten by tests/eval/gen_facts.py: a hand edit of a document or a label is lost."""
    from tests.eval import gen_facts

    monkeypatch.setattr(gen_facts, "ROOT", tmp_path)
    gen_facts.main()
    for name in ("gen1", "gen2"):
        for made in sorted((tmp_path / name).iterdir()):
            kept = facts.ROOT / name / made.name
            assert kept.read_text(encoding="utf-8") == made.read_text(encoding="utf-8"), kept
