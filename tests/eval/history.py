"""Score change detection on the history set: crawl it epoch by epoch, compare with expected.yaml.

The history set (``tests/files/eval/history/``, or with ``--set holdout`` / ``--set holdout2`` the blind
sets in its ``holdout/`` and ``holdout2/`` folders; sites built by ``history_site.py``) is served on
loopback and crawled by real ``payerwatch crawl`` processes, one per epoch, with the clock pinned to
the epoch's date. The changes each crawl newly stored are mapped to the set's policy keys through the
URLs of their versions, then scored against ``expected.yaml``:

* recall — share of the expected changes announced (any kind) in their epoch;
* false_alerts — changes announced for a (policy, epoch) that expects none, plus any second change;
* kind_accuracy — share of the announced expected changes whose kind is the most severe expected one;
* identity_splits — extra policy ids the archive made for one policy of the set (0 = one identity each).

Run: ``python -m tests.eval.history [--set main|holdout|holdout2]`` (``-v`` lists every miss); it prints
one line, ``history: recall=… false_alerts=… kind_accuracy=… identity_splits=…`` (``history[holdout]: …``
for a holdout set).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from portal.localsite import LocalSite
from store import Archive
from tests.eval import history_site as site
from tests.support import run_cli

ORDER = ("retired", "reinstated", "new_policy", "coverage_position", "criteria", "codes", "wording", "dates")


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    right_kind: int = 0
    false_alerts: int = 0
    identity_splits: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self.right_kind / self.found if self.found else 1.0

    def line(self, name: str = "history") -> str:
        return (
            f"{name}: recall={self.recall:.2f} false_alerts={self.false_alerts} "
            f"kind_accuracy={self.kind_accuracy:.2f} identity_splits={self.identity_splits}"
        )


def _url_keys(folder: Path) -> dict[str, str]:
    out = {}
    for doc in site.load_sources(folder):
        for policy in doc["policies"]:
            for url in site.policy_urls(policy):
                out[url] = policy["key"]
    return out


def _key(url: str, keys: dict[str, str]) -> str:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return keys.get(path, path)


def crawl_history(
    data_dir: Path, timeout: float = 600, folder: Path = site.HISTORY
) -> tuple[dict[int, dict[str, list]], dict[str, set[str]]]:
    """Crawl every epoch; return ({epoch: {key: [changes]}}, {key: policy ids}) from the archive."""
    keys = _url_keys(folder)
    announced: dict[int, dict[str, list]] = {}
    seen: set[str] = set()
    env = {"PAYERWATCH_CRAWL_DELAY": "0"}
    if site.has_timeouts(folder):  # a page that never answers: time out in seconds, not a minute per try
        env["PAYERWATCH_DOWNLOAD_TIMEOUT"] = "10"
    with LocalSite(site.build_site(1, folder), log=False) as server:
        sources = Path(data_dir).parent / "history-sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": site.sources_file_entries(server.url, folder)}))
        for epoch, date in sorted(site.epoch_dates(folder).items()):
            server.set_pages(site.build_site(epoch, folder))
            result = run_cli(
                "crawl",
                "--no-progress",
                "--sources",
                str(sources),
                data_dir=data_dir,
                env={**env, "PAYERWATCH_CLOCK": f"{date}T06:00:00+00:00"},
                timeout=timeout,
            )
            if result.returncode != 0:
                raise RuntimeError(f"epoch {epoch}: crawl failed\n{result.stderr[-3000:]}")
            announced[epoch] = {}
            with Archive(data_dir) as arc:
                for change in arc.list_changes():
                    if change.id in seen:
                        continue
                    seen.add(change.id)
                    version = arc.get_version(change.new_version_id or change.old_version_id)
                    announced[epoch].setdefault(_key(version.url, keys), []).append(change)
    identities: dict[str, set[str]] = {}
    with Archive(data_dir) as arc:
        for policy in arc.list_policies():
            for version in arc.list_versions(policy.id):
                identities.setdefault(_key(version.url, keys), set()).add(policy.id)
    return announced, identities


def score(
    announced: dict[int, dict[str, list]], identities: dict[str, set[str]], folder: Path = site.HISTORY
) -> Score:
    expected = site.load_expected(folder)
    result = Score()
    for epoch, spec in expected["epochs"].items():
        got = {k: list(v) for k, v in announced.get(int(epoch), {}).items()}
        for row in spec["changes"]:
            result.expected += 1
            want = sorted(row["kinds"], key=ORDER.index)[0]
            changes = got.pop(row["policy"], [])
            if not changes:
                result.misses.append(f"epoch {epoch} {row['policy']}: expected {want}, announced nothing")
                continue
            result.found += 1
            kind = sorted((c.kind for c in changes), key=ORDER.index)[0]
            result.right_kind += kind == want
            if kind != want:
                result.misses.append(f"epoch {epoch} {row['policy']}: expected {want}, announced {kind}")
            result.false_alerts += len(changes) - 1
        for key, changes in got.items():
            result.false_alerts += len(changes)
            for c in changes:
                result.misses.append(f"epoch {epoch} {key}: false alert {c.kind}: {c.summary}")
    policy_keys = {p["key"] for doc in site.load_sources(folder) for p in doc["policies"]}
    for key in sorted(policy_keys):
        extra = len(identities.get(key, ())) - 1
        if extra > 0:
            result.identity_splits += extra
            result.misses.append(f"{key}: {len(identities[key])} identities {sorted(identities[key])}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--data", type=Path, help="keep the archive in this directory (default: a temp dir)")
    parser.add_argument("--set", default="main", help="main, holdout, holdout2, ... or all")
    args, _ = parser.parse_known_args(argv)  # make eval passes every scorer the same EVAL_ARGS
    if args.set != "all" and args.set not in site.SETS:  # e.g. facts' holdout3: not an error for make eval
        print(f"history: no {args.set!r} set (have {', '.join(sorted(site.SETS))}); skipped")
        return 0
    for name in site.SETS if args.set == "all" else [args.set]:
        folder = site.SETS[name]
        with tempfile.TemporaryDirectory(prefix="history-") as tmp:
            data = args.data / name if args.data and args.set == "all" else args.data or Path(tmp) / "data"
            result = score(*crawl_history(data, folder=folder), folder=folder)
        if args.verbose:
            for miss in result.misses:
                print("  " + miss)
        print(result.line("history" if name == "main" else f"history[{name}]"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
