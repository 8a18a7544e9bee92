"""kill -9 at every named point of crawl, analysis and send; a rerun must end where an uninterrupted run
ends: the same changes, the same deliveries, every mail at least once, and a duplicate only in the one
documented window (``send:accepted``: the server took the message, the archive did not record it yet).

Kills are injected deterministically (``PAYERWATCH_KILL_AT``, ``store/killpoint.py``): the process
SIGKILLs itself at the point, no timer and no sleep. Crawls, ``subscribe`` and ``send`` are real
processes against a loopback site and a loopback SMTP server. The baseline crawl is done once and its
archive copied for each scenario.
"""

from __future__ import annotations

import datetime as dt
import shutil
import signal

import pytest

from portal.localsite import LocalSite, Page
from store import Archive
from tests.support import run_cli
from tests.support.feeds import SmtpSink
from tests.support.sources import local_source_file

pytestmark = pytest.mark.faults

CRAWL_POINTS = ["crawl:archived", "analysis:versions", "analysis:settled", "analysis:done"]
SEND_POINTS = ["send:claimed", "send:accepted"]
READERS = ("clinic@example.org", "advocate@example.org")


def _page(n: int, words: str) -> Page:
    return Page(
        f"<html><head><title>Policy {n}</title></head><body><h1>Ketamine policy {n}</h1>"
        f"<h2>Coverage</h2><p>{words}</p></body></html>".encode()
    )


def _epoch(second: bool) -> dict[str, Page]:
    listed = (1, 2, 3) if second else (1, 2)
    links = "".join(f'<li><a href="/policy/{i}.html">Policy {i}</a></li>' for i in listed)
    pages = {"/medical/": Page(f"<html><body><h1>Policies</h1><ul>{links}</ul></body></html>".encode())}
    pages["/policy/1.html"] = _page(
        1,
        "Intravenous ketamine is considered medically necessary for treatment-resistant depression."
        if second
        else "Intravenous ketamine is considered experimental and investigational for depression.",
    )
    pages["/policy/2.html"] = _page(2, "Esketamine nasal spray requires prior authorization for 6 months.")
    if second:
        pages["/policy/3.html"] = _page(3, "Ketamine infusion is not covered for chronic pain.")
    return pages


def _sources(folder, url):
    return local_source_file(folder, url)


def _run(data_dir, *args, kill_at=None, env=None):
    env = dict(env or {}, PAYERWATCH_CRAWL_DELAY="0")
    if kill_at:
        env["PAYERWATCH_KILL_AT"] = kill_at
    return run_cli(*args, data_dir=data_dir, env=env)


def _smtp_env(port, clock=None):
    env = {
        "PAYERWATCH_SMTP_HOST": "127.0.0.1",
        "PAYERWATCH_SMTP_PORT": str(port),
        "PAYERWATCH_SMTP_SECURITY": "none",
        "PAYERWATCH_SECRET": "fault-tests",
    }
    if clock:
        env["PAYERWATCH_CLOCK"] = clock.isoformat()
    return env


def _outcome(data_dir):
    """(changes as (policy url tail, kind), deliveries as (change key, email, status))."""
    with Archive(data_dir) as arc:
        subs = {s.id: s.email for s in arc.list_subscriptions()}
        changes = {}
        for c in arc.list_changes():
            policy = arc.get_policy(c.policy_id)
            changes[c.id] = (policy.url.rsplit("/", 1)[-1], c.kind)
        deliveries = sorted(
            (changes[d.change_id], subs[d.subscription_id], d.status) for d in arc.list_deliveries()
        )
    return sorted(changes.values()), deliveries


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A loopback site in its first epoch, crawled once (the baseline) with two subscribers."""
    folder = tmp_path_factory.mktemp("faults")
    with LocalSite(_epoch(second=False)) as site:
        sources = _sources(folder, site.url)
        base = folder / "base"
        assert _run(base, "crawl", "--no-progress", "--sources", str(sources)).returncode == 0
        for email in READERS:
            assert _run(base, "subscribe", email).returncode == 0
        site.set_pages(_epoch(second=True))
        yield {"site": site, "sources": sources, "base": base, "folder": folder}


def _copy(world, name):
    target = world["folder"] / name
    shutil.copytree(world["base"], target)
    return target


def _crawl_second(world, data_dir, kill_at=None):
    return _run(data_dir, "crawl", "--no-progress", "--sources", str(world["sources"]), kill_at=kill_at)


@pytest.fixture(scope="module")
def reference(world):
    data = _copy(world, "reference")
    assert _crawl_second(world, data).returncode == 0
    with SmtpSink() as sink:
        assert _run(data, "send", env=_smtp_env(sink.port)).returncode == 0
        mails = sorted((rcpt, m["Subject"]) for rcpts, m in sink.messages for rcpt in rcpts)
    changes, deliveries = _outcome(data)
    assert {kind for _, kind in changes} >= {"new_policy"} and len(changes) >= 2
    assert deliveries and all(status == "sent" for *_, status in deliveries)
    return {"changes": changes, "deliveries": deliveries, "mails": mails}


@pytest.mark.parametrize("point", CRAWL_POINTS)
def test_a_crawl_killed_at_any_point_loses_and_duplicates_nothing(world, reference, point):
    data = _copy(world, point.replace(":", "-"))
    killed = _crawl_second(world, data, kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert _crawl_second(world, data).returncode == 0
    with SmtpSink() as sink:
        assert _run(data, "send", env=_smtp_env(sink.port)).returncode == 0
        mails = sorted((rcpt, m["Subject"]) for rcpts, m in sink.messages for rcpt in rcpts)
    changes, deliveries = _outcome(data)
    assert changes == reference["changes"]  # 0 changes lost, none twice
    assert deliveries == reference["deliveries"]  # 0 deliveries lost, none twice
    assert mails == reference["mails"]


@pytest.mark.parametrize("point", SEND_POINTS)
def test_a_send_killed_at_any_point_mails_everything_with_at_most_the_documented_duplicate(
    world, reference, point
):
    data = _copy(world, point.replace(":", "-"))
    assert _crawl_second(world, data).returncode == 0
    with SmtpSink() as sink:
        killed = _run(data, "send", kill_at=point, env=_smtp_env(sink.port))
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
        # within the lease nobody resends the claimed message ...
        assert _run(data, "send", env=_smtp_env(sink.port)).returncode in (0, 1)
        # ... after it (PAYERWATCH_CLOCK: eleven minutes later) the rerun finishes the job
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
        assert _run(data, "send", env=_smtp_env(sink.port, clock=later)).returncode == 0
        received = [(rcpt, m["Subject"], m["Message-ID"]) for rcpts, m in sink.messages for rcpt in rcpts]
    changes, deliveries = _outcome(data)
    assert changes == reference["changes"] and deliveries == reference["deliveries"]
    mails = sorted((rcpt, subject) for rcpt, subject, _ in received)
    assert set(mails) == set(reference["mails"])  # every mail at least once
    extra = len(mails) - len(reference["mails"])
    if point == "send:claimed":
        assert extra == 0  # the server never saw the killed message
    else:
        assert extra == 1  # the documented window: one message, resent once, under the same Message-ID
        ids = [mid for _, _, mid in received]
        assert len(set(ids)) == len(ids) - 1
