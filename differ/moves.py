"""A section moved to another policy: the facts that leave one document still stand, one document over.

Payers split combined policies ("Ketamine and Esketamine…" → "Ketamine…" plus a new "Esketamine…"
policy, with a pointer where the section was). Compared on its own, the old document has "no longer
addressed" positions and "removed" criteria — a ``coverage_position`` alert although no member's
coverage changed. When every fact that left the document holds, with the same value, in another policy
of the same payer as of the same crawl, the change is ``wording`` and says where the section went.

Pure: the caller (``payerwatch.moves``) chooses the other policies; nothing here touches the store.
"""

from __future__ import annotations

from dataclasses import replace

from differ import taxonomy, topic
from differ.compare import Comparison, DetectedChange
from differ.infer import bullet
from differ.spelling import states
from extractors.model import DRUGS, ExtractedPolicy

#: Bullet fields that are not facts of a drug × indication (they never make a section "gone").
_NOT_FACTS = ("codes", "wording", "effective", "next_review", "status")


def _fact_bullets(change: DetectedChange) -> list[dict]:
    return [b for b in change.bullets if b["field"] not in _NOT_FACTS]


def facts_gone(result: Comparison) -> bool:
    """Does the change only lose facts (positions or criteria no longer stated, none added or changed)?"""
    if len(result.changes) != 1 or result.changes[0].kind not in ("coverage_position", "criteria"):
        return False
    facts = _fact_bullets(result.changes[0])
    return bool(facts) and all(b["old"] is not None and b["new"] is None for b in facts)


def _key(b: dict) -> tuple[str, str, str]:
    ind = b["indication"] + (f"/{b['subpopulation']}" if b.get("subpopulation") else "")
    return (b["drug"], ind, b["field"])


def _holds(other: ExtractedPolicy, bullets: list[dict]) -> bool:
    """Does ``other`` state every one of these facts: with the same value(s), or in the very sentence
    the fact was read from (up to spelling: the extractors may miss a fact in a misspelt sentence)?"""
    facts = topic.topic_facts(other)
    for b in bullets:
        values = {f.value for f in facts.get(_key(b), [])}
        if values and set(b["old"].split(" / ")) <= values:
            continue
        sentence = (b["evidence"]["old"] or {}).get("text") or ""
        if not states(other.text, sentence):
            return False
    return True


def moved_elsewhere(
    result: Comparison, elsewhere: list[tuple[str, ExtractedPolicy]], payer: str, title: str
) -> Comparison | None:
    """``result`` restated as a section moved to one of ``elsewhere`` ((name, extraction) of the same
    payer's other policies as of this crawl), or None when the facts that left are not all found there.
    A code that left with the section and is listed there is part of the move too."""
    if not facts_gone(result):
        return None
    change = result.changes[0]
    gone = _fact_bullets(change)
    dest = next(((name, ep) for name, ep in elsewhere if _holds(ep, gone)), None)
    if dest is None:
        return None
    name, ep = dest
    rest = [b for b in change.bullets if b["field"] in _NOT_FACTS]
    codes_there = set(topic.topic_codes(ep))
    rest = [
        b
        for b in rest
        if not (b["field"] == "codes" and b["new"] is None and set(b["old"].split(", ")) <= codes_there)
    ]
    drugs = tuple(d for d in DRUGS if d in {b["drug"] for b in gone})
    names = " and ".join(taxonomy.drug_name(d) for d in drugs)
    what = "coverage and criteria" if any(b["field"] == "position" for b in gone) else "criteria"
    moved = bullet(
        f"{' and '.join(taxonomy.drug_label(d) for d in drugs)}: {what} moved unchanged to {name}"
        f" ({len(gone)} statements; no coverage change)",
        "wording",
        drugs[0] if len(drugs) == 1 else None,
        None,
        title,
        name,
        gone[0]["evidence"]["old"],
        None,
    )
    bullets = [moved, *rest]
    kind = min(
        (taxonomy.FIELD_KIND.get(b["field"], "criteria") for b in bullets), key=taxonomy.KIND_ORDER.index
    )
    summary = f"{payer}: {names} {what} moved to {name}, unchanged (no coverage change in {title})"
    others = len([b for b in rest if b["field"] not in ("effective", "next_review")])
    if others:
        summary += f" (+{others} more)"
    return Comparison(
        changes=(
            replace(
                change,
                kind=kind,
                severity=taxonomy.KIND_SEVERITY[kind],
                summary=summary,
                bullets=tuple(bullets),
            ),
        )
    )
