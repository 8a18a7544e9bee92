"""CPU time of ``extract`` against an earlier revision's extractors and pdftotext, interleaved run by run.

On a loaded machine wall-clock ratios swing by ±50 % from run to run; CPU time, measured in the same run
on the same files with the two versions interleaved, shows what a change saved. The base is any git
revision's (or a folder's) ``extractors`` package, imported as ``extractors_base`` next to this tree's.
Files are ``bench/extract.py``'s 60-page policies (every producer and font kind, drugs on 4 pages or
never named). Before timing, both versions' outputs (text, sections, passages, facts, metadata,
revision history) are compared: a speed change must not change them.

Run: .venv/bin/python bench/extract_cpu.py BASE [--repeat 11] [--kinds type1,differences]
(BASE: a git revision, or a checkout's folder — e.g. a worktree where the commits measured are reverted)
Example: .venv/bin/python bench/extract_cpu.py HEAD~1 --repeat 11
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import extractors  # noqa: E402
from bench.extract import KINDS, make  # noqa: E402


def _base(rev: str, folder: Path):
    """``rev``'s extractors package (a git revision, or a checkout's folder), imported as
    ``extractors_base``."""
    if Path(rev, "extractors").is_dir():
        shutil.copytree(Path(rev, "extractors"), folder / "extractors")
    else:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "extractors"], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    (folder / "extractors").rename(folder / "extractors_base")
    _compile(folder / "extractors_base")  # git holds the C helper's sources, not its build
    sys.path.insert(0, str(folder))
    import extractors_base  # type: ignore[import-not-found]

    return extractors_base


def _compile(package: Path) -> None:
    """Build the base's C helper (``extractors/_pdftext*.c``, one module) next to its sources, as the editable
    install builds this tree's: the base's own code, not this tree's build, is what gets timed."""
    sources = sorted(str(p) for p in package.glob("_pdftext*.c"))
    if not sources:  # a base from before the helper
        return
    include = sysconfig.get_paths()["include"]
    out = package / ("_pdftext" + sysconfig.get_config_var("EXT_SUFFIX"))
    cmd = ["gcc", "-O2", "-shared", "-fPIC", f"-I{include}", f"-I{package}", *sources, "-o", str(out)]
    subprocess.run(cmd, check=True)


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _outputs(result) -> str:
    return repr(
        (
            result.text,
            result.sections,
            result.passages,
            result.facts,
            result.metadata,
            result.revision_history,
        )
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("base", help="git revision whose extractors are the base")
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args()
    n = args.pages
    with tempfile.TemporaryDirectory() as tmp:
        base = _base(args.base, Path(tmp))
        files: dict[str, Path] = {}
        for kind in args.kinds.split(","):
            for label, topic in (("topic", (1, n // 3, n // 2, n - 2)), ("none", ())):
                path = Path(tmp) / f"{kind}-{label}.pdf"
                path.write_bytes(make(kind, n, topic))
                files[f"{kind}-{label}"] = path
        same = True
        for name, path in files.items():
            data = path.read_bytes()
            if _outputs(base.extract(data, thread=False)) != _outputs(extractors.extract(data, thread=False)):
                print(f"{name}: outputs differ from the base's")
                same = False
        times: dict[str, tuple[list[float], list[float], list[float]]] = {k: ([], [], []) for k in files}
        print(f"at the start: {os.popen('uptime').read().strip()}")
        for _ in range(args.repeat):
            for name, path in files.items():
                data = path.read_bytes()
                for version, out in ((base, times[name][0]), (extractors, times[name][1])):
                    t = time.process_time()
                    version.extract(data, thread=False)
                    out.append(time.process_time() - t)
                c = _children()
                subprocess.run(["pdftotext", "-q", str(path), "-"], check=True, stdout=subprocess.DEVNULL)
                times[name][2].append(_children() - c)
        print(
            f"{'file':<20} {'base':>6} {'new':>6} {'ptt':>6} {'base/ptt':>8} {'new/ptt':>8} {'new/base':>8}"
        )
        for name, (b, w, p) in times.items():
            bm, wm, pm = (median(x) * 1000 for x in (b, w, p))
            print(f"{name:<20} {bm:6.1f} {wm:6.1f} {pm:6.1f} {bm / pm:7.2f}x {wm / pm:7.2f}x {wm / bm:8.3f}")
        print(f"at the end: {os.popen('uptime').read().strip()}; CPU ms, medians of {args.repeat}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
