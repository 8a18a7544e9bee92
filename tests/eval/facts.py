"""Score the fact extractor against the hand-labelled corpus in tests/files/eval/facts/.

    python -m tests.eval.facts [--set main|holdout|holdout2|...|all] [-v]

prints exactly one line (``-v`` adds each document's misses before it); ``--set all`` prints one line per
set, each named (``facts[holdout6]: …``)::

    facts: strict_position_precision=0.xx position_recall=0.xx strict_criteria_precision=0.xx
    criteria_recall=0.xx

Why *strict*: the coverage matrix shows one stance per cell, so a row the extractor reports with two
stances ("covered / unproven") is as wrong for a reader as a row with the wrong stance.

* Position rows are the distinct (drug, indication, subpopulation) of the facts whose field is
  ``position``. A reported row is right only when it carries exactly one stance and the labels give the
  same one; a reported row the labels do not have is wrong. Recall: labelled rows found with their stance.
* Criteria are scored for TRD only (the label vocabulary), on ``FIELDS``: a reported (drug, field) is
  right only when it has exactly one value and it equals the label; recall likewise.

Scores are micro-averaged over the documents of the set. The labels are independent of the code (see the
corpus README); this module only reads them.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import extractors
from extractors.model import ExtractionError
from tests.eval import eval_sets

ROOT = Path(__file__).resolve().parent.parent / "files" / "eval" / "facts"


# Every labelled folder is a set (``tests.eval.eval_sets``; ``holdout`` sorts as 1, before ``holdout2``).
SETS = {
    **eval_sets(ROOT, lambda folder: (folder / "labels.yaml").exists()),
    # generated development sets (tests/eval/gen_facts.py): varied wordings with the generator's labels
    **{f.name: f for f in sorted(ROOT.glob("gen[0-9]*")) if (f / "labels.yaml").exists()},
}
FIELDS = (
    "age_min",
    "age_max",
    "failed_antidepressants",
    "concomitant_antidepressant",
    "rems",
    "approval_initial",
    "approval_continuation",
)


@dataclass
class Tally:
    """Counts for one metric: right reported rows, reported rows, labelled rows found right, labelled rows."""

    right: int = 0
    reported: int = 0
    found: int = 0
    labelled: int = 0

    def add(self, other: Tally) -> None:
        self.right += other.right
        self.reported += other.reported
        self.found += other.found
        self.labelled += other.labelled

    @property
    def precision(self) -> float:
        return self.right / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0


@dataclass
class DocScore:
    file: str
    positions: Tally = field(default_factory=Tally)
    criteria: Tally = field(default_factory=Tally)
    misses: list[str] = field(default_factory=list)


def load_document(folder: Path, name: str) -> bytes:
    """A ``.yaml`` document is a PDF source (tests/support/pdf.py); anything else is served bytes."""
    path = folder / name
    if name.endswith(".yaml"):
        from tests.support.pdf import render

        return render(yaml.safe_load(path.read_text(encoding="utf-8")))
    return path.read_bytes()


def _compare(reported: dict, labelled: dict, what: str, misses: list[str]) -> Tally:
    """``reported``: key → set of values; ``labelled``: key → value."""
    t = Tally(reported=len(reported), labelled=len(labelled))
    for key, values in sorted(reported.items(), key=lambda kv: str(kv[0])):
        want = labelled.get(key)
        if len(values) == 1 and want in values:
            t.right += 1
            t.found += 1
        elif want is None:
            misses.append(f"  extra {what} {_key(key)} = {' / '.join(sorted(values))}")
        else:
            misses.append(f"  wrong {what} {_key(key)} = {' / '.join(sorted(values))} (label {want})")
    for key, want in sorted(labelled.items(), key=lambda kv: str(kv[0])):
        if key not in reported:
            misses.append(f"  missed {what} {_key(key)} = {want}")
    return t


def _value(field: str, value: object) -> str:
    """Labels write every duration as "<n> <unit>s" ("1 months"); the extractor writes "1 month"."""
    text = str(value)
    return text.removesuffix("s") if field.startswith("approval_") else text


def _key(key: tuple) -> str:
    return " ".join(str(k) for k in key if k is not None)


def score_document(folder: Path, entry: dict) -> DocScore:
    score = DocScore(entry["file"])
    try:
        facts = extractors.extract(load_document(folder, entry["file"]), url=entry.get("url")).facts
    except ExtractionError as exc:  # the document yields nothing: every label is a miss
        facts = ()
        score.misses.append(f"  not extracted: {exc.reason}: {exc}")
    got_pos: dict[tuple, set[str]] = defaultdict(set)
    got_crit: dict[tuple, set[str]] = defaultdict(set)
    for f in facts:
        if f.field == "position":
            got_pos[f.drug, f.indication, getattr(f, "subpopulation", None)].add(f.value)
        elif f.indication == "trd" and f.field in FIELDS:
            got_crit[f.drug, f.field].add(_value(f.field, f.value))
    want_pos = {
        (p["drug"], p["indication"], p.get("subpopulation")): p["stance"]
        for p in entry.get("positions") or ()
    }
    want_crit = {(c["drug"], c["field"]): _value(c["field"], c["value"]) for c in entry.get("criteria") or ()}
    score.positions = _compare(got_pos, want_pos, "position", score.misses)
    score.criteria = _compare(got_crit, want_crit, "criterion", score.misses)
    return score


def score_set(name: str = "main") -> tuple[Tally, Tally, list[DocScore]]:
    folder = SETS[name]
    if not (folder / "labels.yaml").exists():
        raise SystemExit(f"no labelled set at {folder}")
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    positions, criteria, docs = Tally(), Tally(), []
    for entry in labels["documents"]:
        doc = score_document(folder, entry)
        positions.add(doc.positions)
        criteria.add(doc.criteria)
        docs.append(doc)
    return positions, criteria, docs


def line(positions: Tally, criteria: Tally) -> str:
    return (
        f"facts: strict_position_precision={positions.precision:.2f} position_recall={positions.recall:.2f} "
        f"strict_criteria_precision={criteria.precision:.2f} criteria_recall={criteria.recall:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.eval.facts", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set", choices=[*SETS, "all"], default="main", help="one labelled set, or all of them"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print each document's misses")
    args = parser.parse_args(argv)
    for name in SETS if args.set == "all" else [args.set]:
        positions, criteria, docs = score_set(name)
        if args.verbose:
            for doc in docs:
                if doc.misses:
                    print(doc.file)
                    print("\n".join(doc.misses))
        summary = line(positions, criteria)
        print(summary if args.set != "all" else summary.replace("facts:", f"facts[{name}]:", 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
