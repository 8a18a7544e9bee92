"""The facts reader's pre-check (extractors/facts/precheck.py) never changes a fact.

Every facts corpus (holdout4 included: its documents are read, never named in a message), every YAML
shape case and every wording of shapes/wordings.yaml is extracted with the pre-check on and off; the facts
must be equal. With it off, each paragraph and heading the pre-check would have skipped is checked to
change nothing the reader keeps (facts, lead-in, targets, last statement), which is stronger than equal
facts: a skipped block whose fact another block also gives would still be caught.
"""

from __future__ import annotations

import ast
import html
import os
import random
import re
import string
from pathlib import Path

import pytest
import yaml

import extractors
from extractors.facts import clauses, needles, precheck
from extractors.facts import reader as R
from extractors.facts import scope as S
from extractors.facts.relaxed import relaxed
from tests.eval.facts import SETS, load_document
from tests.support.pdf import FILES, _filler, render, synthetic_policy

SHAPES = FILES / "shapes"
FACTS_DIR = Path(precheck.__file__).parent


def _state(r: R.Reader) -> str:
    """Everything the reader keeps between blocks (``tick`` aside: a skipped block advances it too)."""
    kept = {k: v for k, v in vars(r).items() if k not in ("out", "tick", "sections", "doc_drugs")}
    return repr((len(r.out), sorted(kept.items()), vars(r.targets)))


class Audit:
    """Runs the reader with the pre-check off and records every block it would have skipped wrongly."""

    def __init__(self, monkeypatch) -> None:
        self.wrong: list[str] = []
        self.skipped = 0
        read_block, read_heading = R.Reader.read_block, R.Reader.read_heading
        audit = self

        def checked_block(self, block, path, text, kind, heading_like):
            inert = self.leadin is None and not R.timed(path) and precheck.inert_paragraph(text)
            before = _state(self)
            read_block(self, block, path, text, kind, heading_like)
            audit.check(inert, before, _state(self), text)

        def checked_heading(self, block, path, level, nxt):
            inert = precheck.inert_heading(block.text, S.bare(block.text))
            before = _state(self)
            read_heading(self, block, path, level, nxt)
            audit.check(inert, before, _state(self), block.text)

        monkeypatch.setattr(R.Reader, "read_block", checked_block)
        monkeypatch.setattr(R.Reader, "read_heading", checked_heading)
        monkeypatch.setattr(R, "PRECHECK", False)

    def check(self, inert: bool, before: str, after: str, text: str) -> None:
        self.skipped += inert
        if inert and before != after:
            self.wrong.append(text)


SKIPPED = [0]  # blocks the audits saw the pre-check skip (so a test cannot pass by auditing nothing)


def _both(monkeypatch, data: bytes, **kw):
    """(facts with the pre-check, facts without it, blocks it would have skipped wrongly)."""
    with monkeypatch.context() as m:
        m.setattr(R, "PRECHECK", True)
        on = extractors.extract(data, thread=False, **kw).facts
    with monkeypatch.context() as m:
        audit = Audit(m)
        off = extractors.extract(data, thread=False, **kw).facts
    SKIPPED[0] += audit.skipped
    return on, off, audit.wrong


def _documents(name: str):
    folder = SETS[name]
    labels = yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))
    for entry in labels["documents"]:
        yield entry["file"], load_document(folder, entry["file"]), entry.get("url")


@pytest.fixture(autouse=True)
def _triggers_built_by_each_test():
    """Under mutmut (``MUTANT_UNDER_TEST`` set) every test builds the triggers and their needles itself.

    They are built once per process (``@cache``), and mutmut forks each mutant's run from a process that built
    them with the unmutated code: a mutant of ``needles.py`` or of ``precheck.triggers`` would then never run,
    and mutmut would tie the building to the one test that happened to build first. Clearing the caches before
    each test makes every test that asks the pre-check build them (0.4 s), under the mutant and in mutmut's
    record of which tests reach which function. Ordinary runs keep the cache."""
    if "MUTANT_UNDER_TEST" in os.environ:
        precheck.triggers.cache_clear()
        precheck._index.cache_clear()


