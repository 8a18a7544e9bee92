"""Writes the ``<case>.before.html`` / ``<case>.after.html`` pairs in this folder (run it from anywhere).

The documents are written in our own words and follow the structure of real payer documents (see
../../../../shared/domain.md): a UnitedHealthcare-style Spravato policy, an Aetna-style ketamine CPB, a
BCBS-style omnibus psychiatric-treatments policy and a Cigna-style drug policy. Each case is one small
edit of a base document; the expected outcome of every case is written by hand in ``expected.yaml``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent

UHC = dict(
    number="2025D0069O", effective="October 1, 2025", age="18", failed="three", weeks="6", initial="6",
    cont="12", year="2025", printed="", nav="Home | Policies | Contact", together=(
        "<li>Spravato will be used together with an oral antidepressant; and</li>"),
    rems="<li>Spravato is given in a healthcare setting certified under the Spravato REMS program; and</li>",
    setting="Patients are observed for at least two hours after each dose.",
    mdsi=("<p>Spravato is proven and medically necessary for the treatment of depressive symptoms in adults with "
          "major depressive disorder with acute suicidal ideation or behavior when used with an oral antidepressant. "
          "Initial authorization for this use is for no more than 1 month.</p>"),
    other="<p>Spravato is unproven and not medically necessary for all other indications.</p>",
    codes=[("G2082", "Office visit with supervised self-administration of esketamine nasal spray, up to 56 mg, "
            "with 2 hours of observation"),
           ("G2083", "Office visit with supervised self-administration of esketamine nasal spray, over 56 mg, "
            "with 2 hours of observation"),
           ("J3490", "Unclassified drugs (esketamine, before a dedicated code existed)"),
           ("S0013", "Esketamine, nasal spray, 1 mg")],
    history=[("10/01/2025", "Annual review. Updated References."),
             ("10/01/2024", "Clarified the REMS observation requirement.")],
    background=("Esketamine is the S-enantiomer of ketamine, given as a nasal spray. It acts on NMDA receptors. "
                "Depression that does not respond to several antidepressants is common in adults."),
    evidence=("Short-term trials in adults with treatment-resistant depression found faster improvement with "
              "esketamine plus an oral antidepressant than with the antidepressant alone."),
    refs=["Adams J, et al. Nasal esketamine in resistant depression. J Psych Trials. 2019;12:100-110.",
          "Baker L, et al. Maintenance of response with esketamine. Mood Res. 2020;4:55-63.",
          "Chen P, et al. Esketamine for suicidal ideation. Crisis Med. 2021;8:1-9."],
    attrs="", sep="\n",
)

UHC_T = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Spravato (Esketamine) - Medical Benefit Drug Policy</title></head>
<body{attrs}>
<nav class="site-nav">{nav}</nav>
<main>
<h1>Spravato&reg; (Esketamine)</h1>
<p>UnitedHealthcare&reg; Commercial Medical Benefit Drug Policy</p>
<p>Policy Number: {number}</p>
<p>Effective Date: {effective}</p>
{printed}
<h2>Instructions for Use</h2>
<p>This Medical Benefit Drug Policy helps in interpreting UnitedHealthcare standard benefit plans.{sep}When deciding
coverage, the member specific benefit plan document must be referenced first.</p>
<h2>Coverage Rationale</h2>
<p>Spravato is proven and medically necessary for the treatment of treatment-resistant depression when all of the
following criteria are met:</p>
<h3>Initial Therapy</h3>
<ul>
<li>Diagnosis of major depressive disorder confirmed by a mental health professional; and</li>
<li>Patient is {age} years of age or older; and</li>
<li>Patient has not responded to at least {failed} different antidepressants, each tried for at least {weeks} weeks
at an adequate dose in the current episode; and</li>
{together}
{rems}
<li>Initial authorization is for no more than {initial} months.</li>
</ul>
<p>{setting}</p>
<h3>Continuation of Therapy</h3>
<ul>
<li>Documentation of a positive clinical response to Spravato; and</li>
<li>Reauthorization is for no more than {cont} months.</li>
</ul>
{mdsi}
{other}
<h2>Applicable Codes</h2>
<p>The following list of codes is provided for reference purposes only.</p>
<table>
<tr><th>HCPCS Code</th><th>Description</th></tr>
{code_rows}
</table>
<h2>Background</h2>
<p>{background}</p>
<h2>Clinical Evidence</h2>
<p>{evidence}</p>
<h2>References</h2>
<ol>
{ref_items}
</ol>
<h2>Policy History/Revision Information</h2>
<table>
<tr><th>Date</th><th>Summary of Changes</th></tr>
{history_rows}
</table>
</main>
<footer class="site-footer">&copy; {year} United HealthCare Services, Inc. All rights reserved.</footer>
</body></html>
"""

