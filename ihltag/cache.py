"""Per-file results cached by content, so re-checking a mostly unchanged dataset is quick.

What a result depends on, and so its key: the file's bytes (their SHA-256), its path in
the dataset, the rule pack's digest, the registries' digest, the tool's code and
version, and today's date (an incident dated tomorrow is "in the future" only until
tomorrow). Any change to one of them is a miss. To avoid reading every file on a warm
run, an index remembers each path's size, modification and change times, inode and
content hash, as git's index does, with the key and metadata of its last result; a
file whose stat data differ, or that was changed within a second of being recorded (a
change the clock could hide), is read and hashed again. The index is one file beside
the store (``INDEX``) under one MAC, read and checked whole at start-up (checking 100k
rows one by one was a sixth of a warm run), with a journal of the rows changed since it
was last written (``JOURNAL``, under its own MAC and bound to the index's): a run that
changed a few files writes their rows, not the whole index, which is written again once
the journal holds an eighth of it. A file's findings are stored once, as the text the
JSON output writes (``findings_json``), and a warm run that writes them reads them in a
child process (``ReadAhead``) while it looks at the files.

Where it lives and why it is trusted. A cache can make a run pass a file that is
invalid, so it must be as trustworthy as the tool itself:

- By default the store is outside the dataset, in the user's cache folder
  (``$XDG_CACHE_HOME/ihltag/<hash of the dataset root>/``, ``~/.cache`` when unset), so
  nothing in a work tree, such as a pull request, is ever read as a cache. ``--cache-dir``
  moves it; a project's ``pyproject.toml`` can switch it off but not move it.
- Every row, and the index, carries a MAC (HMAC-SHA-256, truncated to 128 bits) under a
  per-user secret kept in the user's cache folder (``secret``, mode 0600), never in the
  store's folder: a store planted anywhere, or copied from another machine or user,
  yields only misses.
- The cache never follows a symlink and never writes outside its folder: a folder,
  database, index or ``.gitignore`` that is a symlink, or belongs to another user,
  switches the cache off for the run, with a logged notice.

A cache can only make a run faster, never wrong or failed: a store that is unreadable
or corrupt is set aside (one generation of ``*.corrupt-PID`` copies is kept), a lock is
waited for (``LOCK_WAIT``) and, if it is still held, the run goes on without the cache;
a row whose MAC or content does not check out is a miss. Only the main process touches
the store. The encoding of a result (``encode``/``decode``) is private to this module.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import re
import secrets
import sqlite3
import stat
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ihltag import __version__, dates
from ihltag.diagnostics import Diagnostic
from ihltag.results import ActorRef, Evaluation, FileResult, Finding, WarCrime, findings_json

FOLDER = ".ihltag_cache"  # where older versions kept the store, in the dataset: never read now
STORE = "cache.sqlite3"
INDEX = "stat-index"  # the stat index: a 16-byte MAC, then the marshalled entries
JOURNAL = "stat-index.journal"  # the index's changes since it was written whole
_JOURNAL_SHARE = 8  # the index is written whole once its journal holds 1/8 of its rows
SECRET = "secret"
_SCHEMA = 9
_PAGE = 16384  # SQLite page size of a new store
_SAFE_NS = 1_000_000_000  # trust stat data only for files last changed 1 s before recording
LOCK_WAIT = 30.0  # seconds to wait for another run's lock before going on without the cache
_CORRUPT_TTL = 86_400  # seconds a set-aside corrupt store is kept for inspection
_SEP = "\x1f"  # between the fields of a result's metadata

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB

log = logging.getLogger("ihltag.cache")

Quick = tuple[str, int, int]  # (id, violation, possible) of a result with no diagnostic
# a path's (size, mtime_ns, ctime_ns, inode, sha, recorded_ns, salt, result key, metadata,
# and the metadata's quick counts when it has no diagnostic, else None)
Entry = tuple[int, int, int, int, str, int, str, str, str, Quick | None]
_INDEX_FORMAT = 2  # of the index file, inside the schema


class Scan(NamedTuple):
    """``Cache.scan``: per file, its result's key (None: a miss) and quick counts; the
    metadata of those keys; the misses."""

    keys: list[str | None]
    metas: dict[str, str]
    quick: list[Quick | None]
    misses: list[tuple[int, os.stat_result | None, str | None]]
_INDEX_LIMIT = 1 << 30  # bytes: ~5 million files; a larger file is not read
State = tuple[int, int, int, int, str]  # (size, mtime_ns, ctime_ns, inode, sha) of the bytes checked


class Refused(Exception):
    """The cache cannot be used safely for this run (the message says why)."""


def user_cache_home() -> Path | None:
    """The platform's per-user cache folder for ihltag (None when there is no home)."""
    try:
        if sys.platform == "win32":  # pragma: no cover - not tested on Windows
            base = os.environ.get("LOCALAPPDATA")
            return Path(base) / "ihltag" / "cache" if base else None
        if sys.platform == "darwin":  # pragma: no cover
            return Path.home() / "Library" / "Caches" / "ihltag"
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "ihltag"
    except RuntimeError:  # no home folder
        return None