def test_the_precheck_skips_what_states_nothing_and_reads_the_rest() -> None:
    """Skipping both ways: a wrong skip loses a fact, a missed skip costs the whole rule set."""
    skipped = ["Dropout was common in both arms and higher among older participants.", "The list is long."]
    read = ["The member is 18 or older.", "Spravato is covered for TRD.", "Criteria include:", "Adults"]
    assert [precheck.inert_paragraph(t) for t in skipped + read] == [True] * 2 + [False] * 4
    assert precheck.inert_heading("Clinical Evidence", "Clinical Evidence")
    assert not precheck.inert_heading("2. Treatment-resistant depression", "Treatment-resistant depression")
    assert not precheck.inert_heading("Initial authorization: 6 months", "Initial authorization: 6 months")


@pytest.mark.parametrize("name", sorted(SETS))
def test_precheck_changes_no_fact_in_a_corpus(monkeypatch, name: str) -> None:
    differ = wrong = total = 0
    skipped = SKIPPED[0]
    for _file, data, url in _documents(name):
        on, off, bad = _both(monkeypatch, data, url=url)
        total += 1
        differ += on != off
        wrong += bool(bad)
    # counts only: holdout4's documents and facts are never shown
    assert (differ, wrong) == (0, 0), f"{name}: facts differ in {differ}, wrong skips in {wrong} of {total}"
    assert SKIPPED[0] > skipped  # the pre-check had blocks to skip, and the audit saw them


def test_the_audit_catches_a_wrong_skip(monkeypatch) -> None:
    """A pre-check that skips everything is caught: facts differ, and the audit names the blocks."""
    data = _page("Esketamine (Spravato)", "<h2>Coverage Policy</h2><p>Spravato is covered for TRD.</p>")
    monkeypatch.setattr(precheck, "inert_paragraph", lambda text: True)
    monkeypatch.setattr(precheck, "inert_heading", lambda text, bare: True)
    on, off, bad = _both(monkeypatch, data, media_type="text/html")
    assert on != off and "Spravato is covered for TRD." in bad


def _page(title: str, body: str) -> bytes:
    title = html.escape(title)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><main><h1>{title}</h1>\n{body}</main></body></html>"
    ).encode()


def _shape_pages():
    for table in ("facts.yaml", "rules.yaml"):
        for case in yaml.safe_load((SHAPES / table).read_text(encoding="utf-8"))["cases"]:
            if "html" in case:
                yield f"{table}:{case['name']}", _page(case["title"], case["html"])
    wordings = yaml.safe_load((SHAPES / "wordings.yaml").read_text(encoding="utf-8"))
    for group in ("criteria", "stances", "indications"):
        for case in wordings[group]:
            text = html.escape(case["text"])
            for heading in ("Coverage Policy", "Initial Approval Criteria"):
                body = f"<h2>{heading}</h2><p>{text}</p><ul><li>{text}</li></ul><h3>{text}</h3>"
                yield f"wordings:{case['text'][:40]}", _page("Esketamine (Spravato) and Ketamine", body)


def test_precheck_changes_no_fact_in_a_shape_case(monkeypatch) -> None:
    failures = []
    for name, data in _shape_pages():
        on, off, bad = _both(monkeypatch, data, media_type="text/html")
        if on != off or bad:
            failures.append((name, bad))
    assert not failures


