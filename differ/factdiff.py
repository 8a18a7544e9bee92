"""The fact diff: a bullet for each thing the extractors read differently in the two versions.

The extractors' facts (a drug × indication's stance, each criterion's value, the billing codes) and the
metadata (title, effective and next-review dates) are compared key by key, the way ``words.py`` compares
the words: these bullets are the reliable ones, so ``compare`` takes them first and asks the text diff
(``wording.py``, ``infer.py``, ``spelling.py``) only about the edits they leave unexplained. Each bullet
says old → new in the taxonomy's words and points at the sentence, code or date in each version.
"""

from __future__ import annotations

from differ import evidence, noise, taxonomy, topic
from differ.infer import bullet as _bullet
from extractors.model import DRUGS, ExtractedPolicy


def stated_value(facts) -> str | None:
    if not facts:
        return None
    values = []
    for f in facts:
        if f.value not in values:
            values.append(f.value)
    return " / ".join(values)


def sorted_keys(a: dict, b: dict) -> list:
    def order(k):
        drug, ind, field = k
        return (DRUGS.index(drug) if drug in DRUGS else 9, ind or "", field)

    return sorted(set(a) | set(b), key=order)


def position_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    fo, fn = topic.topic_facts(old), topic.topic_facts(new)
    out = []
    for key in sorted_keys(fo, fn):
        drug, ind, field = key
        if field != "position":
            continue
        ea, eb = fo.get(key), fn.get(key)
        if "/" in ind:  # a sub-population a version does not single out has its indication's stance
            main = (drug, ind.split("/")[0], field)
            ea, eb = ea or fo.get(main), eb or fn.get(main)
        a, b = stated_value(ea), stated_value(eb)
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
                evidence.fact_span(ea[0]) if a and ea else None,
                evidence.fact_span(eb[0]) if b and eb else None,
            )
        )
    return out


def criteria_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    fo, fn = topic.topic_facts(old), topic.topic_facts(new)
    out = []
    for key in sorted_keys(fo, fn):
        drug, ind, field = key
        if field in ("position", "codes"):  # codes: one "Codes" bullet from the passages instead
            continue
        a, b = stated_value(fo.get(key)), stated_value(fn.get(key))
        if a == b:
            continue
        fa, fb = fo.get(key, []), fn.get(key, [])
        only_a = [f for f in fa if f.value not in {g.value for g in fb}]
        only_b = [f for f in fb if f.value not in {g.value for g in fa}]
        if only_a and only_b:  # several values (one per sentence): name only the ones that changed
            fa, fb = only_a, only_b
            a, b = stated_value(fa), stated_value(fb)
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
                evidence.fact_span(fa[0]) if a else None,
                evidence.fact_span(fb[0]) if b else None,
            )
        )
    return out


def code_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> tuple[list[dict], set[str]]:
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
        evidence.find_code(old, removed[0], co[removed[0]]) if removed else None,
        evidence.find_code(new, added[0], cn[added[0]]) if added else None,
    )
    return [bullet], set(added) | set(removed)


def title_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    """A renamed on-topic policy ("Esketamine" → "Psychiatry – Spravato") is a wording change."""
    a, b = old.metadata.title, new.metadata.title
    if not a or not b or noise.squash(a) == noise.squash(b):
        return []
    return [
        _bullet(
            f"Title: {a} → {b}",
            "wording",
            None,
            None,
            a,
            b,
            evidence.find_text(old, a),
            evidence.find_text(new, b),
        )
    ]


def date_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
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
                evidence.find_date(old, a),
                evidence.find_date(new, b),
            )
        )
    return out
