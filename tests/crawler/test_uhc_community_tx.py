"""UnitedHealthcare Community Plan of Texas (``uhc-community-tx``, ``uhc`` spider): the one all-states
list filtered to Texas and policies for every state; the policy number read from the PDF."""

from __future__ import annotations

import pytest
from scrapy.http import Response

from crawler.spiders.uhc import UhcSpider, states_named
from tests.crawler.test_uhc_commercial import _pdf
from tests.support.spiders import documents, make_spider, page, split

BASE = "https://www.uhcprovider.com"
CP = f"{BASE}/en/policies-protocols/comm-plan-medicaid-policies/medicaid-community-state-policies.html"


def test_community_plan_keeps_texas_and_all_state_policies():
    spider = make_spider(UhcSpider, "uhc-community-tx")
    reqs = documents(spider.parse(page("uhc-community-tx", "medicaid-community-state-policies.html", CP)))
    names = [r.url.rsplit("/", 1)[1] for r in reqs]
    assert names == [
        "community-plan-policy-update-bulletin-2026-01.pdf",
        "airway-clearance-devices-cs.pdf",
        "off-label-unproven-specialty-drug-treatment-cs.pdf",
        "spravato-esketamine-cs.pdf",
        "spravato-esketamine-cs-tx.pdf",
    ]
    assert all(r.meta["number"] is None for r in reqs)  # the list shows none: read from the PDF


def test_community_plan_number_is_read_from_the_pdf():
    spider = make_spider(UhcSpider, "uhc-community-tx")
    url = f"{BASE}/content/dam/provider/docs/public/policies/medicaid-comm-plan/spravato-esketamine-cs-tx.pdf"
    req = spider.document_request(url, title="Spravato (Esketamine) – Texas")
    body = _pdf(
        "UnitedHealthcare Community Plan Medical Benefit Drug Policy", "Policy Number: CSTX2026D0069B"
    )
    resp = Response(url, body=body, headers={"Content-Type": "application/pdf"}, request=req)
    _, items = split(spider.parse_document(resp))
    assert items[0].ok and items[0].policy_number == "CSTX-D0069"


@pytest.mark.parametrize(
    "text,states",
    [
        ("Spravato (Esketamine) (for Louisiana Only) spravato-esketamine-cs-la.pdf", {"LA"}),
        ("Spravato in adults spravato-in-adults-cs.pdf", set()),
        ("West Virginia only", {"WV"}),
        ("Policy CSTX2026D0069B", {"TX"}),
    ],
)
def test_states_named(text, states):
    assert states_named(text) == states