def test_precheck_skips_an_evidence_review() -> None:
    """What it is for: the synthetic 60-page policy's evidence paragraphs and headings are skipped."""
    doc = synthetic_policy(3, (1,))
    paras = [b["p"] for b in doc["content"] if "p" in b]
    heads = [b["h2"] for b in doc["content"] if "h2" in b]
    drug = [p for p in paras if "Spravato" in p]
    assert drug and not any(precheck.inert_paragraph(p) for p in drug)
    assert all(precheck.inert_paragraph(p) for p in paras if p not in drug)
    assert all(precheck.inert_heading(h, S.bare(h)) for h in heads)
    data = render(synthetic_policy(6, (2,)))
    assert extractors.extract(data).facts  # and the drug paragraph still gives its facts


@pytest.mark.parametrize(
    ("text", "inert"),
    [
        ("Dropout was common in both arms and was higher among older participants.", True),
        ("Relapse was common within the first two months.", True),
        ("Initial approval is for two months.", False),  # a cued duration: approval word in the sentence
        ("The member is 18 or older.", False),
        ("Adults", False),  # "^adults?$" is an age: the clause alone
        ("Published studies enrolled adults; Adults", False),
        ("The ſervice is not covered.", False),  # long s folds to "s" under IGNORECASE
        ("Criteria include:", False),
        ("Evidence was reviewed for PTSD.", False),
        ("This use is not excluded here.", False),  # _NOT_EXCLUDED rewrites the clause: read it
        ("Initial approval is granted; the length is 6 months.", False),  # the cue in another clause
        ("Relapse within two months was rare. Renewal rates were not reported.", True),  # cue: sentence 2
        ("Relapse within two months was rare; renewal rates were not reported.", False),  # its sentence
        ("Relapse within two months was rare; AUTHORIZATION was not studied.", False),  # the cue in capitals
        ("The code is J0013.", False),  # a case-sensitive trigger: the paragraph as written, not lower-cased
        ("Treatment is MEDİCALLY NECESSARY.", False),  # "İ" is "i" to IGNORECASE, two characters lower-cased
        ("Diagnosis: _ dementia", False),  # a blank line's "_" two characters before a word-start needle
        ("Diagnosis:depression", False),  # a needle starting right after a one-character needle (":")
    ],
)
def test_inert_paragraph(text: str, inert: bool) -> None:
    assert precheck.inert_paragraph(text) is inert


def test_needles_are_the_literals_a_pattern_needs() -> None:
    word = needles.WORD_START  # the needle must start a word: the pattern has "\b" before it
    assert needles.needles_of(re.compile(r"\bcovers\b")) == {word + "covers"}
    assert needles.needles_of(re.compile(r"covers\b")) == {"covers"}
    assert needles.needles_of(re.compile(r"re-?authori[sz]ation", re.I)) == {
        "reauthorisation",
        "reauthorization",
        "re-authorisation",
        "re-authorization",
    }
    assert needles.needles_of(re.compile(r"(?:prior|pre)\s+auth")) == {"auth"}
    assert needles.needles_of(re.compile(r"\d+\s*mg")) == {"mg"}
    assert needles.needles_of(re.compile(r"^\W*$")) is None
    assert needles.needles_of(re.compile(r"(?:covered)?")) is None
    assert needles.needles_of(re.compile("é")) is None  # a cased letter outside ASCII


def test_every_needle_set_a_match_needs_is_checked() -> None:
    """ "18 or older" needs a digit, "or"/"and" and "older"/"over"; "ten" as an age must start a word."""
    check = needles.checked(re.compile(r"\b(\d{1,2})\s*(?:or|and)\s*(?:older|over)\b"))
    assert needles.holds(check, "18 or older") and not needles.holds(check, "older participants")
    names = {t.name for t in precheck.candidates("The effect was often seen at ten sites; older adults.")}
    assert "values._AGE_WORD" in names and "values._MIN" not in names
    assert "values._AGE_WORD" not in {t.name for t in precheck.candidates("It was often seen.")}


