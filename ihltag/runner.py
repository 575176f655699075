"""Running a check over a dataset: discovery, registries, rules, cache and parallelism.

This is the core that ``ihltag check`` and ``ihltag report`` call; it never prints.
Work is split across processes (``--jobs``) with results returned in a stable order,
the order of the files, whatever the number of workers.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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
from ihltag.registry import Registry, RegistryError, load_registry
from ihltag.results import CheckRun, FileResult
from ihltag.rules import RulePack, RulePackError, load_pack
from ihltag.yamlsafe import MAX_BYTES

if TYPE_CHECKING:
    from ihltag.cache import Cache, ReadAhead
    from ihltag.formats import Rendering, Reporter

__all__ = ["CheckRun", "DatasetError", "RegistryError", "RulePackError", "run_check"]


_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_CLOEXEC", 0)
_HOLD = 64 * 1024 * 1024  # bytes read while consulting the cache, kept for the workers at most
_BATCH = 500  # files whose cache rows are asked for at once
_AHEAD = 4  # batches of stored texts from which a child process reads them ahead

State = tuple[int, int, int, int, str]  # (size, mtime_ns, ctime_ns, inode, sha256) of bytes
# A file to check: path, shown path, and the bytes (with their state) when consulting
# the cache already read them; the worker then checks those very bytes.
Job = tuple[str, str, bytes | None, State | None]


@dataclass
class _WorkerContext:
    """What checking a file needs. Set in the parent before the workers fork, so that
    each worker has the registries and the compiled pack for free."""

    registry: Registry
    engine: Engine
    keep: bool  # keep the parsed incident on the result (report, explain)
    hashing: bool  # the run has a cache: results carry the state of the bytes checked
    root: str
    # findings held as their one text (``findings_json``), made where they are found: a
    # worker sends that, not objects (the main process unpickles a file's typed findings
    # in ~90 us, their text in ~30 us); with a cache, or when the output writes that text
    seal: bool = False


_worker: _WorkerContext | None = None


def _check_job(job: Job) -> tuple[FileResult, State | None]:
    """Check one file (in a worker process when ``--jobs`` > 1), reading it once: the
    bytes checked are the bytes hashed, so a result is cached under the content it was
    computed from even when the file changes during the run. Returns the state (size,
    times, inode, hash) of those bytes when the run has a cache, for its key."""
    context = _worker
    assert context is not None, "set by run_check"
    path, display, raw, state = job
    if raw is None:
        read = _read(path)
        if read is not None:
            st, raw = read
            if context.hashing:
                state = _state(st, raw)
    # when the file could not be read here (a symlink, not a regular file, too large,
    # unreadable), ``check_file`` reads it itself and reports why; nothing is cached
    result = check_file(Path(path), display, context.registry, context.engine, raw=raw,
                        keep=context.keep, root=context.root)
    if context.seal:
        from ihltag.cache import seal

        seal(result)
    return result, state


def _state(st: os.stat_result, raw: bytes) -> tuple[int, int, int, int, str]:
    from ihltag.cache import stamp

    return (*stamp(st), hashlib.sha256(raw).hexdigest())


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


@dataclass
class _Plan:
    """What the cache answers for: per file, the key of its stored result (None: check
    it), the metadata of those keys, the files whose stat data changed but not their
    content (recorded anew), and the files to check, in order."""

    keys: list[str | None]
    metas: dict[str, str] = field(default_factory=dict)
    # per file with a key: (id, violation, possible) when it has no diagnostic (a file
    # that is only counted, or written from its stored rendering), else None
    quick: list[tuple[str, int, int] | None] = field(default_factory=list)
    restamped: dict[str, State] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)


class _Lookup:
    """Consulting the cache for each file. An unchanged file costs an ``lstat``: its key
    and metadata come from the index read at start-up. A file whose stat data changed is
    read and hashed here (a touched but unchanged file is still a hit) and, when it must
    be checked, its bytes go to the worker; a file the index does not know is read by
    the worker alone. Findings are not gathered here: they are fetched in batches as
    the output is written, so a warm run holds no more than a cold one."""

    def __init__(self, cache: Cache, items: Sequence[tuple[str, str]], rels: Sequence[str]
                 ) -> None:
        self.cache, self.items, self.rels = cache, items, rels
        self.plan = _Plan([])  # filled by ``run``
        self.todo: dict[int, Job] = {}
        self.pending: list[tuple[int, State, bytes | None]] = []
        self.hold = _HOLD

    def run(self) -> _Plan:
        """Every file, in order: the unchanged ones answered by the index at once
        (``Cache.scan``), the others one by one."""
        scan = self.cache.scan([path for path, _ in self.items], self.rels)
        self.plan.keys, self.plan.metas, self.plan.quick = scan.keys, scan.metas, scan.quick
        for i, st, sha in scan.misses:
            self.consider(i, self.items[i][0], st, sha)
        return self.done()

    def consider(self, i: int, path: str, st: os.stat_result | None, sha: str | None) -> None:
        """A file the index cannot answer for from its stat data alone; ``sha``: its
        recorded content hash when only the salt differs."""
        rel = self.rels[i]
        if sha is not None and st is not None:
            # made with another salt: look the content up without reading it again
            from ihltag.cache import stamp

            self.pending.append((i, (*stamp(st), sha), None))
        elif st is not None and stat.S_ISREG(st.st_mode) and self.cache.knows(rel):
            read = _read(path)
            if read is None:
                self.todo[i] = (*self.items[i], None, None)
            else:
                self.pending.append((i, _state(*read), read[1]))
        else:
            self.todo[i] = (*self.items[i], None, None)
        if len(self.pending) >= _BATCH:
            self.resolve()

    def resolve(self) -> None:
        from ihltag.cache import quiet_counts

        keys = [self.cache.key(self.rels[i], state[4]) for i, state, _ in self.pending]
        found = self.cache.metadata(keys)
        for (i, state, raw), key in zip(self.pending, keys, strict=True):
            meta = found.get(key)
            if meta is not None:
                self.plan.keys[i] = key
                self.plan.metas[key] = meta
                self.plan.quick[i] = quiet_counts(meta)
                self.plan.restamped[self.rels[i]] = state
            elif raw is not None and len(raw) <= self.hold:
                self.hold -= len(raw)
                self.todo[i] = (*self.items[i], raw, state)
            else:  # too much held already: the worker reads it again, and hashes that
                self.todo[i] = (*self.items[i], None, None)
        self.pending.clear()

    def done(self) -> _Plan:
        self.resolve()
        self.plan.jobs = [self.todo[i] for i in sorted(self.todo)]
        return self.plan


def _consult_cache(cache: Cache, items: Sequence[tuple[str, str]], rels: Sequence[str]
                   ) -> _Plan:
    return _Lookup(cache, items, rels).run()


class _Stored:
    """Stored results in the order the files are written. Their findings' texts are
    fetched in batches; a quiet run fetches none."""

    def __init__(self, cache: Cache, plan: _Plan, with_findings: bool,
                 ahead: ReadAhead | None) -> None:
        self.cache = cache
        self.metas = plan.metas
        self.with_findings = with_findings
        self.ahead = ahead
        from ihltag.cache import shows_findings

        # the keys whose findings will be read, in order (a file with none needs no read)
        if ahead is not None:  # as the child reads them
            self.order, self.position = ahead.order, ahead.position
        else:
            self.order = [k for k, q in zip(plan.keys, plan.quick, strict=True)
                          if k is not None and shows_findings(q, plan.metas[k])
                          ] if with_findings else []
            self.position = {k: i for i, k in enumerate(self.order)}
        self.asked: set[str] = set()
        self.texts: dict[str, bytes] = {}

    def text(self, key: str) -> bytes | None:
        """The stored text of a result's findings (UTF-8), fetched with its batch of
        ``order`` (files are asked for in order, so batches come one after another; a
        key not in ``order`` is read alone)."""
        if key not in self.asked:
            at = self.position.get(key)
            asked = [key] if at is None else \
                self.order[at // _BATCH * _BATCH:(at // _BATCH + 1) * _BATCH]
            self.asked = set(asked)
            self.texts = self.ahead.get(at // _BATCH) if self.ahead is not None \
                and at is not None else self.cache.texts(asked)
        return self.texts.get(key)

    def get(self, key: str, display: str) -> FileResult | None:
        from ihltag.cache import decode, has_findings

        try:
            if not self.with_findings:
                return decode(display, self.metas[key], None)
            if not has_findings(self.metas[key]):  # none to read ("[]" is checked by decode)
                return decode(display, self.metas[key], "[]")
            found = self.text(key)
            if found is None:
                return None
            return decode(display, self.metas[key], found.decode("utf-8"))
        except (KeyError, TypeError, IndexError, ValueError, RecursionError,
                UnicodeDecodeError):
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


def iter_results(jobs: Sequence[Job], processes: int
                 ) -> Iterator[tuple[FileResult, State | None]]:
    if processes <= 1 or len(jobs) < 2 * processes or len(jobs) < 64:
        yield from map(_check_job, jobs)
        return
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        yield from map(_check_job, jobs)
        return
    chunk = max(8, min(256, len(jobs) // (processes * 8)))
    with ctx.Pool(processes) as pool:
        yield from pool.imap(_check_job, jobs, chunksize=chunk)


@dataclass
class _Setup:
    """What a run is made of, or DatasetError/RegistryError/RulePackError."""

    root: Path
    registry: Registry
    pack: RulePack
    engine: Engine
    items: list[tuple[str, str]]  # (path, shown path) of each file, in order
    whole: bool  # the whole dataset is checked: rows of files that are gone can go

    @property
    def rels(self) -> list[str]:
        """Each file's path in the dataset, under which its result is cached whatever
        the folder the tool runs in."""
        inside = str(self.root).rstrip(os.sep) + os.sep
        return [p[len(inside):] if p.startswith(inside) else p for p, _ in self.items]

    @classmethod
    def make(cls, paths: Sequence[Path], rules_dir: Path | None, base: Path,
             only: Sequence[Path] | None, presumptions: bool, use_cache: bool) -> _Setup:
        root = find_root(paths)
        registry = load_registry(root, display_root=_prefix(root, base))
        pack = load_pack(rules_dir, cache=use_cache)
        files = expand_str(paths, root)
        if only is not None:
            wanted = {str(p.parent.resolve() / p.name) for p in only}  # a link stays a link (D1)
            files = [f for f in files if f in wanted]
        top = str(base)
        return cls(root, registry, pack, Engine(pack, registry, presumptions=presumptions),
                   [(f, display_str(f, top)) for f in files],
                   [p.resolve() for p in paths] == [root] and only is None)

    def open_cache(self, folder: Path | None, presumptions: bool, rels: list[str],
                   read_ahead: bool) -> Cache:
        """The dataset's cache; with ``read_ahead``, its stored findings texts are read
        by a child process (``ReadAhead``) when there are enough of them."""
        from ihltag.cache import Ahead, Cache

        return Cache.for_dataset(  # the strict reading (no presumptions): its own results
            self.root, f"{self.pack.digest}\0{_registry_digest(self.root)}\0{_code_digest()}"
            f"\0presumptions={presumptions}", folder,
            Ahead([p for p, _ in self.items], rels, _BATCH, _AHEAD)
            if read_ahead and len(rels) >= _AHEAD * _BATCH
            else None)


class _Pass:
    """One pass over the files in order: each result from the cache or from a worker,
    stored when fresh, checked against the dataset's ids, handed to the reporter."""

    def __init__(self, setup: _Setup, run: CheckRun, cache: Cache | None,
                 reporter: Reporter | None, with_findings: bool, base: Path, rels: list[str]
                 ) -> None:
        self.setup, self.run, self.cache, self.reporter = setup, run, cache, reporter
        self.with_findings = with_findings
        items = setup.items
        self.rels = rels
        self.duplicates = id_index(setup.root, base, [d for _, d in items] if setup.whole
                                   else None)
        self.stored: _Stored | None = None
        self.rendering: Rendering | None = reporter.rendering if reporter is not None else None
        if cache is None:  # every file is checked
            self.plan = _Plan([None] * len(items), jobs=[(p, d, None, None) for p, d in items])
        else:
            self.plan = _consult_cache(cache, items, self.rels)
            self.stored = _Stored(cache, self.plan, with_findings, cache.ahead)

    def go(self, processes: int) -> None:
        """Every file in order: a fresh result from a worker; an unchanged file with no
        diagnostic and a usable id, only counted (a quiet run) or written from its
        stored findings text alone; else a stored result, decoded. A warm run spends
        its time in this loop, 100k times over: it is kept flat, with no call for an
        unchanged file beyond reading and writing its text."""
        fresh = iter_results(self.plan.jobs, processes)
        keys, quick, restamped = self.plan.keys, self.plan.quick, self.plan.restamped
        duplicates, names, findings = self.duplicates, self.run.names, self.with_findings
        stored = self.stored
        write = self.rendering.write if self.rendering is not None else None
        naming = findings  # until the run has all the failing findings it names
        files = violations = possibles = 0
        for i, item in enumerate(self.setup.items):
            key = keys[i]
            if key is None:
                self._deliver(i, *next(fresh))
                naming = findings and names((1, 1))
                continue
            q = quick[i]
            if q is not None and q[0] not in duplicates and not (naming and names(q[1:])):
                if not findings:
                    text: bytes | None = b""
                elif write is None or stored is None:
                    text = None
                else:
                    text = stored.text(key) if q[1] or q[2] else b"[]"
                if text is not None:
                    if findings and write is not None:
                        write(item[1], q[0], text)
                    files, violations, possibles = files + 1, violations + q[1], possibles + q[2]
                    if restamped:
                        self._restamp(i, key)
                    continue
            result = stored.get(key, item[1])  # type: ignore[union-attr]
            if result is None:  # vanished or damaged since it was found: check it here
                self._deliver(i, *_check_job((*item, None, None)))
            else:
                self._restamp(i, key)
                self._deliver(i, result, None)
            naming = findings and names((1, 1))
        tally = self.run.unlisted
        tally.files, tally.violation, tally.possible = (
            tally.files + files, tally.violation + violations, tally.possible + possibles)

    def _restamp(self, i: int, key: str) -> None:
        state = self.plan.restamped.get(self.rels[i])
        if state is not None:
            self.cache.record(self.rels[i], state, key, self.plan.metas[key])  # type: ignore[union-attr]

    def _deliver(self, i: int, result: FileResult, state: State | None) -> None:
        if self.cache is not None and state is not None:
            from ihltag.cache import encode

            key = self.cache.key(self.rels[i], state[4])  # the hash of the bytes checked
            meta, found = encode(result)
            self.cache.put(key, meta, found)
            self.cache.record(self.rels[i], state, key, meta)
        duplicate_ids((result,), self.duplicates)
        self.run.add(result)
        if self.reporter is not None:
            self.reporter.file(result)
            result.release()  # written out: keep only what the summary needs

    def close(self) -> None:
        if self.cache is not None:
            if self.setup.whole:
                self.cache.forget_others(set(self.rels))
            self.cache.flush()


