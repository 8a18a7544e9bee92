"""Per-payer page builders: each turns one payer's content at an epoch into ``{path: (bytes, type)}``.

Each builder reproduces the structure a real site of that family has (see docs/domain.md and the
portal README): where the index is, what the link markup looks like, how versions show in URLs.
Spiders are written against these structures, so change them only together with the README.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

from .content import DocSpec, documents, load_payer, merge_epochs, site_vars
from .render_pdf import layout_from, render_pdf

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
JSON = "application/json"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
)


def render_html(template: str, **context) -> bytes:
    return _env.get_template(template).render(**context).encode("utf-8")


def landing(payer: str, links: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The payer's home page at its prefix: a few links into the policy area, as real sites have."""
    return render_html("landing.html.j2", title=load_payer(payer)["payer"], links=links), HTML


def uhc(epoch: int) -> dict[str, tuple[bytes, str]]:
    """UHC: two HTML listing pages (commercial, Community Plan TX) of PDF policies, link text = title."""
    data = load_payer("uhc")
    site = site_vars("uhc", epoch)
    out = {}
    docs = [d for d in documents("uhc", epoch) if d.present]
    for d in docs:
        v = d.vars
        front = [f"Policy Number: {v['number']}", f"Effective Date: {v['effective']}"]
        footer = [
            f"{v['title']}  |  Effective {v['effective']}",
            f"Proprietary Information of UnitedHealthcare. Copyright {v['footer_year']} United HealthCare "
            f"Services, Inc. (sample)",
            v.get("printed_on", ""),
        ]
        out[d.extra["path"]] = (
            render_pdf(v["title"], front, d.blocks(), v["plan_label"], footer, layout_from(v)),
            PDF,
        )
    for index in data["indexes"]:
        listed = sorted((d for d in docs if d.extra["plan"] == index["plan"]), key=lambda d: d.vars["title"])
        rows = [
            {
                "path": d.extra["path"],
                "title": d.vars["title"],
                "number": d.vars["number"],
                "effective": d.vars["effective"],
            }
            for d in listed
        ]
        out[index["path"]] = (render_html("uhc_index.html.j2", title=index["title"], docs=rows, **site), HTML)
    out["/uhc/"] = landing("uhc", [(i["path"], i["title"]) for i in data["indexes"]])
    return out


def aetna(epoch: int) -> dict[str, tuple[bytes, str]]:
    """Aetna CPBs: one HTML index table linking ``/aetna/cpb/medical/data/900_999/NNNN.html`` bulletins."""
    data = load_payer("aetna")
    site = site_vars("aetna", epoch)
    docs = [d for d in documents("aetna", epoch) if d.present]
    out = {}
    for d in docs:
        out[d.extra["path"]] = (
            render_html("aetna_cpb.html.j2", blocks=d.blocks(), number=d.extra["number"], **d.vars),
            HTML,
        )
    rows = [{"number": d.extra["number"], "path": d.extra["path"], **d.vars} for d in docs]
    rows.sort(key=lambda r: r["number"], reverse=site["index_order"] == "reverse")
    out[data["index"]] = (render_html("aetna_index.html.j2", docs=rows, **site), HTML)
    out["/aetna/"] = landing("aetna", [(data["index"], "Medical Clinical Policy Bulletins")])
    return out


def bcbsmn_path(doc: dict, version: int) -> str:
    pid = doc["policy_id"]
    return f"/bcbsmn/policies/{doc['section']}/{pid}/{pid}-{version:03d}.html"


def bcbsmn(epoch: int) -> dict[str, tuple[bytes, str]]:
    """Blue Cross MN: versioned URLs; the index links the current version, replaced ones keep a banner."""
    data = load_payer("bcbsmn")
    site = site_vars("bcbsmn", epoch)
    out, rows = {}, []
    for spec in documents("bcbsmn", epoch):
        raw = next(d for d in data["documents"] if d["key"] == spec.key)
        # the variables each version had on the last epoch it was current
        by_version: dict[int, dict] = {}
        for n in range(0, epoch + 1):
            values = {**site, **merge_epochs(raw["epochs"], n)}
            by_version[values["version"]] = values
        current = spec.vars["version"]
        for version, values in by_version.items():
            page = DocSpec(spec.key, "bcbsmn", values, spec.template)
            newer = by_version.get(version + 1)
            banner = (
                {"replaced_on": newer["effective"], "replaced_by": bcbsmn_path(raw, version + 1)}
                if version < current
                else {"replaced_on": None, "replaced_by": None}
            )
            ctx = {**values, "footer_year": site["footer_year"], **banner}
            out[bcbsmn_path(raw, version)] = (
                render_html(
                    "bcbsmn_policy.html.j2",
                    blocks=page.blocks(),
                    policy_id=raw["policy_id"],
                    section=raw["section"],
                    **ctx,
                ),
                HTML,
            )
        rows.append(
            {
                "policy_id": raw["policy_id"],
                "section": raw["section"],
                "path": bcbsmn_path(raw, current),
                "title": spec.vars["title"],
                "effective": spec.vars["effective"],
            }
        )
    out[data["index"]] = (render_html("bcbsmn_index.html.j2", docs=rows, **site), HTML)
    out["/bcbsmn/"] = landing("bcbsmn", [(data["index"], "Medical and Behavioral Health Policies")])
    return out