def test_every_trigger_match_contains_a_needle() -> None:
    """The needles, checked against the patterns themselves on every wording the tables hold."""
    texts = _table_texts()
    forms = sorted({s for text in texts for s in (text, text.lower())})
    admitted = {s: {id(c) for c in precheck.candidates(s)} for s in forms}
    for t in precheck.triggers():
        for s in forms:
            if t.needles is not None and t.pattern.search(s):
                low = needles.fold(s)
                assert any(_occurs(n, low) for n in t.needles), (t.name, s)
                assert t.holds(low) and id(t) in admitted[s], (t.name, s)


def _occurs(needle: str, low: str) -> bool:
    """``needle`` in ``low``; one marked ``WORD_START`` at the start of a word."""
    if not needle.startswith(needles.WORD_START):
        return needle in low
    at = low.find(needle[1:])
    while at >= 0:
        if at == 0 or not (low[at - 1].isalnum() or low[at - 1] == "_"):
            return True
        at = low.find(needle[1:], at + 1)
    return False


def _table_texts() -> list[str]:
    """Every wording of wordings.yaml and every line of the shape cases' snippets, once."""
    texts = {c["text"] for g in ("criteria", "stances", "indications") for c in _wordings()[g]}
    for table in ("facts.yaml", "rules.yaml"):
        for case in yaml.safe_load((SHAPES / table).read_text(encoding="utf-8"))["cases"]:
            texts.update(t.strip() for t in re.split(r"<[^>]+>", case.get("html", "")) if t.strip())
    return sorted(texts)


def _wordings() -> dict:
    return yaml.safe_load((SHAPES / "wordings.yaml").read_text(encoding="utf-8"))


def test_every_rule_pattern_is_a_trigger_or_named_context() -> None:
    named = precheck.named_patterns()
    assert set(precheck.CONTEXT) <= set(named), set(precheck.CONTEXT) - set(named)
    assert set(precheck.CUED) | set(precheck.CUED.values()) <= set(named)
    names = {t.name for t in precheck.triggers()}
    for must in ("positions._COVERED", "criteria._REMS", "terms.INDICATIONS", "context.LEADIN"):
        assert must in names
    # most triggers can be looked for by their literals; the rest run on every paragraph
    assert sum(t.needles is None for t in precheck.triggers()) <= 3


