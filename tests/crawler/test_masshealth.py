"""``masshealth`` spider: MassHealth Drug List therapeutic class tables."""

from __future__ import annotations

from crawler.identity import policy_id
from crawler.spiders.masshealth import MassHealthSpider
from tests.support.spiders import documents, make_spider, page, split

GROUP = "https://mhdl.pharmacy.services.conduent.com/MHDL/pubtheragroup.do"


def test_only_configured_tables():
    reqs = documents(
        make_spider(MassHealthSpider, "masshealth").parse(page("masshealth", "pubtheragroup.html", GROUP))
    )
    assert [r.meta["number"] for r in reqs] == ["MHDL-T16"]
    assert reqs[0].meta["title"] == "Table 16: Antidepressants"


def test_table_item():
    spider = make_spider(MassHealthSpider, "masshealth")
    url = "https://mhdl.pharmacy.services.conduent.com/MHDL/pubtheradetail.do?id=16&drugId=4471"
    _, items = split(spider.parse_document(page("masshealth", "table16.html", url)))
    assert items[0].ok and b"NMDA Receptor Antagonist" in items[0].body


def test_session_and_drug_id_do_not_split_identity():
    a = policy_id(
        "masshealth", None, "https://mhdl.x/MHDL/pubtheradetail.do;jsessionid=AB?id=16&drugId=1", ("drugId",)
    )
    b = policy_id("masshealth", None, "https://mhdl.x/MHDL/pubtheradetail.do?drugId=9&id=16", ("drugId",))
    assert a == b
