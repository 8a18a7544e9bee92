"""The change taxonomy and its words for humans: kinds, severities, and how drugs, indications, fields
and positions read in bullets, summaries, feed titles and mail.

The differ decides what a change *is*, so it owns this vocabulary; the store keeps kinds and severities as
plain strings, and feeds, mail, the web and the CLI import them from here. Bullets and summaries are read
in feeds, mail and the archive, and are matched by tests and users' scripts, so their wording lives in
one place. Unknown slugs fall back to a readable form of the slug instead of failing: a new extractor
field must never stop detection.
"""

from __future__ import annotations

import re

#: Change kinds (design contract). ``new_policy``, ``retired`` and ``reinstated`` stand alone; the others
#: are ranked by ``KIND_ORDER`` when one version moves several things.
KINDS = ("new_policy", "coverage_position", "criteria", "codes", "wording", "dates", "retired", "reinstated")
SEVERITIES = ("low", "medium", "high", "critical")
#: Most severe first: a version that moves several things is one change of the first kind present.
KIND_ORDER = ("new_policy", "coverage_position", "criteria", "codes", "wording", "dates")
#: The kind a bullet's field raises; every other field (age, weeks, REMS, ...) is a criterion.
FIELD_KIND = {
    "position": "coverage_position",
    "codes": "codes",
    "wording": "wording",
    "effective": "dates",
    "next_review": "dates",
}
#: Every kind has one severity: a subscriber's ``--min-severity`` is then a filter on kinds people can read.
KIND_SEVERITY = {
    "new_policy": "high",
    "coverage_position": "critical",
    "criteria": "high",
    "codes": "medium",
    "wording": "medium",
    "dates": "low",
    "retired": "high",
    "reinstated": "high",
}
#: How a kind reads in a feed entry or a mail ("Change: billing codes (medium)").
KIND_LABEL = {
    "new_policy": "new policy",
    "coverage_position": "coverage position",
    "criteria": "criteria",
    "codes": "billing codes",
    "wording": "wording",
    "dates": "dates",
    "retired": "retired",
    "reinstated": "reinstated",
}


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def kind_label(kind: str) -> str:
    return KIND_LABEL.get(kind, kind)


#: How a drug heads a fact bullet ("IV ketamine · depression").
DRUG_LABEL = {"ketamine": "IV ketamine", "esketamine": "Esketamine"}
#: How a drug is named inside a summary sentence ("... required for Spravato lowered from 3 to 2").
DRUG_NAME = {"ketamine": "ketamine", "esketamine": "Spravato"}
#: How drugs read in a feed entry title or a mail subject ("UHC · Esketamine: ...").
DRUG_TITLE = {"ketamine": "Ketamine", "esketamine": "Esketamine"}

INDICATION_LABEL = {
    "trd": "TRD",
    "mdsi": "MDSI",
    "depression": "depression",
    "bipolar_depression": "bipolar depression",
    "ptsd": "PTSD",
    "ocd": "OCD",
    "anxiety": "anxiety",
    "substance_use": "substance use disorder",
    "chronic_pain": "chronic pain",
    "neuropathic_pain": "neuropathic pain",
    "crps": "CRPS",
    "sickle_cell": "sickle-cell crisis",
    "post_concussion": "post-concussion syndrome",
    "anesthesia": "anesthesia",
    "other": "other indications",
    "all": "all indications",
}

POSITION_LABEL = {
    "covered": "covered",
    "covered_with_criteria": "covered with criteria",
    "not_covered": "not covered",
    "not_medically_necessary": "not medically necessary",
    "experimental_investigational": "experimental/investigational",
    "unproven": "unproven",
}

