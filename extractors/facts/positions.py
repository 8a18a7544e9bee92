"""Which coverage stance a clause states, if any.

The stock phrasings are in docs/domain.md. What this module mostly decides is what is *not* a position,
because
policies are full of coverage words that state nothing about the drug:

* pointers to other policies ("is addressed in", "see the pharmacy policy", "outside the scope");
* code-table disclaimers ("a code appearing here does not mean the service is covered or excluded");
* benefit boilerplate ("self-administered drugs are not covered under Part B", "must provide all medically
  necessary, Medicaid-covered services", "ensure the prescription drug is covered under their benefit plan");
* FDA wording ("is approved for", "is indicated for"): the label, not the payer;
* statements about a billing code ("J3490 will no longer be a benefit") rather than the drug.

A combined wording takes the strongest word, in the order the labels use: experimental/investigational
beats unproven beats not medically necessary beats not covered ("INVESTIGATIVE and, therefore, NOT
COVERED" is investigational).

The payer is often the subject ("UMR will approve Spravato when …", "Molina authorizes …", "The plan
covers …", "will not authorize …") or the member is ("members may be eligible under the Plan for …"): the
active and the eligibility wordings are stances like the passive ones; "This policy covers X" is scope.

``stance`` also says how the stance was worded: ``approval`` for "may be approved / authorization of N
months may be granted" (a statement about an authorization, which needs a named indication to be a
position) and ``weak`` for "may not be approved for the following" (a denial rule whose list often gets
its real stance from the next sentence).
"""

from __future__ import annotations

import re

_POINTER = re.compile(
    r"not addressed|is addressed (?:in|by|under)|are addressed (?:in|by|under)|addressed separately|"
    r"does not address|do not address|refer to (?:the|a|our)|\bsee (?:the|also|our|a)\b|outside the scope|"
    r"not subject to th|not part of (?:this|the official)|beyond the scope|separate (?:\w+ )?policy|"
    r"\b(?:this|the) (?:policy|document|guideline|bulletin|article|notice) (?:covers|addresses|describes|"
    r"discusses|applies to|explains|outlines|sets (?:out|forth)|states (?:when|how|whether|which))\b",
    re.I,
)
#: "Any use … not addressed above" is the uses the policy leaves out (``other``), not a pointer elsewhere.
_UNADDRESSED = re.compile(
    r"\b(?:any|all|every)\s+(?:[\w-]+\s+){0,5}?(?:uses?|indications?|conditions?|diagnos[ie]s|purposes?)\b"
    r"[^.;:]{0,40}?\bnot (?:addressed|described|outlined|mentioned)\b",
    re.I,
)
#: A benefit rule about a class of services ("The Company does not cover investigational services"): it
#: names no drug and no use of one, and states no position on either.
_CLASS_RULE = re.compile(
    r"\b(?:does|do|will) not cover (?:any )?(?:experimental|investigational|investigative|unproven)"
    r"(?:\s*(?:,|/|or|and|and/or)\s*(?:experimental|investigational|investigative|unproven))*\s+"
    r"(?:services|treatments|procedures|drugs|items|care|therapies|supplies)\b|"
    r"^\W*(?:experimental|investigational|investigative)(?:\s*(?:,|/|or|and|and/or)\s*"
    r"(?:experimental|investigational|investigative|unproven))*\s+(?:services|treatments|procedures|items|"
    r"therapies) (?:are|is) (?:not covered|excluded)\b",
    re.I,
)
_DISCLAIMER = re.compile(
    r"does not (?:mean|imply|guarantee|constitute|establish)|do not "
    r"(?:mean|imply|guarantee|constitute|establish)|"
    r"not a guarantee|no guarantee|inclusion (?:or exclusion )?of (?:a |any )?(?:procedure |diagnosis )?code|"
    r"\blisting (?:of )?(?:a )?code|\ba code appearing|codes? (?:are|is) (?:listed|shown|provided|included) "
    r"for|"
    r"\bfor (?:informational|reference) purposes|\bappearing in this list|"
    r"must provide all medically necessary|ensure (?:that )?the (?:prescription )?(?:drug|service) is "
    r"covered|"
    r"self-administered drugs are not covered|benefit (?:plan )?document|subject to the member'?s|"
    r"coverage depends on|not a benefit document|determines whether (?:the|a) (?:drug|service) is covered|"
    r"in the event of a conflict|medicaid-covered services|benefit determines",
    re.I,
)
#: The label named as a source ("as the FDA labeling requires", "per the prescribing information").
_FDA_NAME = re.compile(
    r"\bFDA\b|food and drug administration|\blabel(?:ing|ed)?\b|package insert|prescribing information", re.I
)
#: What the label says the drug is for ("is approved for", "is indicated in", "received approval").
_FDA_CLAIM = re.compile(r"approv|indicat|clear(?:ed|ance)|licens", re.I)
#: "the FDA-approved REMS": the label as the source of a thing, no claim ("the FDA approved X" is one).
_FDA_ADJECTIVE = re.compile(
    r"\b(?:the|an?|its|their)\s+FDA-approved\b(?!\s+(?:for|as|in|by|to|with)\b)", re.I
)
#: "… is approved for TRD when the member meets the criteria below": the payer's approval rule, not the label.
_PAYER_CONDITION = re.compile(
    r"\b(?:when|if|once|provided|only after)\b[^.;]*?"
    r"\b(?:criteria|member|enrollee|request|the following|below|answers?)\b",
    re.I,
)
_FDA = re.compile(
    r"\bFDA\b|food and drug administration|\blabel(?:ing|ed)?\b|package insert|prescribing information|"
    r"\b(?:is|are|was|were)\s+(?:\w+\s+)?(?:approved|indicated)\s+(?:for|by|as|in)\b"
    r"(?!\s+(?:up to\s+|a period of\s+|an? "
    r"(?:initial|additional)\s+)?(?:\d|one|two|three|four|six|twelve|renewal))|"
    r"\breceived\b.*\bapproval|"
    r"\b(?:is|are|was|were)\b[^.;]{0,30}?(?<!medically )(?<!clinically )\bindicated\b(?!\s+by)",
    re.I,
)
_NEGATED_SUBJECT = re.compile(
    r"^\W*(?:no|none of the)\s+(?:\w+\s+)?(?:indications?|conditions?|uses?)\b", re.I
)
_QUESTION = re.compile(r"\?\W*$")
_CODE_SUBJECT = re.compile(
    r"\b(?:procedure|billing|hcpcs|cpt)\s+codes?\s+[A-Z]?\d{4}|\bcode [A-Z]\d{4}\b", re.I
)

