"""D15: cache hygiene.

The findings (security review, D15): crafted but valid-looking rows crashed the run; a
lock held for more than 5 s was taken for corruption and the healthy store set aside;
``*.corrupt-PID`` copies were never removed; deleted incidents' rows stayed; a full disk
left an empty ``.gitignore``; an edit that keeps size and mtime (``cp -p``) was missed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from _cachestore import read_index, write_index
from _paths import DATASET, ROOT, incident

import ihltag.runner as runner
from ihltag import cache as cache_mod
from ihltag.runner import run_check

CliRun = Callable[..., tuple[int, str, str]]
OLD = 1_600_000_000 * 10**9


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A dataset of a few files with findings, one of them invalid."""
    root = tmp_path / "ds"
    root.mkdir()
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, root / name)
    for i in range(4):
        incident(root / "2024", f"mli-2024-08-0{i + 1}-village")
    incident(root / "2024", "mli-2024-08-09-bad", **{"type: looting": "type: lootting"})
    return root


def _store(root: Path) -> Path:
    folder = getattr(cache_mod, "default_folder", None)
    return (folder(root.resolve()) if folder else root / ".ihltag_cache") / "cache.sqlite3"


def _checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files really checked (cache misses)."""
    seen: list[str] = []
    real = runner.check_file

    def spy(path: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runner, "check_file", spy)
    return seen


CRAFTED = {
    # valid JSON, the shape of a finding, but not what the formats read
    "findings": "UPDATE findings SET findings = '[{\"status\": \"violation\", \"rule\": \"X\"}]'",
    "diagnostics": "UPDATE results SET meta = 'mli-x' || char(31) || '1' || char(31) || '1' || "
                   "char(31) || '0' || char(31) || '0' || char(31) || '' || char(31) || '' || "
                   "char(31) || '[{\"line\": \"one\", \"column\": [], \"code\": 5, "
                   "\"message\": null, \"severity\": \"fatal\"}]'",
}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("craft", sorted(CRAFTED))
def test_d15_crafted_rows_never_crash_the_run(root: Path, cli: CliRun, fmt: str,
                                              craft: str) -> None:
    expected = cli("check", str(root), "-f", fmt, "--no-cache")
    assert cli("check", str(root), "-f", fmt)[:2] == expected[:2]
    db = sqlite3.connect(_store(root))
    db.execute(CRAFTED[craft])
    # and every file looked up again (the index no longer checks out)
    folder = _store(root).parent
    write_index(folder, {p: (e[0], e[1] + 1, *e[2:]) for p, e in read_index(folder).items()})
    db.commit()
    db.close()
    assert cli("check", str(root), "-f", fmt)[:2] == expected[:2]


def test_d15_crafted_rows_with_a_valid_mac_are_misses(root: Path, cli: CliRun, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows made with this user's secret whose content does not hold together (as a
    bug could write them) are checked too: metadata field by field, findings against
    the metadata's counts. A miss, then rewritten."""
    expected = cli("check", str(root), "-f", "text", "--no-cache")
    cli("check", str(root))
    forger = cache_mod.Cache(tmp_path / "scratch", "", secret=cache_mod.user_secret())
    db = sqlite3.connect(_store(root))
    rows = db.execute("SELECT r.key, r.salt, r.meta, f.findings FROM results r JOIN findings f "
                      "USING (key) WHERE f.findings != '[]' ORDER BY r.key").fetchall()
    assert len(rows) >= 3
    crafted = {
        0: ("meta", "\x1f".join([*rows[0][2].split("\x1f")[:1], "٣",  # not an ASCII digit
                                  *rows[0][2].split("\x1f")[2:]])),
        1: ("findings", '{"not": "an array"}'),
        2: ("findings", rows[2][3].replace('"status":"violation"', '"status":"possible"', 1)
            if '"status":"violation"' in rows[2][3] else "[]"),  # counts disagree
    }
    for i, (what, text) in crafted.items():
        key, salt = rows[i][0], rows[i][1]
        if what == "meta":
            db.execute("UPDATE results SET meta = ?, tag = ? WHERE key = ?",
                       (text, forger._mac(f"r\0{key}\0{salt}\0{text}"), key))
        else:
            db.execute("UPDATE findings SET findings = ?, tag = ? WHERE key = ?",
                       (text, forger._mac(f"f\0{key}\0{text}"), key))
    db.commit()
    db.close()
    forger.close()
    for path in root.rglob("mli-*.yaml"):  # touched: every file is looked up by its content
        os.utime(path, ns=(OLD, OLD))
    checked = _checked(monkeypatch)
    assert cli("check", str(root), "-f", "text")[:2] == expected[:2]
    assert len(checked) == len(crafted), checked
    checked.clear()
    assert cli("check", str(root), "-f", "text")[:2] == expected[:2]
    assert checked == []  # rewritten: served again


