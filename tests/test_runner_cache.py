"""The result cache and parallel runs (issue 7): correctness, not speed.

A cache is only worth having if it can never serve a stale answer: a changed file, rule
pack, registry or tool version must be re-checked, and a corrupt or truncated entry must
be ignored. ``--jobs`` must not change a byte of the output.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _cachestore import decodings, read_index, write_index
from _paths import DATASET, RULES

from ihltag import cache as cache_mod
from ihltag.formats import REPORTERS, Options
from ihltag.results import FileResult, Finding
from ihltag.runner import run_check

CliRun = Callable[..., tuple[int, str, str]]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "incidents"
    shutil.copytree(DATASET, root, ignore=shutil.ignore_patterns(".ihltag_cache"))
    return root


def _folder(root: Path) -> Path:
    """The cache's folder for a dataset (in the test's own user cache folder)."""
    folder = cache_mod.default_folder(root.resolve())
    assert folder is not None
    return folder


def _store(root: Path) -> Path:
    return _folder(root) / cache_mod.STORE


def _entries(root: Path) -> int:
    """How many results the cache holds."""
    db = sqlite3.connect(_store(root))
    try:
        return int(db.execute("SELECT count(*) FROM results").fetchone()[0])
    finally:
        db.close()


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file that is really checked (a cache miss)."""
    import ihltag.runner as runner

    checked: list[str] = []
    real = runner.check_file

    def spy(path: Path, display: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        checked.append(path.name)
        return real(path, display, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "check_file", spy)
    return checked


def test_second_run_is_served_from_the_cache(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _spy(monkeypatch)
    first = run_check([dataset], use_cache=True)
    n = len(first.results)
    assert len(checked) == n and _entries(dataset) == n
    checked.clear()
    second = run_check([dataset], use_cache=True)
    assert checked == []
    assert [r.findings for r in second.results] == [r.findings for r in first.results]
    assert second.summary() == first.summary()


def test_changed_file_is_rechecked(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_check([dataset], use_cache=True)
    checked = _spy(monkeypatch)
    target = dataset / "2025" / "mli-2025-03-10-fatakara.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("reason: unjustified",
                                                                  "reason: civilian_safety"),
                      encoding="utf-8")
    run = run_check([dataset], use_cache=True)
    assert checked == ["mli-2025-03-10-fatakara.yaml"]
    result = next(r for r in run.results if r.id == "mli-2025-03-10-fatakara")
    assert not any(f.rule == "CIHL-129" for f in result.findings)


def test_changed_rule_pack_rechecks_everything(dataset: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    run_check([dataset], rules_dir=rules, use_cache=True)
    checked = _spy(monkeypatch)
    (rules / "CIHL-100.yaml").unlink()
    run = run_check([dataset], rules_dir=rules, use_cache=True)
    assert len(checked) == len(run.results)
    assert all(f.rule != "CIHL-100" for r in run.results for f in r.findings)


def test_changed_registry_rechecks_everything(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_check([dataset], use_cache=True)
    checked = _spy(monkeypatch)
    actors = dataset / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    run = run_check([dataset], use_cache=True)
    assert len(checked) == len(run.results)


def test_new_tool_version_rechecks_everything(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_check([dataset], use_cache=True)
    checked = _spy(monkeypatch)
    monkeypatch.setattr(cache_mod, "__version__", "999.0")
    run = run_check([dataset], use_cache=True)
    assert len(checked) == len(run.results)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_corrupt_store_is_ignored(dataset: Path, damage: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    clean = run_check([dataset], use_cache=True)
    store = _store(dataset)
    data = store.read_bytes()
    store.write_bytes({"truncate": data[: len(data) // 3], "garbage": b"\x00not a database" * 64,
                       "empty": b""}[damage])
    checked = _spy(monkeypatch)
    again = run_check([dataset], use_cache=True)
    # an empty file is a valid empty database; the others are set aside: all re-checked
    assert len(checked) == len(again.results)
    assert [r.findings for r in again.results] == [r.findings for r in clean.results]
    checked.clear()
    run_check([dataset], use_cache=True)  # and the rebuilt store serves the next run
    assert checked == []


def test_corrupt_row_is_a_miss(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean = run_check([dataset], use_cache=True)
    db = sqlite3.connect(_store(dataset))
    db.execute("UPDATE results SET meta = 'mli-x\x1f1'")  # cut short, in every row
    folder = _store(dataset).parent
    write_index(folder, {p: (*e[:8], "mli-x\x1f1", None) for p, e in read_index(folder).items()})
    db.commit()
    db.close()
    checked = _spy(monkeypatch)
    again = run_check([dataset], use_cache=True)
    assert len(checked) == len(again.results)
    assert [r.findings for r in again.results] == [r.findings for r in clean.results]


def test_a_damaged_findings_row_is_a_miss_for_its_file_alone(dataset: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    clean = run_check([dataset], use_cache=True)
    db = sqlite3.connect(_store(dataset))
    (key,) = db.execute("SELECT key FROM findings WHERE findings != '[]' ORDER BY key").fetchone()
    db.execute("UPDATE findings SET findings = '[]' WHERE key = ?", (key,))  # its MAC fails
    db.commit()
    db.close()
    checked = _spy(monkeypatch)
    again = run_check([dataset], use_cache=True)
    assert len(checked) == 1
    assert [r.findings for r in again.results] == [r.findings for r in clean.results]


def test_touched_but_unchanged_file_is_still_a_hit(dataset: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    run_check([dataset], use_cache=True)
    target = dataset / "2025" / "mli-2025-03-10-fatakara.yaml"
    os.utime(target, ns=(10**18, 10**18))  # a new time, the same bytes
    checked = _spy(monkeypatch)
    run_check([dataset], use_cache=True)
    assert checked == []


def test_cache_lives_outside_the_dataset(dataset: Path, tmp_path: Path, cli: CliRun) -> None:
    before = sorted(p.relative_to(dataset) for p in dataset.rglob("*"))
    code, _, _ = cli("check", str(dataset))
    assert code == 0
    assert sorted(p.relative_to(dataset) for p in dataset.rglob("*")) == before
    assert _entries(dataset) == len(list(dataset.rglob("mli-*.yaml")))
    # a chosen folder is never committed by mistake
    chosen = tmp_path / "chosen"
    code, _, _ = cli("check", str(dataset), "--cache-dir", str(chosen))
    assert code == 0 and (chosen / cache_mod.STORE).is_file()
    assert (chosen / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_no_cache_writes_nothing(dataset: Path, cli: CliRun) -> None:
    code, _, _ = cli("check", str(dataset), "--no-cache")
    assert code == 0
    assert not _folder(dataset).parent.exists()
    assert not (dataset / cache_mod.FOLDER).exists()


def test_jobs_give_identical_output(tmp_path: Path, cli: CliRun) -> None:
    # enough files for the pool to be used (it is skipped below 64 files)
    root = tmp_path / "many"
    shutil.copytree(DATASET, root)
    for i, path in enumerate(sorted((DATASET / "2025").glob("*.yaml"))):
        text = path.read_text(encoding="utf-8")
        stem = path.stem
        for k in range(3):
            new = f"{stem}-copy{k}"
            (root / "2025" / f"{new}.yaml").write_text(text.replace(f"id: {stem}", f"id: {new}"),
                                                       encoding="utf-8")
        if i == 0:  # and one invalid file, so errors are ordered too
            (root / "2025" / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    outputs = {}
    for jobs in ("1", "2", "3"):
        for fmt in ("json", "text"):
            code, out, _ = cli("check", str(root), "--no-cache", "-j", jobs, "-f", fmt)
            assert code == 1
            outputs[(jobs, fmt)] = out
    assert outputs[("1", "json")] == outputs[("2", "json")] == outputs[("3", "json")]
    assert outputs[("1", "text")] == outputs[("2", "text")] == outputs[("3", "text")]
    assert json.loads(outputs[("1", "json")])["summary"]["files"] > 64


def test_store_of_another_layout_is_replaced(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(dataset)
    folder.mkdir(parents=True)
    db = sqlite3.connect(folder / "cache.sqlite3")
    db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, a, b, c, d)")  # an older layout
    db.commit()
    db.close()
    run_check([dataset], use_cache=True)
    checked = _spy(monkeypatch)
    run_check([dataset], use_cache=True)
    assert checked == []


def test_store_with_wrong_tables_is_set_aside(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(dataset)
    folder.mkdir(parents=True)
    db = sqlite3.connect(folder / cache_mod.STORE)
    db.execute("CREATE TABLE files (path PRIMARY KEY, size)")  # the version, not the tables
    db.execute(f"PRAGMA user_version={cache_mod._SCHEMA}")
    db.commit()
    db.close()
    run_check([dataset], use_cache=True)
    checked = _spy(monkeypatch)
    run_check([dataset], use_cache=True)
    assert checked == []


def test_unchanged_files_are_not_read_again(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stat index: a file last modified well before it was recorded is not re-read."""
    import ihltag.runner as runner

    old = 1_600_000_000 * 10**9
    for path in dataset.rglob("*.yaml"):
        os.utime(path, ns=(old, old))
    # the ctime just changed: trust it at once (the one-second margin is not tested here)
    monkeypatch.setattr(cache_mod, "_SAFE_NS", 0)
    run_check([dataset], use_cache=True)  # records every file
    reads: list[str] = []
    real = runner._read

    def spy(path: str):  # type: ignore[no-untyped-def]
        reads.append(path)
        return real(path)

    monkeypatch.setattr(runner, "_read", spy)
    target = dataset / "2024" / "mli-2024-06-tile.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    run = run_check([dataset], use_cache=True)
    assert reads == [str(target)]  # only the changed file
    assert run.summary()["files"] == len(list(dataset.rglob("mli-*.yaml")))


def test_quiet_warm_run_counts_what_it_does_not_show(dataset: Path, cli: CliRun) -> None:
    """A quiet warm run counts unchanged clean files without building their results:
    its summary and exit status must match a full run's."""
    old = 1_600_000_000 * 10**9
    for path in dataset.rglob("*.yaml"):
        os.utime(path, ns=(old, old))
    broken = dataset / "2025" / "mli-2025-03-10-fatakara.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("type: killing", "type: kiling"),
                      encoding="utf-8")
    os.utime(broken, ns=(old, old))
    full = run_check([dataset], use_cache=True)
    quiet = run_check([dataset], use_cache=True, with_findings=False,
                      reporter=REPORTERS["text"](io.StringIO(), Options(quiet=True)))
    assert quiet.summary() == full.summary()
    assert quiet.unlisted.files == len(full.results) - 1  # all but the broken file
    assert [d.plain() for d in quiet.diagnostics] == [d.plain() for d in full.diagnostics]
    code, out, _ = cli("check", str(dataset), "-q", "--fail-on", "violation")
    assert code == 1 and "kiling" in out
    code, out, _ = cli("check", str(dataset), "-q", "-f", "json")
    assert json.loads(out)["summary"] == full.summary()


def test_results_survive_the_cache_round_trip(mini_dataset: Path) -> None:
    from _paths import incident

    from ihltag.dataset import check_file
    from ihltag.registry import load_registry

    path = incident(mini_dataset, "mli-a", **{"type: looting": "type: lootting"})
    r = check_file(path, "mli-a.yaml", load_registry(mini_dataset), None)
    back = cache_mod.decode("mli-a.yaml", *cache_mod.encode(r))
    assert back.acts_lines == r.acts_lines and back.findings == r.findings == []
    assert back.diagnostics == r.diagnostics and back.id == r.id and back.id_pos == r.id_pos


@pytest.mark.parametrize("batch", [1, 500])
def test_a_warm_json_run_writes_the_stored_rendering(dataset: Path, cli: CliRun, batch: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13 point 6: an unchanged file's findings are written as stored, neither
    decoded nor encoded again; only the few findings that a failed run names are read.
    (With batches of one, a file without findings, which needs no look-up, must not
    make the next file's look-up miss.)"""
    import ihltag.runner as runner

    monkeypatch.setattr(runner, "_BATCH", batch)
    code, cold, _ = cli("check", str(dataset), "-f", "json")
    decoded = decodings(monkeypatch)
    real_decode = cache_mod.decode
    results: list[str] = []

    def decode_spy(file: str, *args: Any) -> FileResult:
        results.append(file)
        return real_decode(file, *args)

    monkeypatch.setattr(cache_mod, "decode", decode_spy)
    checked = _spy(monkeypatch)
    assert cli("check", str(dataset), "-f", "json") == (code, cold, "")
    incidents = json.loads(cold)["incidents"]
    with_findings = sum(1 for i in incidents if i["findings"])
    assert checked == [] and len(decoded) <= 10 < with_findings
    # no result object for a file with nothing but findings (or none), but for the few
    # whose findings a failed run would name
    assert len(results) <= 10 < len(incidents)


@pytest.fixture
def read_ahead(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The stored texts read ahead by a child process (``ReadAhead``) even on the small
    dataset: batches of two files, from one batch on. The child's process ids."""
    import ihltag.runner as runner

    monkeypatch.setattr(runner, "_BATCH", 2)
    monkeypatch.setattr(runner, "_AHEAD", 1)
    pids: list[int] = []
    real = cache_mod.ReadAhead.__init__

    def spy(self: cache_mod.ReadAhead, *args: Any) -> None:
        real(self, *args)
        pids.append(self.pid)

    monkeypatch.setattr(cache_mod.ReadAhead, "__init__", spy)
    return pids


def _texts_read_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many texts the main process reads from the store itself (``Cache.texts``)."""
    read: list[int] = []
    real = cache_mod.Cache.texts

    def spy(self: cache_mod.Cache, keys: list[str]) -> dict[str, bytes]:
        read.append(len(keys))
        return real(self, keys)

    monkeypatch.setattr(cache_mod.Cache, "texts", spy)
    return read


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_texts_read_ahead_by_a_child_are_the_same_output(dataset: Path, cli: CliRun, jobs: str,
                                                         read_ahead: list[int],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """With a second process allowed, a child reads and checks the stored findings texts
    while the run writes them: the output is the same byte for byte, nothing is checked
    again, the main process reads no text itself, and the child is reaped. With one
    process, there is no child."""
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    assert cli("check", str(dataset), "-f", "json", "-j", jobs) == expected
    read_ahead.clear()  # the cold run had nothing to read ahead
    checked = _spy(monkeypatch)
    here = _texts_read_here(monkeypatch)
    assert cli("check", str(dataset), "-f", "json", "-j", jobs) == expected
    assert checked == []
    if jobs == "1":
        assert read_ahead == [] and sum(here) > 10
        return
    assert len(read_ahead) == 1 and here == []
    with pytest.raises(ProcessLookupError):  # reaped: no zombie left behind
        os.kill(read_ahead[0], 0)


def test_the_read_ahead_child_takes_the_stat_data(dataset: Path, cli: CliRun,
                                                  read_ahead: list[int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The child takes every file's stat data while the run reads the index: the run
    itself looks at no file (one changed since the last run is looked at again)."""
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    cli("check", str(dataset), "-f", "json", "-j", "2")
    parent, real, looked = os.getpid(), cache_mod._stats, []

    def spy(paths: Any) -> Any:
        if os.getpid() == parent:
            looked.append(len(paths))
        return real(paths)

    monkeypatch.setattr(cache_mod, "_stats", spy)
    assert cli("check", str(dataset), "-f", "json", "-j", "2") == expected
    assert looked == [] and len(read_ahead) == 2


def test_a_file_changed_after_the_child_looked_is_never_served_by_its_old_hash(
        tmp_path: Path) -> None:
    """The stat data the child took may be older than the file: a file whose row has
    another salt (its recorded hash would spare reading it) is looked at again, and
    its recorded hash is used only if it has not changed since."""
    import time

    path = tmp_path / "a.yaml"
    path.write_text("x", encoding="utf-8")
    st = os.lstat(path)
    seen = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    store = cache_mod.Cache(tmp_path / "cache", "salt", secret=b"k" * 32)
    store.index = {"a.yaml": (*seen, "hash of x", time.time_ns() + 10**10, "another salt",
                              "key", "meta", None)}

    class Child:
        @staticmethod
        def stats() -> list[tuple[int, int, int, int]]:
            return [seen]

    store.ahead = Child()  # type: ignore[assignment]
    ((_, now, sha),) = store.scan([str(path)], ["a.yaml"]).misses
    assert sha == "hash of x" and now is not None
    path.write_text("changed", encoding="utf-8")
    ((_, now, sha),) = store.scan([str(path)], ["a.yaml"]).misses
    assert sha is None and now is not None and now.st_size == len("changed")
    store.ahead = None
    store.close()


def test_a_read_ahead_child_that_fails_changes_nothing(dataset: Path, cli: CliRun,
                                                      read_ahead: list[int],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The child fails after a few batches (a disk error, say): the main process reads
    the rest itself, and the output is the same."""
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    cli("check", str(dataset), "-f", "json", "-j", "2")
    parent, real, calls = os.getpid(), cache_mod._texts, [0]

    def failing(*args: Any) -> dict[str, bytes]:
        calls[0] += 1
        if os.getpid() != parent and calls[0] > 3:
            raise sqlite3.OperationalError("disk I/O error")
        return real(*args)

    monkeypatch.setattr(cache_mod, "_texts", failing)
    checked = _spy(monkeypatch)
    here = _texts_read_here(monkeypatch)
    assert cli("check", str(dataset), "-f", "json", "-j", "2") == expected
    assert checked == [] and read_ahead and here  # read here after the child failed


@pytest.mark.parametrize("ahead", [False, True])
def test_a_tampered_findings_text_is_never_written_as_stored(dataset: Path, cli: CliRun,
                                                            ahead: bool,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            request: pytest.FixtureRequest
                                                            ) -> None:
    """A warm JSON run writes a stored findings text as it is, so its MAC is all that
    stands between the store and the output: a text changed in the store is a miss, and
    its file is checked again, whether the run or its read-ahead child reads it."""
    if ahead:
        request.getfixturevalue("read_ahead")
    _, cold, _ = cli("check", str(dataset), "-f", "json", "-j", "2")
    db = sqlite3.connect(_store(dataset))
    changed = db.execute("UPDATE findings SET findings = replace(findings, 'violation', "
                         "'possible') WHERE findings LIKE '%violation%'").rowcount
    db.commit()
    db.close()
    assert changed > 10
    checked = _spy(monkeypatch)
    assert cli("check", str(dataset), "-f", "json", "-j", "2")[1] == cold
    assert len(checked) == changed


def test_a_warm_json_run_names_what_fails_it(dataset: Path, cli: CliRun) -> None:
    cold = cli("check", str(dataset), "-f", "json", "--fail-on", "possible")
    assert cold[0] == 1 and "failed by --fail-on possible" in cold[2]
    assert cli("check", str(dataset), "-f", "json", "--fail-on", "possible") == cold


def test_an_unusable_cache_is_switched_off_with_one_warning(dataset: Path, cli: CliRun,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    cli("check", str(dataset), "-f", "json")

    class Failing:
        """A store whose findings can no longer be read (a disk error mid-run)."""

        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def execute(self, sql: str, *args: object) -> object:
            if "FROM findings" in sql:
                raise sqlite3.OperationalError("disk I/O error")
            return self.db.execute(sql, *args)

        def executemany(self, sql: str, rows: object) -> object:
            return self.db.executemany(sql, rows)

        def close(self) -> None:
            self.db.close()

    real = cache_mod.Cache._connect
    monkeypatch.setattr(cache_mod.Cache, "_connect", lambda self, path: Failing(real(self, path)))
    code, out, err = cli("check", str(dataset), "-f", "json")
    assert (code, out) == expected[:2]
    (line,) = err.splitlines()
    assert line.startswith("ihltag: the cache in ") and line.endswith(
        "is unreadable (disk I/O error): switched off for the rest of the run")


@pytest.mark.parametrize("length", [0, 32, 64, 65, 200])
def test_the_mac_is_hmac_sha256(length: int, tmp_path: Path) -> None:
    """``Cache._tag`` reuses HMAC's key states (for speed): it must still be HMAC-SHA-256,
    truncated, for any key length (RFC 2104 hashes a key longer than a block first)."""
    import hmac

    secret = bytes(range(256))[:length]
    store = cache_mod.Cache(tmp_path / "c", "salt", secret=secret)
    message = "r\0some key\0é\U0001f600".encode()
    assert store._tag(message[:5], message[5:]) == hmac.new(secret, message, "sha256").digest()[:16]
    assert store._mac(message.decode()) == store._tag(message)
    store.close()


def test_one_index_file_with_one_mac(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stat index is one file: every file's row is in it after a run, and an index
    whose MAC does not check out is no index at all: every file is checked again, and
    the index is written anew from what was found."""
    run_check([dataset], use_cache=True)
    db = sqlite3.connect(_store(dataset))
    index = read_index(_store(dataset).parent)
    assert sorted(index) == sorted(p.relative_to(dataset).as_posix()
                                   for p in dataset.rglob("mli-*.yaml"))
    write_index(_store(dataset).parent, {**index, "planted.yaml": next(iter(index.values()))})  # the old tag
    db.commit()
    db.close()
    checked = _spy(monkeypatch)
    run_check([dataset], use_cache=True)
    assert len(checked) == len(index)
    db = sqlite3.connect(_store(dataset))
    assert sorted(read_index(_store(dataset).parent)) == sorted(index)
    db.close()
    checked.clear()
    run_check([dataset], use_cache=True)
    assert checked == []


def test_findings_sealed_with_the_json_text_decode_to_the_same(tmp_path: Path) -> None:
    """A worker sends, and the cache keeps, the JSON output's text of a file's findings
    as their encoding too (``findings_json``). That text escapes C1, bidi and
    line-separator characters (D11): it must still decode to the very same findings, or
    a warm run in another format would show other words than a cold one."""
    from ihltag.results import ActorRef, Evaluation, WarCrime, findings_json

    odd = "a\u202eb\x85c\u2028d\x7fe \u00e9 \"q\" \\"
    finding = Finding("CIHL-1", f"Title {odd}", "violation", 0,
                      (ActorRef(actor=f"X{odd}", attribution="alleged", confidence="low",
                                involvement="direct"),),
                      "8(2)(e)(i)", (Evaluation("party", f"desc {odd}", "true", f"because {odd}",
                                                None, None),),
                      (), f"note {odd}", True, (WarCrime("8(2)(e)(i)", f"text {odd}"),), ("target",))
    result = FileResult("f.yaml", "mli-x", [], (1, 0))
    result.findings = [finding]
    text = findings_json([finding])
    assert "\u202e" not in text and "\\u202e" in text  # escaped in the JSON text
    cache_mod.seal(result)
    meta, found = cache_mod.encode(result)
    assert found == text  # one text, not two
    back = cache_mod.decode("f.yaml", meta, found)
    assert back.findings == [finding]


def _journal(root: Path) -> dict[str, Any] | None:
    path = _folder(root) / cache_mod.JOURNAL
    if not path.exists():
        return None
    import marshal

    return dict(marshal.loads(path.read_bytes()[16:])[2])


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files just written trusted by their stat data, as files changed more than a
    second before a run are: else every run records the whole fresh dataset again."""
    monkeypatch.setattr(cache_mod, "_SAFE_NS", 0)


def test_a_warm_run_writes_the_index_journal_not_the_whole_index(
        dataset: Path, cli: CliRun, monkeypatch: pytest.MonkeyPatch, settled: None) -> None:
    """A run that changed a few files writes their rows to the index's journal, bound to
    the index by its MAC, and leaves the index file as it was; the next run reads both
    and checks nothing again."""
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    cli("check", str(dataset), "-f", "json")
    index = _folder(dataset) / cache_mod.INDEX
    whole = index.read_bytes()
    assert _journal(dataset) is None
    edited = sorted(dataset.rglob("mli-*.yaml"))[3]
    _edit(edited)
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    assert cli("check", str(dataset), "-f", "json") == expected
    assert index.read_bytes() == whole
    journal = _journal(dataset)
    assert journal is not None and edited.relative_to(dataset).as_posix() in journal
    assert read_index(_folder(dataset))[edited.relative_to(dataset).as_posix()][4] == \
        hashlib.sha256(edited.read_bytes()).hexdigest()
    checked = _spy(monkeypatch)
    assert cli("check", str(dataset), "-f", "json") == expected
    assert checked == []


def test_the_index_is_written_whole_once_its_journal_is_large(dataset: Path,
                                                             cli: CliRun) -> None:
    cli("check", str(dataset), "-q")
    files = sorted(dataset.rglob("mli-*.yaml"))
    for path in files[: len(files) // cache_mod._JOURNAL_SHARE + 2]:
        _edit(path)
    whole = (_folder(dataset) / cache_mod.INDEX).read_bytes()
    cli("check", str(dataset), "-q")
    assert _journal(dataset) is None
    assert (_folder(dataset) / cache_mod.INDEX).read_bytes() != whole
    assert len(read_index(_folder(dataset))) == len(files)


def test_a_damaged_journal_costs_reads_never_a_wrong_result(dataset: Path, cli: CliRun,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            settled: None) -> None:
    cli("check", str(dataset), "-f", "json")
    edited = sorted(dataset.rglob("mli-*.yaml"))[5]
    _edit(edited)
    cli("check", str(dataset), "-f", "json")
    journal = _folder(dataset) / cache_mod.JOURNAL
    assert journal.exists()
    raw = bytearray(journal.read_bytes())
    raw[-3] ^= 1
    journal.write_bytes(bytes(raw))
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    assert cli("check", str(dataset), "-f", "json") == expected
    assert _journal(dataset) is None  # the index written whole again
    checked = _spy(monkeypatch)
    assert cli("check", str(dataset), "-f", "json") == expected
    assert checked == []


def test_a_journal_of_an_older_index_is_passed_over(dataset: Path, cli: CliRun,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    settled: None) -> None:
    """A crash between writing the index whole and removing its journal leaves a journal
    of the index before: its changes are in the new index already, and it is ignored."""
    cli("check", str(dataset), "-q")
    files = sorted(dataset.rglob("mli-*.yaml"))
    _edit(files[0])
    cli("check", str(dataset), "-q")
    old = (_folder(dataset) / cache_mod.JOURNAL).read_bytes()
    for path in files[1: len(files) // cache_mod._JOURNAL_SHARE + 3]:
        _edit(path)
    cli("check", str(dataset), "-q")
    assert _journal(dataset) is None
    (_folder(dataset) / cache_mod.JOURNAL).write_bytes(old)
    checked = _spy(monkeypatch)
    expected = cli("check", str(dataset), "-f", "json", "--no-cache")
    assert cli("check", str(dataset), "-f", "json") == expected
    assert checked == []
