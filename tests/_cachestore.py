"""Reading and planting the cache's stat index (one file under one MAC, and the journal
of its changes since), for tests that damage or forge a store the way an attacker or a
bug could."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

import pytest

from ihltag import cache as cache_mod
from ihltag.results import Finding


def read_index(folder: Path) -> dict[str, Any]:
    """The index as a run reads it: the file, with its journal's changes."""
    raw = (folder / cache_mod.INDEX).read_bytes()
    form, index = marshal.loads(raw[16:])
    assert form == cache_mod._INDEX_FORMAT
    journal = folder / cache_mod.JOURNAL
    if journal.exists():
        form, base, changes = marshal.loads(journal.read_bytes()[16:])
        if base == raw[:16]:
            for path, entry in changes.items():
                if entry is None:
                    index.pop(path, None)
                else:
                    index[path] = entry
    return dict(index)


def write_index(folder: Path, index: dict[str, Any], signer: cache_mod.Cache | None = None) -> None:
    """Replace the index, with no journal: MAC'd by ``signer`` (a cache holding some
    user's secret), or, with none, under the MAC it had (which then no longer checks
    out)."""
    path = folder / cache_mod.INDEX
    data = marshal.dumps((cache_mod._INDEX_FORMAT, index), 4)
    tag = signer._tag(b"s\0", data) if signer is not None else \
        (path.read_bytes()[:16] if path.exists() else b"")
    path.write_bytes(tag + data)
    (folder / cache_mod.JOURNAL).unlink(missing_ok=True)


def decodings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every stored findings text decoded (``cache.unpack_findings``) from now on."""
    decoded: list[str] = []
    real = cache_mod.unpack_findings

    def spy(encoded: str) -> list[Finding]:
        decoded.append(encoded)
        return real(encoded)

    monkeypatch.setattr(cache_mod, "unpack_findings", spy)
    return decoded
