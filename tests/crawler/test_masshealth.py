"""MassHealth (``masshealth`` spider): the antidepressant table chosen by its title, not its number."""

from __future__ import annotations

from crawler.identity import policy_id
from crawler.middlewares import host_allowed
from crawler.sources import get_source
from crawler.spiders.masshealth import MassHealthSpider
from tests.support.spiders import documents, make_spider, page, split

GROUP = "https://mhdl.pharmacy.services.conduent.com/MHDL/pubtheragroup.do"
TABLE = "https://mhdl.pharmacy.services.conduent.com/MHDL/pubtheradetail.do?id=31&drugId=4471"


def test_antidepressant_table_chosen_by_title_once():
    spider = make_spider(MassHealthSpider, "masshealth")
    reqs = documents(spider.parse(page("masshealth", "pubtheragroup.html", GROUP)))
    assert [(r.url, r.meta["number"]) for r in reqs] == [(TABLE, "MHDL-antidepressants")]
    assert reqs[0].meta["title"] == "Table 17: Antidepressants"
    assert host_allowed(reqs[0].url, spider.allowed_domains)


def test_numeric_tables_still_select_by_id():
    config = get_source("masshealth")
    config.extra["tables"] = [23]
    reqs = documents(MassHealthSpider(config=config).parse(page("masshealth", "pubtheragroup.html", GROUP)))
    assert [r.meta["number"] for r in reqs] == ["MHDL-T23"]


def test_table_item_holds_the_esketamine_row():
    spider = make_spider(MassHealthSpider, "masshealth")
    _, items = split(spider.parse_document(page("masshealth", "antidepressants.html", TABLE)))
    assert (
        items[0].ok
        and b"NMDA Receptor Antagonist" in items[0].body
        and b"esketamine" in items[0].body.lower()
    )


def test_session_and_drug_id_do_not_split_identity():
    a = policy_id(
        "masshealth", None, "https://mhdl.x/MHDL/pubtheradetail.do;jsessionid=AB?id=16&drugId=1", ("drugId",)
    )
    b = policy_id("masshealth", None, "https://mhdl.x/MHDL/pubtheradetail.do?drugId=9&id=16", ("drugId",))
    assert a == b