def default_folder(root: Path) -> Path | None:
    """The store's folder for the dataset at ``root``: one per dataset, named by a hash
    of the root's path so that two datasets never share one."""
    home = user_cache_home()
    if home is None:
        return None
    digest = hashlib.sha256(os.fsencode(str(root))).hexdigest()[:32]
    return home / digest


def _own_folder(path: Path) -> None:
    """Make ``path`` (its parents as needed, 0700) and check that it is a real folder of
    this user: never a symlink, never someone else's."""
    if not os.path.lexists(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise Refused(f"{path} is not a folder (a symlink?)")
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        raise Refused(f"{path} belongs to another user")


def _check_file(st: os.stat_result, path: Path, links: bool = False) -> None:
    """A file of the cache must be a regular file of this user with one name (not a
    symlink, nor a hard link to some other file, unless ``links``)."""
    if not stat.S_ISREG(st.st_mode) or (st.st_nlink != 1 and not links):
        raise Refused(f"{path} is not a regular file (a symlink or a link?)")
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        raise Refused(f"{path} belongs to another user")


def user_secret(home: Path | None = None) -> bytes:
    """This user's cache secret, made on first use: 32 random bytes in a 0600 file of
    the user's cache folder. Written to a temporary file and linked into place, so a
    concurrent run never reads half a secret."""
    home = home or user_cache_home()
    if home is None:
        raise Refused("no user cache folder (no home folder)")
    _own_folder(home)
    path = home / SECRET
    if not os.path.lexists(path):
        tmp = home / f".{SECRET}-{os.getpid()}-{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # never replaces a secret another run made meanwhile
            except FileExistsError:
                pass
            except OSError:  # pragma: no cover - a file system without hard links
                os.replace(tmp, path)
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot read {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        _check_file(st, path, links=True)  # briefly two names while it is made
        if st.st_mode & 0o077:
            raise Refused(f"{path} is readable by others (chmod 600 it, or delete it)")
        secret = fh.read(65)
    if len(secret) != 32:
        raise Refused(f"{path} is damaged (delete it)")
    return secret


def hmac_states(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """The SHA-256 states after HMAC's inner and outer key blocks (RFC 2104): copying
    them per message gives the same MAC as ``hmac.new(key, msg, "sha256")`` without
    hashing the key again, a third of the time on a file's findings."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)),
            hashlib.sha256(bytes(b ^ 0x5C for b in key)))


def _write_atomic(path: Path, text: str | bytes, sync: bool = True) -> None:
    """Write a file whole or not at all (a full disk leaves no half file), never
    through a symlink: a temporary file made with O_EXCL|O_NOFOLLOW, renamed over.
    Without ``sync`` a crash may leave it empty or cut short (the stat index: its MAC
    then fails, and the run reads every file)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)  # replaces a name, never writes through a symlink
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _kind(exc: sqlite3.Error) -> str:
    """'busy' (another run holds a lock), 'corrupt', or 'other'."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        code &= 0xFF
        # SQLITE_ERROR here is a store of the right version with the wrong tables
        return "busy" if code in _BUSY else "corrupt" if code in _CORRUPT or code == 1 \
            else "other"
    text = str(exc)  # pragma: no cover - Python without sqlite_errorcode
    return "busy" if "locked" in text else "corrupt" if "malformed" in text or \
        "not a database" in text else "other"


def _nat(text: str) -> int:
    """A small natural number written in ASCII digits, or ValueError."""
    if not (0 < len(text) <= 9 and text.isascii() and text.isdigit()):
        raise ValueError(text)
    return int(text)


def _ints(text: str) -> list[int]:
    return [_nat(x) for x in text.split(",")] if text else []


def _printable(value: Any, limit: int = 100_000) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _evaluation(d: dict[str, str]) -> Evaluation:
    return Evaluation(d["id"], d["description"], d["value"], d["because"], d.get("default"),
                      d.get("basis"))


def unpack_findings(text: str) -> list[Finding]:
    """The inverse of ``findings_json``: run only when an output asks for the findings
    of a result read from the store (its MAC has checked out: the text is ours)."""
    return [Finding(d["rule"], d["title"], d["status"], d["act"],
                    tuple(ActorRef(actor=a["actor"], attribution=a["attribution"],
                                   confidence=a["confidence"], involvement=a["involvement"])
                          for a in d["actors"]),
                    d["war_crime"], tuple(map(_evaluation, d["elements"])),
                    tuple(map(_evaluation, d["exceptions"])), d.get("note", ""),
                    d["presumed"], tuple(WarCrime(w["provision"], w["text"])
                                         for w in d["war_crimes"]),
                    tuple(d["decide"]))
            for d in json.loads(text)]


def seal(result: FileResult) -> None:
    """Hold a fresh result's findings as their ``findings_json`` text (in the worker
    that made them): the one text that is sent to the main process, stored, and written
    by the JSON output, decoded there only if an output asks for the findings."""
    if result.counts != (0, 0):
        result.defer(unpack_findings, findings_json(result.findings))


def encode(result: FileResult) -> tuple[str, str]:
    """A result as (metadata, findings) texts. The metadata is a few fields joined by a
    separator, not JSON: decoding it is most of a warm run's work. Diagnostics are
    ASCII JSON so that any file name or message can be stored."""
    diags = json.dumps([d.as_dict() for d in result.diagnostics]) if result.diagnostics else ""
    meta = _SEP.join((result.id or "", str(result.id_pos[0]), str(result.id_pos[1]),
                      str(result.counts[0]), str(result.counts[1]),
                      ",".join(map(str, result.acts_lines)), ",".join(map(str, result.acts_cols)),
                      diags))
    return meta, result.findings_text()


def _matches(text: str, counts: tuple[int, int]) -> bool:
    """A stored findings text is ours (its MAC checked out) and is not parsed, which
    would cost a warm run that shows every finding more than half again. What is
    checked is cheap: a JSON array whose findings' statuses (compact JSON, where a quote
    inside a string is always escaped) agree with the metadata's counts."""
    return text.startswith("[") and text.endswith("]") and (
        text.count('"status":"violation"'), text.count('"status":"possible"')) == counts


