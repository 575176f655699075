"""Measure ihltag check against the parsing limit and a schema validator, in one run.

    python benchmarks/run.py DATASET_DIR [--rss-only] [--skip-jsonschema] [--jobs N]

Prints a markdown table (files/s, ratios, one-file lint wall time, peak RSS, warm
re-check). ``ihltag`` and ``check-jsonschema`` are run as the installed commands
(``pip install -e '.[bench]'``); every figure is the best of ``--repeat`` runs (a
warm re-check: of ``--repeat`` rounds, each after changing another 1% of the files,
with the median beside it). Nothing here is asserted: figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARSE_ONLY = r"""
import os, sys, yaml
n = 0
for dirpath, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith('.yaml'):
            with open(os.path.join(dirpath, name), 'rb') as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
            n += 1
print(n)
"""


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, the largest process of the tree) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with {proc.returncode}")
    return wall, usage.ru_maxrss


def best(cmd: list[str], repeat: int, prepare: object = None) -> tuple[float, int]:
    results = []
    for _ in range(repeat):
        if callable(prepare):
            prepare()
        results.append(run(cmd))
    return min(r[0] for r in results), max(r[1] for r in results)


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*.yaml") if p.name not in ("actors.yaml", "conflicts.yaml")
               or p.parent != folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-jsonschema", action="store_true")
    parser.add_argument("--rss-only", action="store_true")
    args = parser.parse_args()
    data: Path = args.dataset.resolve()
    n = count_files(data)
    ihltag = shutil.which("ihltag") or sys.exit("install ihltag first: pip install -e '.[bench]'")
    cache = Path(tempfile.mkdtemp(prefix="ihltag-bench-")) / "cache"  # --cache-dir
    rows: list[tuple[str, str, str]] = []

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    full = [ihltag, "check", str(data), "--format", "json", "-o", os.devnull]
    wall_1, rss_1 = best(full + ["--no-cache", "-j", "1"], args.repeat)
    wall_j, rss_j = best(full + ["--no-cache", "-j", str(args.jobs)], args.repeat)
    if args.rss_only:
        print(f"{n} files: peak RSS -j1 {rss_1 / 1024:.0f} MiB, -j{args.jobs} {rss_j / 1024:.0f} MiB; "
              f"wall -j1 {wall_1:.1f}s, -j{args.jobs} {wall_j:.1f}s")
        return
    parse, _ = best([sys.executable, "-c", PARSE_ONLY, str(data)], args.repeat)
    rows.append(("ihltag check, cold, full, -j 1", f"{n / wall_1:,.0f}", f"{wall_1:.2f}s"))
    rows.append((f"ihltag check, cold, full, -j {args.jobs}", f"{n / wall_j:,.0f}", f"{wall_j:.2f}s"))
    rows.append(("PyYAML CSafeLoader, parse only (1 process)", f"{n / parse:,.0f}", f"{parse:.2f}s"))
    if not args.skip_jsonschema and shutil.which("check-jsonschema"):
        with tempfile.TemporaryDirectory() as tmp:
            schema = Path(tmp) / "incident.json"
            with open(schema, "w") as fh:
                subprocess.run([ihltag, "schema", "incident"], stdout=fh, check=True)
            files = [str(p) for p in sorted(data.rglob("bench-*.yaml"))]
            cj, _ = best(["check-jsonschema", "--schemafile", str(schema), *files], 1)
        rows.append(("check-jsonschema + ihltag schema (1 process)", f"{n / cj:,.0f}", f"{cj:.2f}s"))
        rows.append(("ratio ihltag (-j N) / check-jsonschema", f"{cj / wall_j:.1f}×", ""))
    rows.append(("ratio ihltag (-j 1) / C loader", f"{parse / wall_1:.2f}×", ""))
    rows.append((f"ratio ihltag (-j {args.jobs}) / C loader", f"{parse / wall_j:.2f}×", ""))

    # warm re-check: cache filled, then 1% of the files changed
    clear()
    cached = [ihltag, "check", str(data), "--format", "json", "-o", os.devnull, "-j", str(args.jobs),
              "--cache-dir", str(cache)]
    cold_cache, _ = run(cached)
    files = sorted(data.rglob("bench-*.yaml"))
    rng = random.Random(7)

    def touch() -> None:  # another 1% of the files changed (a comment appended)
        for path in rng.sample(files, max(1, len(files) // 100)):
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"# touched {time.time()}\n")

    warm: list[float] = []
    warm_q: list[float] = []
    rss_warm = 0
    for _ in range(args.repeat):
        touch()
        wall, rss = run(cached)
        warm.append(wall)
        rss_warm = max(rss_warm, rss)
    for _ in range(args.repeat):
        touch()
        warm_q.append(run([*cached, "-q"])[0])
    clear()
    rows.append(("cold check writing the cache", "", f"{cold_cache:.2f}s"))
    for label, walls in (("JSON with every finding", warm), ("-q (errors only, the CI lint)",
                                                              warm_q)):
        low, mid = min(walls), sorted(walls)[len(walls) // 2]
        rows.append((f"warm re-check, 1% of files changed, {label}: best (median) of "
                     f"{len(walls)}", f"{low / wall_j * 100:.1f}% ({mid / wall_j * 100:.1f}%) "
                     "of cold", f"{low:.2f}s ({mid:.2f}s)"))

    one = next(iter(sorted((ROOT / "incidents" / "2025").glob("*.yaml"))))
    lint, _ = best([ihltag, "check", str(one)], 5)
    py, _ = best([sys.executable, "-c", "pass"], 5)
    help_, _ = best([ihltag, "--help"], 5)
    rows.append((f"one-file lint (ihltag check incidents/2025/{one.name})", "", f"{lint:.3f}s"))
    rows.append(("ihltag --help", "", f"{help_:.3f}s"))
    rows.append(("python -c pass", "", f"{py:.3f}s"))
    rows.append((f"peak RSS, {n} files, -j 1 / -j {args.jobs} / warm", "",
                 f"{rss_1 / 1024:.0f} / {rss_j / 1024:.0f} / {rss_warm / 1024:.0f} MiB"))

    print(f"\n{n} incident files in {data}, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}\n")
    print("| measurement | files/s | wall |\n| --- | ---: | ---: |")
    for name, rate, wall in rows:
        print(f"| {name} | {rate} | {wall} |")
    print()
    print(json.dumps({"files": n}))


if __name__ == "__main__":
    main()
