"""`make mutate`: mutmut over the decision code, one module at a time, each against its own tests.

mutmut 3 reads its configuration from ``pyproject.toml`` in the directory it runs in and mutates the
``only_mutate`` files, running for each mutant only the tests (of ``pytest_add_cli_args_test_selection``)
that reached the mutated function. Running the whole suite per mutant would take hours on a shared
two-core machine; each module's own tests keep a module to minutes. So this script gives every module a
scratch directory (``.mutmut/<module>/``: links to the packages and tests, and a copy of pyproject.toml
whose ``[tool.mutmut]`` names that module and its tests), runs ``mutmut run`` there and reads the results
back from mutmut's ``mutants/*.meta`` files. A rerun continues where the last one stopped (mutmut
remembers), so an interrupted ``make mutate`` loses little; after adding tests, ``--retest`` (``make mutate
MUTATE_ARGS=--retest``) tries only the last run's survivors again.

Prints one line per module and a total::

    mutate extractors/metadata.py: killed=40 survived=3 other=0 score=0.93
    mutate: killed=N survived=M score=0.xx

``other`` counts mutants with no test reaching them, timeouts and the like (listed with ``-v``); the score
is killed / (killed + survived + other). Survivors are listed by name: ``cd .mutmut/<module> && mutmut
show <name>`` prints the diff. Equivalent mutants are recorded with their reason in docs/mutation.md.

    python -m tests.eval.mutation_score [-v] [--max-children N] [module.py ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("crawler", "differ", "extractors", "feeds", "payerwatch", "portal", "store", "tests")

#: the differ's unit tests on hand-built extractions, and the file cases (each side extracted once per run:
#: the forked mutant runs reuse the clean run's extractions, so a mutant costs the differ's time only)
_DIFFER = [
    "tests/differ/test_differ_compare.py",
    "tests/differ/test_differ_infer.py",
    "tests/differ/test_differ_wording.py",
    "tests/differ/test_differ_topic.py",
    "tests/differ/test_differ_scope.py",
    "tests/differ/test_differ_evidence.py",
    "tests/differ/test_differ_new_and_retired.py",
    "tests/differ/test_differ_summary.py",
    "tests/differ/test_differ_bullets.py",
    "tests/differ/test_differ_notes.py",
    "tests/differ/test_differ_spelling.py",
    "tests/differ/test_differ_cases.py",
    # 1,250 changed lines (2.5 s a run) for words.py's exactness; test_differ_wording.py pins the bullet cap
    "--deselect=tests/differ/test_differ_compare.py::test_long_document_with_many_changes_stays_exact",
]
_EXTRACT = ["tests/extractors/test_extract_sentences.py", "tests/extractors/test_extract_cases.py"]
_FACTS = [
    "tests/extractors/test_facts_wordings.py",
    "tests/extractors/test_facts_rules.py",
    "tests/extractors/test_facts_shapes.py",
]
_FACTS_FILES = (
    "positions",
    "footnotes",
    "criteria",
    "clauses",
    "values",
    "units",
    "targeting",
    "scope",
    "resolve",
    "context",
    "parts",
    "tables",
    "afterlist",
    "layouts",
    "partd",
    "forms",
    "reader",
    "records",
    "__init__",
)
#: the pre-check and its needles: skipping a paragraph it must read shows in the shape cases read both
#: ways (test_facts_precheck.py); skipping fewer shows only in its own skip tests. The corpus run (60 s:
#: every facts corpus both ways, block by block) is the same check on documents, too slow for each mutant.
#: Under mutmut the file's autouse fixture builds the triggers afresh in every test (they are cached per
#: process, and each mutant is forked from a process that built them unmutated).
_PRECHECK = [
    "tests/extractors/test_facts_precheck.py",
    "--deselect=tests/extractors/test_facts_precheck.py::test_precheck_changes_no_fact_in_a_corpus",
]
#: module → its own tests (the test selection mutmut runs; the smallest modules first)
MODULES: dict[str, list[str]] = {
    # with the status table: read_metadata's PDF notices (status.says_status picks the paragraphs)
    "extractors/metadata.py": [
        "tests/extractors/test_extract_metadata.py",
        "tests/extractors/test_extract_status.py",
        "tests/extractors/test_extract_rewrites_layout.py::test_a_labelled_date_is_the_one_the_multiline_pattern_read",
        *_EXTRACT,
    ],
    # the sniff on its own; test_extract_bad/_hostile go through whole extractions (10 s a mutant)
    "extractors/detect.py": [
        "tests/extractors/test_extract_detect.py",
        "tests/extractors/test_extract_sentences.py",
    ],
    # test_alert_commands drives the CLI's subscribe commands in subprocesses (90 s), never the outbox
    "feeds/outbox.py": [
        "tests/feeds/test_outbox.py",
        "tests/feeds/test_email.py",
        "tests/feeds/test_email_unsubscribe.py",
        "--deselect=tests/feeds/test_email_unsubscribe.py::test_alert_commands",
    ],
    # its own unit tests and the compare tests that use it (the fixture cases re-extract documents: slow)
    "differ/words.py": ["tests/differ/test_differ_words.py", "tests/differ/test_differ_compare.py"],
    "store/crawlstate.py": ["tests/store/test_crawlstate.py", "tests/crawler/test_crawl_store.py"],
    "extractors/normalize.py": [
        "tests/extractors/test_extract_normalize.py",
        # the gates (may_hold_noise, bullet's and is_numbered's first character) against their references
        "tests/extractors/test_extract_rewrites_layout.py",
        *_EXTRACT,
    ],
    "differ/wording.py": _DIFFER,
    "differ/infer.py": _DIFFER,
    # in-process detection over a real archive; test_analysis_seam crawls in child processes (150 s) that
    # mutmut cannot trace, and the CLI contract test spends 15 s a mutant in subprocesses
    "payerwatch/processing.py": [
        "tests/payerwatch/test_processing.py",
        "tests/payerwatch/test_processing_rules.py",
        "tests/payerwatch/test_moves.py",
        "tests/payerwatch/test_hostile_files.py::test_an_exhausted_worker_is_retried_with_backoff_then_given_up",
        "--deselect=tests/payerwatch/test_processing.py::test_changes_json_contract_and_diff",
    ],
    # the facts package, one file at a time, against the sentence and snippet tables (small HTML pages;
    # test_extract_cases re-extracts whole PDFs per mutant). Sentence rules first, the walk last.
    **{f"extractors/facts/{name}.py": _FACTS for name in _FACTS_FILES},
    "extractors/facts/precheck.py": _PRECHECK,
    # question tables: which headers make one (its own table), then the layouts read end to end (group CI)
    "extractors/facts/qtable.py": ["tests/extractors/test_facts_qtable.py", *_FACTS],
    # its own tests first (each construct read both ways: sound on matches, selective on near misses)
    "extractors/facts/needles.py": ["tests/extractors/test_facts_needles.py", *_PRECHECK],
    # a pattern's relaxed form (split from needles.py): each construct both ways, then the rules' own patterns
    "extractors/facts/relaxed.py": ["tests/extractors/test_facts_relaxed.py", *_PRECHECK],
    # compare() orchestrates every other differ module and the topic scope decides what all of them read:
    # both are reached by every differ test, so they keep the whole hand-built selection and the file cases
    "differ/topic.py": _DIFFER,
    "differ/compare.py": _DIFFER,
    # compare.py's and topic.py's parts (split for #11), each against the tests that state its behaviour:
    # the fact bullets (what each says, their evidence and order, the kind they give, the file cases'
    # expected bullets), the one-line summary and the change's drugs, where evidence points, and noise
    # (formatting, moved paragraphs, dates, page and policy numbers: the notes of versions that announce
    # nothing)
    "differ/factdiff.py": [
        "tests/differ/test_differ_bullets.py",
        "tests/differ/test_differ_summary.py",
        "tests/differ/test_differ_compare.py",
        "tests/differ/test_differ_new_and_retired.py",
        "tests/differ/test_differ_notes.py",
        "tests/differ/test_differ_evidence.py",
        "tests/differ/test_differ_scope.py",
        "tests/differ/test_differ_cases.py",
        "--deselect=tests/differ/test_differ_compare.py::test_long_document_with_many_changes_stays_exact",
    ],
    "differ/summary.py": [
        "tests/differ/test_differ_summary.py",
        "tests/differ/test_differ_new_and_retired.py",
        "tests/differ/test_differ_bullets.py",
    ],
    "differ/evidence.py": [
        "tests/differ/test_differ_evidence.py",
        "tests/differ/test_differ_topic.py",
        "tests/differ/test_differ_bullets.py",
        "tests/differ/test_differ_new_and_retired.py",
        "tests/differ/test_differ_scope.py",
    ],
    "differ/noise.py": [
        "tests/differ/test_differ_evidence.py",
        "tests/differ/test_differ_notes.py",
        "tests/differ/test_differ_topic.py",
        "tests/differ/test_differ_compare.py",
        "--deselect=tests/differ/test_differ_compare.py::test_long_document_with_many_changes_stays_exact",
    ],
    # the topic vocabulary, sections and passage selection: the sentence tables and the round-trip cases
    # (which drug a block names, which section it sits in, which passages a document yields)
    "extractors/terms.py": [*_EXTRACT, "tests/extractors/test_extract_terms.py", _FACTS[0]],
    "extractors/sections.py": [
        # enclosing's walk of the nesting against the scan it replaced, first (seconds, not minutes)
        "tests/extractors/test_extract_rewrites_layout.py::test_enclosing_equals_the_scan_of_every_section",
        "tests/extractors/test_extract_rewrites_layout.py::test_sections_that_do_not_nest_are_scanned",
        *_EXTRACT,
        "tests/extractors/test_extract_terms.py",
    ],
    # passages.py: its own unit tests on hand-built blocks first (each rule's exact passages), then the
    # round-trip cases; test_extract_noise (60 s a mutant: every PDF variant extracted) is left out, the
    # fast path's page closure (passage_pages) is pinned in test_extract_passages.py
    "extractors/passages.py": [
        "tests/extractors/test_extract_passages.py",
        *_EXTRACT,
        "tests/extractors/test_extract_terms.py",
    ],
    # the differ's small helpers, each against its own unit tests on hand-built extractions (compare.py's
    # selection reaches them too, but ~2 s a mutant; these run in well under a second). moves.py's other
    # tests (tests/payerwatch/test_moves.py) extract real documents in the archive's worker processes.
    # differ/__init__.py has no function: nothing to mutate.
    "differ/spelling.py": ["tests/differ/test_differ_spelling.py", "tests/differ/test_differ_moves.py"],
    "differ/moves.py": ["tests/differ/test_differ_moves.py"],
    "differ/diffhtml.py": ["tests/differ/test_differ_diffhtml.py"],
    "differ/taxonomy.py": ["tests/differ/test_differ_taxonomy.py"],
    # a drug sentence reworded in Background, and a criterion restated in a reworded sentence: their own
    # unit tests on hand-built versions (and, for background.py, the topic tests that compare through it)
    "differ/background.py": ["tests/differ/test_differ_background.py", "tests/differ/test_differ_topic.py"],
    "differ/restated.py": ["tests/differ/test_differ_restated.py"],
    # tables laid out anew: its own unit tests on normalized text (the case folder reaches it through compare)
    "differ/relayout.py": ["tests/differ/test_differ_relayout.py"],
    "differ/leadins.py": ["tests/differ/test_differ_leadins.py"],
    # the inflation budget on streams of a few MiB (small limits); the bombs at the real 256 MiB budget
    # take seconds each, and whole extractions are not needed to see what the scan counts
    "extractors/streams.py": [
        "tests/extractors/test_extract_streams.py",
        "tests/extractors/test_extract_rewrites_layout.py::test_the_stream_keyword_is_found_where_the_leading_look_behind_found_it",
        "--deselect=tests/extractors/test_extract_streams.py::test_bombs_are_refused_before_reading",
        "--deselect=tests/extractors/test_extract_streams.py::test_an_ascii85_wrapper_does_not_hide_a_bomb",
    ],
    # the glyph reader on one small page of cases (drawn once per session) and its pdfplumber reference;
    # test_extract_producers' comparison re-renders and re-lays out whole policies (17 s a mutant)
    # (_rows is a call of the C helper: test_extract_pdftext compares it with the Python loop it replaced)
    "extractors/pdfglyphs.py": [
        "tests/extractors/test_extract_pdfglyphs.py",
        "tests/extractors/test_extract_pdftext.py",
    ],
    # PDFium's reading asserted whole (lines, inexact, topic, hits, cipher) on small documents drawn once,
    # and the glyph reader's pages (the shared document and page loading); test_extract_pdfium.py compares
    # whole extractions with pdfplumber's (seconds a mutant)
    "extractors/pdfium.py": [
        "tests/extractors/test_extract_pdfium_reading.py",
        "tests/extractors/test_extract_pdfglyphs.py",
        "tests/extractors/test_extract_pdftext.py",
    ],
    # the lock, the held document and the kept text pages both PDFium readers open through: the line
    # reader's tests of them (held, waiting for the lock, addressed) and the glyph reader's pages
    # and the C helper's binding and font rule (test_extract_pdftext)
    "extractors/pdfhandles.py": [
        "tests/extractors/test_extract_pdfium_reading.py",
        "tests/extractors/test_extract_pdfglyphs.py",
        "tests/extractors/test_extract_pdftext.py",
        "tests/extractors/test_extract_rewrites.py::test_held_document_is_reused_and_released",
        "tests/extractors/test_extract_rewrites.py::test_pages_naming_a_needle_stay_open_for_the_glyph_reader",
    ],
    # which reader reads which page, the blocks and the typed errors, on documents of a few pages drawn
    # once per session (test_extract_pdfium/_producers/_bad re-render and re-extract whole policies)
    "extractors/pdf.py": ["tests/extractors/test_extract_pdfread.py"],
    # mut-layout: the status reader against its sentence table and the metadata banners that call it
    "extractors/status.py": [
        "tests/extractors/test_extract_status.py",
        "tests/extractors/test_extract_metadata.py",
        # says_status: the gate equals STATUS_WORDS.search on generated strings (the gate only saves time)
        "tests/extractors/test_extract_rewrites.py::test_status_gate_equals_the_status_regex",
        "tests/extractors/test_extract_rewrites.py::test_the_status_gate_has_a_needle_for_every_status_word",
    ],
    # the CMS Coverage API answer rendered as its article page, and the sniff that calls it an answer
    "extractors/coverage_api.py": [
        "tests/extractors/test_extract_coverage_api.py",
        "tests/extractors/test_extract_detect.py",
    ],
    # PDF lines → blocks on hand-built lines (headings, paragraphs over page breaks, running headers and
    # small print): a rendered PDF per case would cost a second a mutant for the same rules
    "extractors/layout.py": [
        "tests/extractors/test_extract_layout.py",
        "tests/extractors/test_extract_furniture.py",
        "tests/extractors/test_extract_rewrites_layout.py",
    ],
    # HTML → blocks on small pages read with read_html (chrome, headings, lists, tables, the main content,
    # status banners, login/error/click-through pages)
    "extractors/html.py": ["tests/extractors/test_extract_html.py"],
    # the result's JSON round trip (what the store keeps on each version)
    "extractors/model.py": ["tests/extractors/test_extract_model.py"],
    # extract() itself: every part of the result, the byte limit, the timeout, typed errors (one small PDF)
    "extractors/__init__.py": [
        "tests/extractors/test_extract_entry.py",
        "tests/extractors/test_extract_coverage_api.py",
    ],
    # a printed policy number's identity key (number_key) against its table of revisions and of different
    # policies; continue_history and the dated editions are reached only by test_identity_baseline's crawls
    # (about 6 minutes a run on the shared machine): too slow a selection, so their mutants count as not run
    "payerwatch/identity.py": ["tests/payerwatch/test_identity_keys.py"],
}
#: modules whose tests start the extraction workers' forkserver: mutmut's default (every mutant forked from
#: the process that collected the stats, where that server was started) leaves each mutant a forkserver
#: it cannot wait for, so every test fails and every mutant reads as killed
FORKSERVER = {"payerwatch/processing.py"}
#: extra pytest arguments: PostgreSQL variants repeat the SQLite ones and start a server per run
SELECT_ARGS = ["-k", "not postgres", "-p", "no:cacheprovider", "-q"]


def _config(module: str) -> str:
    """The project's pyproject.toml with a ``[tool.mutmut]`` for ``module`` (replacing any there)."""
    text = (ROOT / "pyproject.toml").read_text()
    text = re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "", text)
    selection = [*MODULES[module], *SELECT_ARGS]
    return (
        text.rstrip()
        + "\n\n[tool.mutmut]\n"
        + f"source_paths = {json.dumps([p for p in PACKAGES if p != 'tests'])}\n"
        + f"only_mutate = {json.dumps([module])}\n"
        + f"pytest_add_cli_args_test_selection = {json.dumps(selection)}\n"
        + ('process_isolation = "forkserver"\n' if module in FORKSERVER else "")
    )


