"""Reading a coverage fact out of a changed stretch of topic text that the extractors left as plain wording.

The extractors turn sentences into facts; when a criterion sits in a list item that never names the drug,
or an indication is added to a bulleted list under a position statement, the edit reaches the differ as
wording only. Two edits are common enough and unambiguous enough to classify here:

* one number replaced by another in a criteria sentence ("at least three antidepressants" → "two") is a
  ``criteria`` change of the field the neighbouring words name (weeks, months, years of age, ...);
* a list item naming an indication added under (or removed from) a position statement is a
  ``coverage_position`` change for that indication.

Anything else stays a ``wording`` bullet. Facts the extractors did read always win (see compare.py).
"""

from __future__ import annotations

import re

from differ import evidence, noise, taxonomy, topic
from extractors.model import ExtractedPolicy

WORD_NUMBERS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_NUMBER = re.compile(r"^\s*(\d+|" + "|".join(WORD_NUMBERS) + r")\s*$", re.I)


def _number(text: str) -> int | None:
    m = _NUMBER.match(text or "")
    if not m:
        return None
    word = m.group(1).lower()
    return int(word) if word.isdigit() else WORD_NUMBERS[word]


def _heading(ep: ExtractedPolicy, pos: int, seg: topic.Segment | None) -> str:
    """The heading over an edit: its own sub-section's ("Continuation of Therapy"), not the heading where
    its stretch of topic text starts (a lead-in's sub-sections are one stretch)."""
    sec = topic.section_at(ep, pos)
    return sec.heading if sec else seg.heading if seg else ""


def _field(before: str, after: str, heading: str) -> str | None:
    """The criterion a number measures, from the words around it."""
    after, before = after.lower(), before.lower()
    if re.match(r"\W*(?:consecutive\s+)?weeks?\b", after):
        return "trial_weeks"
    if re.match(r"\W*(?:calendar\s+)?months?\b|\W*days?\b", after):
        if re.search(r"reauthori|continu|renew|subsequent", before + " " + heading.lower()):
            return "approval_continuation"
        return "approval_initial"
    if re.match(r"\W*(?:years? of age|years? old|years?\b)", after):
        return (
            "age_max"
            if re.search(r"younger|under|no older|or less|up to", before + after[:30])
            else "age_min"
        )
    # "two of the following augmentation therapies", "one augmentation trial": before the antidepressant
    # count, whose "trials" would take "two augmentation trials" for failed antidepressants
    if re.match(r"\W*(?:[\w-]+\s+){0,3}?augment\w*", after):
        return "augmentation_trials"
    if re.match(r"\W*(?:\w+\s+){0,3}?(?:antidepressants?|medications?|agents?|drugs?|trials?)\b", after):
        return "failed_antidepressants"
    if re.match(r"\W*mg\b", after):
        return "dose_max_mg"
    if re.match(r"\W*hours?\b", after):
        return "observation_hours"
    # a course's size: "limited to 6 infusions", "up to 8 treatment sessions" (a quantity limit)
    if re.match(r"\W*(?:[\w-]+\s+){0,2}?(?:infusions?|doses?|sessions?|injections?|treatments?)\b", after):
        return "course_doses"
    for name, field in (
        ("madrs", "madrs_min"),
        ("phq-9", "phq9_min"),
        ("ham-d", "hamd_min"),
        ("qids", "qids_min"),
    ):
        if name in before[-40:]:
            return field
    return None


def _position_before(ep: ExtractedPolicy, drug: str | None, pos: int, floor: int):
    """The last position fact for ``drug`` stated between ``floor`` and ``pos`` (the list's lead-in)."""
    best = None
    for (d, _ind, field), facts in topic.topic_facts(ep).items():
        if field != "position" or (drug and d != drug):
            continue
        for f in facts:
            if floor <= f.start <= pos and (best is None or f.start > best.start):
                best = f
    return best


def _governing(ep: ExtractedPolicy, drug: str | None, pos: int) -> tuple[str | None, str | None]:
    """Drug and indication of the position statement a criteria line sits under (the last one above it,
    of ``drug`` when known). In a section about both drugs an edit that names neither takes the drug of
    that statement, never none ("for OCD now unproven" says whose coverage moved)."""
    fact = _position_before(ep, drug, pos, 0)
    return (drug or fact.drug, fact.indication) if fact else (drug, None)


