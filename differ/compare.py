"""``compare(old, new)``: the pure core of change detection (EDGI web-monitoring-diff style).

Result shape, documented once here and relied on by ``payerwatch.processing``:

``Comparison``
    ``changes``: at most ONE ``DetectedChange`` per new version. Feeds and mail want "one entry per real
    coverage change", so a version that moves a position, a criterion and a code yields one change whose
    ``kind`` is the most severe category present (order: coverage_position, criteria, codes, wording,
    dates) and whose bullets list everything.
    ``formatting_only``: the versions differ only in formatting (equal normalized text, or only footer
    years / printed-on dates / page numbers differ) — nothing to record.
    ``unrelated_revision``: the text changed outside the ketamine/esketamine passages (an omnibus policy's
    other sections, a new policy number) — archived with a note, never announced.
    ``note``: why nothing was announced, or a review hint, for the version's note.

``DetectedChange``
    ``kind``, ``severity`` (docs/design.md taxonomy), ``drugs``, ``summary`` (one line naming the payer),
    ``bullets`` (dicts: text, drug, indication, field, old, new, evidence {old, new}: {start, end, page,
    text} offsets into each version's normalized text; the caller adds ``version_id``), ``diff``
    (``differ.word_diff`` ops of the topic passages), ``revision_note`` (revision-history rows added in
    this version), ``needs_review`` (topic text moved but history silent, or history mentions the topic
    but its text did not move), ``effective_date`` (the new version's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from differ import evidence, factdiff, leadins, noise, relayout, restated, taxonomy, topic
from differ.background import background_bullets
from differ.infer import bullet as _bullet
from differ.spelling import spelling_bullets
from differ.summary import change_drugs, drug_names, summarize
from differ.taxonomy import FIELD_KIND, KIND_ORDER
from differ.taxonomy import KIND_SEVERITY as SEVERITY
from differ.wording import wording_bullets
from differ.words import INSERT, changed_words, word_diff
from extractors.model import ExtractedPolicy, RevisionEntry
from extractors.terms import is_topic


@dataclass(frozen=True)
class DetectedChange:
    kind: str
    severity: str
    drugs: tuple[str, ...]
    summary: str
    bullets: tuple[dict, ...]
    diff: tuple[tuple[int, str], ...] = ()
    revision_note: str | None = None
    needs_review: bool = False
    effective_date: dt.date | None = None


@dataclass(frozen=True)
class Comparison:
    changes: tuple[DetectedChange, ...] = ()
    unrelated_revision: bool = False
    formatting_only: bool = False
    note: str | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(c.kind for c in self.changes)


def compare(
    old: ExtractedPolicy | None, new: ExtractedPolicy, payer: str | None = None, title: str | None = None
) -> Comparison:
    """Compare two extracted versions of one policy (``old`` None: the first version we have)."""
    payer = payer or "Policy"
    title = title or new.metadata.title or (old.metadata.title if old else None) or "the policy"
    if old is None or (not old.mentions_topic and new.mentions_topic):
        if not new.mentions_topic:
            return Comparison(note="does not mention ketamine or esketamine")
        return Comparison(changes=(_new_policy(new, payer, title),))
    if old.text == new.text:
        return Comparison(formatting_only=True, note="same normalized text (formatting only)")
    if not old.mentions_topic and not new.mentions_topic:
        # the topic filter decides which documents can raise changes (docs/design.md): an off-topic policy's
        # new dates or wording are archived, never announced
        return Comparison(
            unrelated_revision=True, note="revision of a policy that does not mention ketamine or esketamine"
        )
    if new.metadata.status in ("retired", "archived") and old.metadata.status not in ("retired", "archived"):
        return Comparison(changes=(_marked_retired(old, new, payer, title),))
    if new.metadata.status in ("superseded", "replaced"):
        return Comparison(unrelated_revision=True, note=f"this version is marked {new.metadata.status}")

    old_t, new_t = topic.topic_text(old), topic.topic_text(new)
    # a criterion the extractors lost in a reworded sentence that still states it is left to wording
    criteria = [b for b in factdiff.criteria_bullets(old, new) if not restated.reworded(b, old, new)]
    # a stance that flipped on a count ("two" → "one of the following") is the count's criterion
    positions = [b for b in factdiff.position_bullets(old, new) if not restated.recounted(b, old, new)]
    positions += leadins.lead_in_bullets(old, new)  # a drug in a list whose lead-in states the stance
    bullets = positions + criteria
    code_bullets, moved_codes = factdiff.code_bullets(old, new)
    bullets += code_bullets
    date_bullets = factdiff.date_bullets(old, new)
    ops: list[tuple[int, str]] = []
    topic_moved = (
        noise.squash(old_t.text) != noise.squash(new_t.text)
        and noise.units(old_t.text) != noise.units(new_t.text)
        and not relayout.relaid(old_t.text, new_t.text)  # the same cells in tables laid out anew
        and not relayout.relaid_as_list(
            old.text, new.text
        )  # a table written out as a list (needs its header)
    )
    if topic_moved:
        ops = word_diff(old_t.text, new_t.text)
        if changed_words(ops) == 0:
            topic_moved = False
        elif (typos := spelling_bullets(ops, old, new, old_t, new_t)) is not None:
            # facts a misspelling hid from the extractors are not news: members' coverage never changed
            bullets = [b for b in bullets if b["field"] == "codes"] + typos
        else:
            bullets += wording_bullets(
                ops, old, new, old_t, new_t, bullets, moved_codes, dates_moved=bool(date_bullets)
            )
    if bullets and not ops:  # facts moved but the passages did not: show the facts' sentences
        ops = word_diff(_evidence_text(bullets, "old"), _evidence_text(bullets, "new"))
    bullets += factdiff.title_bullets(old, new) + background_bullets(old, new)
    entries = _new_entries(old, new)
    history_on_topic = any(is_topic(e.text) for e in entries)

    if not bullets:
        rest_same = noise.strip_number(
            noise.without_noise(old), new.metadata.policy_number
        ) == noise.strip_number(noise.without_noise(new), old.metadata.policy_number)
        if not rest_same and relayout.relaid(old.text, new.text):
            if not date_bullets:
                return Comparison(formatting_only=True, note="tables laid out anew; the same cells")
            rest_same = True
        if not rest_same and noise.units(old.text) == noise.units(new.text):
            return Comparison(formatting_only=True, note="paragraphs moved; words unchanged")
        if not rest_same:
            note = "unrelated revision outside the ketamine/esketamine passages"
            if history_on_topic:
                note += "; review: revision history mentions the topic but its passages did not change"
            return Comparison(unrelated_revision=True, note=note)
        if not date_bullets:
            return Comparison(
                formatting_only=True, note="only footers, printed-on dates or page numbers differ"
            )
        kind = "dates"
        bullets = date_bullets
        needs_review = history_on_topic
    else:
        bullets.sort(key=lambda b: KIND_ORDER.index(FIELD_KIND.get(b["field"], "criteria")))
        kind = FIELD_KIND.get(bullets[0]["field"], "criteria")
        bullets = bullets + date_bullets
        # a document without any revision history cannot be cross-checked: no flag
        needs_review = not entries and bool(old.revision_history or new.revision_history)
    drugs = change_drugs(bullets, new, old)
    change = DetectedChange(
        kind=kind,
        severity=SEVERITY[kind],
        drugs=drugs,
        summary=summarize(kind, bullets, payer, title, drugs),
        bullets=tuple(bullets),
        diff=tuple(ops),
        revision_note=_entry_note(entries),
        needs_review=needs_review,
        effective_date=new.metadata.effective,
    )
    return Comparison(changes=(change,))


def _evidence_text(bullets: list[dict], side: str) -> str:
    return "\n".join(b["evidence"][side]["text"] for b in bullets if b["evidence"][side])


# -- the revision note, a new policy, a retired one ----------------------------------------------------


def _new_entries(old: ExtractedPolicy, new: ExtractedPolicy) -> list[RevisionEntry]:
    """Revision-history rows present in ``new`` but not in ``old``."""
    seen = {(e.date, noise.squash(e.text)) for e in old.revision_history}
    return [e for e in new.revision_history if (e.date, noise.squash(e.text)) not in seen]


def _entry_note(entries: list[RevisionEntry]) -> str | None:
    if not entries:
        return None
    return "; ".join(f"{e.date.isoformat()}: {e.text}" if e.date else e.text for e in entries)


def _new_policy(new: ExtractedPolicy, payer: str, title: str) -> DetectedChange:
    facts = topic.topic_facts(new)
    bullets = []
    for key in factdiff.sorted_keys({}, facts):
        drug, ind, field = key
        if field != "position":
            continue
        value = factdiff.stated_value(facts[key])
        label = " / ".join(taxonomy.position_label(v) for v in (value or "").split(" / "))
        bullets.append(
            _bullet(
                f"{taxonomy.subject(drug, ind)}: {label}",
                "position",
                drug,
                ind,
                None,
                value,
                None,
                evidence.fact_span(facts[key][0]),
            )
        )
    codes = topic.topic_codes(new)
    if codes:
        first = sorted(codes)[0]
        bullets.append(
            _bullet(
                "Codes: " + ", ".join(sorted(codes)),
                "codes",
                None,
                None,
                None,
                ", ".join(sorted(codes)),
                None,
                evidence.find_code(new, first, codes[first]),
            )
        )
    if not bullets:
        p = topic.topic_passages(new)[0] if topic.topic_passages(new) else new.passages[0]
        bullets.append(
            _bullet(
                "Mentions " + drug_names(new.drugs),
                "wording",
                None,
                None,
                None,
                None,
                None,
                evidence.span(new, p.start, p.end, p.page_start),
            )
        )
    text = topic.topic_text(new).text
    drugs = new.drugs
    return DetectedChange(
        kind="new_policy",
        severity=SEVERITY["new_policy"],
        drugs=drugs,
        summary=f"{payer}: new policy mentioning {drug_names(drugs)}: {title}",
        bullets=tuple(bullets),
        diff=((INSERT, text),) if text else (),
        revision_note=_entry_note(list(new.revision_history[:1])),
        needs_review=False,
        effective_date=new.metadata.effective,
    )


def _marked_retired(old: ExtractedPolicy, new: ExtractedPolicy, payer: str, title: str) -> DetectedChange:
    ev = evidence.find_word(new, "retired")
    bullet = _bullet(
        "Policy marked retired / archived by the payer", "status", None, None, "active", "retired", None, ev
    )
    return DetectedChange(
        kind="retired",
        severity=SEVERITY["retired"],
        drugs=old.drugs or new.drugs,
        summary=f"{payer}: policy marked retired: {title}",
        bullets=(bullet,),
        diff=tuple(word_diff(topic.topic_text(old).text, topic.topic_text(new).text)),
        revision_note=_entry_note(_new_entries(old, new)),
        effective_date=new.metadata.effective,
    )
