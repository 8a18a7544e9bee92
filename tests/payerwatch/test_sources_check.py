"""``payerwatch sources check`` against the sample portal on 127.0.0.1: a healthy source, a moved index
(404), a site that answers 403, and a host that does not resolve — each with a clear verdict, and exit 1
because some would find nothing."""

from __future__ import annotations

import yaml

from portal import PortalServer, portal_sources
from portal.localsite import LocalSite, Page
from tests.support import run_cli


def test_check_names_each_cause_and_fails_when_a_source_would_find_nothing(tmp_path):
    forbidden = {"/policies/": Page(b"<html><body><h1>Forbidden</h1></body></html>", status=403)}
    with PortalServer(epoch=1) as portal, LocalSite(forbidden) as blocked_site:
        healthy = next(s for s in portal_sources(portal.url) if s["id"] == "sample-uhc-commercial")
        moved = dict(healthy, id="moved-index", start_urls=[portal.url + "/uhc/old-policies/index.html"])
        blocked = dict(healthy, id="blocked", start_urls=[blocked_site.url + "/policies/"])
        dns = dict(
            healthy,
            id="nowhere",
            start_urls=["https://policies.nowhere.invalid/index.html"],
            allowed_domains=["policies.nowhere.invalid"],
        )
        path = tmp_path / "sources.yaml"
        path.write_text(yaml.safe_dump({"sources": [healthy, moved, blocked, dns]}))
        result = run_cli("sources", "check", "--sources", str(path), env={"COLUMNS": "300"})
        only = run_cli("sources", "check", "--sources", str(path), "--source", "sample-uhc-commercial")
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 4}
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "ok" in rows["sample-uhc-commercial"] and "spravato-esketamine.pdf" in result.stdout
    assert "fail" in rows["moved-index"] and "index-http-404" in rows["moved-index"]
    assert "fail" in rows["blocked"] and "blocked: HTTP 403" in rows["blocked"]
    assert "fail" in rows["nowhere"] and "dns: DNS lookup failed" in rows["nowhere"]
    assert "would find nothing: moved-index, blocked, nowhere" in result.stderr
    assert only.returncode == 0, only.stdout + only.stderr
