"""Where criteria that name no use of their own go: the drug × indication a criterion belongs to.

Criteria are often written apart from the statement they qualify: in a list under a lead-in that names
no use ("All of the following must be met:"), under an approval-criteria heading whose first item names
the diagnosis, in a table row, or before any statement of their drug (a PA form's questions above "The plan
approves Spravato for TRD when the answers to A–D are Yes"). The units (units.py), table rows (tables.py)
and forms (forms.py) read the criteria; these methods decide whose they are, from the lead-in, the block's
label, the headings and the criteria targets (context.py) the reader keeps.

Mixed into ``Reader`` (reader.py), which owns that state.
"""

from __future__ import annotations

import re

from . import scope as S
from .clauses import indications_of
from .context import ALTERNATIVES, EXCLUSION_LEAD, INHERITED, LeadIn

_DIAGNOSIS = re.compile(r"\b(?:diagnosis|diagnosed)\b", re.I)


class TargetingReader:
    def adopt_orphans(self, drugs, inds, backed: bool = False) -> None:
        """Criteria read before any statement of their drug ("A. Is the member 18 or older?" over "The plan
        approves Spravato for TRD when the answers to A–D are Yes") belong to the first one after them; those
        read before any drug was named, only to one that points back at them (``backed``)."""
        keep = []
        for o_drugs, fld, value, block, a, b in self.orphans:
            both = tuple(d for d in o_drugs if d in drugs) if o_drugs or not backed else drugs
            if both:
                self.emit(both, inds, fld, value, INHERITED, block, a, b)
            else:
                keep.append((o_drugs, fld, value, block, a, b))
        self.orphans = keep

    def diagnosis_opens_criteria(self, body: str, path, in_list: bool) -> bool:
        """ "Individual has a diagnosis of treatment-resistant depression; AND" as the first criterion under
        an approval-criteria heading with no statement of its own: the indication the criteria are for."""
        lead = self.leadin
        # "Criteria for approval:" over its list, as a lead-in or as a heading-like paragraph
        label = (in_list and lead is not None and lead.label) or self.label_block == self.blocks - 1
        if in_list and lead is not None and (lead.stance or lead.inds) and not label:
            return False  # the lead-in above says what the list is about ("All of the following:" does not)
        if not (_DIAGNOSIS.search(body) and (label or S.approval_heading(path))):
            return False
        t = self.targets.current
        if label or t is None or path[: len(t.path)] != t.path:
            return True
        # the target of this section came from its heading alone ("I. Treatment-Resistant Depression (all
        # must be met)" under "Initial Approval Criteria"): no statement gave the use its position yet
        inds = set(indications_of(body)) & set(t.inds)
        return bool(inds) and not any(
            c.field == "position" and c.drug in t.drugs and c.indication in inds for c in self.out
        )

    def criteria_leadin(self, block, path, a, b, drugs, inds, named: bool = True) -> None:
        """A lead-in without a stance ("Criteria include:", "Treatment Resistant MDD:"): its list holds
        criteria; under an approval-criteria heading, the indication it names is covered with criteria. A list
        item that names no use ("e. Failure of one of the following augmentation therapies: …", ``named``
        False) is one criterion with alternatives of its own: it states no position of the use around it."""
        inds = inds or self.targets.inds
        if inds and drugs:
            self.targets.set(drugs, inds, True, path)
            if S.approval_heading(path) and named:
                self.emit(drugs, inds, "position", "covered_with_criteria", INHERITED, block, a, b)
        own = bool(inds) and inds != self.targets.inds
        self.close_leadin(None)
        alt = bool(ALTERNATIVES.search(block.text[a:b]))
        self.leadin = LeadIn(drugs, None, "", inds, self.level_of(path), path=path, alt=alt)
        self.leadin.label = not own and S.approval_heading((block.text[a:b],))
        self.leadin.exclusion = bool(EXCLUSION_LEAD.search(block.text[a:b]))

    def criteria_inds(
        self, path, own, block_inds, head_inds, in_list, same_block, drugs=()
    ) -> tuple[str, ...]:
        """Indications criteria without their own belong to. A list item's "diagnosis of major depressive
        disorder" is part of its parent's TRD criteria, not a depression criterion."""
        own = tuple(i for i in own if i != "other")
        lead = self.leadin.inds if in_list and self.leadin else ()
        tgt = block_inds or lead or self.targets.inds
        generic = own == ("depression",) and tgt and set(tgt) <= {"trd", "mdsi", "depression"}
        if own and not in_list and not generic:
            return own
        if block_inds:
            return block_inds
        if in_list and self.leadin and (self.leadin.current or self.leadin.inds or self.leadin.found):
            return self.leadin.current or self.leadin.inds or tuple(dict.fromkeys(self.leadin.found))
        if head_inds:
            return head_inds
        target = self.targets.pick(path, (), same_block, drugs)
        return target.inds if target else ()