#: Patterns written inside functions that state nothing by themselves (so the pre-check need not see them).
INLINE_CONTEXT = {
    r"\b(?:S0013|J0013|G2082|G2083)\b",  # clauses.subject_drugs: terms.TOPIC_CODE_RE again
    r"\b(?:any|all)\s+[\w ]{0,30}$",  # clauses.indications_of: an exception's scope
    r"year|yr|\bold\b|\bage",  # values._age_number: evidence that a number is an age
    r"product|drug|medication|brand",  # reader.close_record: a record's keys
    r"[.;,]\s*$",  # scope.pseudo_heading
    r"\.\s",  # scope.pseudo_heading
    r"\b(?:approved|indicated)\s+(?:for|by|as|in)\b",  # positions.position_of (not the reader's)
}
_RE_CALLS = {"search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "compile"}


def test_no_rule_pattern_is_written_inside_a_function() -> None:
    """A pattern inside a function is invisible to the pre-check: a rule there could be skipped."""
    inline = []
    for path in sorted(FACTS_DIR.glob("*.py")):
        if path.name in ("precheck.py", "needles.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            for call in ast.walk(fn):
                if not (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "re"
                    and call.func.attr in _RE_CALLS
                    and call.args
                ):
                    continue
                arg = call.args[0]
                if isinstance(arg, ast.Constant) and arg.value in INLINE_CONTEXT:
                    continue
                inline.append(f"{path.name}:{call.lineno}")
    assert not inline, f"move these patterns to module level (precheck.py reads them there): {inline}"


def test_folds_are_every_non_ascii_character_ignorecase_matches_to_ascii() -> None:
    letters = re.compile("[a-z]", re.I)
    found = {chr(cp) for cp in range(128, 0x110000) if letters.fullmatch(chr(cp))}
    assert found == set(needles.FOLDS)
    for ch, ascii_letter in needles.FOLDS.items():
        assert re.fullmatch(ascii_letter, ch, re.I) and ascii_letter in string.ascii_lowercase


def test_relaxed_patterns_match_wherever_the_pattern_does() -> None:
    texts = _table_texts()
    for t in precheck.triggers():
        for text in texts:
            for s in (text, text.lower()):
                if t.pattern.search(s):
                    assert t.relaxed.search(s), (t.name, s)
    assert relaxed(re.compile(r"^\W*adults?\W*$")).search("enrolled adults here")
    assert relaxed(re.compile(r"\d+(?!\s*mg)")).search("20 mg")


def test_a_cue_s_needles_hold_wherever_the_cue_matches() -> None:
    """A cued trigger is dropped when its cue's needles are missing (``Trigger.cue_test``): exact only
    if every text the cue matches holds them, checked on every wording the tables hold."""
    cued = [t for t in precheck.triggers() if t.cue is not None]
    assert cued and all(t.cue_test is not None for t in cued)
    texts = _table_texts() + ["Reauthorization: 6 months", "RE-AUTHORIZATION for 12 months", "Renewal"]
    for t in cued:
        for text in texts:
            for s in (text, text.lower()):
                if t.cue.search(s):
                    assert t.cue_test(needles.fold(s)), (t.name, s)


def test_abbreviation_test_reads_only_the_end() -> None:
    """clauses._abbreviation is _ABBR.search on the whole head (fuzzed with the pattern's own words)."""
    rng = random.Random(17)
    words = re.findall(r"[A-Za-z]+", clauses._ABBR.pattern) + list(".)(:;- \t") + ["12", "3", "a", "Z"]
    for _ in range(30000):
        s = "".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        assert bool(clauses._ABBR.search(s)) == clauses._abbreviation(s), s


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"\d+", True),
        (r"\d*", False),
        (r"a|\d", False),
        (r"(?:\d|[0-9])x", True),
        (r"[0-9a]", False),
        (r"[^a]", False),
        (r"(?=\d)", False),
        (r"18", True),
        (r"\D", False),
        (r"(?:age\s+)?(\d{1,2})\b", True),
        (r"(?i:ab\d{2,})", True),
        (r"x{0,2}", False),
        # classes and ranges that reach past the digits, and an atomic group: no trigger has one today, so
        # only these rows keep a future rule from being skipped in a paragraph without digits
        (r"[:A]", False),
        (r"[a-z]", False),
        (r"[!-5]", False),
        (r"[0-A]", False),
        (r"[0-5]", True),
        (r"(?>\d)", True),
    ],
)
def test_needs_digit(pattern: str, needs: bool) -> None:
    assert precheck.needs_digit(re.compile(pattern)) is needs


def test_needs_digit_reads_the_pattern_flags() -> None:
    """A verbose pattern's ``#`` starts a comment: the alternative after it is not part of the pattern."""
    assert precheck.needs_digit(re.compile(r"\d# | a", re.X)) is True
    assert precheck.needs_digit(re.compile(r"\d# | a")) is False


def test_a_trigger_that_needs_a_digit_matches_no_text_without_one() -> None:
    """An ASCII paragraph without a digit drops the triggers ``needs_digit`` marks: checked against the
    patterns themselves on every wording the tables hold, and on the benchmark's evidence paragraphs."""
    marked = [t for t in precheck.triggers() if t.digit]
    assert {"values._MIN", "values._RANGE"} <= {t.name for t in marked}
    texts = _table_texts() + [_filler(page, k) for page in range(13) for k in range(4)]
    for t in marked:
        for text in texts:
            for s in (text, text.lower()):
                if s.isascii() and t.pattern.search(s):
                    assert re.search(r"[0-9]", s), (t.name, s)
    assert precheck.inert_paragraph(_filler(0, 1)) and not precheck.inert_paragraph("Adults 18 or older.")
