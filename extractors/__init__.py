"""Bytes → ``ExtractedPolicy``: pure functions, no network, no Scrapy.

``extract`` is the only entry point other packages need. It sniffs the real type, reads the document
into blocks (``pdf`` / ``html``), builds the normalized text and section tree (``sections``), finds the
topic passages (``passages``), metadata (``metadata``) and coverage facts (``facts``). Every failure is an
``ExtractionError`` subclass with a ``reason`` slug; nothing else escapes.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from . import coverage_api, detect
from .facts import find_facts
from .html import read_html
from .metadata import read_metadata, revision_history
from .model import (
    CorruptDocument,
    DocumentTooLarge,
    ExtractedPolicy,
    ExtractionError,
    ExtractionTimeout,
    ResourceLimit,
)
from .passages import Rounds, document_drugs, find_passages
from .pdf import MAX_PAGES, read_pdf
from .sections import assemble, build_sections
from .streams import MAX_INFLATED, refuse_bombs
from .terms import codes_in

#: Bump whenever the output for the same bytes changes, so ``payerwatch reprocess`` knows what is stale.
#: 2026.11.2: PDFs that never name the drugs are read by PDFium alone (their ``text`` changed; see pdf.py).
#: 2026.12.1: coverage facts read by section role, lead-in, clause and exception scope (extractors/facts/);
#: ``CoverageFact.subpopulation``; table-heavy PDFs keep their paragraphs; "(cid:NNN)" glyphs never reach
# text.
#: 2026.12.2: facts read more payer wordings and layouts (PBM record tables, PA-form questions, ONE-of
#: alternatives, payer-as-subject approvals, old values in revision notices; see shapes/rules.yaml).
#: 2026.12.3: more wordings and layouts (shapes/wordings.yaml): the payer or member as subject, "eligible",
#: ages with evidence they are ages, field-and-value tables, rows under a lead-in, statement headings,
#: "Exclusions" headings, dotted section numbers, conditions outside the vocabulary as other.
#: 2026.12.4: "esketamine, unlike racemic ketamine, …" and "esketamine and not ketamine" are about the
#: first drug only (a contrast word between two drug names is no coordination).
#: 2026.12.5: lead-ins with a note before their list and "Examples include …" follow-ups, "reasonable and
#: necessary", PA-form rules over their questions, stance cells and columns, old/new revision tables, REMS
#: spelled out, the drug of each part of a combined policy, a covered use with no criteria (tables.py).
#: 2026.12.6: the same families read more ways: a note about the lead-in's drug or a bare label ("Uses:")
#: before the list, a form's rule naming no use, stance-label rows, a column per drug, "Original" columns,
#: REMS in a heading or "the FDA-approved REMS", "the uses below, as …".
#: 2026.12.7: "no longer has to be taken together with", "either with … or by itself / or as the only
#: treatment", "an oral antidepressant is no longer a requirement" allow monotherapy; "an oral antidepressant
#: is required" requires one; a phase in brackets after a period ("6 months (initial), 12 months (renewal)").
#: A lower-case URL slug with a year ("ketamine-2025.html") is no policy number.
#: 2026.12.8: a stance written after the list it applies to ("The above are considered …",
#: facts/afterlist.py); change-notice tables with "Before | Effective", "Was | Now", dated or year
#: columns and a caption row; "covered with criteria".
#: 2026.12.9: Medicare Part D PA records ("Covered Uses", "Age Restrictions", "Coverage Duration" rows or
#: lines, facts/partd.py) and PA forms whose answers approve, deny or go on (facts/forms.py).
#: 2026.12.10: a covered follow-up list ("… is medically necessary. This applies to the following:") states
#: the uses its items name (they had criteria but no position).
#: 2026.12.11: a form's answers in the paragraph after its question (a question with one answer and no
#: box or jump is a FAQ, not a form), list items up to 20 words naming uses, "Age Restrictions | Adults";
#: a Part D label outside a record ("Coverage Duration: 6 months") read as before; "Previous | …" rows.
#: 2026.12.12: an item of a negative list that names one of the list's drugs ("Exclusions: Ketamine infusion
#: for depression. Esketamine for PTSD.") is about that drug only, no longer about both.
#: 2026.12.13: a criteria list under an approval heading whose lead-in names no use ("All of the following
#: must be met:") takes the use its diagnosis item names (it gave no fact before).
#: 2026.12.14: "The above is considered medically necessary when …" after a list covers its uses; "If the
#: answers above are Yes, approve …" is an approval rule, and adopts the criteria of a form's questions.
#: 2026.12.15: a status is the document's own only when said of it (extractors/status.py), also from a
#: notice inside a PDF; a manual's "Manual Reference: Chapter 7, Section 3.8" is its number.
#: 2026.12.16: "members may (NOT) qualify under the Plan for …" is a stance; "<Payer> regards these uses as …"
#: after a list is its items' stance; an exclusion checklist's "If any item above is checked, … will not be
#: approved" denies the uses its boxes name; "first request / first approval period" is the initial period,
#: "6 months initial, 12 months renewal" each its own; "no fewer than three antidepressant trials" is a count;
#: the MDSI label wording with "(MDD)" is MDSI only; "used without an oral antidepressant is not medically
#: necessary" after the covered use is its monotherapy; a Part D use's "alone or together with" allows it.
#: 2026.12.17: a revision table's first column is old when its header says so and a newer column follows
#: ("Previous | Current", "Current | New", "Through 12/31/2025 | Effective 1/1/2026", "2025 | 2026" without a
#: label column), also under a caption row; a "Previous | …" row is old as the table's first row too.
#: 2026.12.18: a PA form's "Yes - go to #6" on a use's question routes the questions from #6 on to that use
#: (Medicaid criteria guides with TRD and MDSI branches); a checkbox form ("[ ] Yes [ ] No") followed by its
#: periods ("Initial approval 90 days, continuation 180 days") covers the use it asked about with the
#: criteria its questions state; a "Questions" heading is read ("Questions?" stays the contact aside).
#: 2026.12.19: a dotted date after a status word ("Archived: 06.01.2026") dates this document's status; it
#: was read as the number of another policy (no status).
#: 2026.12.20: list items whose label sentence names a use ("1. Post-traumatic stress disorder. …") under a
#: lead-in that names none ("Ketamine is not covered for the following:") keep its stance (they gave no fact).
#: 2026.12.21: a Part D use clause about all other uses ("All other medically accepted indications, with an
#: oral antidepressant") no longer gives its requirement to the record's listed use; 2026.12.17 also quoted
#: a PA form's approving answer without the next answer's box ("approve for 6 months", not "… ☐").
#: 2026.12.22: change notices in prose: a "Previous criteria: …" / "Prior requirement: …" paragraph states
#: nothing in force, an arrow's old value ("3 months → 6 months") is none; an approval naming MDSI keeps
#: the criteria of the rest of its sentence ("… for MDSI for 1 month; the member must be 18 or older").
#: 2026.12.23: a labelled age ceiling ("Maximum age: 65") is age_max.
#: 2026.12.24: retirement said in other words is this document's status ("This policy and guideline were
#: archived", "This means that this policy was retired", "no longer in use", "replaced by policy MP-512");
#: "Archived versions are available on request" / "Retired members …" no longer read as archived / retired.
#: 2026.12.25 (groups CA-CE of shapes/rules.yaml, from the generated sets tests/files/eval/facts/gen1-2):
#: positive cue under a negation is the negative stance ("No coverage is available …", "we do not cover",
#: "is never covered", "not approvable", "lacks proven benefit"), a question states no stance and its answer
#: ("A: No - this use is investigational") takes the question's drug and use; a statement whose subject is
#: another treatment (TMS, ECT, zuranolone) gives the policy's drug nothing, nor does the list it leads; a
#: table takes the drug its lead-in paragraph names; a new lead-in ends the uses a later "These uses …" reads.
#: 2026.12.26: a duration line between a covered lead-in that names no use and its list ("Spravato is covered
#: when all of the following are met: / Initial approval: 3 months. / • Diagnosis of TRD …") is the list's
#: use's (it was an orphan no statement adopted: lost).
#: 2026.12.27 (groups CF-CG): uses named by their definition or another common
#: name ("MDD … who have not responded to two antidepressants" is TRD, "at imminent risk for suicide" MDSI,
#: "depressive episodes of bipolar disorder" bipolar only, panic disorder, vaso-occlusive crisis, neuralgia,
#: dysthymia); criteria written before any drug is named go to the statement pointing back at them.
#: 2026.12.28 (group CH, from the generated set gen3): "Initial: 6 months" under an "Approval Duration" /
#: "Length of Authorization" heading is an approval period; "Criteria for approval:" over a list whose first
#: item is "Diagnosis of X" is about X (not the last covered use); a question heading takes no lead-in's
#: stance; a heading after a list's items ends its lead-in; a drug-less "Not Covered" heading gives its items
#: their own drug's stance; a field row "Concurrent oral antidepressant | Not required" allows monotherapy.
#: 2026.12.29: a running header or footer naming a drug set smaller than the text (9 pt over 10 pt) is
#: furniture on every page (it was kept as policy text: a passage per page, joined to the paragraph over
#: each page break); table rows give their criteria to the use named in a cell of their own ("Spravato |
#: MDSI | 4 weeks"), an outside use's row ("Migraine | 21 or older") to other; a dated change log ("Date |
#: Summary of changes") states nothing in force; a checkbox PA form with no period line still gives the
#: criteria of its questions (no position).
#: 2026.12.30 (groups CI-CK of shapes/rules.yaml, from the development set holdout9): PA question tables
#: ("# | Question | Yes | No", "Step | Criterion | If met | If not met"; facts/qtable.py) approve the use
#: their route names with their questions' criteria, a renewal heading's table the renewal, a renewal
#: question's "No: approve" the first request; "free of a substance use disorder" is a condition, not a use;
#: a denial naming other uses is their position; a bare "Covered" cell and a drug's "All other uses" row are
#: positions; a criteria item citing the label under a requirements heading is a criterion.
#: 2026.12.31: a sentence after a list that repeats its lead-in's stance for another drug ("These uses are
#: not covered for esketamine either") adds that drug; the lead-in's own drug keeps the stance (it lost it);
#: a PBM record of a diagnosis outside the vocabulary owns the criteria list after it (they went to the
#: record before it).
#: 2026.12.32 (group CL): a sentence of old values inside a paragraph ("… are met. Previous position: …",
#: "The previous position was that …", "…; previous criteria: …") is not in force; a value ends a sentence
#: ("a minimum age of 21. Spravato remains …" is two); an exclusion checklist's items (under "Exclusion
#: criteria" or "… should not be used if any of the following is present:") are no requirements; what names
#: no drug under another treatment's heading ("Transcranial magnetic stimulation") is that treatment's.
#: 2026.12.33: a grid's prior-authorization shorthand in a stance cell ("PA required", "Covered (PA)", "Yes,
#: with PA", "Covered with criteria") is covered with criteria; "Y" / "N" columns make a question table.
#: 2026.12.34 (review16): "Prior authorization required: …" / "Prior approval was required …" is the PA, not
#: a sentence of old values (its criteria were dropped since 2026.12.32).
#: 2026.12.35 (review16): a heading or lead-in that names inclusion and exclusion criteria together
#: ("Inclusion and exclusion criteria") is no exclusion checklist: its items are requirements again.
#: Also: a clause after old values that says what holds now ("Previously, members had to be 21; members
#: must now be 18") is in force.
#: 2026.12.36 (review16, group CI): a form question naming a use whose "Yes" approves ("Is the request for
#: MDSI …? Yes: approve for 4 weeks; No: go to #2") approves that use (its period went to the default TRD).
#: A form's denial naming another drug ("Deny; IV ketamine for PTSD is investigational") is that drug's.
#: 2026.12.37 (review16, group CI): a form question that names a use before a condition of the patient ("Does
#: the patient have TRD and no history of psychosis?") is that use's (it named none, so the use was lost).
#: 2026.12.38 (review16, group CI): a form question naming no drug stays with the drug an earlier one named
#: ("Is IV ketamine requested …?" then "Is the patient 18 or older?" in a Spravato policy was esketamine's,
#: from the title).
#: 2026.12.39 (history holdout3): policy numbers printed as "Medical Policy: 07.03.21", "Document: QV641:00"
#: and "Policy Number: CMO 612" are read (a renamed, moved policy kept no identity without them).
#: 2026.12.40 (factsfix, rules.yaml FA-FB): a heading naming another treatment as a criterion's object
#: ("ECT or TMS trial not required") keeps the drug's criteria under it; a footnote marker on "Covered"
#: follows its footnote (prior authorization or criteria: covered with criteria), and no glued marker
#: ("covered¹") hides the stance word.
#: 2026.12.41 (factsfix, rules.yaml FC-FE): "Spravato | All other uses of esketamine | Not covered" is
#: esketamine's other; a drug list's row naming no use takes its heading's use; "Failure of one of the
#: following augmentation therapies" states no position, the diagnosis item under a use heading does.
#: 2026.12.42 (mutnew, group CI): a question table's question or criterion of two words ("REMS
#: certification", "REMS-certified site?") is read (a floor of three words lost it: neither the table nor the
#: row reader read it).
#: 2026.12.43 (factsfix, rules.yaml FF): a footnote's stance on no named use ("* Not covered under the
#: pharmacy benefit.") gives the drug no default position (it gave esketamine or ketamine `other`).
#: 2026.12.44 (group DA of shapes/rules.yaml, from the set holdout10): a scope sentence ("This policy explains
#: when …") states no position; "any use … not described above" is other (it was a pointer: no position); a
#: benefit rule about a class of services ("does not cover investigational services") names no use; "Coverage
#: for X … may be provided" with a long subject, a cell that starts "Covered for …", "Payment … will be
#: considered" and "Requests for … will not be considered" are stances; "any route / setting other than …"
#: leaves out no use; "other mood disorders" is other; "… or, for members who cannot take one, alone" allows
#: monotherapy; "approved every 6 months" is a period; another treatment's row in a drug chart is its own; a
#: revision table's "From <date>" column is the new one and a field row's bracketed use ("Initial approval
#: (TRD)") is the row's use.
#: 2026.12.45 (factsfix, rules.yaml FA): a heading saying another treatment is contraindicated, declined or
#: ineffective ("ECT contraindicated or declined") is the drug's section too (its criteria were dropped).
EXTRACTOR_VERSION = "2026.12.45"
MAX_BYTES = 80 * 1024 * 1024

__all__ = ["EXTRACTOR_VERSION", "extract"]


def extract(
    data: bytes,
    media_type: str | None = None,
    url: str | None = None,
    *,
    timeout: float = 60,
    full: bool = False,
    max_pages: int = MAX_PAGES,
    max_bytes: int = MAX_BYTES,
    max_inflated: int = MAX_INFLATED,
    thread: bool = True,
) -> ExtractedPolicy:
    """Extract one document. ``full=True`` runs pdfplumber on every PDF page and never PDFium (the
    reference path the fast path is tested against; a PDF that never names the drugs is otherwise read
    by PDFium alone: see pdf.py). Raises an ``ExtractionError`` subclass, ``ExtractionTimeout`` after
    ``timeout`` seconds, ``InflationBomb`` for a PDF whose streams inflate past ``max_inflated`` bytes
    (checked before any reader opens it: see streams.py).

    The timeout only bounds time, and only between pages: memory, and a reader stuck inside C code, are
    bounded by running this in a limited worker process (``payerwatch.extraction``). Such a worker,
    which is killed past its wall time anyway, passes ``thread=False``: the reading then runs in the
    calling thread (the timeout is still checked between pages) and needs no thread stack of its own."""
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"document is {len(data)} bytes; the limit is {max_bytes}")
    kind = detect.sniff(data, media_type)
    if kind == detect.PDF:
        refuse_bombs(data, max_inflated)
    result: dict[str, Any] = {}
    deadline = time.monotonic() + timeout
    cancelled = threading.Event()

    def check() -> None:
        if cancelled.is_set() or time.monotonic() > deadline:
            raise ExtractionTimeout(f"extraction took longer than {timeout:g} s")

    def work() -> None:
        try:
            result["value"] = _extract(data, kind, url, full=full, max_pages=max_pages, check=check)
        except ExtractionError as exc:
            result["error"] = exc
        except RecursionError as exc:
            result["error"] = CorruptDocument(f"document nests too deeply: {exc}")
        except MemoryError:
            result["error"] = ResourceLimit("ran out of memory while reading the document")
        except Exception as exc:  # pdfminer / lxml internals: never let them reach the caller untyped
            result["error"] = CorruptDocument(f"{type(exc).__name__}: {exc}")

    if not thread:
        work()
        if "error" in result:
            raise result["error"]
        return result["value"]
    worker = threading.Thread(target=work, name="payerwatch-extract", daemon=True)
    worker.start()
    worker.join(max(timeout, 0))
    if worker.is_alive():
        cancelled.set()  # the worker stops at its next check()
        raise ExtractionTimeout(f"extraction took longer than {timeout:g} s")
    if "error" in result:
        raise result["error"]
    return result["value"]


def _extract_plumbed(data: bytes, url: str | None, *, max_pages: int, check) -> ExtractedPolicy:
    return _extract(data, detect.PDF, url, full=False, max_pages=max_pages, check=check, pdfium=False)


def _extract(
    data: bytes, kind: str, url: str | None, *, full: bool, max_pages: int, check, pdfium: bool = True
) -> ExtractedPolicy:
    status_text = context = ""
    pages = None
    settled = None
    if kind == detect.PDF:
        rounds = Rounds()
        read = read_pdf(
            data, full=full, check=check, max_pages=max_pages, passage_pages=rounds, pdfium=pdfium
        )
        blocks, pages, context = read.blocks, read.pages, read.furniture
        title = next((b.text for b in blocks if b.kind == "title"), None)
        settled = rounds.reading(blocks)
    else:
        hread = read_html(coverage_api.to_html(data) if kind == detect.JSON else data)
        blocks, title, status_text, context = hread.blocks, hread.title, hread.status_text, hread.head_title
    check()
    if settled is not None:  # the PDF reader's last round read these blocks already
        text, blocks, sections, passages = settled
    else:
        text, blocks = assemble(blocks)
        sections = build_sections(blocks, len(text))
        passages = find_passages(text, blocks, sections, title)
    if passages and kind == detect.PDF and read.source == "pdfium":
        # cannot happen (the first pass's needles are a superset of is_topic), but if it ever did, the
        # passages must come from the reference reading: redo the document the pdfplumber way
        return _extract_plumbed(data, url, max_pages=max_pages, check=check)
    facts = find_facts(blocks, sections, passages, document_drugs(blocks, title))
    check()
    meta = read_metadata(text, blocks, title, url, status_text, context, sections)
    return ExtractedPolicy(
        media_type=kind,
        text=text,
        metadata=meta,
        sections=sections,
        passages=passages,
        facts=facts,
        codes=tuple(sorted({c for p in passages for c in codes_in(p.text)})),
        revision_history=revision_history(blocks, sections),
        pages=pages,
        extractor_version=EXTRACTOR_VERSION,
    )