def decode(file: str, meta: str, findings: str | None) -> FileResult:
    """The inverse of ``encode``, checking every field of the metadata (a damaged
    entry raises ValueError: a miss, never a crash later in an output format). The
    findings come as their stored text, decoded only if something asks for them;
    without findings (a quiet run needs only the counts) none are kept."""
    parts = meta.split(_SEP)
    if len(parts) != 8:
        raise ValueError("metadata")
    rid, id_line, id_col, v, p, lines, cols, diags = parts
    if not _printable(rid, 200) or not rid.isprintable():
        raise ValueError("id")
    counts = (_nat(v), _nat(p))
    diagnostics = _diagnostics(file, diags)
    if counts != (0, 0) and any(d.severity == "error" for d in diagnostics):
        raise ValueError("findings on an invalid file")
    result = FileResult(file, rid or None, diagnostics, counts,
                        id_pos=(_nat(id_line), _nat(id_col)))
    if findings is None:
        result.release()  # counted, never held: asking for them is an error, not []
        return result
    if not _matches(findings, counts):
        raise ValueError("findings")
    if counts != (0, 0):
        result.defer(unpack_findings, findings)
    # the places of acts serve only to show findings
    result.acts_lines = _ints(lines)
    result.acts_cols = _ints(cols)
    if len(result.acts_lines) != len(result.acts_cols):
        raise ValueError("acts")
    return result


def _texts(db: sqlite3.Connection, tag: Any, keys: list[str]) -> dict[str, bytes]:
    rows = db.execute(f"SELECT key, CAST(findings AS BLOB), tag FROM findings WHERE key IN "
                      f"({','.join('?' * len(keys))}) AND typeof(findings) = 'text'",
                      keys).fetchall()
    return {k: v for k, v, t in rows if t == tag(f"f\0{k}\0".encode(), v)}


class Ahead(NamedTuple):
    """What ``ReadAhead`` reads: the stat data of the files at ``paths`` (their paths in
    the dataset: ``rels``, in the order they are written), then the texts of their
    findings in batches of ``size``, if there are at least ``least`` batches of them."""

    paths: Sequence[str]
    rels: Sequence[str]
    size: int
    least: int


class ReadAhead:
    """The stored findings texts of a run, read by a child process while this one looks
    at the files and writes the output: reading and checking them is a third of a warm
    run that writes every finding, which otherwise leaves the second core idle.

    The child is forked before the store is opened, so that it inherits no SQLite
    connection, and before the index is read, so that neither process copies the
    other's pages (the index is most of a warm run's memory, and every object touched
    after a fork is a page copied). While this process reads the index, the child takes
    every file's stat data (``stats``: one ``lstat`` each, most of what looking at an
    unchanged file costs); this process then sends it the keys to read, in order
    (``start``), and the child reads each batch's texts from its own read-only
    connection, checks them as ``Cache.texts`` does, and sends them back through a pipe,
    one marshalled dict per batch. It reads ahead of the output while this process is
    still looking at the files, holding up to ``_AHEAD_BYTES`` that the pipe has not
    taken yet. If it fails or dies, the rest is read here: it can make a run faster,
    never different."""

    def __init__(self, cache: Cache, wanted: Ahead) -> None:
        self.cache, self.wanted, self.next = cache, wanted, 0
        self.stated = False  # the stat data, the first thing the child sends, taken
        self.order: list[str] = []
        self.position: dict[str, int] = {}
        read, write = os.pipe()
        keys_read, self.keys = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        except (ImportError, OSError):  # pragma: no cover - a smaller pipe only
            pass
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child (its output is what is tested)
            os.close(read)
            os.close(self.keys)
            _serve(cache.folder / STORE, cache._tag, wanted, keys_read, write)
        os.close(write)
        os.close(keys_read)
        self.pipe: Any = os.fdopen(read, "rb", buffering=1 << 20)

    def start(self, order: list[str]) -> bool:
        """Send the child the keys to read, in the order they will be asked for: those
        ``Cache.stored_order`` gives (``order``, ``position``). False, and no child,
        when there are too few to be worth it."""
        keys, self.keys = self.keys, -1
        try:
            with os.fdopen(keys, "wb") as out:
                if len(order) >= self.wanted.least * self.wanted.size:
                    out.write(marshal.dumps(order))
                    self.order = order
        except OSError:  # the child is gone
            self.order = []
        if not self.order:
            self._stop()
            return False
        self.position = {k: i for i, k in enumerate(order)}
        return True

    def stats(self) -> list[tuple[int, int, int, int] | None] | None:
        """(size, mtime_ns, ctime_ns, inode) of each file of ``paths`` as the child found
        it (None: not a regular file, or gone), or None when it has not sent them."""
        if self.stated or self.pipe is None:
            return None
        self.stated = True
        found = self._frame()
        if type(found) is not list or len(found) != len(self.wanted.paths):
            self._stop()
            return None
        return found

    def get(self, batch: int) -> dict[str, bytes]:
        """The texts of the keys ``order[batch * size:(batch + 1) * size]``: the child's,
        or read here once it is gone (batches are asked for in order; one that is
        passed over was not needed)."""
        size = self.wanted.size
        if not self.stated:
            self.stats()
        while self.pipe is not None and self.next <= batch:
            frame = self._frame()
            self.next += 1
            if type(frame) is not dict:
                self._stop()
            elif self.next - 1 == batch:
                return frame
        return self.cache.texts(self.order[batch * size:(batch + 1) * size])

    def _frame(self) -> object:
        try:
            head = self.pipe.read(8)
            data = self.pipe.read(int.from_bytes(head, "little")) if len(head) == 8 else b""
            return marshal.loads(data) if data else None
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def _stop(self) -> None:
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None
        if self.keys >= 0:
            os.close(self.keys)
            self.keys = -1

    def close(self) -> None:
        """Stop the child, done or not, and reap it."""
        self._stop()
        try:
            os.kill(self.pid, 9)  # SIGKILL: it holds nothing but a read transaction
        except OSError:  # pragma: no cover - gone already
            pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:  # pragma: no cover - already reaped
            pass