#: Criterion fields: label used in bullets, and the noun phrase used in summaries.
FIELD_LABEL = {
    "failed_antidepressants": (
        "failed antidepressants required",
        "trials of failed antidepressants required",
    ),
    "trial_weeks": ("antidepressant trial length (weeks)", "length of each antidepressant trial (weeks)"),
    "age_min": ("minimum age", "minimum age"),
    "age_max": ("maximum age", "maximum age"),
    "approval_initial": ("initial approval", "initial approval period"),
    "approval_continuation": ("continuation approval", "continuation approval period"),
    "concomitant_antidepressant": (
        "concomitant oral antidepressant",
        "concomitant oral antidepressant requirement",
    ),
    "rems": ("REMS-certified setting", "REMS-certified setting requirement"),
    "prescriber": ("prescriber", "prescriber requirement"),
    "dose_max_mg": ("maximum dose (mg)", "maximum dose (mg)"),
    "madrs_min": ("minimum MADRS score", "minimum MADRS score"),
    "phq9_min": ("minimum PHQ-9 score", "minimum PHQ-9 score"),
    "hamd_min": ("minimum HAM-D score", "minimum HAM-D score"),
    "qids_min": ("minimum QIDS score", "minimum QIDS score"),
    "psychotherapy": ("psychotherapy trial", "psychotherapy requirement"),
    "augmentation": ("augmentation trial", "augmentation trial requirement"),
    "augmentation_trials": ("augmentation trials required", "number of augmentation trials required"),
    "course_doses": ("doses or infusions per course", "number of doses or infusions per course"),
    "documentation": ("documentation", "documentation requirement"),
    "response": ("response required to continue", "response required to continue treatment"),
}

ABSENT = "not addressed"


def drug_label(drug: str | None) -> str:
    return DRUG_LABEL.get(drug or "", (drug or "").capitalize())


def drug_name(drug: str | None) -> str:
    return DRUG_NAME.get(drug or "", drug or "")


def drug_title(drug: str) -> str:
    """``esketamine`` → ``Esketamine``; an unknown slug is capitalised (the caller cleans hostile text)."""
    return DRUG_TITLE.get(drug, drug.capitalize())


def indication_label(indication: str | None) -> str:
    """``TRD``; a sub-population key ``trd/monotherapy`` reads ``TRD (monotherapy)``."""
    if not indication:
        return ""
    base, _, sub = indication.partition("/")
    label = INDICATION_LABEL.get(base, base.replace("_", " "))
    return f"{label} ({sub.replace('_', ' ')})" if sub else label


def position_label(value: str | None) -> str:
    if value is None:
        return ABSENT
    return " / ".join(POSITION_LABEL.get(v, v.replace("_", " ")) for v in value.split(" / "))


def field_label(field: str, *, summary: bool = False) -> str:
    pair = FIELD_LABEL.get(field)
    if pair is None:
        return field.replace("_", " ")
    return pair[1] if summary else pair[0]


def subject(drug: str | None, indication: str | None) -> str:
    """``Esketamine · TRD`` — the head of a fact bullet."""
    parts = [p for p in (drug_label(drug), indication_label(indication)) if p]
    return " · ".join(parts)


def _split_number(value: str | None) -> tuple[float | None, str]:
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(.*)$", value or "")
    return (float(m.group(1)), m.group(2).strip().lower()) if m else (None, "")


def numbers(old: str | None, new: str | None) -> tuple[float | None, float | None]:
    """Both values as numbers when they share a unit ("6 months" vs "12 months"), else (None, None)."""
    (a, ua), (b, ub) = _split_number(old), _split_number(new)
    if a is None or b is None or ua != ub:
        return None, None
    return a, b


def value_label(value: str | None) -> str | None:
    """A criterion value for people: "monotherapy_allowed" reads "monotherapy allowed"."""
    return value.replace("_", " ") if value else value


#: How an indication heads a column or a row where there is room for its full name (the coverage matrix,
#: the policy chart); bullets and subjects keep the short ``INDICATION_LABEL`` forms.
INDICATION_NAME = {
    "trd": "treatment-resistant depression",
    "mdsi": "depression with suicidal ideation (MDSI)",
    "depression": "depression",
    "bipolar_depression": "bipolar depression",
    "ptsd": "PTSD",
    "ocd": "OCD",
    "anxiety": "anxiety disorders",
    "substance_use": "substance use disorder",
    "chronic_pain": "chronic pain",
    "neuropathic_pain": "neuropathic pain",
    "crps": "complex regional pain syndrome",
    "sickle_cell": "sickle-cell crisis",
    "post_concussion": "post-concussion syndrome",
    "anesthesia": "anesthesia",
    "other": "other indications",
    "all": "all indications",
}


def indication_name(indication: str | None) -> str:
    """``trd`` → ``treatment-resistant depression``: the long form for headings and row labels."""
    if not indication:
        return ""
    base, _, sub = indication.partition("/")  # "trd/monotherapy": a sub-population with its own stance
    name = INDICATION_NAME.get(base, indication_label(base))
    return f"{name} ({sub.replace('_', ' ')})" if sub else name
