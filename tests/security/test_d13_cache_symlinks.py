"""D13: the cache never follows a symlink and never writes outside its folder.

The attack (security review, D13): a symlinked ``.ihltag_cache/cache.sqlite3`` made a
run rewrite a foreign SQLite database (tables dropped, switched to WAL, user_version
changed), and a symlinked ``.gitignore`` made it create a file outside the dataset.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import DATASET, incident

CliRun = Callable[..., tuple[int, str, str]]


def _victim_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE files (x)")
    db.execute("INSERT INTO files VALUES ('precious')")
    db.execute("PRAGMA user_version=3")
    db.commit()
    db.close()


def _state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("where,what", [
    ("dataset", "store"), ("dataset", "gitignore"),
    ("chosen", "store"), ("chosen", "gitignore"), ("chosen", "wal"), ("chosen", "index"),
    ("chosen", "journal"), ("chosen", "folder"),
    ("user", "store"), ("user", "folder"),
])
def test_d13_a_symlink_in_the_cache_never_leads_outside(where: str, what: str, tmp_path: Path,
                                                        cli: CliRun) -> None:
    root = tmp_path / "ds"
    root.mkdir()
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, root / name)
    incident(root / "2024", "mli-2024-08-01-one")
    outside = tmp_path / "outside"
    outside.mkdir()
    _victim_db(outside / "victim.db")
    (outside / "victim-wal").write_bytes(b"not a wal\n")
    args = ["check", str(root), "-f", "json"]
    if where == "dataset":  # the reviewer's reproducer: planted in the work tree
        folder = root / ".ihltag_cache"
    elif where == "chosen":
        folder = tmp_path / "chosen"
        args += ["--cache-dir", str(folder)]
    else:
        from ihltag.cache import default_folder

        folder = default_folder(root.resolve())  # type: ignore[assignment]
    folder.parent.mkdir(parents=True, exist_ok=True)
    if what == "folder":
        folder.symlink_to(outside, target_is_directory=True)
    else:
        folder.mkdir()
        link, target = {"store": ("cache.sqlite3", "victim.db"),
                        "gitignore": (".gitignore", "created-outside"),
                        "wal": ("cache.sqlite3-wal", "victim-wal"),
                        "index": ("stat-index", "victim-wal"),
                        "journal": ("stat-index.journal", "victim-wal")}[what]
        (folder / link).symlink_to(outside / target)
    before = _state(outside)
    code, out, err = cli(*args)
    assert _state(outside) == before  # nothing outside written, made or changed
    db = sqlite3.connect(outside / "victim.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT x FROM files").fetchall() == [("precious",)]
    db.close()
    assert (code, out) == cli("check", str(root), "-f", "json", "--no-cache")[:2]
    if where != "dataset":  # refused, with a notice saying why (a dataset's is never read)
        assert "cache" in err and ("symlink" in err or "not a folder" in err), err
    assert os.path.islink(folder) or what == "folder" or os.path.islink(folder / link)
