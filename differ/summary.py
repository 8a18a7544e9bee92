"""The change's drugs and its one-line summary: what a feed entry title or a mail subject says.

Read by people deciding whether to open the change, so it leads with the most severe bullet (``compare``
sorts them by kind), names the payer, the drug as members know it (Spravato, ketamine) and the indication
unless it is the drug's usual one, and counts the other bullets. Kept apart from ``compare`` (which decides
what changed) because its wording is matched by users' feed filters and mail rules and changes on its own.
"""

from __future__ import annotations

from differ import taxonomy
from extractors.model import DRUGS, ExtractedPolicy

#: The indication a drug's summary may leave unsaid ("... required for Spravato lowered from 3 to 2").
_PRIMARY = {"esketamine": "trd"}


def drug_names(drugs) -> str:
    names = [taxonomy.drug_name(d) for d in drugs] or ["ketamine"]
    return " and ".join(names)


def change_drugs(bullets: list[dict], new: ExtractedPolicy, old: ExtractedPolicy) -> tuple[str, ...]:
    found = {b["drug"] for b in bullets if b.get("drug")}
    if not found:
        found = set(new.drugs) or set(old.drugs)
    return tuple(d for d in DRUGS if d in found)


def _for(drug: str | None, ind: str | None) -> str:
    name = taxonomy.drug_name(drug)
    if ind and _PRIMARY.get(drug or "") != ind:
        return f"{name} ({taxonomy.indication_label(ind)})"
    return name


def summarize(kind: str, bullets: list[dict], payer: str, title: str, drugs) -> str:
    main = [b for b in bullets if taxonomy.FIELD_KIND.get(b["field"], "criteria") == kind]
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
        line = f"wording changed in the {drug_names(drugs)} passages of {title}"
    else:
        line = f"dates changed in {title}: " + "; ".join(x["text"] for x in bullets)
        return f"{payer}: {line}"
    others = len([x for x in bullets if x is not b and x["field"] not in ("effective", "next_review")])
    if others:
        line += f" (+{others} more)"
    return f"{payer}: {line}"