def _workdir(module: str) -> Path:
    work = ROOT / ".mutmut" / module.replace("/", "__").removesuffix(".py")
    work.mkdir(parents=True, exist_ok=True)
    for name in PACKAGES:
        link = work / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    (work / "pyproject.toml").write_text(_config(module))
    return work


def _results(work: Path, module: str) -> dict[str, list[str]]:
    """Mutant names by status, from mutmut's own record (mutants/<module>.meta)."""
    from mutmut.stats import status_by_exit_code

    meta = work / "mutants" / f"{module}.meta"
    out: dict[str, list[str]] = {}
    if meta.exists():
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            out.setdefault(status_by_exit_code[code], []).append(name)
    return out


def run(module: str, max_children: int, verbose: bool, retest: bool = False) -> tuple[int, int, int]:
    work = _workdir(module)
    mutmut = Path(sys.executable).with_name("mutmut")
    # mutmut lets a recorded result stand; survivors named explicitly are tried again (with new tests),
    # with the mutants not run yet (a function edited since the last run gets fresh ones)
    last = _results(work, module)
    again = [*last.get("survived", []), *last.get("not checked", [])] if retest else []
    proc = subprocess.run(
        [str(mutmut), "run", "--max-children", str(max_children), *again],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
    )
    by_status = _results(work, module)
    if proc.returncode != 0 and not by_status:
        print(proc.stdout[-3000:], file=sys.stderr)
        raise SystemExit(f"mutate {module}: mutmut failed (exit {proc.returncode})")
    killed = len(by_status.pop("killed", []))
    survived = by_status.pop("survived", [])
    other = sum(len(v) for v in by_status.values())
    total = killed + len(survived) + other
    score = killed / total if total else 1.0
    print(f"mutate {module}: killed={killed} survived={len(survived)} other={other} score={score:.2f}")
    for name in sorted(survived):
        print(f"  survived: {name}")
    if verbose:
        for status, names in sorted(by_status.items()):
            for name in sorted(names):
                print(f"  {status}: {name}")
    return killed, len(survived), other


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    ap.add_argument("--max-children", type=int, default=2, help="parallel mutant runs (default 2)")
    ap.add_argument("--retest", action="store_true", help="try the last run's survivors again (new tests)")
    ap.add_argument("-v", action="store_true", help="list mutants that were neither killed nor survived")
    args = ap.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        ap.error(f"no test selection for {', '.join(unknown)} (add it to MODULES)")
    killed = survived = other = 0
    for module in args.modules or MODULES:
        k, s, o = run(module, args.max_children, args.v, args.retest)
        killed, survived, other = killed + k, survived + s, other + o
    total = killed + survived + other
    print(f"mutate: killed={killed} survived={survived} score={killed / total if total else 1.0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