def run_check(paths: Sequence[Path], rules_dir: Path | None = None, jobs: int = 1,
              use_cache: bool = False, keep: bool = False, only: Sequence[Path] | None = None,
              base: Path | None = None, reporter: Reporter | None = None,
              with_findings: bool = True, cache_dir: Path | None = None,
              presumptions: bool = True) -> CheckRun:
    """Check incident files; raise DatasetError/RegistryError/RulePackError when the run
    cannot be made. ``only`` narrows the files checked (``--since``) within ``paths``.

    With a ``reporter``, each file's result is handed to it as soon as it is ready, in
    file order, and its findings are then released (their counts stay): memory does not
    grow with the corpus, which is what lets a 100k-file check stream its output.
    Without ``with_findings`` (a quiet run), stored results are read without their
    findings. An unchanged file with nothing to report is only counted
    (``CheckRun.unlisted``): the reporter sees every file that has a diagnostic, not
    every file, and writes the others from its stored rendering when it has one. The
    cache lives in ``cache_dir`` when given, else in the user's cache folder."""
    global _worker
    base = base or Path.cwd()
    setup = _Setup.make(paths, rules_dir, base, only, presumptions, use_cache)
    run = CheckRun(setup.root, setup.registry, setup.pack)
    cache = None
    try:
        with _collector_held():
            rels = setup.rels
            # with a second process allowed, a child reads the stored findings texts
            cache = setup.open_cache(cache_dir, presumptions, rels, with_findings and jobs > 1) \
                if use_cache and not keep else None
            one = _Pass(setup, run, cache, reporter, with_findings, base, rels)
        _worker = _WorkerContext(setup.registry, setup.engine, keep, cache is not None,
                                 str(setup.root), seal=cache is not None or one.rendering is not None)
        if reporter is not None:
            reporter.start(run)
        one.go(jobs)
        if reporter is not None:
            reporter.finish(run)
        one.close()
    finally:
        _worker = None
        if cache is not None:
            cache.close()
        gc.unfreeze()  # what _collector_held froze can be collected again
    return run


@contextlib.contextmanager
def _collector_held() -> Iterator[None]:
    """The cyclic garbage collector held while the cache's index is read and every file
    is looked up in it: a million long-lived objects, none in a cycle, made at once,
    which the collector would walk over and over (~0.2 s of a 100k-file warm run, freeing
    nothing). Objects made meanwhile are then frozen (never walked again: the index
    lives as long as the run), and unfrozen when the run ends (``run_check``)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _prefix(root: Path, base: Path) -> str:
    shown = display_path(root, base)
    return "" if shown in ("", ".") else shown.rstrip("/") + "/"
