"""Running a check over a dataset: discovery, registries, rules, cache and parallelism.

This is the core that ``ihltag check`` and ``ihltag report`` call; it never prints.
Work is split across processes (``--jobs``) with results returned in a stable order,
the order of the files, whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ihltag.dataset import (
    SEP,
    DatasetError,
    FileResult,
    check_file,
    display_path,
    display_str,
    duplicate_ids,
    expand_str,
    find_root,
    id_index,
)
from ihltag.diagnostics import Diagnostic
from ihltag.engine import Engine
from ihltag.registry import Registry, RegistryError, load_registry
from ihltag.rules import RulePack, RulePackError, load_pack
from ihltag.yamlsafe import MAX_BYTES

if TYPE_CHECKING:
    from ihltag.cache import Cache

__all__ = ["CheckRun", "DatasetError", "RegistryError", "RulePackError", "run_check"]


@dataclass
class CheckRun:
    root: Path
    registry: Registry
    pack: RulePack
    results: list[FileResult] = field(default_factory=list)
    # files counted without a result: valid, unchanged, nothing to report, in a run that
    # shows no findings (files, violation findings, possible findings)
    counted: list[int] = field(default_factory=lambda: [0, 0, 0])

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    def summary(self) -> dict[str, Any]:
        files, violation, possible = self.counted
        violation += sum(r.counts[0] for r in self.results)
        possible += sum(r.counts[1] for r in self.results)
        invalid = sum(1 for r in self.results if not r.valid)
        return {"files": len(self.results) + files, "invalid": invalid,
                "incidents": sum(1 for r in self.results if r.valid) + files,
                "errors": sum(1 for d in self.diagnostics if d.severity == "error"),
                "warnings": sum(1 for d in self.diagnostics if d.severity == "warning"),
                "findings": {"violation": violation, "possible": possible}}


# Set in the parent before workers fork, so each worker has the compiled pack for free.
_STATE: dict[str, Any] = {}


def _work(item: tuple[str, str]) -> FileResult:
    """Check one file (in a worker process when ``--jobs`` > 1)."""
    path, display = item
    return check_file(Path(path), display, _STATE["registry"], _STATE["engine"],
                      keep=_STATE.get("keep", False))


def _read(path: str) -> tuple[os.stat_result, bytes] | None:
    """A file's status and bytes, or None when it is too large or unreadable (a miss, and
    ``check_file`` then reports why)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if st.st_size > MAX_BYTES:
                return None
            return st, fh.read()
    except OSError:
        return None


def _plan(cache: Cache, items: Sequence[tuple[str, str]]
          ) -> tuple[list[str | None], dict[str, str], dict[str, tuple[int, int, str]]]:
    """Each file's cache key (None when it cannot be read), the metadata the cache holds
    for those keys, and the state (size, mtime, sha) of each file whose record must be
    renewed. An unchanged file costs a ``stat``: its key and metadata come from the
    index read at start-up. Findings are not gathered here: they are fetched in batches
    as the output is written, so a warm run holds no more than a cold one."""
    keys: list[str | None] = []
    metas: dict[str, str] = {}
    need: list[str] = []
    renew: dict[str, tuple[int, int, str]] = {}
    for path, display in items:
        try:
            st = os.stat(path)
        except OSError:
            keys.append(None)
            continue
        known = cache.known(display, st)
        if known is not None:
            sha, key, meta = known
            if key is not None and meta is not None:
                keys.append(key)
                metas[key] = meta
                continue
        else:
            read = _read(path)
            if read is None:
                keys.append(None)
                continue
            st, raw = read
            sha = hashlib.sha256(raw).hexdigest()
        key = cache.key(display, sha)
        keys.append(key)
        need.append(key)
        renew[display] = (st.st_size, st.st_mtime_ns, sha)
    metas.update(cache.metadata(need))
    return keys, metas, renew