_EI = re.compile(r"experimental|investigational|investigative", re.I)
_UNPROVEN = re.compile(
    r"\bunproven|not (?:been )?(?:medically )?proven|"
    # the proof denied in other words: "lacks proven benefit", "has not been shown to be effective"
    r"\black(?:s|ing)? (?:proven|demonstrated|established) (?:benefit|efficacy|effectiveness|value)|"
    r"\bnot (?:been )?(?:shown|demonstrated|established) to be (?:effective|beneficial|safe and effective)",
    re.I,
)
#: CMS wording: "reasonable and necessary" is Medicare's "medically necessary" (and "not reasonable and
#: necessary" its "not medically necessary"), also as "reasonable or necessary" and "medically reasonable …".
_RN = r"(?:medically (?:reasonable (?:and|or|&) )?necessary|reasonable (?:and|or|&) necessary)"
_NMN = re.compile(
    rf"not (?:be )?(?:considered |deemed |found |determined )?(?:to be )?{_RN}|"
    rf"(?:does|do|will) not consider\b[^.;]{{0,60}}?(?:medically necessary|reasonable (?:and|or) necessary)|"
    r"(?:does|do) not meet (?:the )?(?:\w+ )?medical necessity|"
    r"(?:does|do) not meet (?:the )?(?:medicare'?s? )?reasonable (?:and|or) necessary|"
    r"not (?:medically|clinically) (?:appropriate|indicated)|\black(?:s|ing)? medical necessity|"
    r"\bmedically unnecessary|"
    r"(?:does|do) not meet the definition of medical necessity|"
    r"(?:does|do) not meet [\w' ]*criteria (?:for|of) medical necessity|not supported by medical necessity",
    re.I,
)
#: The member as the subject of an eligibility rule: "members may qualify under the Plan for …" (and "may
#: NOT qualify under the Plan for …"), "qualifies for coverage"; not "qualify for a clinical trial".
_QUALIFY = (
    r"qualif(?:y|ies)\s+(?:for (?:coverage|reimbursement|payment)|"
    r"under\s+(?:the|this|their|its|our|your|a)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:plan|benefits?|program|coverage|contract|policy)\b)"
)
_NOT_COVERED = re.compile(
    r"not (?:be )?(?:considered |deemed )?(?:an? )?covered|"
    r"(?:does|do|will) not consider\b[^.;]{0,60}?covered|not an? (?:[A-Z][\w-]*\s+){0,2}(?:covered )?benefit|"
    r"no longer (?:be )?an? (?:[A-Z][\w-]*\s+){0,2}(?:covered )?benefit|"
    r"\bexcluded\b|non-?covered|does not cover|is not payable|not eligible for (?:coverage|reimbursement)|"
    # a positive cue under a negation: "we do not cover", "is never covered", "isn't covered", "no coverage
    # is available", "coverage is not provided", "not approvable", "falls outside coverage"
    r"\b(?:do|don[’']t|doesn[’']t)\s+(?:not\s+)?cover\b|(?:\bnever|n[’']t)\s+(?:be\s+)?covered\b|"
    r"\bno (?:coverage|benefits?|payment|reimbursement)\b(?!\s+(?:limits?|changes?|restrictions?)\b)|"
    r"\b(?:coverage|benefits?|payment|reimbursement)\b[^.;]{0,90}?\b(?:is|are|will|shall)\s+not\s+(?:be\s+)?"
    r"(?:provided|available|allowed|extended|made|offered|granted)\b|"
    r"\bnot (?:approvable|included in (?:the |its |their )?(?:benefits?|coverage))\b|"
    r"\b(?:falls?|is|are)\s+outside (?:of )?(?:the )?(?:coverage|benefits?)\b|"
    r"\bnot an? (?:payable|reimbursable|approved) (?:service|benefit|treatment|drug|therapy)\b|"
    r"(?:does|do) not meet [\w' ]*criteria|not (?:be )?reimbursed|"
    r"(?:will|shall|does|do) not (?:reimburse|cost-?share|pay for)|"
    r"outside the benefit|\bnot (?:approved|authori[sz]ed) for|not reimbursable|non-?reimbursable|"
    r"(?:will|shall) not be (?:reimbursed|paid)|coverage (?:is|will) not be provided|\bis not payable|"
    r"\b(?:not (?:be )?eligible|ineligible) (?:for (?:coverage|reimbursement|payment)|under)\b|"
    r"(?:will|shall|may) not cover\b|"
    r"not (?:be )?considered for (?:coverage|approval|payment|reimbursement)|"
    # "Requests for other diagnoses will not be considered" (not "… will not be considered unless …")
    r"\b(?:requests?|payment|claims?)\b[^.;]{0,60}?\b(?:will|shall) not be considered\b"
    r"(?![^.;]*\b(?:unless|until|without|if)\b)|"
    r"no longer (?:be )?(?:covered|cover(?:s|ing)?\b)|(?:stop|stops|cease|ceases|discontinue)\s+covering|"
    rf"\bnot\s+{_QUALIFY}|"
    r"(?:benefit|plan|contract|contractual) exclusions?\b(?!\s+criteri)|"
    r"\b(?:is|are) an? (?:coverage )?exclusion\b(?!\s+criteri)",
    re.I,
)
_WEAK_NEGATIVE = re.compile(
    r"\b(?:will|may|should|must) not be (?:approved|authori[sz]ed)|will be denied|"
    r"\b(?:is|are) (?:not (?:be )?(?:approved|authori[sz]ed)\b(?! for)|denied\b)|"
    r"\bcannot be (?:approved|authori[sz]ed)|"
    r"\b(?:will|may|shall|does|do|can)\s+not\s+(?:approve|authori[sz]e)\b|\bwon't (?:approve|authori[sz]e)\b",
    re.I,
)
_NOT_EXCLUDED = re.compile(r"\bnot excluded\b", re.I)
_COVERED = re.compile(
    r"medically necessary|medically appropriate|definition of medical necessity|\bproven\b|"
    r"covered (?:benefit|service|drug|medication|treatment)|"
    r"considered for (?:coverage|approval|authori[sz]ation)|"
    r"\b(?:begin|begins|start|starts|continue|continues)\s+(?:to\s+cover\b|covering\b)|"
    r"\b(?:is|are|be|remains?|also) (?:then |only |still |also )?covered\b|limited benefit|"
    r"\b(?:is|be|remains?) (?:also )?an? (?:[A-Z][\w-]*\s+){0,2}benefit\b|will (?:also )?be indicated|"
    r"meets? [\w' ]*criteria for coverage|"
    r"eligible for (?:coverage|reimbursement)|reasonable and necessary|\bis (?:reimbursable|payable)\b|"
    r"coverage\b[^.;]{0,90}?\b(?:is|will be|may be) (?:provided|available|allowed|extended|granted)|"
    # a table cell or PDL note whose subject is its row: "Covered for treatment-resistant depression …"
    r"^\W*covered\s+(?:for|in|when|with|only)\b|"
    # Medicaid charts: "Payment will be considered for …", "… will consider payment"
    r"\bpayment\b[^.;]{0,100}?\b(?:will|may|shall|can) (?:also )?be considered\b|"
    r"\b(?:will|may|shall) (?:also )?consider payment\b|"
    rf"\b{_QUALIFY}|"
    r"\b(?:is|are|be|remains?)\s+(?:also\s+)?eligible (?:for (?:coverage|reimbursement|payment)|under)\b|"
    r"\b(?:will|may|shall|does|can)\s+(?:also\s+)?(?:only\s+)?cover\b|\bcovers\b|"
    # the payer or the member as subject: "we cover", "the plan pays for", "members with TRD are eligible for
    # esketamine", "is approvable for"
    r"\b(?:we|plans?)\s+(?:also\s+)?(?:only\s+)?(?:cover|pays? for)\b|"
    r"\b(?:is|are)\s+(?:also\s+)?eligible (?:to receive|for)\b"
    r"(?![^.;]{0,40}?\b(?:trials?|stud(?:y|ies)|research)\b)[^.;]{0,40}?"
    r"\b(?:ketamine|esketamine|spravato|ketalar|treatment|therapy|infusions?)\b|"
    r"\b(?:will|shall|may) (?:also )?(?:reimburse|cost-?share|pay for)\b|\bcost-?shared\b|"
    r"\b(?:is|are|remains?) payable\b",
    re.I,
)
_APPROVAL = re.compile(
    r"\b(?:may|will|can) be (?:prior )?(?:approved|authori[sz]ed)|\b(?:is|are) approvable\b|"
    r"\bapproved (?:when|if)|\bapprove for\b|"
    r"may be granted|approval is provided|"
    # the payer as the subject: "The plan may authorize coverage of …", "Acme approves Spravato for … when"
    r"\b(?:will|may|can|shall|should)\s+(?:also\s+)?(?:only\s+)?(?:approve|authori[sz]e)\b"
    r"(?!\s*(?:,|or|and/or)\s*(?:deny|reject))|"
    r"\b(?:authori[sz]es|approves)\b(?!\s*(?:,|or|and/or)\s*(?:denies|rejects))|"
    r"\b(?:approval|authori[sz]ation)s?\s+(?:will|may|can|shall) be (?:given|granted|issued)|"
    # the payer's rule worded like the label's, but with its conditions: "is approved for TRD when …"
    r"\b(?:is|are)\s+(?:only\s+)?(?:prior\s+)?(?:approved|authori[sz]ed)\s+(?:for|in)\b"
    r"(?=[^.;]*\b(?:when|if|once|provided)\b)|"
    # a PA form's rule in the imperative: "Approve Spravato when the answers to questions 1-4 are Yes"
    r"^\W*approve\b(?=[^.;]*\b(?:when|if|once|for)\b)|"
    # … after its condition: "If the answers above are Yes, approve Spravato for TRD for 12 months"
    r"^\W*if\b[^.;]*,\s*(?:then\s+)?approve\b(?=[^.;]*\bfor\b)|"
    r"\b(?:is|are) (?:prior )?(?:approved|authori[sz]ed) for (?:up to |a period of |an? (?:initial |"
    r"additional )?)?(?:\d|one|two|three|four|six|twelve)",
    re.I,
)
#: A prior-authorization requirement: the drug is covered, with criteria (for its labelled use when the
#: sentence names no indication).
_PA_REQUIRED = re.compile(
    r"(?:prior|pre-?)\s*authori[sz]ation (?:\(PA\) )?(?:is )?required|"
    r"requires? (?:a )?(?:(?:prior|pre-?)\s*authori[sz]ation|PA\b|precertification|prior approval)|"
    r"subject to (?:prior|pre-?)\s*authori[sz]ation|precertification (?:is )?required|"
    r"(?:available|covered|payable|approved|allowed) (?:only )?(?:with|through|via|upon|after) (?:a )?"
    r"(?:(?:prior|pre-?)\s*authori[sz]ation|PA\b|precertification)|"
    r"(?:prior|pre-?)\s*authori[sz]ation (?:applies|is needed)",
    re.I,
)
_CRITERIA = re.compile(
    r"\bcriteria (?:are|is) met|(?<!for the )following(?!\s+(?:uses?|indications?|diagnos[ie]s|purposes?|"
    r"disorders?|procedures?|conditions?\s*:?\s*$))|\bwhen\b|\bif\b|provided that|\bmust\b|\brequires?\b|"
    r"\brequired\b|"
    r"prior authori|precertif|limited benefit|\bwho (?:are|is|have|has|meet|show)|\bunless\b|"
    r"in (?:combination|conjunction) with|\bused (?:together )?with|with an oral|meets? (?:all|the "
    r"following)|"
    r"approv|authori[sz]|granted|\bonce (?:the|all|these|its|each) |"
    r"\bwith (?:criteria|restrictions|limitations|conditions)\b",
    re.I,
)


