"""From candidate statements to the facts of one version: one stance per drug × indication ×
sub-population, one value per single-valued criterion.

* A stance stated in the statement's own words beats one inherited from a lead-in or heading, which beats
  a default ("… is covered" with no indication in reach is about TRD for esketamine); among equals the
  first statement in the document wins.
* A sub-population keeps its own row only when its stance differs from the indication's: "as monotherapy
  … is unproven for TRD" next to "covered with criteria for TRD" keeps both; "will also be indicated as
  monotherapy for TRD" alone is the TRD row.
* "Covered" becomes "covered with criteria" when the policy states criteria for that drug × indication.
* Alternatives ("ONE of the following: with an oral antidepressant; or as monotherapy") allow monotherapy.
"""

from __future__ import annotations

from ..model import DRUGS, CoverageFact
from ..terms import INDICATIONS
from .context import Candidate

FIELDS = (
    "position",
    "age_min",
    "age_max",
    "prescriber",
    "failed_antidepressants",
    "trial_weeks",
    "antidepressant_classes",
    "augmentation",
    "concomitant_antidepressant",
    "madrs_min",
    "phq9_min",
    "hamd_min",
    "qids_min",
    "rems",
    "monitoring_hours",
    "approval_initial",
    "approval_continuation",
    "dose_max_mg",
    "codes",
)
#: Fields with more than one true value per drug × indication (everything else has one).
MULTI = {"codes"}
_IND_ORDER = {slug: i for i, (slug, _) in enumerate(INDICATIONS)} | {"any": 99}


def _best(cands: list[Candidate]) -> Candidate:
    return min(cands, key=lambda c: (-c.strength, c.block.start + c.a))


def resolve(cands: list[Candidate]) -> tuple[CoverageFact, ...]:
    positions: dict[tuple, list[Candidate]] = {}
    values: dict[tuple, list[Candidate]] = {}
    for c in cands:
        if c.field == "position":
            positions.setdefault((c.drug, c.indication, c.subpopulation), []).append(c)
        else:
            key = (c.drug, c.indication, c.field) + ((c.value,) if c.field in MULTI else ())
            values.setdefault(key, []).append(c)
    chosen = {key: _best(cs) for key, cs in positions.items()}
    for (drug, ind, sub), cand in list(chosen.items()):
        if sub is None:
            continue
        main = chosen.get((drug, ind, None))
        if main is None:
            del chosen[drug, ind, sub]
            cand.subpopulation = None
            chosen[drug, ind, None] = cand
        elif main.value == cand.value:
            del chosen[drug, ind, sub]
    with_criteria = {(k[0], k[1]) for k in values if k[2] != "codes"}
    facts = []
    for cand in chosen.values():
        value = cand.value
        if value == "covered" and (cand.drug, cand.indication) in with_criteria:
            value = "covered_with_criteria"
        facts.append(_fact(cand, value))
    for cs in values.values():
        best = _best(_alternatives(cs))
        facts.append(_fact(best, best.value))
    return tuple(sorted(facts, key=_order))


def _alternatives(cs: list[Candidate]) -> list[Candidate]:
    """ "ONE of the following: combined with an oral antidepressant; or monotherapy": when one list of
    alternatives gives a concomitant antidepressant both ways, monotherapy is allowed."""
    mono = {c.alt for c in cs if c.alt is not None and c.value == "monotherapy_allowed"}
    if not mono:
        return cs
    return [c for c in cs if not (c.alt in mono and c.value == "required")]


def _fact(c: Candidate, value: str) -> CoverageFact:
    b = c.block
    return CoverageFact(
        c.drug,
        c.indication,
        c.field,
        value,
        b.text[c.a : c.b],
        b.start + c.a,
        b.start + c.b,
        b.page,
        c.subpopulation,
    )


def _order(f: CoverageFact):
    return (
        DRUGS.index(f.drug) if f.drug in DRUGS else 9,
        _IND_ORDER.get(f.indication, 50),
        f.indication,
        FIELDS.index(f.field) if f.field in FIELDS else 99,
        f.field,
        f.subpopulation or "",
        f.value,
        f.start,
    )
