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
from typing import Any

from ihltag.dataset import (
    DatasetError,
    FileResult,
    check_file,
    display_path,
    duplicate_ids,
    expand,
    find_root,
    id_index,
)
from ihltag.diagnostics import Diagnostic
from ihltag.engine import Engine
from ihltag.registry import Registry, RegistryError, load_registry
from ihltag.rules import RulePack, RulePackError, load_pack
from ihltag.yamlsafe import MAX_BYTES

__all__ = ["CheckRun", "DatasetError", "RegistryError", "RulePackError", "run_check"]


@dataclass
class CheckRun:
    root: Path
    registry: Registry
    pack: RulePack
    results: list[FileResult] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    def summary(self) -> dict[str, Any]:
        violation = sum(r.counts[0] for r in self.results)
        possible = sum(r.counts[1] for r in self.results)
        invalid = sum(1 for r in self.results if not r.valid)
        return {"files": len(self.results), "invalid": invalid,
                "incidents": sum(1 for r in self.results if r.valid),
                "errors": sum(1 for d in self.diagnostics if d.severity == "error"),
                "warnings": sum(1 for d in self.diagnostics if d.severity == "warning"),
                "findings": {"violation": violation, "possible": possible}}


# Set in the parent before workers fork, so each worker has the compiled pack for free.
_STATE: dict[str, Any] = {}


def _work(item: tuple[str, str]) -> FileResult:
    path, display = item
    registry: Registry = _STATE["registry"]
    engine: Engine = _STATE["engine"]
    cache = _STATE.get("cache")
    keep = _STATE.get("keep", False)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            return check_file(p, display, registry, engine, keep=keep)  # reports the limit
        raw = p.read_bytes()
    except OSError:
        return check_file(p, display, registry, engine, keep=keep)  # reports why
    if cache is None or keep:
        return check_file(p, display, registry, engine, raw=raw, keep=keep)
    key = cache.key(display, raw)
    hit = cache.get(key)
    if hit is not None:
        try:
            return FileResult.from_cache(display, hit)
        except (KeyError, TypeError, IndexError):
            pass
    result = check_file(p, display, registry, engine, raw=raw)
    cache.put(key, result.to_cache())
    return result


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
              sink: Callable[[FileResult], None] | None = None) -> CheckRun:
    """Check incident files; raise DatasetError/RegistryError/RulePackError when the run
    cannot be made. ``only`` narrows the files checked (``--since``) within ``paths``.

    With ``sink``, each file's result is handed over as soon as it is ready, in file
    order, and its findings are then dropped (their counts stay): memory does not grow
    with the corpus, which is what lets a 100k-file check stream its output."""
    base = base or Path.cwd()
    root = find_root(paths)
    registry = load_registry(root, display_root=_prefix(root, base))
    pack = load_pack(rules_dir)
    engine = Engine(pack, registry)
    files = expand(paths, root)
    if only is not None:
        wanted = {p.resolve() for p in only}
        files = [f for f in files if f in wanted]
    items = [(str(f), display_path(f, base)) for f in files]
    cache = None
    if use_cache and not keep:
        from ihltag.cache import FOLDER, Cache

        cache = Cache(root / FOLDER, f"{pack.digest}\0{_registry_digest(root)}\0{_code_digest()}")
    duplicates = id_index(root, base)
    run = CheckRun(root, registry, pack)
    _STATE.update(registry=registry, engine=engine, cache=cache, keep=keep)
    try:
        for result in iter_results(items, jobs):
            duplicate_ids((result,), duplicates)
            if sink is not None:
                sink(result)
                result.findings_json = "[]"
            run.results.append(result)
    finally:
        _STATE.clear()
    return run


def _prefix(root: Path, base: Path) -> str:
    shown = display_path(root, base)
    return "" if shown in ("", ".") else shown.rstrip("/") + "/"
