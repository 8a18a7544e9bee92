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

from differ import restated, taxonomy, topic
from differ.background import background_bullets
from differ.infer import bullet as _bullet
from differ.spelling import spelling_bullets
from differ.taxonomy import KIND_SEVERITY as SEVERITY
from differ.wording import wording_bullets
from differ.words import INSERT, changed_words, word_diff
from extractors.model import DRUGS, ExtractedPolicy
from extractors.terms import is_topic

KIND_ORDER = ("new_policy", "coverage_position", "criteria", "codes", "wording", "dates")
_FIELD_KIND = {
    "position": "coverage_position",
    "codes": "codes",
    "wording": "wording",
    "effective": "dates",
    "next_review": "dates",
}
#: The indication a drug's summary may leave unsaid ("... required for Spravato lowered from 3 to 2").
_PRIMARY = {"esketamine": "trd"}


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
    criteria = [b for b in _criteria_bullets(old, new) if not restated.reworded(b, old, new)]
    bullets = _position_bullets(old, new) + criteria
    code_bullets, moved_codes = _code_bullets(old, new)
    bullets += code_bullets
    date_bullets = _date_bullets(old, new)
    ops: list[tuple[int, str]] = []
    topic_moved = topic.squash(old_t.text) != topic.squash(new_t.text) and topic.units(
        old_t.text
    ) != topic.units(new_t.text)
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
    bullets += _title_bullets(old, new) + background_bullets(old, new)
    entries = topic.new_entries(old, new)
    history_on_topic = any(is_topic(e.text) for e in entries)

    if not bullets:
        rest_same = topic.strip_number(
            topic.without_noise(old), new.metadata.policy_number
        ) == topic.strip_number(topic.without_noise(new), old.metadata.policy_number)
        if not rest_same and topic.units(old.text) == topic.units(new.text):
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
        bullets.sort(key=lambda b: KIND_ORDER.index(_FIELD_KIND.get(b["field"], "criteria")))
        kind = _FIELD_KIND.get(bullets[0]["field"], "criteria")
        bullets = bullets + date_bullets
        # a document without any revision history cannot be cross-checked: no flag
        needs_review = not entries and bool(old.revision_history or new.revision_history)
    drugs = _drugs(bullets, new, old)
    change = DetectedChange(
        kind=kind,
        severity=SEVERITY[kind],
        drugs=drugs,
        summary=_summary(kind, bullets, payer, title, drugs),
        bullets=tuple(bullets),
        diff=tuple(ops),
        revision_note=topic.entry_note(entries),
        needs_review=needs_review,
        effective_date=new.metadata.effective,
    )
    return Comparison(changes=(change,))


# -- bullets --------------------------------------------------------------------------------------


def _value(facts) -> str | None:
    if not facts:
        return None
    values = []
    for f in facts:
        if f.value not in values:
            values.append(f.value)
    return " / ".join(values)


def _sorted_keys(a: dict, b: dict) -> list:
    def order(k):
        drug, ind, field = k
        return (DRUGS.index(drug) if drug in DRUGS else 9, ind or "", field)

    return sorted(set(a) | set(b), key=order)


def _position_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    fo, fn = topic.topic_facts(old), topic.topic_facts(new)
    out = []
    for key in _sorted_keys(fo, fn):
        drug, ind, field = key
        if field != "position":
            continue
        ea, eb = fo.get(key), fn.get(key)
        if "/" in ind:  # a sub-population a version does not single out has its indication's stance
            main = (drug, ind.split("/")[0], field)
            ea, eb = ea or fo.get(main), eb or fn.get(main)
        a, b = _value(ea), _value(eb)
        if a == b:
            continue
        # a catch-all stance ("excluded from this program") that vanishes while the drug is still
        # discussed is how a reworded sentence reads to the extractors, not a coverage change: report
        # it as wording (still announced, never as "coverage changed"). A new catch-all exclusion stays
        # a position change.
        kind_field = "wording" if ind == "other" and b is None else "position"
        label = " / ".join(taxonomy.position_label(v) for v in b.split(" / ")) if b else taxonomy.ABSENT
        was = " / ".join(taxonomy.position_label(v) for v in a.split(" / ")) if a else taxonomy.ABSENT
        out.append(
            _bullet(
                f"{taxonomy.subject(drug, ind)}: {was} → {label}"
                if kind_field == "position"
                else f"{taxonomy.subject(drug, ind)}: reworded, no stance stated now (was {was})",
                kind_field,
                drug,
                ind,
                a,
                b,
                topic.fact_span(ea[0]) if a and ea else None,
                topic.fact_span(eb[0]) if b and eb else None,
            )
        )
    return out