def infer(
    hunk_deleted: str,
    hunk_inserted: str,
    old: ExtractedPolicy,
    new: ExtractedPolicy,
    lo,
    ln,
    seg: topic.Segment | None,
    drug: str | None,
) -> list[dict]:
    """Fact bullets for one wording hunk, or [] when it is plain wording."""
    # a documented response counts in a line rewritten in place; a whole requirement line added or removed
    # ("- Continued therapy requires documentation of the response.") is the requirement rule's
    rewritten = bool(noise.squash(hunk_deleted) and noise.squash(hunk_inserted))
    threshold = _response_threshold(old, new, lo, ln, seg, drug, rewritten)
    if threshold:
        return threshold
    a, b = _number(hunk_deleted), _number(hunk_inserted)
    if a is not None and b is not None and a != b and ln:
        line_start = new.text.rfind("\n", 0, ln[0]) + 1
        line_end = new.text.find("\n", ln[1])
        line_end = len(new.text) if line_end == -1 else line_end
        field = _field(new.text[line_start : ln[0]], new.text[ln[1] : line_end], _heading(new, ln[0], seg))
        if field is None:
            return []
        drug, indication = _governing(new, drug, ln[0])
        sentence = evidence.span(new, line_start, line_end, ln[2])
        old_line = (
            old.text.rfind("\n", 0, lo[0]) + 1,
            (old.text.find("\n", lo[1]) + 1 or len(old.text) + 1) - 1,
        )
        va, vb = str(a), str(b)
        if field.startswith("approval_"):  # same form as the extractors' values: "6 months"
            # the unit, past a "calendar" ("6 calendar months" is "6 months", never "6 calendars")
            found = re.match(r"\W*(?:calendar\s+)?(\w+)", new.text[ln[1] : line_end], re.I)
            unit = found.group(1).lower().rstrip("s") if found else ""
            va, vb = f"{a} {unit}{'s' if a != 1 else ''}", f"{b} {unit}{'s' if b != 1 else ''}"
        text = f"{taxonomy.subject(drug, indication)}: {taxonomy.field_label(field)} {va} → {vb}"
        return [
            bullet(
                text,
                field,
                drug,
                indication,
                va,
                vb,
                evidence.span(old, *old_line, lo[2]) if lo else None,
                sentence,
            )
        ]
    added, removed = noise.squash(hunk_inserted), noise.squash(hunk_deleted)
    if bool(added) == bool(removed):
        return []
    requirement = _requirement(hunk_inserted or hunk_deleted, bool(added), old, new, lo, ln, drug)
    if requirement:
        return requirement
    from extractors.terms import indications_in

    text = hunk_inserted if added else hunk_deleted
    ep, loc = (new, ln) if added else (old, lo)
    indications = [i for i in indications_in(text) if i != "other"]
    for generic, specific in (
        ("depression", {"trd", "mdsi", "bipolar_depression"}),
        ("chronic_pain", {"neuropathic_pain", "crps"}),
    ):
        if generic in indications and specific & set(indications):
            indications.remove(generic)
    if not indications or not loc or not re.match(r"\s*(?:[-•*]|\d+[.)])\s", text):
        return []
    drug = (topic.drugs_named(text) or (drug,))[0]
    if re.search(r"not covered|exclusion", _heading(ep, loc[0], seg), re.I):
        value = "not_covered"
    else:
        fact = _position_before(ep, drug, loc[0], seg.start if seg else 0)
        if fact is None:
            return []
        value = fact.value
        drug = drug or fact.drug  # a list under one drug's statement in a section about both
    out = []
    for ind in indications:
        old_v, new_v = (None, value) if added else (value, None)
        ev = evidence.span(ep, loc[0], loc[1], loc[2])
        out.append(
            bullet(
                f"{taxonomy.subject(drug, ind)}: {taxonomy.position_label(old_v)} → "
                f"{taxonomy.position_label(new_v)}",
                "position",
                drug,
                ind,
                old_v,
                new_v,
                None if added else ev,
                ev if added else None,
            )
        )
    return out


#: A measured response: "at least a 50% reduction", "a PHQ-9 score below 10", "MADRS improved by 25 percent".
_MEASURE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:%|percent\b)|\b(?:PHQ-?9|MADRS|HAM-?D(?:-?17)?|QIDS(?:-SR)?|CGI)\b[^.;\n]{0,40}?\b\d+\b",
    re.I,
)
#: ... where it decides whether treatment goes on (reauthorization, continuation, response to treatment).
_CONTINUATION = re.compile(r"reauthori|re-authori|continu|renew|subsequent|respon|improv|reduc", re.I)


def _line(text: str, loc) -> tuple[int, int]:
    start = text.rfind("\n", 0, loc[0]) + 1
    end = text.find("\n", loc[1])
    return start, len(text) if end == -1 else end