def bcbsnd(epoch: int) -> dict[str, tuple[bytes, str]]:
    """BCBS ND: an HTML search shell (JS app) whose data comes from ``/bcbsnd/api/policies?page=N``."""
    data = load_payer("bcbsnd")
    site = site_vars("bcbsnd", epoch)
    docs = [d for d in documents("bcbsnd", epoch) if d.present]
    out = {}
    for d in docs:
        out[d.extra["path"]] = (
            render_html("bcbsnd_policy.html.j2", blocks=d.blocks(), number=d.extra["number"], **d.vars),
            HTML,
        )
    results = sorted(
        (
            {
                "title": d.vars["title"],
                "policyNumber": d.extra["number"],
                "url": d.extra["path"],
                "lastUpdated": str(d.vars["last_updated"]),
                "type": "Medical Policy",
            }
            for d in docs
        ),
        key=lambda r: r["title"],
    )
    size = data["page_size"]
    pages = max(1, -(-len(results) // size))
    for page in range(1, pages + 1):
        body = {
            "page": page,
            "pageSize": size,
            "totalPages": pages,
            "totalResults": len(results),
            "results": results[(page - 1) * size : page * size],
        }
        out[f"{data['api']}?page={page}"] = (json.dumps(body, indent=2).encode(), JSON)
    out[data["api"]] = out[f"{data['api']}?page=1"]
    out[data["search_page"]] = (
        render_html("bcbsnd_search.html.j2", api=data["api"], page_size=size, **site),
        HTML,
    )
    out["/bcbsnd/"] = landing("bcbsnd", [(data["search_page"], "Medical Policy")])
    return out


def tx_medicaid(epoch: int) -> dict[str, tuple[bytes, str]]:
    """Texas Medicaid: a news index (newest first) linking dated
    notices ``/txmedicaid/news/<date>-<slug>``."""
    data = load_payer("txmedicaid")
    site = site_vars("txmedicaid", epoch)
    out, rows = {}, []
    for d in documents("txmedicaid", epoch):
        if not d.present:
            continue
        date = d.vars["date"]
        row = {
            **d.vars,
            "date": date.isoformat(),
            "date_text": f"{date:%B} {date.day}, {date.year}",
            "path": "/txmedicaid/news/" + d.key.split("/", 1)[1],
        }
        out[row["path"]] = (render_html("tx_notice.html.j2", blocks=d.blocks(), **{**site, **row}), HTML)
        rows.append(row)
    rows.sort(key=lambda r: r["date"], reverse=True)
    out[data["index"]] = (render_html("tx_news.html.j2", notices=rows, **site), HTML)
    out["/txmedicaid/"] = landing("txmedicaid", [(data["index"], "News")])
    return out


def masshealth(epoch: int) -> dict[str, tuple[bytes, str]]:
    """MassHealth: an index of therapeutic class tables, each at ``pubtheradetail.do?id=<n>&drugId=<n>``."""
    data = load_payer("masshealth")
    site = site_vars("masshealth", epoch)
    out, tables = {}, []
    for d in documents("masshealth", epoch):
        if not d.present:
            continue
        path = f"/masshealth/MHDL/pubtheradetail.do?id={d.extra['table']}&drugId={d.extra['drug_id']}"
        (table,) = [b for b in d.blocks() if b.kind == "table"]
        out[path] = (
            render_html("masshealth_table.html.j2", rows=table.items, drug_id=d.extra["drug_id"], **d.vars),
            HTML,
        )
        tables.append({"path": path, "title": d.vars["title"]})
    out[data["index"]] = (render_html("masshealth_index.html.j2", tables=tables, **site), HTML)
    out["/masshealth/"] = landing("masshealth", [(data["index"], "Therapeutic Class Tables")])
    return out


def cigna(epoch: int) -> dict[str, tuple[bytes, str]]:
    """Cigna: an HTML table of drug coverage policy PDFs (link text = title, number in the next cell)."""
    data = load_payer("cigna")
    site = site_vars("cigna", epoch)
    docs = [d for d in documents("cigna", epoch) if d.present]
    out = {}
    for d in docs:
        v = d.vars
        front = [
            f"Effective Date: {v['effective']}",
            f"Next Review Date: {v['next_review']}",
            f"Coverage Policy Number: {d.extra['number']}",
        ]
        footer = [
            f"Drug Coverage Policy: {v['title']}    Coverage Policy Number: {d.extra['number']}",
            f"© {v['footer_year']} Cigna Healthcare (sample content written for testing)",
        ]
        out[d.extra["path"]] = (
            render_pdf(v["title"], front, d.blocks(), "Drug Coverage Policy", footer, layout_from(v)),
            PDF,
        )
    rows = sorted(
        ({"path": d.extra["path"], "number": d.extra["number"], **d.vars} for d in docs),
        key=lambda r: r["title"],
    )
    out[data["index"]] = (render_html("cigna_index.html.j2", docs=rows, **site), HTML)
    out["/cigna/"] = landing("cigna", [(data["index"], "Drug Coverage Policies")])
    return out


BUILDERS = {
    "uhc": uhc,
    "aetna": aetna,
    "bcbsmn": bcbsmn,
    "bcbsnd": bcbsnd,
    "txmedicaid": tx_medicaid,
    "masshealth": masshealth,
    "cigna": cigna,
}