class _Hits:
    """Cached results in the order the files are written, findings fetched in batches."""

    def __init__(self, cache: Cache, keys: list[str | None], metas: dict[str, str],
                 findings: bool) -> None:
        self.cache = cache
        self.metas = metas
        self.wanted = [k for k in keys if k is not None and k in metas] if findings else []
        self.next = 0
        self.batch: dict[str, str] | None = {} if findings else None

    def get(self, key: str, display: str) -> FileResult | None:
        found: str | None = None
        if self.batch is not None:
            if key not in self.batch:
                chunk = self.wanted[self.next:self.next + 500]
                self.next += len(chunk)
                self.batch = self.cache.findings(chunk)
            found = self.batch.pop(key, None)
            if found is None:
                return None
        try:
            return FileResult.from_cache(display, self.metas[key], found)
        except (KeyError, TypeError, IndexError, ValueError):
            return None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _code_digest() -> str:
    """The tool's own code, so that a changed engine never serves stale cached results
    (the version number alone does not change between development builds)."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _registry_digest(root: Path) -> str:
    h = hashlib.sha256()
    for name in ("actors.yaml", "conflicts.yaml"):
        try:
            h.update((root / name).read_bytes())
        except OSError:
            pass
        h.update(b"\0")
    return h.hexdigest()[:16]


def iter_results(items: Sequence[tuple[str, str]], jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(items) < 2 * jobs or len(items) < 64:
        yield from map(_work, items)
        return
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        yield from map(_work, items)
        return
    chunk = max(8, min(256, len(items) // (jobs * 8)))
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(_work, items, chunksize=chunk)


def run_check(paths: Sequence[Path], rules_dir: Path | None = None, jobs: int = 1,
              use_cache: bool = False, keep: bool = False, only: Sequence[Path] | None = None,
              base: Path | None = None,
              sink: Callable[[FileResult], None] | None = None,
              findings: bool = True) -> CheckRun:
    """Check incident files; raise DatasetError/RegistryError/RulePackError when the run
    cannot be made. ``only`` narrows the files checked (``--since``) within ``paths``.

    With ``sink``, each file's result is handed over as soon as it is ready, in file
    order, and its findings are then dropped (their counts stay): memory does not grow
    with the corpus, which is what lets a 100k-file check stream its output. Without
    ``findings`` (a quiet run), cached results are read without their findings, and an
    unchanged file with nothing to report is only counted (``CheckRun.counted``): the
    sink sees every file that has a diagnostic, not every file."""
    base = base or Path.cwd()
    root = find_root(paths)
    registry = load_registry(root, display_root=_prefix(root, base))
    pack = load_pack(rules_dir)
    engine = Engine(pack, registry)
    files = expand_str(paths, root)
    whole = [p.resolve() for p in paths] == [root]
    if only is not None:
        wanted = {str(p.resolve()) for p in only}
        files = [f for f in files if f in wanted]
    top = str(base)
    items = [(f, display_str(f, top)) for f in files]
    cache: Cache | None = None
    if use_cache and not keep:
        from ihltag.cache import FOLDER, Cache

        cache = Cache(root / FOLDER, f"{pack.digest}\0{_registry_digest(root)}\0{_code_digest()}")
    duplicates = id_index(root, base, [d for _, d in items] if whole and only is None else None)
    run = CheckRun(root, registry, pack)
    _STATE.update(registry=registry, engine=engine, keep=keep)
    try:
        keys: list[str | None] = [None] * len(items)
        present: dict[str, str] = {}
        renew: dict[str, tuple[int, int, str]] = {}
        hits = None
        if cache is not None:
            keys, present, renew = _plan(cache, items)
            hits = _Hits(cache, keys, present, findings)
        fresh = iter_results([item for item, key in zip(items, keys, strict=True)
                              if key not in present], jobs)
        counted = run.counted
        for item, key in zip(items, keys, strict=True):
            result = None
            if not findings and key in present and present[key].endswith(SEP):
                # unchanged, valid, no diagnostics, and no findings to show: count it
                rid, _, _, v, p, _ = present[key].split(SEP, 5)
                if rid and rid not in duplicates:
                    counted[0] += 1
                    counted[1] += int(v)
                    counted[2] += int(p)
                    state = renew.get(item[1])
                    if state is not None:
                        cache.record(item[1], *state, key, present[key])  # type: ignore[union-attr]
                    continue
            if key in present:
                result = hits.get(key, item[1])  # type: ignore[union-attr]
                if result is None:  # vanished or damaged since it was found: check it here
                    result = _work(item)
            else:
                result = next(fresh)
            if cache is not None and key is not None:
                if key in present:
                    meta = present[key]
                else:
                    meta, found = result.to_cache()
                    cache.put(key, meta, found)
                state = renew.get(item[1])
                if state is not None:
                    cache.record(item[1], *state, key, meta)
            duplicate_ids((result,), duplicates)
            if sink is not None:
                sink(result)
                result.findings_json = "[]"  # streamed out: keep only what the summary needs
                result.acts_lines, result.acts_cols = [], []
            run.results.append(result)
        if cache is not None:
            cache.flush()
    finally:
        _STATE.clear()
        if cache is not None:
            cache.close()
    return run


def _prefix(root: Path, base: Path) -> str:
    shown = display_path(root, base)
    return "" if shown in ("", ".") else shown.rstrip("/") + "/"