def _criteria_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    fo, fn = topic.topic_facts(old), topic.topic_facts(new)
    out = []
    for key in _sorted_keys(fo, fn):
        drug, ind, field = key
        if field in ("position", "codes"):  # codes: one "Codes" bullet from the passages instead
            continue
        a, b = _value(fo.get(key)), _value(fn.get(key))
        if a == b:
            continue
        fa, fb = fo.get(key, []), fn.get(key, [])
        only_a = [f for f in fa if f.value not in {g.value for g in fb}]
        only_b = [f for f in fb if f.value not in {g.value for g in fa}]
        if only_a and only_b:  # several values (one per sentence): name only the ones that changed
            fa, fb = only_a, only_b
            a, b = _value(fa), _value(fb)
        name = taxonomy.field_label(field)
        pa, pb = taxonomy.value_label(a), taxonomy.value_label(b)
        if a is None:
            text = f"{taxonomy.subject(drug, ind)}: {name} added: {pb}"
        elif b is None:
            text = f"{taxonomy.subject(drug, ind)}: {name} removed (was {pa})"
        else:
            text = f"{taxonomy.subject(drug, ind)}: {name} {pa} → {pb}"
        out.append(
            _bullet(
                text,
                field,
                drug,
                ind,
                a,
                b,
                topic.fact_span(fa[0]) if a else None,
                topic.fact_span(fb[0]) if b else None,
            )
        )
    return out


def _code_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> tuple[list[dict], set[str]]:
    co, cn = topic.topic_codes(old), topic.topic_codes(new)
    added, removed = sorted(set(cn) - set(co)), sorted(set(co) - set(cn))
    if not added and not removed:
        return [], set()
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    drugs = {d for c in added for d in cn[c].drugs} | {d for c in removed for d in co[c].drugs}
    drug = next(iter(drugs)) if len(drugs) == 1 else None
    bullet = _bullet(
        "Codes: " + ", ".join(parts),
        "codes",
        drug,
        None,
        ", ".join(removed) or None,
        ", ".join(added) or None,
        topic.find_code(old, removed[0], co[removed[0]]) if removed else None,
        topic.find_code(new, added[0], cn[added[0]]) if added else None,
    )
    return [bullet], set(added) | set(removed)


def _title_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    """A renamed on-topic policy ("Esketamine" → "Psychiatry – Spravato") is a wording change."""
    a, b = old.metadata.title, new.metadata.title
    if not a or not b or topic.squash(a) == topic.squash(b):
        return []
    return [
        _bullet(
            f"Title: {a} → {b}", "wording", None, None, a, b, topic.find_text(old, a), topic.find_text(new, b)
        )
    ]


def _date_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    out = []
    for field, name in (("effective", "Effective date"), ("next_review", "Next review date")):
        a, b = getattr(old.metadata, field), getattr(new.metadata, field)
        if a == b or b is None:
            continue
        was = a.isoformat() if a else taxonomy.ABSENT
        out.append(
            _bullet(
                f"{name} {was} → {b.isoformat()}",
                field,
                None,
                None,
                a.isoformat() if a else None,
                b.isoformat(),
                topic.find_date(old, a),
                topic.find_date(new, b),
            )
        )
    return out


def _evidence_text(bullets: list[dict], side: str) -> str:
    return "\n".join(b["evidence"][side]["text"] for b in bullets if b["evidence"][side])


# -- new policy, drugs, summary ----------------------------------------------------------------------