#: A response that must be shown in the records, with no number: "requires records showing that the
#: PHQ-9 score improved", "documentation of a beneficial response".
_SHOWN = re.compile(
    r"\b(?:records?|documentation|documented|evidence|chart notes)\b[^.;\n]{0,60}?"
    r"\b(?:improv\w*|respon\w*|benefit\w*|reduc\w*|stabili\w*)",
    re.I,
)


def _measures(text: str, documented: bool = True) -> set[str]:
    found = {" ".join(m.group(0).lower().split()) for m in _MEASURE.finditer(text)}
    return found | ({"documented response"} if documented and _SHOWN.search(text) else set())


def _response_threshold(old, new, lo, ln, seg, drug, rewritten: bool = True) -> list[dict]:
    """A continuation rule that now asks for (or no longer asks for) a measured or documented response —
    "documents a response" → "at least a 50% drop in the PHQ-9 score", "is reviewed before each period"
    → "requires records showing that the PHQ-9 score improved" — is a criterion the extractors have no
    field for (their score fields are baseline severity): a ``criteria`` change, never wording."""
    if not lo or not ln:
        return []
    (oa, ob), (na, nb) = _line(old.text, lo), _line(new.text, ln)
    old_line, new_line = old.text[oa:ob], new.text[na:nb]
    before, after = _measures(old_line, rewritten), _measures(new_line, rewritten)
    heading = seg.heading if seg else ""
    if before == after or not _CONTINUATION.search(f"{heading} {old_line} {new_line}"):
        return []
    drug, indication = _governing(new, drug, ln[0])
    was, now = _short_line(old_line), _short_line(new_line)
    label = f"{taxonomy.subject(drug, indication)}: {taxonomy.field_label('response')}"
    return [
        bullet(
            f"{label}: “{was}” → “{now}”",
            "response",
            drug,
            indication,
            was,
            now,
            evidence.span(old, oa, ob, lo[2]),
            evidence.span(new, na, nb, ln[2]),
        )
    ]


def short(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis: how a bullet quotes a passage."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_line(text: str) -> str:
    return short(" ".join(text.split()).lstrip("-• "))


#: A whole sentence or list item added (or removed) that states a requirement is a criterion, even when
#: the extractors read no value from it: "The prescriber must also be enrolled in the REMS."
_REQUIREMENT = re.compile(
    r"\b(?:must|required|requires|is limited to|only (?:when|if)|may not|cannot|needs? to)\b", re.I
)
_REQUIREMENT_FIELD = (
    ("prescriber", re.compile(r"\bprescrib(?:er|ed|ing)\b|\bpsychiatrist\b", re.I)),
    ("rems", re.compile(r"\bREMS\b")),
    ("psychotherapy", re.compile(r"\bpsychotherapy\b", re.I)),
    ("documentation", re.compile(r"\bdocument(?:ation|ed|s)?\b", re.I)),
    ("concomitant_antidepressant", re.compile(r"\boral antidepressant\b", re.I)),
)


def _requirement(text: str, added: bool, old, new, lo, ln, drug) -> list[dict]:
    sentence = " ".join(text.split())
    if len(sentence.split()) < 5 or not re.search(r"[.;:]$", sentence) or not _REQUIREMENT.search(sentence):
        return []
    field = next((f for f, pattern in _REQUIREMENT_FIELD if pattern.search(sentence)), None)
    loc = ln if added else lo
    if field is None or not loc:
        return []
    ep = new if added else old
    drug, indication = _governing(ep, drug, loc[0])
    ev = evidence.span(ep, loc[0], loc[1], loc[2])
    short = sentence if len(sentence) <= 160 else sentence[:159] + "…"
    label = f"{taxonomy.subject(drug, indication)}: {taxonomy.field_label(field)}"
    text = f"{label} added: “{short}”" if added else f"{label} removed (was “{short}”)"
    return [
        bullet(
            text,
            field,
            drug,
            indication,
            None if added else short,
            short if added else None,
            None if added else ev,
            ev if added else None,
        )
    ]


def bullet(text, field, drug=None, indication=None, old=None, new=None, ev_old=None, ev_new=None) -> dict:
    """A bullet dict of the change record (evidence without version ids: the caller adds them). An
    indication key ``trd/monotherapy`` is split: ``indication`` trd, ``subpopulation`` monotherapy."""
    out = {
        "text": text,
        "drug": drug,
        "indication": indication,
        "field": field,
        "old": old,
        "new": new,
        "evidence": {"old": ev_old, "new": ev_new},
    }
    if indication and "/" in indication:
        out["indication"], out["subpopulation"] = indication.split("/", 1)
    return out
