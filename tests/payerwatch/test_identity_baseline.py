"""One identity per policy, keyed by the source's id; a source's first crawl is a baseline.

Real ``payerwatch crawl`` processes against a loopback site whose policy pages print their number.
"""

from __future__ import annotations

from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import run_cli
from tests.support.sources import local_source_file

FAST = {"PAYERWATCH_CRAWL_DELAY": "0"}


def _policy(number: str, title: str, extra: str = "") -> Page:
    return Page(
        f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
        f"<p>Policy Number: {number}</p><p>Effective Date: 01/01/2026</p>"
        f"<h2>Policy</h2><p>Esketamine nasal spray (Spravato) is medically necessary for treatment-resistant "
        f"depression in adults who have not responded to two antidepressants.{extra}</p>"
        f"</main></body></html>".encode()
    )


def _site(docs: dict[str, Page]) -> dict[str, Page]:
    links = "".join(f'<li><a href="{path}">x</a></li>' for path in docs)
    return {
        "/medical/": Page(f"<html><body><h1>Policies</h1><ul>{links}</ul></body></html>".encode()),
        **docs,
    }


def _sources(tmp_path, url: str, payer: str = "Local Health"):
    return local_source_file(tmp_path, url, payer=payer, documents=r"/policy/[\w-]+\.html$")


def _crawl(tmp_path, data_dir, site, payer: str = "Local Health"):
    result = run_cli(
        "crawl",
        "--no-progress",
        "--sources",
        str(_sources(tmp_path, site.url, payer)),
        data_dir=data_dir,
        env=FAST,
    )
    assert result.returncode == 0, result.stderr
    return result


def _kinds(data_dir) -> list[str]:
    with Archive(data_dir) as arc:
        return sorted(c.kind for c in arc.list_changes())


def test_first_crawl_is_a_baseline_and_later_policies_are_news(tmp_path, data_dir):
    docs = {f"/policy/p{i}.html": _policy(f"LH-10{i}", f"Policy {i}") for i in range(1, 4)}
    with LocalSite(_site(docs)) as site:
        first = _crawl(tmp_path, data_dir, site)
        assert "baseline: 3 policies archived, not announced" in " ".join(first.stdout.split())
        assert _kinds(data_dir) == []
        with Archive(data_dir) as arc:
            assert len(arc.list_policies("local")) == 3  # archived and shown
        site.set_pages(_site({**docs, "/policy/p4.html": _policy("LH-104", "Policy 4")}))
        second = _crawl(tmp_path, data_dir, site)
        assert "baseline" not in second.stdout
    assert _kinds(data_dir) == ["new_policy"]


def test_policy_ids_come_from_the_source_id_not_the_payer_name(tmp_path, data_dir):
    docs = {"/policy/p1.html": _policy("LH-101", "Policy 1")}
    with LocalSite(_site(docs)) as site:
        _crawl(tmp_path, data_dir, site)
        _crawl(tmp_path, data_dir, site, payer="Local Health Plan of the Valley")  # display name edited
    with Archive(data_dir) as arc:
        (policy,) = arc.list_policies("local")
        assert policy.id.startswith("local/")


def test_renamed_and_moved_policy_keeps_its_history(tmp_path, data_dir):
    old = {"/policy/spravato.html": _policy("LH-200", "Spravato")}
    with LocalSite(_site(old)) as site:
        _crawl(tmp_path, data_dir, site)
        # renamed and moved, same printed number; the old address answers 404
        site.set_pages(
            _site({"/policy/site-of-care-esketamine.html": _policy("LH-200", "Site of Care: Esketamine")})
        )
        for _ in range(3):
            _crawl(tmp_path, data_dir, site)
    with Archive(data_dir) as arc:
        (policy,) = arc.list_policies("local")
        assert policy.url.endswith("/policy/site-of-care-esketamine.html")
        assert [v.seq for v in arc.list_versions(policy.id)] == [1, 2]
        (change,) = arc.list_changes()
        assert change.kind == "wording" and change.details[0]["text"].startswith("Title: Spravato")


