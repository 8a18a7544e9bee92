"""A reworded sentence about the drugs in a Background or Description section is a ``wording`` change.

Informational sections stay out of the topic scope (``topic.INFORMATIONAL``): their edits — a reference
added, evidence summarised anew, a sentence about depression in general — are not coverage news. But a
sentence of the payer's own description that names ketamine or esketamine is a ketamine/esketamine passage
in the taxonomy's sense, and rewording it is what ``wording`` means ("any other change of wording in a
ketamine/esketamine passage"). So the descriptive sections (Background, Description, Overview) are read
sentence by sentence: only sentences that name a drug count, and sentences that only moved do not.
Evidence, references, FDA and CMS summaries stay silent.
"""

from __future__ import annotations

import re
from collections import Counter

from differ import evidence, noise, taxonomy, topic
from differ.infer import bullet, short
from extractors.model import ExtractedPolicy

DESCRIPTIVE = re.compile(r"^(?:general\s+)?(?:background|description|overview)$", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def _drug_sentences(ep: ExtractedPolicy) -> list[tuple[str, int, int, str]]:
    """(folded text, start, end, heading) of each drug-naming sentence of a descriptive section."""
    out = []
    for sec in ep.sections:
        if not DESCRIPTIVE.match((sec.heading or "").strip().rstrip(":")) or topic.is_revision_path(sec.path):
            continue
        for m in _SENTENCE.finditer(ep.text, sec.start, sec.end):
            text = m.group(0)
            if text.strip() != sec.heading.strip() and topic.drugs_named(text):
                lead = len(text) - len(text.lstrip())
                out.append((noise.squash(text), m.start() + lead, m.end(), sec.heading))
    return out


def background_bullets(old: ExtractedPolicy, new: ExtractedPolicy) -> list[dict]:
    """One wording bullet when a drug-naming descriptive sentence was reworded, added or removed."""
    so, sn = _drug_sentences(old), _drug_sentences(new)
    count_old, count_new = Counter(s[0] for s in so), Counter(s[0] for s in sn)
    if count_old == count_new:
        return []
    # a sentence that went (came) entirely, else one copy of a sentence said more often before (after)
    gone = [s for s in so if s[0] not in count_new] or [s for s in so if s[0] in count_old - count_new]
    came = [s for s in sn if s[0] not in count_old] or [s for s in sn if s[0] in count_new - count_old]
    a, b = (gone[0] if gone else None), (came[0] if came else None)
    was = old.text[a[1] : a[2]].strip() if a else None
    now = new.text[b[1] : b[2]].strip() if b else None
    drugs = topic.drugs_named(f"{was or ''} {now or ''}")
    drug = drugs[0] if len(drugs) == 1 else None
    head = taxonomy.drug_label(drug) if drug else "Wording"
    changed = b or a  # the counts differ, so a sentence went or came
    assert changed is not None
    where = changed[3]
    what = (
        f"“{short(was)}” → “{short(now)}”"
        if was and now
        else f"added “{short(now)}”"
        if now
        else f"removed “{short(was or '')}”"
    )
    return [
        bullet(
            f"{head} ({where}): {what}",
            "wording",
            drug,
            None,
            was,
            now,
            evidence.span(old, a[1], a[2]) if a else None,
            evidence.span(new, b[1], b[2]) if b else None,
        )
    ]
