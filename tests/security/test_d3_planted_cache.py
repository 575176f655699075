"""D3: a cache found in the work tree, or planted anywhere, never passes a file.

The attack (security review, D3): cache keys can be computed from public inputs and the
cache lived in the dataset, so a pull request that adds a crafted
``.ihltag_cache/cache.sqlite3`` made a file with an unknown actor pass in CI.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from _cachestore import write_index
from _paths import DATASET, incident

CliRun = Callable[..., tuple[int, str, str]]
NAME = "mli-2024-08-01-planted"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A dataset holding one file that names an actor no registry knows."""
    root = tmp_path / "ds"
    root.mkdir()
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, root / name)
    incident(root / "2024", NAME, **{"actor: JNIM": "actor: Nobody"})
    return root


def _valid_meta() -> str:
    return "\x1f".join([NAME, "2", "5", "0", "0", "16,20,22", "5,5,5", ""])


def test_d3_a_cache_planted_in_the_work_tree_is_not_read(root: Path, cli: CliRun) -> None:
    """The reviewer's reproducer: the store of the version under review, with the key
    computed from public inputs, committed at the dataset root."""
    from ihltag import __version__
    from ihltag.dataset import display_str
    from ihltag.rules import load_pack
    from ihltag.runner import _code_digest, _registry_digest

    target = root / "2024" / f"{NAME}.yaml"
    shown = display_str(str(target.resolve()), str(Path.cwd()))
    inputs = f"{load_pack(None).digest}\0{_registry_digest(root.resolve())}\0{_code_digest()}"
    salt = hashlib.sha256(f"{__version__}\0{5}\0{inputs}".encode()).hexdigest()
    key = hashlib.sha256(f"{salt}\0{shown}\0{hashlib.sha256(target.read_bytes()).hexdigest()}"
                         .encode()).hexdigest()
    (root / ".ihltag_cache").mkdir()
    db = sqlite3.connect(root / ".ihltag_cache" / "cache.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA user_version=5")
    db.execute("CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, sha TEXT, "
               "recorded INTEGER, salt TEXT, key TEXT, meta TEXT)")
    db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, salt TEXT, meta TEXT)")
    db.execute("CREATE TABLE findings (key TEXT PRIMARY KEY, findings TEXT)")
    db.execute("INSERT INTO results VALUES (?, ?, ?)", (key, salt, _valid_meta()))
    db.execute("INSERT INTO findings VALUES (?, '[]')", (key,))
    db.commit()
    db.close()
    code, out, _ = cli("check", str(root), "-f", "text")
    assert code == 1
    assert "error[unknown-actor] actor 'Nobody'" in out
    assert cli("check", str(root), "-f", "text", "--no-cache")[1] == out


def test_d3_a_planted_store_needs_this_users_secret(root: Path, tmp_path: Path, cli: CliRun,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A store made to measure on the attacker's machine (rows whose keys and MACs are
    right for the attacker's own secret) is planted where the run is told to keep its
    cache: it passes the file for its maker only, never for anyone else."""
    planted = tmp_path / "planted"
    attacker, victim = tmp_path / "attacker-home", tmp_path / "victim-home"
    target = root / "2024" / f"{NAME}.yaml"
    bad = target.read_bytes()
    # the attacker checks the valid version, then files its result under the bad bytes
    target.write_bytes(bad.replace(b"actor: Nobody", b"actor: JNIM"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(attacker))
    assert cli("check", str(root), "--cache-dir", str(planted))[0] == 0
    target.write_bytes(bad)
    os.utime(target, ns=(1_600_000_000 * 10**9,) * 2)

    from ihltag import cache as cache_mod

    db = sqlite3.connect(planted / cache_mod.STORE)
    (salt,) = db.execute("SELECT DISTINCT salt FROM results").fetchone()
    forger = cache_mod.Cache(tmp_path / "scratch", "", secret=cache_mod.user_secret(attacker / "ihltag"))
    forger.salt = salt
    rel = f"2024/{NAME}.yaml"
    key = forger.key(rel, hashlib.sha256(bad).hexdigest())
    meta, findings = db.execute("SELECT r.meta, f.findings FROM results r JOIN findings f "
                                "USING (key)").fetchone()
    sha = hashlib.sha256(bad).hexdigest()
    write_index(planted, {rel: (0, 0, 0, 0, sha, 0, salt, key, meta, None)}, signer=forger)
    db.execute("INSERT INTO results VALUES (?, ?, ?, ?)",
               (key, salt, meta, forger._mac(f"r\0{key}\0{salt}\0{meta}")))
    db.execute("INSERT INTO findings VALUES (?, ?, ?)",
               (key, findings, forger._mac(f"f\0{key}\0{findings}")))
    db.commit()
    db.close()
    forger.close()
    # the forgery is right: for its maker, the planted store passes the invalid file
    code, out, _ = cli("check", str(root), "--cache-dir", str(planted), "-f", "text")
    assert code == 0, out
    # for anyone else (another secret), every planted row is a miss
    monkeypatch.setenv("XDG_CACHE_HOME", str(victim))
    code, out, _ = cli("check", str(root), "--cache-dir", str(planted), "-f", "text")
    assert code == 1
    assert "error[unknown-actor] actor 'Nobody'" in out