def _hold_lock(store: Path, release: threading.Event, held: threading.Event) -> None:
    db = sqlite3.connect(store, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA locking_mode=EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
    db.execute("CREATE TABLE lock_probe (x)")
    held.set()
    release.wait(10)
    db.execute("ROLLBACK")
    db.close()


def test_d15_a_held_lock_is_not_taken_for_corruption(root: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    clean = run_check([root], use_cache=True)
    store = _store(root)
    monkeypatch.setattr(cache_mod, "LOCK_WAIT", 0.3, raising=False)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(store, release, held))
    holder.start()
    try:
        assert held.wait(10)
        busy = run_check([root], use_cache=True)  # waits 0.3 s, then goes on without it
    finally:
        release.set()
        holder.join()
    assert [d.plain() for d in busy.diagnostics] == [d.plain() for d in clean.diagnostics]
    assert sorted(p.name for p in store.parent.iterdir() if ".corrupt-" in p.name) == []
    checked = _checked(monkeypatch)
    run_check([root], use_cache=True)
    assert checked == []  # the store was left alone, whole


def test_d15_a_lock_released_in_time_is_waited_for(root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    run_check([root], use_cache=True)
    store = _store(root)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(store, release, held))
    holder.start()
    assert held.wait(10)
    threading.Timer(0.5, release.set).start()
    checked = _checked(monkeypatch)
    try:
        run_check([root], use_cache=True)
    finally:
        release.set()
        holder.join()
    assert checked == []


def test_d15_corrupt_copies_are_pruned(root: Path) -> None:
    run_check([root], use_cache=True)
    store = _store(root)
    old = [store.with_name(f"{store.name}{s}.corrupt-{pid}") for pid in (101, 202)
           for s in ("", "-wal")]
    for path in old:
        path.write_bytes(b"junk")
        os.utime(path, (time.time() - 3 * 86400,) * 2)
    for _ in range(3):  # the store is corrupted three times
        store.write_bytes(b"\x00not a database" * 64)
        for suffix in ("-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        run_check([root], use_cache=True)
    left = sorted(p.name for p in store.parent.iterdir() if ".corrupt-" in p.name)
    assert [p.name for p in old if p.exists()] == []
    assert len({name.rsplit("-", 1)[1] for name in left}) <= 1  # one generation at most


def test_d15_rows_of_deleted_and_edited_files_are_pruned(root: Path) -> None:
    run_check([root], use_cache=True)
    (root / "2024" / "mli-2024-08-01-village.yaml").unlink()
    edited = root / "2024" / "mli-2024-08-02-village.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    run_check([root], use_cache=True)
    db = sqlite3.connect(_store(root))
    paths = list(read_index(_store(root).parent))
    results = db.execute("SELECT count(*) FROM results").fetchone()[0]
    findings = db.execute("SELECT count(*) FROM findings").fetchone()[0]
    db.close()
    assert not any(p.endswith("mli-2024-08-01-village.yaml") for p in paths)
    assert len(paths) == results == findings == 4


def test_d15_a_full_disk_leaves_no_half_written_gitignore(root: Path, tmp_path: Path,
                                                          cli: CliRun) -> None:
    assert cli("check", str(root))[0] == 1  # the cache made, with its .gitignore
    ignore = _store(root).parent / ".gitignore"
    ignore.unlink()

    def no_room() -> None:  # every write fails as on a full disk (EFBIG here)
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "ihltag", "check", str(root), "-f", "json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, preexec_fn=no_room,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not ignore.exists() or ignore.read_text(encoding="utf-8").endswith("\n*\n")
    assert [p.name for p in ignore.parent.iterdir() if p.name.startswith(".gitignore")] in (
        [], [".gitignore"])  # no temporary file left either


def test_d15_an_edit_keeping_size_and_mtime_is_caught(root: Path) -> None:
    """``cp -p`` (or a 2 s FAT clock) gives the same size and mtime: ctime tells."""
    target = root / "2024" / "mli-2024-08-03-village.yaml"
    for path in root.rglob("*.yaml"):
        os.utime(path, ns=(OLD, OLD))
    time.sleep(1.1)  # so that the ctimes are old enough to be trusted when recorded
    run_check([root], use_cache=True)
    text = target.read_text(encoding="utf-8")
    same_size = text.replace("type: looting", "type: lootinq")
    assert len(same_size) == len(text)
    target.write_text(same_size, encoding="utf-8")
    os.utime(target, ns=(OLD, OLD))
    run = run_check([root], use_cache=True)
    assert [d.code for d in run.diagnostics if d.file.endswith(target.name)] == ["unknown-value"]