#: "… covered when used as an anesthetic": the use itself, not a criterion (it stays plain ``covered``).
_USE_WHEN = re.compile(
    r"\b(?:when|if)\s+(?:it is\s+|they are\s+)?(?:used|given|administered)\s+(?:as|for|during)\b"
    r".*?(?=\s+(?:and|who|if|provided|only|in (?:combination|conjunction))\b|[,;.]|$)",
    re.I,
)


#: "… covered when medically necessary": the benefit's general condition, not a criterion of this use.
_GENERAL_CONDITION = re.compile(
    r"\b(?:when|if|where|as)\s+(?:it is\s+|they are\s+|otherwise\s+|deemed\s+|determined to be\s+)?"
    r"(?:medically|clinically)\s+(?:necessary|appropriate|indicated)(?:\s+(?:and|or)\s+(?:appropriate|necessary))?"
    r"(?=\s*(?:[.;,]|$))",
    re.I,
)


def not_a_statement(clause: str) -> bool:
    """Pointers, disclaimers, boilerplate, code notes: no fact of any kind comes from these."""
    return bool(
        _POINTER.search(_UNADDRESSED.sub(" ", clause))
        or _DISCLAIMER.search(clause)
        or _CODE_SUBJECT.search(clause)
        or _CLASS_RULE.search(clause)
    )


