"""A section moved to another policy: the facts that leave one document still stand, one document over.

Payers split combined policies ("Ketamine and Esketamine…" → "Ketamine…" plus a new "Esketamine…"
policy, with a pointer where the section was). Compared on its own, the old document has "no longer
addressed" positions and "removed" criteria — a ``coverage_position`` alert although no member's
coverage changed. When every fact that left the document holds, with the same value, in another policy
of the same payer as of the same crawl, the change is ``wording`` and says where the section went.

The merge is the mirror image (``moved_in``): a policy takes in another one's section unchanged and the
other one goes away. Compared on its own, the survivor gains "not addressed → investigational" positions
for the absorbed drug; when every fact it gained was already stated, with the same value, by a policy of
the same payer that this crawl no longer found (the caller's choice), it is ``wording`` too.

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
    ind = (b["indication"] or "any") + (f"/{b['subpopulation']}" if b.get("subpopulation") else "")
    return (b["drug"], ind, b["field"])


def _holds(other: ExtractedPolicy, bullets: list[dict], side: str = "old") -> bool:
    """Does ``other`` state every one of these facts (their ``side`` value): with the same value(s), or
    in the very sentence the fact was read from (up to spelling: the extractors may miss a fact in a
    misspelt sentence)?"""
    facts = topic.topic_facts(other)
    for b in bullets:
        values = {f.value for f in facts.get(_key(b), [])}
        if values and set(b[side].split(" / ")) <= values:
            continue
        sentence = (b["evidence"][side] or {}).get("text") or ""
        if not states(other.text, sentence):
            return False
    return True


def facts_arrived(result: Comparison) -> bool:
    """Does the change only gain facts (positions or criteria newly stated, none lost or changed)?"""
    if len(result.changes) != 1 or result.changes[0].kind not in ("coverage_position", "criteria"):
        return False
    facts = _fact_bullets(result.changes[0])
    return bool(facts) and all(b["old"] is None and b["new"] is not None for b in facts)


def moved_in(
    result: Comparison, absorbed: list[tuple[str, ExtractedPolicy]], payer: str, title: str
) -> Comparison | None:
    """``result`` restated as a section merged in unchanged from one of ``absorbed`` ((name, extraction)
    of the same payer's policies that this crawl no longer found), or None when the facts the policy
    gained are not all stated there. A code that came with the section and is listed there is part of
    the merge too."""
    if not facts_arrived(result):
        return None
    came = _fact_bullets(result.changes[0])
    source = next(((name, ep) for name, ep in absorbed if _holds(ep, came, "new")), None)
    if source is None:
        return None
    return _restated(result, came, source, "new", payer, title)


def moved_elsewhere(
    result: Comparison, elsewhere: list[tuple[str, ExtractedPolicy]], payer: str, title: str
) -> Comparison | None:
    """``result`` restated as a section moved to one of ``elsewhere`` ((name, extraction) of the same
    payer's other policies as of this crawl), or None when the facts that left are not all found there.
    A code that left with the section and is listed there is part of the move too."""
    if not facts_gone(result):
        return None
    gone = _fact_bullets(result.changes[0])
    dest = next(((name, ep) for name, ep in elsewhere if _holds(ep, gone)), None)
    if dest is None:
        return None
    return _restated(result, gone, dest, "old", payer, title)


def _restated(
    result: Comparison,
    moved_facts: list[dict],
    other: tuple[str, ExtractedPolicy],
    side: str,
    payer: str,
    title: str,
) -> Comparison:
    """The change with ``moved_facts`` (their ``side`` value: "old" left, "new" came) told as one move to
    or from ``other``; the codes that moved with them and are listed there go too."""
    change = result.changes[0]
    name, ep = other
    rest = [b for b in change.bullets if b["field"] in _NOT_FACTS]
    codes_there = set(topic.topic_codes(ep))
    here = "new" if side == "old" else "old"  # a moved code is absent on this side of the change
    rest = [
        b
        for b in rest
        if not (b["field"] == "codes" and b[here] is None and set(b[side].split(", ")) <= codes_there)
    ]
    drugs = tuple(d for d in DRUGS if d in {b["drug"] for b in moved_facts})
    names = " and ".join(taxonomy.drug_name(d) for d in drugs)
    what = "coverage and criteria" if any(b["field"] == "position" for b in moved_facts) else "criteria"
    way = "to" if side == "old" else "in from"
    moved = bullet(
        f"{' and '.join(taxonomy.drug_label(d) for d in drugs)}: {what} moved unchanged {way} {name}"
        f" ({len(moved_facts)} statement{'' if len(moved_facts) == 1 else 's'}; no coverage change)",
        "wording",
        drugs[0] if len(drugs) == 1 else None,
        None,
        title if side == "old" else name,
        name if side == "old" else title,
        moved_facts[0]["evidence"]["old"] if side == "old" else None,
        moved_facts[0]["evidence"]["new"] if side == "new" else None,
    )
    bullets = [moved, *rest]
    kind = min(
        (taxonomy.FIELD_KIND.get(b["field"], "criteria") for b in bullets), key=taxonomy.KIND_ORDER.index
    )
    way = "to" if side == "old" else "from"
    summary = f"{payer}: {names} {what} moved {way} {name}, unchanged (no coverage change in {title})"
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