_AHEAD_BYTES = 96 << 20  # what the read-ahead child holds at most, beyond the pipe


def _serve(path: Path, tag: Any, wanted: Ahead, keys: int, pipe: int
           ) -> None:  # pragma: no cover - runs in the child
    """The child of ``ReadAhead``: never returns, never touches the parent's output
    (``os._exit``: no buffer of the parent's is flushed, no handler run). One thread
    writes to the pipe as the parent takes what it sends (``_Sender``), another takes
    the keys the parent sends meanwhile, while this one looks at the files, then reads
    ahead (SQLite, ``lstat`` and the hashing let go of the GIL)."""
    code = 1
    try:
        import threading
        from urllib.parse import quote

        sent: list[bytes] = []

        def take() -> None:
            with os.fdopen(keys, "rb") as fh:
                sent.append(fh.read())

        sender = _Sender(pipe)
        taker = threading.Thread(target=take, daemon=True)
        taker.start()
        sender.send(_stats(wanted.paths))
        taker.join()
        order = marshal.loads(sent[0]) if sent and sent[0] else []  # none: too few
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None)
        db.execute("PRAGMA cache_size=-16384")
        for i in range(0, len(order), wanted.size):
            sender.send(_texts(db, tag, order[i:i + wanted.size]))
        sender.close()
        code = 0
    except BaseException:  # the parent reads what is left itself
        pass
    finally:
        os._exit(code)


class _Sender:  # pragma: no cover - runs in the read-ahead child
    """Marshalled frames, each after its length, written to the pipe by a thread as the
    parent takes them, so that the child goes on reading meanwhile, holding
    ``_AHEAD_BYTES`` at most."""

    def __init__(self, pipe: int) -> None:
        import threading
        from collections import deque

        self.pipe, self.held = pipe, 0
        self.pending: deque[bytes | None] = deque()
        self.room = threading.Condition()
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def send(self, value: Any) -> None:
        data = marshal.dumps(value)
        frame = len(data).to_bytes(8, "little") + data
        with self.room:
            self.room.wait_for(lambda: self.held <= _AHEAD_BYTES)
            self.held += len(frame)
            self.pending.append(frame)
            self.room.notify_all()

    def close(self) -> None:
        """Wait until everything sent is written."""
        with self.room:
            self.pending.append(None)
            self.room.notify_all()
        self.thread.join()

    def _write(self) -> None:
        while True:
            with self.room:
                self.room.wait_for(lambda: bool(self.pending))
                frame = self.pending.popleft()
            if frame is None:
                return
            view = memoryview(frame)
            while view:
                view = view[os.write(self.pipe, view):]
            with self.room:
                self.held -= len(frame)
                self.room.notify_all()


def stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    """What the index compares of a file's stat data: (size, mtime_ns, ctime_ns, inode)."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def shows_findings(quick: Quick | None, meta: str) -> bool:
    """Whether a stored result has findings to read: from its quick counts when it has
    them, else from its metadata."""
    return bool(quick[1] or quick[2]) if quick is not None else has_findings(meta)


def _stats(paths: Sequence[str]) -> list[tuple[int, int, int, int] | None]:
    """(size, mtime_ns, ctime_ns, inode) of each regular file, None for anything else."""
    out: list[tuple[int, int, int, int] | None] = []
    lstat, regular = os.lstat, stat.S_ISREG
    for path in paths:
        try:
            st = lstat(path)
        except OSError:
            out.append(None)
            continue
        out.append(stamp(st) if regular(st.st_mode) else None)
    return out


def _diagnostics(file: str, text: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for d in json.loads(text) if text else []:
        if not (isinstance(d, dict) and type(d.get("line")) is int and type(d.get("column")) is int
                and d["line"] >= 1 and d["column"] >= 1 and d.get("severity") in ("error", "warning")
                and _printable(d.get("code"), 100) and _printable(d.get("message"))):
            raise ValueError("diagnostic")
        out.append(Diagnostic(file, d["line"], d["column"], d["code"], d["message"],
                              d["severity"]))
    return out


def has_findings(meta: str) -> bool:
    """Whether a result's metadata counts any finding (a damaged one: True, so that
    reading it shows the damage)."""
    parts = meta.split(_SEP)
    return len(parts) != 8 or parts[3:5] != ["0", "0"]


# the metadata of a result with no diagnostics: id, its line and column, the counts,
# the acts' lines and columns, and nothing after the last separator
_QUIET = re.compile("([^\x1f]{1,200})\x1f[^\x1f]*\x1f[^\x1f]*\x1f([0-9]{1,9})\x1f([0-9]{1,9})"
                    "\x1f[^\x1f]*\x1f[^\x1f]*\x1f")


def quiet_counts(meta: str) -> Quick | None:
    """(id, violation, possible) of a result with no diagnostics, from its metadata
    alone; None when it has diagnostics (or is damaged: then it is decoded, and fails,
    the ordinary way). Computed when a result is recorded, and kept in the index."""
    m = _QUIET.fullmatch(meta)
    if m is None or not m[1].isprintable():
        return None
    return m[1], int(m[2]), int(m[3])


class Cache:
    def __init__(self, folder: Path | None, salt: str, secret: bytes | None = None,
                 ahead: Ahead | None = None) -> None:
        self.folder = folder or Path("(no user cache folder)")
        # the clock ``dates.check_not_future`` reads (``dates.date``, patched in tests)
        today = dates.date.today().isoformat()  # type: ignore[attr-defined]
        self.salt = hashlib.sha256(
            f"{__version__}\0{_SCHEMA}\0{today}\0{salt}".encode()).hexdigest()
        self.db: sqlite3.Connection | None = None
        self._secret = b""
        self._inner, self._outer = hmac_states(b"")
        self.index: dict[str, Entry] = {}  # path -> its Entry
        self.changed = False  # the index is written back at the end of the run
        self.base = b""  # the MAC of the index file as last written whole (none: b"")
        self.journal: dict[str, Entry | None] = {}  # the changes since (None: gone)
        self.pending_results: list[tuple[str, str, str, bytes, str, bytes]] = []
        self.dropped: set[str] = set()  # keys of results no path refers to any more
        self.stale = False  # results of another salt, or a bad index: sweep at the end
        self.ahead: ReadAhead | None = None  # stopped by ``close``
        self._wanted = ahead
        try:
            if folder is None:
                raise Refused("no user cache folder (no home folder)")
            self._secret = secret if secret is not None else user_secret()
            self._inner, self._outer = hmac_states(self._secret)
            self._open()
        except Refused as exc:
            self._off(f"not used: {exc}")
        except (OSError, sqlite3.Error) as exc:
            self._off(f"not used: {getattr(exc, 'strerror', None) or exc}")

    @classmethod
    def for_dataset(cls, root: Path, salt: str, folder: Path | None = None,
                    ahead: Ahead | None = None) -> Cache:
        """The cache of the dataset at ``root``: in ``folder`` when given (``--cache-dir``),
        else in the user's cache folder. ``ahead``: the stored findings texts to read in
        a child process (``ReadAhead``)."""
        return cls(folder or default_folder(root), salt, ahead=ahead)

    def _off(self, why: str) -> None:
        log.warning("ihltag: the cache in %s is %s", self.folder, why)
        if self.ahead is not None:
            self.ahead.close()
            self.ahead = None
        if self.db is not None:
            self.db.close()
        self.db = None
        self.index = {}

    def _mac(self, text: str) -> bytes:
        return self._tag(text.encode("utf-8", "surrogatepass"))

    def _tag(self, *parts: bytes) -> bytes:
        """HMAC-SHA-256 of the parts' concatenation, truncated to 16 bytes, from the
        key's inner and outer states computed once (``hmac_states``): a warm run that
        writes every finding checks the MAC of all of them, ~300 MB at 100k files, and
        SHA-256 runs in hardware where BLAKE2b does not."""
        inner = self._inner.copy()
        for part in parts:
            inner.update(part)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:16]

    def _prepare(self) -> Path:
        """Check the folder and every name the store uses; make the folder's .gitignore
        and the store file, never through a symlink."""
        _own_folder(self.folder)
        ignore = self.folder / ".gitignore"
        if os.path.lexists(ignore):
            _check_file(os.lstat(ignore), ignore)
        else:
            _write_atomic(ignore, "# created by ihltag: never commit the cache\n*\n")
        path = self.folder / STORE
        for other in (*(Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")),
                      self.folder / INDEX, self.folder / JOURNAL):
            if os.path.lexists(other):
                _check_file(os.lstat(other), other)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o600)
        try:
            _check_file(os.fstat(fd), path)
        finally:
            os.close(fd)
        return path

    def _connect(self, path: Path) -> sqlite3.Connection:
        before = os.lstat(path)
        db = sqlite3.connect(path, timeout=LOCK_WAIT, isolation_level=None)
        try:
            after = os.lstat(path)
            if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
                raise Refused(f"{path} was replaced while opening it")
            # 16 KiB pages: a stored result (~4 kB of findings) fits in one, with no overflow
            # chain; larger pages read no faster, and a warm run that re-checks 1% of 100k
            # files rewrites ~3,000 pages (each result's key is random): 200 MB at 64 KiB
            db.execute(f"PRAGMA page_size={_PAGE}")  # a new store only; kept otherwise
            db.execute("PRAGMA journal_mode=WAL")
            # no fsync: a cache that a crash damages is set aside (or a row fails its MAC)
            # and costs one slow run, while syncing its checkpoints cost every warm run
            # that re-checked a few files a tenth of a second
            db.execute("PRAGMA synchronous=OFF")
            # 16 MiB of pages (the default, 2 MiB, is 128 such pages): the indexes stay in
            # memory while a warm run reads every stored text, a third faster
            db.execute("PRAGMA cache_size=-16384")
            if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA:
                # a store written by another version of ihltag: start it anew
                db.execute("BEGIN IMMEDIATE")
                for table in ("files", "results", "findings", "renderings"):  # all there were
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute(f"PRAGMA user_version={_SCHEMA}")
                db.execute("COMMIT")
                if db.execute("PRAGMA page_size").fetchone()[0] != _PAGE:
                    # the page size changes only out of WAL mode (and only if no other
                    # run has the store open: else it stays as it was, which is slower)
                    db.execute("PRAGMA journal_mode=DELETE")
                    db.execute(f"PRAGMA page_size={_PAGE}")
                    db.execute("VACUUM")
                    db.execute("PRAGMA journal_mode=WAL")
                else:
                    db.execute("VACUUM")
            # findings live apart from the small metadata, so a quiet run reads no findings;
            # they are stored once, as the JSON output writes them (``findings_json``)
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, salt, meta, tag)")
            db.execute("CREATE TABLE IF NOT EXISTS findings (key TEXT PRIMARY KEY, findings, tag)")
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self, path: Path) -> None:
        """Move a corrupt store out of the way (another run may still hold it open),
        first removing the copies set aside before: one generation is kept."""
        self._prune_corrupt(0)
        for suffix in ("", "-wal", "-shm"):
            try:
                os.replace(f"{path}{suffix}", f"{path}{suffix}.corrupt-{os.getpid()}")
            except OSError:
                pass

    def _prune_corrupt(self, older_than: float) -> None:
        limit = time.time() - older_than
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.startswith(STORE) and ".corrupt-" in name:
                try:
                    if os.lstat(self.folder / name).st_mtime <= limit:
                        os.unlink(self.folder / name)
                except OSError:
                    pass

    def _open(self) -> None:
        path = self._prepare()
        self._prune_corrupt(_CORRUPT_TTL)
        if self._wanted is not None and hasattr(os, "fork"):
            # forked before this process opens the store (the child inherits no SQLite
            # connection, and no lock it would think it held) and before the index is
            # read (neither process copies the other's pages)
            try:
                self.ahead = ReadAhead(self, self._wanted)
            except OSError:  # pragma: no cover - no process to spare: read here
                pass
        try:
            self.db = self._connect(path)
        except sqlite3.Error as exc:
            if self.db is not None:
                self.db.close()
                self.db = None
            kind = _kind(exc)
            if kind == "busy":
                raise Refused(f"locked by another run for more than {LOCK_WAIT:g} s") from None
            if kind != "corrupt":
                raise
            log.warning("ihltag: the cache in %s is damaged (%s): set aside, starting anew",
                        self.folder, exc)
            self._set_aside(path)
            path = self._prepare()
            self.db = self._connect(path)
        self._load()
        if self.ahead is not None and not self.ahead.start(
                self.stored_order(self.ahead.wanted.rels)):
            self.ahead.close()
            self.ahead = None

    def _load(self) -> None:
        """The stat index, if there is one and its MAC checks out (else none: every
        file is checked, and the results no index refers to are swept at the end), with
        the changes its journal records. What a MAC covers was written by this user's
        ihltag, so it is trusted to be well formed. A symlink or another user's file is
        refused (``_prepare``, and here again on the file opened)."""
        try:
            raw = self._read(INDEX)
            if raw is None:
                return
            tag, data = raw[:16], raw[16:]
            if tag != self._tag(b"s\0", data):
                raise ValueError("MAC")
            form, index = marshal.loads(data)
            if form != _INDEX_FORMAT or type(index) is not dict:
                raise ValueError("format")
        except (ValueError, EOFError, TypeError, OSError):
            self.stale = True
            return
        self.index, self.base = index, tag
        self._replay()
        salt = self.salt
        self.stale = self.stale or any(e[6] != salt for e in index.values())

    def _replay(self) -> None:
        """Apply the journal of the index just read. A journal of another index (one
        written whole since, as a crash can leave it) is passed over; one that does not
        check out loses this run the changes it held: their files are read again, the
        index is written whole at the end, and results it no longer names are swept."""
        try:
            raw = self._read(JOURNAL)
            if raw is None:
                return
            if raw[:16] != self._tag(b"j\0", raw[16:]):
                raise ValueError("MAC")
            form, base, changes = marshal.loads(raw[16:])
            if form != _INDEX_FORMAT or type(changes) is not dict:
                raise ValueError("format")
        except (ValueError, EOFError, TypeError, OSError):
            self.stale = self.changed = True
            self.base = b""
            return
        if base != self.base:
            return
        index = self.index
        for path, entry in changes.items():
            if entry is None:
                index.pop(path, None)
            else:
                index[path] = entry
        self.journal = changes

    def _read(self, name: str) -> bytes | None:
        """A file of the index, whole (None when there is none)."""
        path = self.folder / name
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            _check_file(st, path)
            if st.st_size > _INDEX_LIMIT:
                raise ValueError("too large")
            return fh.read(_INDEX_LIMIT + 1)

    def key(self, path: str, sha: str) -> str:
        """The key of a result: a MAC of what it depends on, so that no one without this
        user's secret can make a row that a run would look up."""
        return self._mac(f"k\0{self.salt}\0{path}\0{sha}").hex()

    def scan(self, paths: Sequence[str], rels: Sequence[str]) -> Scan:
        """Every file's stat data against the index, in one loop (at 100k files a warm
        run's every microsecond per file counts). An unchanged file gets its last
        result's key, metadata and quick counts (``quiet_counts``). Unchanged means: size,
        both times and the inode match (an edit that keeps size and mtime, as ``cp -p``
        makes, changes the ctime), and the file was last changed well before it was
        recorded. The others come back as misses: (position, stat data or None, the
        recorded content hash when only the salt differs, else None). The stat data are
        the read-ahead child's when it took them (``ReadAhead.stats``), else taken here;
        a miss is looked at again here."""
        keys: list[str | None] = [None] * len(paths)
        quick: list[Quick | None] = [None] * len(paths)
        metas: dict[str, str] = {}
        misses: list[tuple[int, os.stat_result | None, str | None]] = []
        get, salt, lstat, regular = self.index.get, self.salt, os.lstat, stat.S_ISREG
        stats = self.ahead.stats() if self.ahead is not None else None
        if stats is None:
            stats = _stats(paths)
        for i, now in enumerate(stats):
            e = get(rels[i])
            if (now is not None and e is not None and e[:4] == now
                    and e[1] < e[5] - _SAFE_NS and e[2] < e[5] - _SAFE_NS):
                if e[6] == salt:
                    keys[i] = e[7]
                    metas[e[7]] = e[8]
                    quick[i] = e[9]
                    continue
                sha = e[4]  # made with another salt: its content may still be found by key
            else:
                sha = None
            try:  # looked at again, here and now
                st: os.stat_result | None = lstat(paths[i])
            except OSError:
                st = None
            if st is None or stamp(st) != now:
                sha = None  # changed since: its recorded hash is not its content's
            misses.append((i, st, sha if st is not None and regular(st.st_mode) else None))
        return Scan(keys, metas, quick, misses)

    def knows(self, path: str) -> bool:
        """Whether the index has a row for ``path`` (of any salt: its hash may still
        find this salt's result)."""
        return path in self.index

    def metadata(self, keys: list[str]) -> dict[str, str]:
        """The metadata of those keys the store holds (with a valid MAC), asked in
        batches: a warm run's one look-up per changed file."""
        found: dict[str, str] = {}
        if self.db is None:
            return found
        mac = self._mac
        try:
            for i in range(0, len(keys), 900):
                batch = keys[i:i + 900]
                marks = ",".join("?" * len(batch))
                for key, salt, meta, tag in self.db.execute(
                        f"SELECT key, salt, meta, tag FROM results WHERE key IN ({marks})", batch):
                    if type(meta) is str and tag == mac(f"r\0{key}\0{salt}\0{meta}"):
                        found[key] = meta
        except sqlite3.Error as exc:
            self._off(f"unreadable ({exc}): switched off for the rest of the run")
            return {}
        return found

    def texts(self, keys: list[str]) -> dict[str, bytes]:
        """The stored findings text (UTF-8, as SQLite holds it: never decoded here) of a
        batch of keys, with a valid MAC. The JSON output writes it as it is."""
        if self.db is None or not keys:
            return {}
        try:
            return _texts(self.db, self._tag, keys)
        except sqlite3.Error as exc:
            self._off(f"unreadable ({exc}): switched off for the rest of the run")
            return {}

    def stored_order(self, rels: Sequence[str]) -> list[str]:
        """The keys of the stored results with findings of the files at ``rels``, as the
        index has them (a file changed since is found out later: its text is read for
        nothing)."""
        get, salt = self.index.get, self.salt
        order = []
        for rel in rels:
            e = get(rel)
            if e is not None and e[6] == salt and shows_findings(e[9], e[8]):
                order.append(e[7])
        return order

    def record(self, path: str, state: State, key: str, meta: str) -> None:
        """Remember a file's state and its result, for the next run's ``known``."""
        if self.db is None:
            return
        old = self.index.get(path)
        if old is not None and old[6] == self.salt and old[7] != key:
            self.dropped.add(old[7])  # the result of the file's previous content
        self.index[path] = self.journal[path] = (*state, time.time_ns(), self.salt, key, meta,
                                                 quiet_counts(meta))
        self.changed = True

    def put(self, key: str, meta: str, findings: str) -> None:
        """Store a result: its metadata and its findings' text (``encode``)."""
        if self.db is None:
            return
        self.pending_results.append((key, self.salt, meta, self._mac(f"r\0{key}\0{self.salt}\0{meta}"),
                                     findings, self._mac(f"f\0{key}\0{findings}")))
        if len(self.pending_results) >= 2000:  # bounded memory on a large cold run
            self.flush(prune=False)

    def forget_others(self, paths: set[str]) -> None:
        """After a run over the whole dataset: the rows of files that are gone."""
        for path in [p for p in self.index if p not in paths]:
            entry = self.index.pop(path)
            self.journal[path] = None
            self.changed = True
            if entry[6] == self.salt:
                self.dropped.add(entry[7])

    def _insert(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        try:
            self.db.executemany(sql, rows)  # type: ignore[union-attr]
        except UnicodeEncodeError:  # a text SQLite cannot store: skip that row only
            for row in rows:
                try:
                    self.db.execute(sql, row)  # type: ignore[union-attr]
                except UnicodeEncodeError:
                    pass

    def flush(self, prune: bool = True) -> None:
        """Write what this run learnt, in one transaction; at the end of the run
        (``prune``) also the index, if it changed, and drop the results of files'
        earlier contents and of files that are gone, and those of other rule packs,
        registries, versions or days."""
        if self.db is None:
            return
        index = prune and self.changed
        sweep = prune and bool(self.stale or self.dropped)
        if not (self.pending_results or index or sweep):
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self._insert("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                         [r[:4] for r in self.pending_results])
            self._insert("INSERT OR REPLACE INTO findings VALUES (?, ?, ?)",
                         [(r[0], r[4], r[5]) for r in self.pending_results])
            if sweep:
                self._sweep()
            self.db.execute("COMMIT")
            if index:  # after the results it refers to
                self._write_index()
        except OSError as exc:  # the index not written: the next run reads every file
            log.warning("ihltag: the cache's index in %s was not written (%s)", self.folder,
                        exc.strerror or exc)
        except sqlite3.Error as exc:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._off(f"not written ({exc}): switched off for the rest of the run")
        finally:
            self.pending_results.clear()

    def _write_index(self) -> None:
        """Write the index's journal, all the changes since the index was last written
        whole, bound to that index by its MAC: a run that re-checked 1% of 100k files
        writes ~1,000 rows, not 22 MB. Once the journal holds an eighth of the rows,
        the index is written whole instead, and the journal removed (one left behind by
        a crash is bound to the index before, and passed over)."""
        if self.base and len(self.journal) * _JOURNAL_SHARE <= len(self.index):
            data = marshal.dumps((_INDEX_FORMAT, self.base, self.journal), 4)
            _write_atomic(self.folder / JOURNAL, self._tag(b"j\0", data) + data, sync=False)
        else:
            data = marshal.dumps((_INDEX_FORMAT, self.index), 4)
            tag = self._tag(b"s\0", data)
            _write_atomic(self.folder / INDEX, tag + data, sync=False)
            self.base, self.journal = tag, {}
            try:
                os.unlink(self.folder / JOURNAL)
            except FileNotFoundError:
                pass
        self.changed = False

    def _sweep(self) -> None:
        """Drop the results no index row refers to any more (inside ``flush``'s
        transaction). Rows of another salt stay in the index: their hash spares a read."""
        db = self.db
        assert db is not None
        dropped = list(self.dropped)
        for i in range(0, len(dropped), 900):
            keys = dropped[i:i + 900]
            marks = ",".join("?" * len(keys))
            db.execute(f"DELETE FROM results WHERE key IN ({marks})", keys)
            db.execute(f"DELETE FROM findings WHERE key IN ({marks})", keys)
        if self.stale:
            salt = self.salt
            db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM live")
            db.executemany("INSERT OR IGNORE INTO live VALUES (?)",
                           ((e[7],) for e in self.index.values() if e[6] == salt))
            db.execute("DELETE FROM results WHERE salt != ? OR key NOT IN (SELECT key FROM live)",
                       (salt,))
            db.execute("DELETE FROM findings WHERE key NOT IN (SELECT key FROM results)")
        self.stale = False
        self.dropped.clear()

    def close(self) -> None:
        if self.ahead is not None:
            self.ahead.close()
            self.ahead = None
        if self.db is not None:
            self.db.close()
            self.db = None
