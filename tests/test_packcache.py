"""The rule pack's parsed files kept between runs (``ihltag.packcache``): used only for
the same bytes and version, under the user's MAC; anything else is a miss, and a pack
with a problem is always reported from its files, with the place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _paths import RULES

from ihltag import packcache, rules
from ihltag.cache import user_cache_home
from ihltag.rules import RulePack, RulePackError, load_pack


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "rules"
    shutil.copytree(RULES, out)
    return out


def entry_path() -> Path:
    home = user_cache_home()
    assert home is not None
    (path,) = (home / packcache.FOLDER).glob("*.json")
    return path


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the pack was parsed")

    monkeypatch.setattr(rules, "parse_text", refuse)


def same(a: RulePack, b: RulePack) -> bool:
    return a.digest == b.digest and [
        (r.id, r.title, [c.node.describe() for c in r.elements + r.exceptions], r.defaults,
         len(r.tests)) for r in a.rules] == [
        (r.id, r.title, [c.node.describe() for c in r.elements + r.exceptions], r.defaults,
         len(r.tests)) for r in b.rules] and a.sets == b.sets and a.test_world == b.test_world


def test_a_second_load_does_not_parse_and_gives_the_same_pack(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_pack(folder, cache=True)
    no_parsing(monkeypatch)
    assert same(load_pack(folder, cache=True), first)


def test_without_cache_nothing_is_kept(folder: Path) -> None:
    load_pack(folder)
    home = user_cache_home()
    assert home is not None and not (home / packcache.FOLDER).exists()


def test_an_edited_pack_is_parsed_again(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_pack(folder, cache=True)
    path = folder / "CIHL-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1),
                    encoding="utf-8")
    with pytest.raises(RulePackError) as exc:
        load_pack(folder, cache=True)
    assert any(d.file == str(path) and d.line == 2 and "unknown key 'titel'" in d.message
               for d in exc.value.diagnostics)


def test_a_tampered_entry_is_a_miss(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_pack(folder, cache=True)
    path = entry_path()
    mac, _, text = path.read_text(encoding="utf-8").partition("\n")
    entry = json.loads(text)
    entry["files"]["CIHL-1.yaml"]["title"] = "Planted"
    path.write_text(mac + "\n" + json.dumps(entry), encoding="utf-8")
    pack = load_pack(folder, cache=True)
    assert pack.by_id["CIHL-1"].title != "Planted"
    no_parsing(monkeypatch)  # the files' data was kept again, under a valid MAC
    assert load_pack(folder, cache=True).by_id["CIHL-1"].title != "Planted"


def test_an_entry_made_under_another_secret_is_a_miss(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_pack(folder, cache=True)
    kept = entry_path().read_bytes()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    load_pack(folder, cache=True)  # makes this user's secret and entry
    entry_path().write_bytes(kept)
    calls: list[str] = []
    real = rules.parse_text

    def counting(name: str, text: str) -> object:
        calls.append(name)
        return real(name, text)

    monkeypatch.setattr(rules, "parse_text", counting)
    load_pack(folder, cache=True)
    assert len(calls) == len(list(folder.glob("*.yaml")))


def test_a_kept_entry_with_a_problem_falls_back_to_the_files(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid MAC over data that no longer compiles (a newer ihltag's stricter check
    under the same version, say): the pack is loaded from its files, not refused."""
    pack = load_pack(folder, cache=True)
    path = entry_path()
    entry = json.loads(path.read_text(encoding="utf-8").partition("\n")[2])
    entry["files"]["CIHL-1.yaml"]["titel"] = entry["files"]["CIHL-1.yaml"].pop("title")
    packcache.store(folder, entry["digest"], entry["files"])
    assert same(load_pack(folder, cache=True), pack)
