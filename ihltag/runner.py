"""Running a check over a dataset: discovery, registries, rules, cache and parallelism.

This is the core that ``ihltag check`` and ``ihltag report`` call; it never prints.
Work is split across processes (``--jobs``) with results returned in a stable order,
the order of the files, whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ihltag.dataset import (
    DatasetError,
    check_file,
    display_path,
    display_str,
    duplicate_ids,
    expand_str,
    find_root,
    id_index,
)
from ihltag.engine import Engine
from ihltag.registry import RegistryError, load_registry
from ihltag.results import CheckRun, FileResult
from ihltag.rules import RulePackError, load_pack
from ihltag.yamlsafe import MAX_BYTES

if TYPE_CHECKING:
    from ihltag.cache import Cache
    from ihltag.formats import Reporter

__all__ = ["CheckRun", "DatasetError", "RegistryError", "RulePackError", "run_check"]


# Set in the parent before workers fork, so each worker has the compiled pack for free.
_STATE: dict[str, Any] = {}

_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_CLOEXEC", 0)
_HOLD = 64 * 1024 * 1024  # bytes read while planning, kept for the workers at most

# A file to check: path, shown path, and the bytes (with their state) when the planning
# already read them; the worker then checks those very bytes.
Work = tuple[str, str, bytes | None, tuple[int, int, int, int, str] | None]


def _work(item: Work) -> tuple[FileResult, tuple[int, int, int, int, str] | None]:
    """Check one file (in a worker process when ``--jobs`` > 1), reading it once: the
    bytes checked are the bytes hashed, so a result is cached under the content it was
    computed from even when the file changes during the run. Returns the state (size,
    times, inode, hash) of those bytes when the run has a cache, for its key."""
    path, display, raw, state = item
    if raw is None:
        read = _read(path)
        if read is not None:
            st, raw = read
            if _STATE.get("hash"):
                state = _state(st, raw)
    # when the file could not be read here (a symlink, not a regular file, too large,
    # unreadable), ``check_file`` reads it itself and reports why; nothing is cached
    result = check_file(Path(path), display, _STATE["registry"], _STATE["engine"], raw=raw,
                        keep=_STATE.get("keep", False), root=_STATE.get("root"))
    if _STATE.get("hash"):
        from ihltag.cache import seal

        seal(result)  # one text to send back and to store
    return result, state


def _state(st: os.stat_result, raw: bytes) -> tuple[int, int, int, int, str]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
            hashlib.sha256(raw).hexdigest())


def _read(path: str) -> tuple[os.stat_result, bytes] | None:
    """A regular file's status and bytes, read once and never more than the size limit;
    None for a symlink, a special file (opened without blocking: a FIFO never hangs the
    run), a file too large or unreadable."""
    try:
        fd = os.open(path, _OPEN)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        # sized by the stat (one byte more, to see growth), then read to the end
        chunks = [os.read(fd, st.st_size + 1)]
        total = len(chunks[0])
        while chunks[-1]:
            if total > MAX_BYTES:  # grew past the limit while being read
                return None
            chunks.append(os.read(fd, min(65536, MAX_BYTES + 1 - total)))
            total += len(chunks[-1])
        return st, chunks[0] if len(chunks) <= 2 else b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _plan(cache: Cache, items: Sequence[tuple[str, str]], rels: Sequence[str]
          ) -> tuple[list[str | None], dict[str, str], dict[str, tuple[int, int, int, int, str]],
                     list[Work]]:
    """For each file, the key of its cached result (None: to check); the metadata of
    those results; the state of the files whose record must be renewed; and the files to
    check, in order. An unchanged file costs an ``lstat``: its key and metadata come
    from the index read at start-up. A file whose stat data changed is read and hashed
    here (a touched but unchanged file is still a hit) and, when it must be checked,
    its bytes go to the worker; a file the index does not know is read by the worker
    alone. Findings are not gathered here: they are fetched in batches as the output is
    written, so a warm run holds no more than a cold one."""
    keys: list[str | None] = [None] * len(items)
    metas: dict[str, str] = {}
    renew: dict[str, tuple[int, int, int, int, str]] = {}
    todo: dict[int, Work] = {}
    pending: list[tuple[int, str, tuple[int, int, int, int, str], bytes | None]] = []
    hold = _HOLD

    def resolve() -> None:
        nonlocal hold
        found = cache.metadata([cache.key(rels[i], state[4]) for i, _, state, _ in pending])
        for i, key, state, raw in ((i, cache.key(rels[i], s[4]), s, r) for i, _, s, r in pending):
            meta = found.get(key)
            if meta is not None:
                keys[i] = key
                metas[key] = meta
                renew[rels[i]] = state
            elif raw is not None and len(raw) <= hold:
                hold -= len(raw)
                todo[i] = (*items[i], raw, state)
            else:  # too much held already: the worker reads it again, and hashes that
                todo[i] = (*items[i], None, None)
        pending.clear()

    for i, (path, _) in enumerate(items):
        rel = rels[i]
        try:
            st = os.lstat(path)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            todo[i] = (*items[i], None, None)
            continue
        known = cache.known(rel, st)
        if known is not None:
            sha, key, meta = known
            if key is not None and meta is not None:
                keys[i] = key
                metas[key] = meta
                continue
            # made with another salt: look the content up without reading it again
            pending.append((i, rel, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, sha),
                            None))
        elif rel in cache.index:
            read = _read(path)
            if read is None:
                todo[i] = (*items[i], None, None)
                continue
            st, raw = read
            pending.append((i, rel, _state(st, raw), raw))
        else:
            todo[i] = (*items[i], None, None)
        if len(pending) >= 500:
            resolve()
    resolve()
    return keys, metas, renew, [todo[i] for i in sorted(todo)]


class _Hits:
    """Cached results in the order the files are written, findings fetched in batches."""

    def __init__(self, cache: Cache, keys: list[str | None], metas: dict[str, str],
                 findings: bool) -> None:
        self.cache = cache
        self.metas = metas
        self.wanted = [k for k in keys if k is not None] if findings else []
        self.next = 0
        self.asked: set[str] = set()
        self.batch: dict[str, str] | None = {} if findings else None

    def get(self, key: str, display: str) -> FileResult | None:
        from ihltag.cache import decode

        found: str | None = None
        if self.batch is not None:
            if key not in self.asked:  # a key asked for and not found is a miss, alone
                chunk = self.wanted[self.next:self.next + 500]
                self.next += len(chunk)
                self.asked = set(chunk)
                self.batch = self.cache.findings(chunk)
            found = self.batch.pop(key, None)
            if found is None:
                return None
        try:
            return decode(display, self.metas[key], found)
        except (KeyError, TypeError, IndexError, ValueError, RecursionError):
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


def iter_results(items: Sequence[Work], jobs: int
                 ) -> Iterator[tuple[FileResult, tuple[int, int, int, int, str] | None]]:
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
              reporter: Reporter | None = None,
              findings: bool = True, cache_dir: Path | None = None,
              presumptions: bool = True) -> CheckRun:
    """Check incident files; raise DatasetError/RegistryError/RulePackError when the run
    cannot be made. ``only`` narrows the files checked (``--since``) within ``paths``.

    With a ``reporter``, each file's result is handed to it as soon as it is ready, in
    file order, and its findings are then released (their counts stay): memory does not grow
    with the corpus, which is what lets a 100k-file check stream its output. Without
    ``findings`` (a quiet run), cached results are read without their findings, and an
    unchanged file with nothing to report is only counted (``CheckRun.unlisted``): the
    reporter sees every file that has a diagnostic, not every file. The cache lives in
    ``cache_dir`` when given, else in the user's cache folder (see ``ihltag.cache``)."""
    base = base or Path.cwd()
    root = find_root(paths)
    registry = load_registry(root, display_root=_prefix(root, base))
    pack = load_pack(rules_dir, cache=use_cache)
    engine = Engine(pack, registry, presumptions=presumptions)
    files = expand_str(paths, root)
    whole = [p.resolve() for p in paths] == [root]
    if only is not None:
        wanted = {str(p.parent.resolve() / p.name) for p in only}  # a link stays a link (D1)
        files = [f for f in files if f in wanted]
    top = str(base)
    items = [(f, display_str(f, top)) for f in files]
    cache: Cache | None = None
    if use_cache and not keep:
        from ihltag.cache import Cache, encode, quiet_counts

        cache = Cache.for_dataset(
            root, f"{pack.digest}\0{_registry_digest(root)}\0{_code_digest()}"
            f"\0presumptions={presumptions}", cache_dir)  # the strict reading: its own results
    duplicates = id_index(root, base, [d for _, d in items] if whole and only is None else None)
    run = CheckRun(root, registry, pack)
    if reporter is not None:
        reporter.start(run)
    _STATE.update(registry=registry, engine=engine, keep=keep, hash=cache is not None,
                  root=str(root))
    try:
        n = len(items)
        keys: list[str | None] = [None] * n
        metas: dict[str, str] = {}
        renew: dict[str, tuple[int, int, int, int, str]] = {}
        work: list[Work] = [(path, display, None, None) for path, display in items]
        hits = None
        inside = str(root).rstrip(os.sep) + os.sep
        # a result is cached under the file's path in the dataset, whatever the cwd
        rels = [p[len(inside):] if p.startswith(inside) else p for p, _ in items] \
            if cache is not None else []
        if cache is not None:
            keys, metas, renew, work = _plan(cache, items, rels)
            hits = _Hits(cache, keys, metas, findings)
        fresh = iter_results(work, jobs)
        unlisted = run.unlisted
        for i, item in enumerate(items):
            key = keys[i]
            result = None
            state = None
            if key is not None:
                meta = metas[key]
                if not findings:
                    quick = quiet_counts(meta)
                    if quick is not None and quick[0] not in duplicates:
                        # unchanged, valid, no diagnostics, and no findings to show: count it
                        unlisted.files += 1
                        unlisted.violation += quick[1]
                        unlisted.possible += quick[2]
                        if rels[i] in renew:
                            cache.record(rels[i], renew[rels[i]], key, meta)  # type: ignore[union-attr]
                        continue
                result = hits.get(key, item[1])  # type: ignore[union-attr]
                if result is None:  # vanished or damaged since it was found: check it here
                    result, state = _work((*item, None, None))
                elif rels[i] in renew:
                    cache.record(rels[i], renew[rels[i]], key, meta)  # type: ignore[union-attr]
            else:
                result, state = next(fresh)
            if cache is not None and state is not None:
                key = cache.key(rels[i], state[4])  # the hash of the bytes checked
                meta, found = encode(result)
                cache.put(key, meta, found)
                cache.record(rels[i], state, key, meta)
            duplicate_ids((result,), duplicates)
            run.add(result)
            if reporter is not None:
                reporter.file(result)
                result.release()  # written out: keep only what the summary needs
        if reporter is not None:
            reporter.finish(run)
        if cache is not None:
            if whole and only is None:
                cache.forget_others(set(rels))
            cache.flush()
    finally:
        _STATE.clear()
        if cache is not None:
            cache.close()
    return run


def _prefix(root: Path, base: Path) -> str:
    shown = display_path(root, base)
    return "" if shown in ("", ".") else shown.rstrip("/") + "/"