def _new_policy(new: ExtractedPolicy, payer: str, title: str) -> DetectedChange:
    facts = topic.topic_facts(new)
    bullets = []
    for key in _sorted_keys({}, facts):
        drug, ind, field = key
        if field != "position":
            continue
        value = _value(facts[key])
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
                topic.fact_span(facts[key][0]),
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
                topic.find_code(new, first, codes[first]),
            )
        )
    if not bullets:
        p = topic.topic_passages(new)[0] if topic.topic_passages(new) else new.passages[0]
        bullets.append(
            _bullet(
                "Mentions " + _drug_names(new.drugs),
                "wording",
                None,
                None,
                None,
                None,
                None,
                topic.span(new, p.start, p.end, p.page_start),
            )
        )
    text = topic.topic_text(new).text
    drugs = new.drugs
    return DetectedChange(
        kind="new_policy",
        severity=SEVERITY["new_policy"],
        drugs=drugs,
        summary=f"{payer}: new policy mentioning {_drug_names(drugs)}: {title}",
        bullets=tuple(bullets),
        diff=((INSERT, text),) if text else (),
        revision_note=topic.entry_note(list(new.revision_history[:1])),
        needs_review=False,
        effective_date=new.metadata.effective,
    )


def _marked_retired(old: ExtractedPolicy, new: ExtractedPolicy, payer: str, title: str) -> DetectedChange:
    ev = topic.find_word(new, "retired")
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
        revision_note=topic.entry_note(topic.new_entries(old, new)),
        effective_date=new.metadata.effective,
    )


def _drug_names(drugs) -> str:
    names = [taxonomy.drug_name(d) for d in drugs] or ["ketamine"]
    return " and ".join(names)


def _drugs(bullets: list[dict], new: ExtractedPolicy, old: ExtractedPolicy) -> tuple[str, ...]:
    found = {b["drug"] for b in bullets if b.get("drug")}
    if not found:
        found = set(new.drugs) or set(old.drugs)
    return tuple(d for d in DRUGS if d in found)


def _for(drug: str | None, ind: str | None) -> str:
    name = taxonomy.drug_name(drug)
    if ind and _PRIMARY.get(drug or "") != ind:
        return f"{name} ({taxonomy.indication_label(ind)})"
    return name


def _summary(kind: str, bullets: list[dict], payer: str, title: str, drugs) -> str:
    main = [b for b in bullets if _FIELD_KIND.get(b["field"], "criteria") == kind]
    b = main[0] if main else bullets[0]
    old, new = b["old"], b["new"]
    if kind == "coverage_position":
        ind = b["indication"] + (f"/{b['subpopulation']}" if b.get("subpopulation") else "")
        target = f"{taxonomy.drug_name(b['drug'])} for {taxonomy.indication_label(ind)}"
        if old is None:
            line = f"{target} now {taxonomy.position_label(new)}"
        elif new is None:
            line = f"{target} no longer addressed (was {taxonomy.position_label(old)})"
        else:
            line = f"{target} changed from {taxonomy.position_label(old)} to {taxonomy.position_label(new)}"
    elif kind == "criteria":
        what = f"{taxonomy.field_label(b['field'], summary=True)} for {_for(b['drug'], b['indication'])}"
        a, z = taxonomy.numbers(old, new)
        if b["field"] == "response":  # whole sentences: the bullet quotes them
            line = f"{what} changed"
        elif old is None:
            line = f"{what} added: {new}"
        elif new is None:
            line = f"{what} removed (was {old})"
        elif a is not None and z is not None and a != z:
            line = f"{what} {'lowered' if z < a else 'raised'} from {old} to {new}"
        else:
            line = f"{what} changed from {old} to {new}"
    elif kind == "codes":
        line = "billing codes " + b["text"].removeprefix("Codes: ")
        if b["drug"]:
            line = f"billing codes for {taxonomy.drug_name(b['drug'])} " + b["text"].removeprefix("Codes: ")
    elif kind == "wording" and b["text"].startswith("Title: "):
        line = f"policy renamed from “{old}” to “{new}”"
    elif kind == "wording" and b["text"].startswith("Spelling corrected"):
        line = f"spelling corrected in {title} (“{old}” → “{new}”)"
    elif kind == "wording":
        line = f"wording changed in the {_drug_names(drugs)} passages of {title}"
    else:
        line = f"dates changed in {title}: " + "; ".join(x["text"] for x in bullets)
        return f"{payer}: {line}"
    others = len([x for x in bullets if x is not b and x["field"] not in ("effective", "next_review")])
    if others:
        line += f" (+{others} more)"
    return f"{payer}: {line}"
