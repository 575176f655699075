"""Reading and planting the cache's stat index (one file under one MAC), for tests that
damage or forge a store the way an attacker or a bug could."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from ihltag import cache as cache_mod


def read_index(folder: Path) -> dict[str, Any]:
    data = (folder / cache_mod.INDEX).read_bytes()[16:]
    form, index = marshal.loads(data)
    assert form == cache_mod._INDEX_FORMAT
    return dict(index)


def write_index(folder: Path, index: dict[str, Any], signer: cache_mod.Cache | None = None) -> None:
    """Replace the index: MAC'd by ``signer`` (a cache holding some user's secret), or,
    with none, under the MAC it had (which then no longer checks out)."""
    path = folder / cache_mod.INDEX
    data = marshal.dumps((cache_mod._INDEX_FORMAT, index), 4)
    tag = signer._tag(b"s\0", data) if signer is not None else \
        (path.read_bytes()[:16] if path.exists() else b"")
    path.write_bytes(tag + data)
