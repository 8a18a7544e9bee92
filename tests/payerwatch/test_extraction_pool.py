"""Extraction workers are kept between documents, and never after a failure (payerwatch/extraction.py).

A fork per document cost 0.1-0.2 s on the shared machine, so a healthy worker reads the next document too;
one that answered with an error, died or was killed is replaced, and the limits hold per document.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from extractors.model import ExtractedPolicy
from payerwatch import extraction
from payerwatch.extraction import Job, Limits, extract_many
from tests.support import bombs
from tests.support.pdf import render_file


@pytest.fixture
def files(tmp_path):
    fine = tmp_path / "fine.pdf"
    fine.write_bytes(render_file("cigna-ketamine.yaml"))
    wide = tmp_path / "wide.pdf"
    wide.write_bytes(bombs.BOMBS["wide-page-tree"][0]())
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(bombs.BOMBS["many-streams"][0]())
    return {"fine": fine, "wide": wide, "slow": slow}


@pytest.fixture
def fresh_pool(monkeypatch):
    """A pool of this test's own, closed after it (the shared one may hold other tests' workers)."""
    pool = extraction._Pool()
    monkeypatch.setattr(extraction, "_SHARED", pool)
    yield pool
    pool.close()


def _idle_pids(pool) -> list[int]:
    return [w.process.pid for w in pool.idle]


def test_one_worker_reads_many_documents(files, fresh_pool):
    results = list(extract_many([Job(i, files["fine"]) for i in range(4)], workers=1))
    assert [job.key for job, _ in results] == [0, 1, 2, 3]
    assert all(isinstance(r, ExtractedPolicy) for _, r in results)
    assert results[0][1] == results[3][1]
    ((worker),) = fresh_pool.idle
    assert worker.served == 4 and worker.process.is_alive()
    pid = worker.process.pid
    list(extract_many([Job("again", files["fine"])]))  # the next call reuses it
    assert _idle_pids(fresh_pool) == [pid]


def test_a_worker_that_answered_with_an_error_is_replaced(files, fresh_pool):
    list(extract_many([Job("a", files["fine"])]))
    (first,) = fresh_pool.idle
    jobs = [Job("b", files["wide"]), Job("c", files["fine"])]
    results = [type(r).__name__ for _, r in extract_many(jobs, workers=1)]
    assert results == ["DocumentTooLarge", "ExtractedPolicy"]
    first.process.join(timeout=10)
    assert first.process.exitcode is not None  # it left after the error
    (second,) = fresh_pool.idle
    assert second.process.pid != first.process.pid and second.served == 1


# The suite's 300 s would do, but a hung pool should fail in well under that: this test waits 0.5 s
# for the wall time and reads two small documents (~1 s each at load 10), so 90 s is far from its normal
# time on any machine yet still ends a pool that never kills the blocked worker as a failure.
@pytest.mark.timeout(90)
def test_a_killed_worker_is_replaced_and_the_limits_hold_per_document(files, fresh_pool, tmp_path):
    """A worker past its wall time is killed; the next document gets a fresh worker and a full budget;
    CPU used by earlier documents does not count against a later one.

    The document past its wall time is a named pipe nobody writes to: its worker blocks opening it, so
    it passes its wall time whatever the machine's load, and a short one (0.5 s) keeps the test quick.
    The documents that must be read get the default wall time: the 1 s they shared with the slow
    document here before was not enough at load 10.
    """
    never = tmp_path / "never-written.pdf"
    os.mkfifo(never)
    roomy = Limits(max_inflated=1 << 40)
    ((_, first),) = list(extract_many([Job("fine", files["fine"])], limits=roomy))
    assert isinstance(first, ExtractedPolicy)
    (reader,) = fresh_pool.idle
    ((_, stuck),) = list(extract_many([Job("stuck", never)], limits=replace(roomy, wall=0.5)))
    assert stuck.reason == "resource-limit" and "wall time" in str(stuck), stuck
    assert reader.process.exitcode is not None and not fresh_pool.idle  # killed, and never kept
    ((_, after),) = list(extract_many([Job("after", files["fine"])], limits=roomy))
    assert isinstance(after, ExtractedPolicy)
    (fresh,) = fresh_pool.idle
    assert fresh.process.pid != reader.process.pid and fresh.served == 1
    cpu = Limits(cpu=1, max_inflated=1 << 40)
    for _ in range(3):  # each document's budget is its own: 3 documents, 1 s of CPU each
        ((_, result),) = list(extract_many([Job("fine", files["fine"])], limits=cpu))
        assert isinstance(result, ExtractedPolicy)
    ((_, result),) = list(extract_many([Job("slow", files["slow"])], limits=cpu))
    assert result.reason == "resource-limit" and "SIGXCPU" in str(result), result


def test_a_worker_is_recycled_after_its_quota(files, fresh_pool, monkeypatch):
    monkeypatch.setattr(extraction, "RECYCLE", 2)  # read by the parent; the forked workers keep 200
    results = list(extract_many([Job(i, files["fine"]) for i in range(3)], workers=1))
    assert all(isinstance(r, ExtractedPolicy) for _, r in results)
    (worker,) = fresh_pool.idle
    assert worker.served == 1  # the first worker left after two documents


def test_a_worker_that_died_while_idle_is_not_used(files, fresh_pool):
    list(extract_many([Job("a", files["fine"])]))
    (worker,) = fresh_pool.idle
    worker.process.kill()
    worker.process.join()
    ((_, result),) = list(extract_many([Job("b", files["fine"])]))
    assert isinstance(result, ExtractedPolicy)


def test_a_concurrent_caller_gets_workers_of_its_own(files, fresh_pool):
    outer = extract_many([Job(i, files["fine"]) for i in range(2)], workers=1)
    first = next(outer)  # the shared pool is taken while this generator is open
    ((_, inner),) = list(extract_many([Job("inner", files["fine"])]))
    assert isinstance(inner, ExtractedPolicy)
    rest = list(outer)
    assert [first[0].key] + [job.key for job, _ in rest] == [0, 1]
    assert len(fresh_pool.idle) == 1