AETNA = dict(
    number="0938", effective="01/15/2025", next_review="01/15/2026", last_review="01/15/2025",
    indications=["Treatment-resistant depression", "Post-traumatic stress disorder", "Chronic pain syndromes",
                 "Complex regional pain syndrome"],
    position="experimental, investigational, or unproven",
    cpt=["96365", "96366", "96367", "96368"],
    scope="This Clinical Policy Bulletin addresses intravenous ketamine for depression and other selected indications.",
    extra="",
    background=("Ketamine is an anesthetic agent approved for induction of anesthesia. Off-label intravenous infusion "
                "of ketamine has been studied for mood disorders and pain."),
    refs=["Doe A, et al. Ketamine infusion for depression. Am J Mood. 2018;3:10-18.",
          "Evans R, et al. Ketamine in chronic pain: a review. Pain Rev. 2020;7:201-219."],
    nbsp=" ", shy="", aside="Related news: new portal launched",
    banner="",
)

AETNA_T = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Ketamine - Medical Clinical Policy Bulletins</title></head>
<body>
<aside class="related-news">{aside}</aside>
<div class="cpb">
{banner}
<h1>Ketamine</h1>
<p>Number: {number}</p>
<p>Last Review: {last_review}</p>
<p>Effective: {effective}</p>
<p>Next Review: {next_review}</p>
<h2>Policy</h2>
<h3>Scope of Policy</h3>
<p>{scope}</p>
<ol>
<li>Experimental, Investigational, or Unproven
<p>Aetna considers intravenous ketamine{nbsp}{position} for the following indications (not an all-inclusive
list) because its effectiveness has not been established:</p>
<ul>
{ind_items}
</ul></li>
</ol>
{extra}
<h3>Related Policies</h3>
<p>Other psychiatric treatments are addressed in separate bulletins.</p>
<h2>Code Information</h2>
<table>
<tr><th>Code</th><th>Code Description</th></tr>
<tr><td colspan="2">CPT codes not covered for ketamine for indications listed in the CPB:</td></tr>
{cpt_rows}
</table>
<h2>Background</h2>
<p>{background}</p>
<h2>References</h2>
<ol>
{ref_items}
</ol>
</div>
</body></html>
"""

CPT_DESC = {
    "96365": "Intravenous infusion, for therapy, prophylaxis, or diagnosis; initial, up to 1 hour",
    "96366": "Intravenous infusion; each additional hour",
    "96367": "Intravenous infusion; additional sequential infusion of a new drug, up to 1 hour",
    "96368": "Intravenous infusion; concurrent infusion",
    "96372": "Therapeutic, prophylactic, or diagnostic injection; subcutaneous or intramuscular",
}

OMNI = dict(
    number="5.01.30", effective="March 1, 2025",
    tms=("Transcranial magnetic stimulation may be considered medically necessary for major depressive disorder "
         "after failure of at least two antidepressant medications."),
    ect="Electroconvulsive therapy is covered for severe depression when other treatments have failed.",
    ketamine=("<p>Intravenous ketamine infusion is considered investigational for the treatment of depression, "
              "post-traumatic stress disorder and anxiety disorders.</p>"),
    extra_section="",
    codes=[("90867", "Therapeutic repetitive transcranial magnetic stimulation treatment; initial"),
           ("90870", "Electroconvulsive therapy")],
    history=[("03/01/2025", "Policy reviewed; no changes to criteria.")],
)

LISTS = ("<p>The following treatments may be considered medically necessary for treatment-resistant depression "
         "when the criteria in this policy are met:</p><ul><li>Electroconvulsive therapy</li>{covered}</ul>"
         "<p>The following are considered investigational for treatment-resistant depression:</p>"
         "<ul><li>Deep brain stimulation</li>{investigational}</ul>")
KET_ITEM = "<li>Intravenous ketamine infusion</li>"
DRUGS_AS = ("<h3>Drugs Covered with Prior Authorization</h3><p>The drugs below are covered when a prior "
            "authorization request is approved.</p>{}")
DRUG_TABLE = ("<table><tr><th>Drug</th><th>HCPCS</th><th>Criteria</th></tr><tr><td>Esketamine nasal spray "
              "(Spravato)</td><td>J0013</td><td>PA-ESK-03</td></tr><tr><td>Brexanolone injection</td>"
              "<td>J1632</td><td>PA-BRX-01</td></tr></table>")
DRUG_LIST = ("<ul><li>Esketamine nasal spray (Spravato): HCPCS J0013; criteria PA-ESK-03</li><li>Brexanolone "
             "injection: HCPCS J1632; criteria PA-BRX-01</li></ul>")

OMNI_T = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Treatments for Depression and Other Psychiatric Conditions</title></head>
<body>
<h1>Treatments for Depression and Other Psychiatric Conditions</h1>
<p>Medical Policy: {number}</p>
<p>Effective Date: {effective}</p>
<h2>Description</h2>
<p>This policy describes the coverage of several non-drug and drug treatments for psychiatric conditions.</p>
<h2>Policy/Criteria</h2>
<h3>Transcranial Magnetic Stimulation</h3>
<p>{tms}</p>
<h3>Electroconvulsive Therapy</h3>
<p>{ect}</p>
<h3>Other Treatments</h3>
{ketamine}
<p>Vagus nerve stimulation is considered investigational for depression.</p>
{extra_section}
<h2>Procedure Codes</h2>
<table>
<tr><th>Code</th><th>Description</th></tr>
{code_rows}
</table>
<h2>Revision History</h2>
<table>
<tr><th>Date</th><th>Action</th></tr>
{history_rows}
</table>
</body></html>
"""

