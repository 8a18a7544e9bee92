"""Sources-file entries (docs/design.md, "Sources file") for the sample portal at ``base_url``.

The portal's port is chosen at run time, so the entries are built rather than written in a YAML file.
``spider`` names the payer-family spider that crawls each layout; ``follow`` / ``documents`` are also
valid for the ``generic`` spider on the HTML and PDF sites (BCBS ND needs its JSON API, so a generic
crawl of it finds nothing -- which the crawler must report as an error, not as "no changes").
Keys beyond the contract (``api_url``, ``page_param``) are family-spider extras.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEDULE = "0 6 * * 1"


def portal_sources(base_url: str) -> list[dict]:
    """One entry per sample payer source; ``base_url`` like ``http://127.0.0.1:54321`` (no trailing slash)."""
    base = base_url.rstrip("/")
    domain = urlsplit(base).hostname or "127.0.0.1"

    def src(id_, payer, program, state, spider, start, follow, documents, **extra) -> dict:
        return {
            "id": id_,
            "payer": payer,
            "program": program,
            "state": state,
            "spider": spider,
            "start_urls": [base + path for path in start],
            "allowed_domains": [domain],
            "follow": follow,
            "documents": documents,
            "schedule": SCHEDULE,
            **extra,
        }

    uhc_pdf = r"/uhc/content/dam/provider/docs/public/policies/[a-z0-9/-]+\.pdf$"
    return [
        src(
            "sample-uhc-commercial",
            "UnitedHealthcare",
            "commercial",
            None,
            "uhc",
            ["/uhc/resources/clinical-guidelines/commercial/medical-benefit-drug-policies.html"],
            [r"/uhc/resources/clinical-guidelines/commercial/[a-z0-9-]+\.html$"],
            [uhc_pdf],
        ),
        src(
            "sample-uhc-community-tx",
            "UnitedHealthcare Community Plan",
            "medicaid",
            "TX",
            "uhc",
            ["/uhc/resources/clinical-guidelines/community-plan/texas/medical-benefit-drug-policies.html"],
            [r"/uhc/resources/clinical-guidelines/community-plan/texas/[a-z0-9-]+\.html$"],
            [uhc_pdf],
        ),
        src(
            "sample-aetna-cpb",
            "Aetna",
            "commercial",
            None,
            "aetna_cpb",
            ["/aetna/cpb/medical/data/900_999/index.html"],
            [r"/aetna/cpb/medical/data/\d+_\d+/index\.html$"],
            [r"/aetna/cpb/medical/data/\d+_\d+/\d{4}\.html$"],
        ),
        src(
            "sample-bcbsmn",
            "Blue Cross and Blue Shield of Minnesota",
            "commercial",
            "MN",
            "bcbs_versioned",
            ["/bcbsmn/policies/index.html"],
            [r"/bcbsmn/policies/index\.html$"],
            [r"/bcbsmn/policies/[A-Za-z]+/[A-Z]+-\d+/[A-Z]+-\d+-\d{3}\.html$"],
        ),
        src(
            "sample-bcbsnd",
            "Blue Cross Blue Shield of North Dakota",
            "commercial",
            "ND",
            "bcbsnd",
            ["/bcbsnd/api/policies?page=1"],
            [r"/bcbsnd/api/policies\?page=\d+$"],
            [r"/bcbsnd/providers/policies-precertification/medical-policy/[a-z]/[a-z0-9-]+$"],
            api_url=base + "/bcbsnd/api/policies",
            page_param="page",
        ),
        src(
            "sample-tx-medicaid",
            "Texas Medicaid",
            "medicaid",
            "TX",
            "tx_medicaid",
            ["/txmedicaid/news"],
            [r"/txmedicaid/news$"],
            [r"/txmedicaid/news/\d{4}-\d{2}-\d{2}-[a-z0-9-]+$"],
        ),
        src(
            "sample-masshealth",
            "MassHealth",
            "medicaid",
            "MA",
            "masshealth",
            ["/masshealth/MHDL/pubtheragroup.do"],
            [r"/masshealth/MHDL/pubtheragroup\.do$"],
            [r"/masshealth/MHDL/pubtheradetail\.do\?id=\d+&drugId=\d+$"],
        ),
        src(
            "sample-cigna-drug",
            "Cigna Healthcare",
            "commercial",
            None,
            "cigna",
            ["/cigna/coverage-policies/pharmacy/index.html"],
            [r"/cigna/coverage-policies/pharmacy/index\.html$"],
            [r"/cigna/assets/chcp/pdf/coveragePolicies/pharmacy/[a-z0-9_]+\.pdf$"],
        ),
    ]