def test_renamed_moved_and_relettered_policy_keeps_its_history(tmp_path, data_dir):
    """UnitedHealthcare-style numbers change their version letter with every revision (issue #13)."""
    old = {"/policy/ketamine-psychiatric.html": _policy("2026D0200A", "Ketamine for Psychiatric Conditions")}
    with LocalSite(_site(old)) as site:
        _crawl(tmp_path, data_dir, site)
        moved = _policy("2026D0200B", "Intravenous Ketamine Infusion")
        site.set_pages(_site({"/policy/intravenous-ketamine.html": moved}))
        for _ in range(3):  # long enough for the old address to count as retired if it were another policy
            _crawl(tmp_path, data_dir, site)
    with Archive(data_dir) as arc:
        (policy,) = arc.list_policies("local")
        assert policy.url.endswith("/policy/intravenous-ketamine.html")
        (change,) = arc.list_changes()
        assert change.kind == "wording" and change.details[0]["text"].startswith("Title: Ketamine")


def test_another_number_at_a_new_address_is_another_policy(tmp_path, data_dir):
    """Only the version suffix is ignored: a neighbouring serial is a new policy, the old one retires."""
    old = {"/policy/ketamine-psychiatric.html": _policy("2026D0200A", "Ketamine for Psychiatric Conditions")}
    with LocalSite(_site(old)) as site:
        _crawl(tmp_path, data_dir, site)
        other = _policy("2026D0201A", "Intravenous Ketamine Infusion")
        site.set_pages(_site({"/policy/intravenous-ketamine.html": other}))
        for _ in range(2):
            _crawl(tmp_path, data_dir, site)
    with Archive(data_dir) as arc:
        assert len(arc.list_policies("local")) == 2
    assert _kinds(data_dir) == ["new_policy", "retired"]


def test_versioned_urls_with_old_versions_online_stay_one_policy(tmp_path, data_dir):
    v1 = _policy("LH-300", "Esketamine")
    with LocalSite(_site({"/policy/LH-300-001.html": v1})) as site:
        _crawl(tmp_path, data_dir, site)
        v2 = _policy("LH-300", "Esketamine", " Approval is for 6 months.")
        site.set_pages({**_site({"/policy/LH-300-002.html": v2}), "/policy/LH-300-001.html": v1})
        _crawl(tmp_path, data_dir, site)
        _crawl(tmp_path, data_dir, site)
    with Archive(data_dir) as arc:
        (policy,) = arc.list_policies("local")
        assert len(arc.list_versions(policy.id)) == 2
        assert [c.kind for c in arc.list_changes()] == ["criteria"]


def test_existing_archives_keep_their_ids(tmp_path, data_dir):
    """A policy archived under the old ``<payer-slug>/...`` id is continued, under that id, by new crawls."""
    from alembic import command

    from store.db import alembic_config

    docs = {"/policy/p1.html": _policy("LH-101", "Policy 1")}
    with LocalSite(_site(docs)) as site:
        _crawl(tmp_path, data_dir, site)
        with Archive(data_dir) as arc:
            (policy,) = arc.list_policies("local")
            legacy = "local-health/" + policy.id.split("/", 1)[1]
            # what the old crawler wrote: ids from the payer's display name, no keys
            raw = arc.engine.raw_connection()
            try:
                cur = raw.cursor()
                cur.execute("PRAGMA foreign_keys=OFF")
                cur.execute("DELETE FROM policy_keys")
                for table, col in (("versions", "policy_id"), ("fetches", "policy_id"), ("policies", "id")):
                    cur.execute(f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (legacy, policy.id))
                raw.commit()
                cur.execute("PRAGMA foreign_keys=ON")
            finally:
                raw.close()
            command.downgrade(alembic_config(arc.engine), "0006")
            command.upgrade(alembic_config(arc.engine), "head")
        site.set_pages(
            _site({"/policy/p1.html": _policy("LH-101", "Policy 1", " Approval is for 6 months.")})
        )
        _crawl(tmp_path, data_dir, site)
        result = run_cli("history", legacy, data_dir=data_dir)
        assert result.returncode == 0, result.stderr
    with Archive(data_dir) as arc:
        assert [p.id for p in arc.list_policies("local")] == [legacy]
        assert len(arc.list_versions(legacy)) == 2