CIGNA = dict(
    number="IP 0123", effective="06/01/2025", trd_months="6", mdsi_months="1", renew_months="12",
    not_covered=["Ketamine (intravenous) for any psychiatric indication", "Esketamine for anxiety disorders"],
)

CIGNA_T = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Psychiatry - Spravato (esketamine nasal spray)</title></head>
<body>
<h1>Psychiatry &ndash; Spravato (esketamine nasal spray)</h1>
<p>Coverage Policy Number: {number}</p>
<p>Effective Date: {effective}</p>
<h2>Overview</h2>
<p>This policy supports medical necessity review for Spravato (esketamine nasal spray).</p>
<h2>Coverage Policy</h2>
<p>Spravato is considered medically necessary for treatment-resistant depression when the patient is 18 years of age
or older and has tried at least two antidepressants. Approve for {trd_months} months.</p>
<p>Spravato is considered medically necessary for major depressive disorder with acute suicidal ideation or behavior
in adults. Approve for {mdsi_months} month.</p>
<p>Continuation: approve for {renew_months} months when the patient has responded to therapy.</p>
<h2>Conditions Not Covered</h2>
<ul>
{nc_items}
</ul>
<h2>Revision Details</h2>
<table><tr><th>Type of Revision</th><th>Summary of Changes</th><th>Date</th></tr>
<tr><td>Annual revision</td><td>No criteria changes.</td><td>{effective}</td></tr></table>
</body></html>
"""


def uhc(**kw) -> str:
    v = UHC | kw
    return UHC_T.format(
        **v,
        code_rows="\n".join(f"<tr><td>{c}</td><td>{d}</td></tr>" for c, d in v["codes"]),
        ref_items="\n".join(f"<li>{r}</li>" for r in v["refs"]),
        history_rows="\n".join(f"<tr><td>{d}</td><td>{t}</td></tr>" for d, t in v["history"]),
    )


def aetna(**kw) -> str:
    v = AETNA | kw
    return AETNA_T.format(
        **v,
        ind_items="\n".join(f"<li>{v['shy'].join([i[:5], i[5:]])}</li>" for i in v["indications"]),
        cpt_rows="\n".join(f"<tr><td>{c}</td><td>{CPT_DESC[c]}</td></tr>" for c in v["cpt"]),
        ref_items="\n".join(f"<li>{r}</li>" for r in v["refs"]),
    )


def omni(**kw) -> str:
    v = OMNI | kw
    return OMNI_T.format(
        **v,
        code_rows="\n".join(f"<tr><td>{c}</td><td>{d}</td></tr>" for c, d in v["codes"]),
        history_rows="\n".join(f"<tr><td>{d}</td><td>{t}</td></tr>" for d, t in v["history"]),
    )


def cigna(**kw) -> str:
    v = CIGNA | kw
    return CIGNA_T.format(**v, nc_items="\n".join(f"<li>{i}</li>" for i in v["not_covered"]))


def hist(date: str, text: str, base=UHC) -> list:
    return [(date, text), *base["history"]]


def ohist(date: str, text: str) -> list:
    return [(date, text), *OMNI["history"]]


UHC_REEXPORT = UHC_T.replace("<p>", '<p class="para" style="margin:0">').replace("<li>", '<li class="item">')
J0013 = ("J0013", "Esketamine, 1 mg")
KET_PTSD_NMN = ("<p>Intravenous ketamine infusion is considered investigational for the treatment of depression and "
                "anxiety disorders.</p><p>Intravenous ketamine is not medically necessary for post-traumatic stress "
                "disorder.</p>")

CASES: dict[str, tuple[str, str]] = {
    # ---- formatting-only and unrelated revisions: no change at all --------------------------------
    "falsepos-reexport": (uhc(), UHC_REEXPORT.format(
        **UHC, code_rows="\n".join(f"<tr><td>{c}</td><td>{d}</td></tr>" for c, d in UHC["codes"]),
        ref_items="\n".join(f"<li>{r}</li>" for r in UHC["refs"]),
        history_rows="\n".join(f"<tr><td>{d}</td><td>{t}</td></tr>" for d, t in UHC["history"]))),
    "falsepos-rewrap": (uhc(), uhc(sep="\n\n   ", setting="Patients are observed\nfor at least two hours\n after each dose.")),
    "falsepos-footer-year": (uhc(), uhc(year="2026")),
    "falsepos-printed-on": (uhc(printed="<p class=\"print-only\">Printed on 10/02/2025</p>"),
                            uhc(printed="<p class=\"print-only\">Printed on 11/20/2025</p>")),
    "falsepos-nav-menu": (uhc(), uhc(nav="Home | Find a Doctor | Policies | Pharmacy | Contact us")),
    "falsepos-body-attributes": (uhc(), uhc(attrs=' class="theme-2026" data-session="a81f"')),
    "falsepos-moved-paragraph": (uhc(), uhc(mdsi=UHC["other"], other=UHC["mdsi"])),
    "falsepos-moved-list-item": (uhc(), uhc(together=UHC["rems"], rems=UHC["together"])),
    "falsepos-references-reordered": (uhc(), uhc(refs=list(reversed(UHC["refs"])))),
    "falsepos-uhc-background-edit": (uhc(), uhc(background=UHC["background"].replace(
        "Depression that does not respond to several antidepressants is common in adults.",
        "Many adults live with depression that has not improved after several medicines."))),
    "falsepos-nbsp": (aetna(), aetna(nbsp="&nbsp;")),
    "falsepos-soft-hyphen": (aetna(), aetna(shy="&shy;")),
    "falsepos-aside-news": (aetna(), aetna(aside="Related news: portal maintenance on Sunday")),
    "falsepos-omnibus-unrelated": (omni(), omni(tms=OMNI["tms"].replace("at least two", "at least one"),
                                                history=ohist("06/01/2025", "TMS: reduced failed medications to one."))),
    "falsepos-omnibus-new-section": (omni(), omni(extra_section=(
        "<h3>Bright Light Therapy</h3><p>Bright light therapy is considered investigational for non-seasonal "
        "depression.</p>"))),
    "falsepos-omnibus-codes-other": (omni(), omni(codes=[*OMNI["codes"], ("90868", "Subsequent TMS session")])),
    "falsepos-omnibus-ect-wording": (omni(), omni(ect="Electroconvulsive therapy is covered for severe depression "
                                                      "after other treatments have not worked.")),
    "falsepos-cigna-case": (cigna(), cigna().replace("Conditions Not Covered</h2>", "CONDITIONS NOT COVERED</h2>")),
    "falsepos-same-document": (uhc(), uhc()),
    "falsepos-error-page": (uhc(), "<html><head><title>404 Page Not Found</title></head><body><h1>Page not found"
                                   "</h1><p>The page you requested could not be found.</p></body></html>"),
    # ---- real changes -------------------------------------------------------------------------------
    "truepos-criteria-count": (uhc(), uhc(failed="two", effective="December 15, 2025", history=hist(
        "12/15/2025", "Coverage Rationale: reduced the number of prior antidepressant trials from three to two."))),
    "truepos-criteria-trial-weeks": (uhc(), uhc(weeks="8", history=hist("11/01/2025", "Lengthened trials to 8 weeks."))),
    "truepos-criteria-age": (uhc(), uhc(age="21", history=hist("11/01/2025", "Raised the minimum age."))),
    "truepos-criteria-initial-approval": (uhc(), uhc(initial="3", history=hist("11/01/2025", "Shorter approval."))),
    "truepos-criteria-continuation": (uhc(), uhc(cont="6", history=hist("11/01/2025", "Shorter reauthorization."))),
    "truepos-criteria-monotherapy": (uhc(), uhc(together="", history=hist(
        "11/01/2025", "Removed the oral antidepressant requirement (monotherapy)."))),
    "truepos-criteria-and-codes": (uhc(), uhc(failed="two", codes=[*UHC["codes"][:3], J0013],
                                              history=hist("01/01/2026", "Two trials; J0013 replaces S0013."))),
    "truepos-position-change": (omni(), omni(ketamine=KET_PTSD_NMN, history=ohist(
        "07/01/2025", "Ketamine for PTSD is now not medically necessary."))),
    "truepos-position-indication-added": (aetna(), aetna(indications=[*AETNA["indications"],
                                                                      "Obsessive-compulsive disorder"])),
    "truepos-position-mdsi-unproven": (uhc(), uhc(mdsi="<p>Spravato is unproven and not medically necessary for "
                                                       "major depressive disorder with acute suicidal ideation or "
                                                       "behavior.</p>",
                                                  history=hist("11/01/2025", "MDSI is now unproven."))),
    "truepos-position-and-dates": (omni(), omni(ketamine=KET_PTSD_NMN, effective="July 1, 2025", history=ohist(
        "07/01/2025", "Ketamine for PTSD is now not medically necessary."))),
    "truepos-position-topic-removed": (omni(), omni(ketamine="", history=ohist(
        "07/01/2025", "Removed the ketamine statement (moved to a separate policy)."))),
    "truepos-codes-swap": (uhc(), uhc(codes=[*UHC["codes"][:2], J0013], number="2026D0069P",
                                      effective="January 1, 2026", history=hist(
        "01/01/2026", "Applicable Codes: added J0013; removed S0013 and J3490."))),
    "truepos-codes-added": (uhc(), uhc(codes=[*UHC["codes"], J0013], history=hist("12/01/2025", "Added J0013."))),
    "truepos-codes-removed": (uhc(), uhc(codes=[c for c in UHC["codes"] if c[0] != "J3490"],
                                         history=hist("12/01/2025", "Removed J3490."))),
    "truepos-codes-cpt-added": (aetna(), aetna(cpt=[*AETNA["cpt"], "96372"])),
    "truepos-dates-only": (uhc(), uhc(effective="January 1, 2026", history=hist(
        "01/01/2026", "Annual review; no change to coverage."))),
    "truepos-dates-next-review": (aetna(), aetna(next_review="01/15/2027", last_review="01/10/2026")),
    "truepos-wording-observation": (uhc(), uhc(setting="Patients are observed by a health care provider for at "
                                                       "least two hours after each dose and until they are "
                                                       "ready to leave.",
                                               history=hist("11/01/2025", "Clarified observation."))),
    "truepos-wording-silent-history": (uhc(), uhc(setting="Patients must be observed for two hours after each dose "
                                                          "and may not drive that day.")),
    "truepos-wording-omnibus-ketamine": (omni(), omni(ketamine=OMNI["ketamine"].replace(
        "</p>", " Ketamine given by mouth or under the tongue is addressed in the pharmacy policy.</p>"),
        history=ohist("07/01/2025", "Added a note on oral ketamine."))),
    "truepos-wording-scope": (aetna(), aetna(scope="This Clinical Policy Bulletin addresses intravenous ketamine "
                                                   "and esketamine nasal spray for depression and other selected "
                                                   "indications.")),
    # a typo fix hid a criterion from the extractors: wording, never "criteria added" (issue #13)
    "truepos-wording-typo-fixed": (uhc().replace("different antidepressants", "different antidepresants"), uhc()),
    # ... but one real word is never a typo: a number word, a dropped "not"
    "truepos-criteria-count-word-only": (uhc(), uhc(failed="four")),
    "truepos-position-not-removed": (
        uhc(other="<p>Spravato is not medically necessary for all other indications.</p>"),
        uhc(other="<p>Spravato is medically necessary for all other indications.</p>")),
    "truepos-new-mention": (omni(ketamine=""), omni(history=ohist("07/01/2025", "Added ketamine statement."))),
    "truepos-retired-marked": (aetna(), aetna(banner="<p>This policy has been retired and is archived for "
                                                     "reference only.</p>")),
    "truepos-cigna-approval": (cigna(), cigna(trd_months="12")),
    "truepos-wording-title-rename": (
        cigna().replace("Psychiatry &ndash; Spravato (esketamine nasal spray)</h1>", "Esketamine</h1>")
        .replace("<title>Psychiatry - Spravato (esketamine nasal spray)</title>", "<title>Esketamine</title>"),
        cigna()),
    "truepos-cigna-not-covered-added": (cigna(), cigna(not_covered=[*CIGNA["not_covered"],
                                                                    "Esketamine for bipolar depression"])),
    # history holdout4: a drug moved from a list's covered lead-in to its investigational one; a drug table
    # written out as a list (same cells, labelled by the header's words)
    "truepos-position-list-moved": (omni(ketamine=LISTS.format(covered=KET_ITEM, investigational="")),
                                    omni(ketamine=LISTS.format(covered="", investigational=KET_ITEM))),
    "falsepos-drug-table-as-list": (omni(extra_section=DRUGS_AS.format(DRUG_TABLE)),
                                    omni(extra_section=DRUGS_AS.format(DRUG_LIST))),
}


def main() -> None:
    for old in HERE.glob("*.html"):
        old.unlink()
    for name, (before, after) in CASES.items():
        (HERE / f"{name}.before.html").write_text(before, encoding="utf-8")
        (HERE / f"{name}.after.html").write_text(after, encoding="utf-8")
    print(f"wrote {len(CASES)} cases")


if __name__ == "__main__":
    main()


# ---- PDF cases: YAML sources rendered with tests/support_pdf.py at test time (no committed PDFs) ----------
PDF_BASE = HERE.parent / "extract" / "uhc-spravato.yaml"


def pdf_cases() -> dict[str, tuple[str, str]]:
    base = PDF_BASE.read_text(encoding="utf-8")

    def variant(name: str) -> str:
        return base + f"variant: {name}\n"

    return {
        "falsepos-pdf-reexport": (base, variant("reexport")),
        "falsepos-pdf-rewrap": (base, variant("rewrap")),
        "falsepos-pdf-reprint": (base, variant("reprint")),
        "truepos-pdf-criteria-count": (base, base.replace("at least two (2) oral antidepressants",
                                                          "at least three (3) oral antidepressants")),
        "truepos-pdf-codes-swap": (base, base.replace('["J0013", "Injection, esketamine, 1 mg"]',
                                                      '["S0013", "Esketamine, nasal spray, 1 mg"]')),
        "truepos-pdf-position": (base, base.replace(
            "Spravato is unproven and not medically necessary for all other indications, including bipolar\n"
            "      depression and anxiety disorders.",
            "Spravato is unproven and not medically necessary for all other indications, including bipolar\n"
            "      depression, post-traumatic stress disorder and anxiety disorders.")),
    }


def write_pdf_cases() -> None:
    for old in HERE.glob("*pdf*.yaml"):
        old.unlink()
    for name, (before, after) in pdf_cases().items():
        assert before != after or name.startswith("falsepos"), name
        (HERE / f"{name}.before.yaml").write_text(before, encoding="utf-8")
        (HERE / f"{name}.after.yaml").write_text(after, encoding="utf-8")
    print(f"wrote {len(pdf_cases())} PDF cases")


if __name__ == "__main__":
    write_pdf_cases()
