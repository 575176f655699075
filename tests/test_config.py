"""``[tool.ihltag]`` in the nearest pyproject.toml: honoured by every command, and
overridden by command-line options."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "incidents"

PILLAGE = """\
id: CIHL-52
title: Pillage
text: Pillage is forbidden.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule52
elements:
  - id: party
    description: committed by a party to the conflict
    when: {fact: party, is: true}
  - id: looting
    description: property was appropriated
    when: {fact: act.type, eq: looting}
"""


def incident(name: str, actor: str, act: str = "type: looting\n    target: livestock") -> str:
    return (f"id: {name}\ntitle: Test\ndate: 2025-01-01\nlocation: {{country: MLI}}\n"
            f"perpetrators:\n  - actor: {actor}\n    attribution: suspected\n"
            f"acts:\n  - {act}\n"
            "sources:\n  - publisher: Test\n    title: A source\nsummary: Test.\n")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose dataset is ``data/`` (one incident with a 'possible' finding and
    nothing else) and whose rule pack is ``pack/`` (pillage only); no config yet."""
    data = tmp_path / "data"
    (data / "2025").mkdir(parents=True)
    shutil.copy(INCIDENTS / "actors.yaml", data)
    shutil.copy(INCIDENTS / "conflicts.yaml", data)
    (data / "2025" / "mli-theft.yaml").write_text(incident("mli-theft", "unidentified"),
                                                  encoding="utf-8")
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "CIHL-52.yaml").write_text(PILLAGE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.ihltag]\n{body}",
                                            encoding="utf-8")


def add_warning(project: Path) -> None:
    """An attack without 'targeting': data-quality advice, an error only when strict."""
    (project / "data" / "2025" / "mli-attack.yaml").write_text(
        incident("mli-attack", "JNIM", "type: attack\n    target: military_objects"),
        encoding="utf-8")


def test_dataset_and_rules_come_from_the_config(cli, project: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    configure(project, 'dataset = "data"\nrules = "pack"\n')
    monkeypatch.chdir(project / "sub")  # paths are relative to pyproject.toml, not the cwd
    code, out, err = cli("check", "--no-cache", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [i["file"] for i in data["incidents"]] == [
        (project / "data" / "2025" / "mli-theft.yaml").as_posix()]
    assert [f["rule"] for f in data["incidents"][0]["findings"]] == ["CIHL-52"]
    code, out, _ = cli("rules", "list")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split()[:3] == ["RULE", "TITLE", "AT"]
    assert [line.split()[0] for line in rows] == ["CIHL-52"]


def test_command_line_overrides_dataset_and_rules(cli, project: Path) -> None:
    configure(project, 'dataset = "data"\nrules = "pack"\n')
    other = project / "other"
    shutil.copytree(project / "data", other)
    (other / "2025" / "mli-theft.yaml").rename(other / "2025" / "mli-other.yaml")
    (other / "2025" / "mli-other.yaml").write_text(incident("mli-other", "unidentified"),
                                                   encoding="utf-8")
    code, out, _ = cli("check", "--no-cache", "-f", "json", "--rules", str(ROOT / "rules"),
                       "other")
    assert code == 0
    data = json.loads(out)
    assert [i["file"] for i in data["incidents"]] == ["other/2025/mli-other.yaml"]
    code, out, _ = cli("rules", "list", "--rules", str(ROOT / "rules"))
    assert len(out.splitlines()) > 1


def test_fail_on_from_config_and_its_override(cli, project: Path) -> None:
    args = ("check", "--no-cache", "-f", "json")
    configure(project, 'rules = "pack"\ndataset = "data"\n')
    assert cli(*args)[0] == 0
    configure(project, 'rules = "pack"\ndataset = "data"\nfail-on = "possible"\n')
    assert cli(*args)[0] == 1
    assert cli(*args, "--fail-on", "violation")[0] == 0
    assert cli(*args, "--fail-on", "never")[0] == 0
    configure(project, 'rules = "pack"\ndataset = "data"\nfail-on = "violation"\n')
    assert cli(*args)[0] == 0
    assert cli(*args, "--fail-on", "possible")[0] == 1


def test_strict_from_config_and_its_override(cli, project: Path) -> None:
    add_warning(project)
    args = ("check", "--no-cache", "-f", "json")
    configure(project, 'dataset = "data"\nrules = "pack"\n')
    assert cli(*args)[0] == 0
    assert cli(*args, "--strict")[0] == 1
    configure(project, 'dataset = "data"\nrules = "pack"\nstrict = true\n')
    code, out, _ = cli(*args)
    assert code == 1
    assert [e["code"] for e in json.loads(out)["errors"]] == ["advice-targeting"]
    assert cli(*args, "--no-strict")[0] == 0


def test_cache_setting(cli, project: Path) -> None:
    from ihltag.cache import STORE, default_folder

    store = default_folder((project / "data").resolve()) / STORE  # type: ignore[operator]
    configure(project, 'dataset = "data"\nrules = "pack"\ncache = false\njobs = 1\n')
    assert cli("check")[0] == 0
    assert not store.exists()
    configure(project, 'dataset = "data"\nrules = "pack"\n')
    assert cli("check")[0] == 0
    assert store.is_file()


def test_other_commands_use_the_configured_dataset(cli, project: Path) -> None:
    assert cli("actors")[0] == 2  # no ./incidents and no config: '.' has no actors.yaml
    configure(project, 'dataset = "data"\nrules = "pack"\n')
    code, out, _ = cli("actors")
    assert code == 0 and out.startswith("FAMa:")
    code, out, _ = cli("explain", "mli-theft")
    assert code == 0
    assert "CIHL-52" in out and "CIHL-89" not in out


@pytest.mark.parametrize(("body", "message"), [
    ('fail_on = "possible"\n', "unknown key 'fail_on' in [tool.ihltag]; did you mean 'fail-on'?"),
    ('fail-on = "always"\n', "fail-on must be 'violation' or 'possible'"),
    ("strict = 1\n", "strict must be true or false"),
    ("dataset = 3\n", "dataset must be a path string"),
    ("jobs = 0\n", "jobs must be a whole number"),
    ("strict = \n", "cannot read [tool.ihltag]"),
])
def test_bad_config_is_exit_2_naming_the_file(cli, project: Path, body: str, message: str) -> None:
    configure(project, body)
    code, out, err = cli("check")
    assert code == 2
    assert str(project / "pyproject.toml") in err
    assert message in err
    assert "Traceback" not in out + err