def is_fda(clause: str) -> bool:
    """A sentence about the label or the FDA (it states no payer position or criterion by itself)."""
    if not _FDA.search(clause):
        return False
    return bool(_FDA_NAME.search(clause)) or not _PAYER_CONDITION.search(clause)


def cites_label(clause: str) -> bool:
    """The label named only as the source of a requirement ("enrolled in the REMS, as the FDA labeling
    requires", "under the FDA-approved REMS"), not a statement of what it approves: a criterion in a
    criteria list all the same."""
    return bool(_FDA_NAME.search(clause)) and not _FDA_CLAIM.search(_FDA_ADJECTIVE.sub(" ", clause))


def stance(clause: str) -> tuple[str | None, str]:
    """(position, how) for one clause; how is ``strong``, ``approval`` or ``weak``."""
    if not_a_statement(clause) or _NEGATED_SUBJECT.search(clause) or _QUESTION.search(clause):
        return None, ""  # a question asks, it states no stance ("Does the plan cover X for Y?")
    text = _NOT_EXCLUDED.sub(" ", clause)
    if _EI.search(text):
        return "experimental_investigational", "strong"
    if _UNPROVEN.search(text):
        return "unproven", "strong"
    if _NMN.search(text):
        return "not_medically_necessary", "strong"
    if _NOT_COVERED.search(text):
        return "not_covered", "strong"
    if _WEAK_NEGATIVE.search(text):
        return "not_covered", "weak"
    if _COVERED.search(text):
        bare = _GENERAL_CONDITION.sub(" ", _USE_WHEN.sub(" ", text))
        return ("covered_with_criteria" if _CRITERIA.search(bare) else "covered"), "strong"
    if _APPROVAL.search(text):
        return "covered_with_criteria", "approval"
    if _PA_REQUIRED.search(text):
        return "covered_with_criteria", "strong"
    return None, ""


def position_of(sentence: str) -> str | None:
    """The stance of a sentence (clause-insensitive shortcut kept for callers and tests)."""
    if is_fda(sentence):
        value, how = stance(re.sub(r"\b(?:approved|indicated)\s+(?:for|by|as|in)\b", " ", sentence))
        return value if how == "strong" else None
    return stance(sentence)[0]
