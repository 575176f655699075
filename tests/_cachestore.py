"""Reading and planting the cache's stat index (one record under one MAC), for tests that
damage or forge a store the way an attacker or a bug could."""

from __future__ import annotations

import marshal
import sqlite3
from typing import Any

from ihltag import cache as cache_mod


def read_index(db: sqlite3.Connection) -> dict[str, Any]:
    data, _ = db.execute("SELECT data, tag FROM snapshot WHERE id = 1").fetchone()
    form, index = marshal.loads(data)
    assert form == cache_mod._INDEX_FORMAT
    return dict(index)


def write_index(db: sqlite3.Connection, index: dict[str, Any],
                signer: cache_mod.Cache | None = None) -> None:
    """Replace the index record: MAC'd by ``signer`` (a cache holding some user's secret),
    or, with none, under the tag it had (which then no longer checks out)."""
    data = marshal.dumps((cache_mod._INDEX_FORMAT, index), 4)
    row = db.execute("SELECT tag FROM snapshot WHERE id = 1").fetchone()
    tag = signer._tag(b"s\0", data) if signer is not None else (row[0] if row else b"")
    db.execute("INSERT OR REPLACE INTO snapshot VALUES (1, ?, ?)", (data, tag))
