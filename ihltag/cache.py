"""Per-file results cached by content, so re-checking a mostly unchanged dataset is quick.

A result's key is the SHA-256 of the file's bytes together with the rule pack's digest,
the registries' digest, the tool's code and version, and the path it is shown under:
any change to one of them is a miss. To avoid reading every file on a warm run, a
second table remembers each path's size, modification time and content hash, as git's
index does, with the key and metadata of its last result; a file whose size or time
differ, or that was modified within a second of being recorded (a change the clock
could hide), is read and hashed again. That table is read whole at the start, so an
unchanged file costs a ``stat`` and no query unless its findings are to be shown.

The store is one SQLite file in ``.ihltag_cache/`` at the dataset root. SQLite's locking
makes concurrent runs safe; a store that is locked, unreadable or corrupt (a truncated
file) is set aside and the run goes on without it: a cache can only make a run faster,
never wrong or failed. Only the main process touches it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from pathlib import Path

from ihltag import __version__

FOLDER = ".ihltag_cache"
_SCHEMA = 5
_SAFE_NS = 1_000_000_000  # trust (size, mtime) only for files last modified 1 s before recording


Known = tuple[str, str | None, str | None]  # (content sha, result key, result metadata)


class Cache:
    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = hashlib.sha256(f"{__version__}\0{_SCHEMA}\0{salt}".encode()).hexdigest()
        self.db: sqlite3.Connection | None = None
        # path -> (size, mtime, sha, recorded, key, meta); key and meta only for this salt
        self.index: dict[str, tuple[int, int, str, int, str | None, str | None]] = {}
        self.pending_files: list[tuple[str, int, int, str, int, str, str, str]] = []
        self.pending_results: list[tuple[str, str, str, str]] = []
        self.stale = False
        self._open()

    def _connect(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA:
            # a store written by another version of ihltag: start it anew
            for table in ("files", "results", "findings"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("VACUUM")
            db.execute(f"PRAGMA user_version={_SCHEMA}")
        db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, "
                   "mtime INTEGER, sha TEXT, recorded INTEGER, salt TEXT, key TEXT, meta TEXT)")
        # findings live apart from the small metadata, so a quiet run reads no findings
        db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, salt TEXT, "
                   "meta TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS findings (key TEXT PRIMARY KEY, findings TEXT)")
        return db

    def _open(self) -> None:
        path = self.folder / "cache.sqlite3"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by ihltag: never commit the cache\n*\n", encoding="utf-8")
            try:
                self.db = self._connect(path)
                rows = self.db.execute("SELECT path, size, mtime, sha, recorded, salt, key, meta "
                                       "FROM files").fetchall()
            except sqlite3.DatabaseError:
                # corrupt or truncated: set it aside (another run may still hold it) and start anew
                for suffix in ("", "-wal", "-shm"):
                    try:
                        os.replace(f"{path}{suffix}", f"{path}{suffix}.corrupt-{os.getpid()}")
                    except OSError:
                        pass
                self.db = self._connect(path)
                rows = []
            salt = self.salt
            # results of another rule pack, registry or version are pruned at the end
            self.stale = any(r[5] != salt for r in rows)
            self.index = {r[0]: (r[1], r[2], r[3], r[4], r[6], r[7]) if r[5] == salt else
                          (r[1], r[2], r[3], r[4], None, None) for r in rows}
        except (OSError, sqlite3.Error):
            self.db = None  # an unusable cache is only a slower run

    def key(self, display: str, sha: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{display}\0{sha}".encode()).hexdigest()

    def known(self, display: str, st: os.stat_result) -> Known | None:
        """What is recorded for an unchanged file, without reading it: its content hash,
        and its last result's key and metadata when they were made by this rule pack,
        registry and version (else None for both)."""
        entry = self.index.get(display)
        if entry is None:
            return None
        size, mtime, sha, recorded, key, meta = entry
        if size == st.st_size and mtime == st.st_mtime_ns and mtime < recorded - _SAFE_NS:
            return sha, key, meta
        return None

    def metadata(self, keys: list[str]) -> dict[str, str]:
        """The metadata of those keys the store holds, asked in batches: a warm run's one
        look-up per file (findings, much larger, are read later and only if shown)."""
        found: dict[str, str] = {}
        if self.db is None:
            return found
        try:
            for i in range(0, len(keys), 900):
                batch = keys[i:i + 900]
                marks = ",".join("?" * len(batch))
                found.update(self.db.execute(
                    f"SELECT key, meta FROM results WHERE key IN ({marks})", batch).fetchall())
        except sqlite3.Error:
            return {}
        return {k: v for k, v in found.items() if isinstance(v, str)}

    def findings(self, keys: list[str]) -> dict[str, str]:
        """The findings JSON of a batch of keys."""
        if self.db is None or not keys:
            return {}
        try:
            rows = self.db.execute(f"SELECT key, findings FROM findings WHERE key IN "
                                   f"({','.join('?' * len(keys))})", keys).fetchall()
        except sqlite3.Error:
            return {}
        return {k: v for k, v in rows if isinstance(v, str)}

    def record(self, display: str, size: int, mtime: int, sha: str, key: str, meta: str) -> None:
        """Remember a file's state and its result, for the next run's ``known``."""
        self.pending_files.append((display, size, mtime, sha, time.time_ns(), self.salt, key, meta))
        if len(self.pending_files) >= 5000:
            self.flush(prune=False)

    def put(self, key: str, meta: str, findings: str) -> None:
        self.pending_results.append((key, self.salt, meta, findings))
        if len(self.pending_results) >= 2000:  # bounded memory on a large cold run
            self.flush(prune=False)

    def flush(self, prune: bool = True) -> None:
        """Write what this run learnt, in one transaction; at the end of the run
        (``prune``) also drop the results of other rule packs, registries or versions."""
        prune = prune and self.stale
        if self.db is None or not (self.pending_files or self.pending_results or prune):
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                self.pending_files)
            self.db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                                [r[:3] for r in self.pending_results])
            self.db.executemany("INSERT OR REPLACE INTO findings VALUES (?, ?)",
                                [(r[0], r[3]) for r in self.pending_results])
            if prune:
                self.db.execute("DELETE FROM results WHERE salt != ?", (self.salt,))
                self.db.execute("DELETE FROM findings WHERE key NOT IN (SELECT key FROM results)")
                self.stale = False
            self.db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        finally:
            self.pending_files.clear()
            self.pending_results.clear()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
