"""The actor and conflict registries: loading, cross-checks and name matching.

A registry mistake makes every later answer doubtful (an alias owned by two actors
would attribute acts to the wrong party), so each one stops the run (exit 2) with
its file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import DATASET

from ihltag.registry import Registry, RegistryError, fold, load_registry


@pytest.fixture(scope="module")
def real() -> Registry:
    return load_registry(DATASET)


def test_the_mali_registries_load(real: Registry) -> None:
    assert {"FAMa", "Wagner", "AfricaCorps", "JNIM", "ISSP", "FLA", "Dozo",
            "DanNaAmbassagou"} <= set(real.actors)
    assert set(real.conflicts) >= {"mli-jnim", "mli-issp", "mli-fla"}
    assert all(c.classification == "NIAC" for c in real.conflicts.values())


@pytest.mark.parametrize("name, actor", [
    ("JNIM", "JNIM"), ("jnim", "JNIM"), ("  GSIM ", "JNIM"),
    ("Groupe de soutien à l'islam et aux musulmans", "JNIM"),
    ("GROUPE DE SOUTIEN A L’ISLAM ET AUX MUSULMANS", "JNIM"),  # no accent, curly apostrophe
    ("Jama’at Nusrat al-Islam wa al-Muslimeen", "JNIM"),
    ("état islamique au grand sahara", "ISSP"), ("Etat Islamique au Grand Sahara", "ISSP"),
    ("IS Sahel", "ISSP"), ("islamic  state   sahel province", "ISSP"),
    ("malian army", "FAMa"), ("Forces Armees Maliennes", "FAMa"),
    ("wagner group", "Wagner"), ("dozos", "Dozo"), ("CSP-DPA", "FLA"),
])
def test_names_resolve_without_regard_to_case_accents_or_apostrophes(
        real: Registry, name: str, actor: str) -> None:
    found = real.resolve(name)
    assert found is not None and found.id == actor


@pytest.mark.parametrize("name", ["unidentified", "JNIM fighters", "Wagnerr", ""])
def test_unknown_names_do_not_resolve(real: Registry, name: str) -> None:
    assert real.resolve(name) is None


def test_fold() -> None:
    assert fold("Tilé") == fold("TILE") == "tile"
    assert fold("Jama’a  Nusrat") == fold("jama'a nusrat") == "jama'a nusrat"
    assert fold("ʼAin") == fold("`ain") == "'ain"


def test_hint_for_a_misspelt_actor(real: Registry) -> None:
    assert real.hint("JNMI") == "; did you mean 'JNIM'?"
    assert real.hint("Wagnr") == "; did you mean 'Wagner'?"
    assert real.hint("zzzzzz") == ""


# --- invalid registries -------------------------------------------------------------------

ACTORS = """\
- id: FAMa
  name: Forces Armées Maliennes
  aliases: [Malian army]
  kind: state_armed_forces
- id: JNIM
  name: Jama'a Nusrat ul-Islam wa al-Muslimin
  aliases: [GSIM]
  kind: non_state_armed_group
- id: Wagner
  name: Wagner Group
  kind: private_military_company
  supports: FAMa
"""

CONFLICTS = """\
- id: mli-jnim
  name: Mali v JNIM
  classification: NIAC
  country: MLI
  parties: [FAMa, JNIM]
  start: 2017-03
"""


def registry_errors(root: Path, actors: str = ACTORS, conflicts: str = CONFLICTS
                    ) -> list[tuple[str, str, int, int, str]]:
    (root / "actors.yaml").write_text(actors, encoding="utf-8")
    (root / "conflicts.yaml").write_text(conflicts, encoding="utf-8")
    try:
        load_registry(root)
    except RegistryError as exc:
        return [(d.file, d.code, d.line, d.column, d.message) for d in exc.diagnostics]
    return []


def test_small_registry_is_valid(tmp_path: Path) -> None:
    assert registry_errors(tmp_path) == []


def test_alias_used_by_two_actors(tmp_path: Path) -> None:
    actors = ACTORS + "- id: Other\n  name: Other group\n  aliases: [Malian Army, gsim]\n  kind: militia\n"
    found = registry_errors(tmp_path, actors)
    assert [(f, c, ln, col) for f, c, ln, col, _ in found] == [
        ("actors.yaml", "duplicate-alias", 15, 13), ("actors.yaml", "duplicate-alias", 15, 26)]
    assert found[0][4] == "name 'Malian Army' is already used by actor 'FAMa'"
    assert found[1][4] == "name 'gsim' is already used by actor 'JNIM'"


def test_actor_id_that_is_another_actors_alias(tmp_path: Path) -> None:
    actors = ACTORS + "- id: GSIM\n  name: Someone\n  kind: militia\n"
    found = registry_errors(tmp_path, actors)
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [("duplicate-alias", 13, 7)]
    assert "already used by actor 'JNIM'" in found[0][4]


def test_actor_defined_twice(tmp_path: Path) -> None:
    actors = ACTORS + "- id: JNIM\n  name: Again\n  kind: militia\n"
    found = registry_errors(tmp_path, actors)
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [("duplicate-actor", 13, 7)]
    assert "actor id 'JNIM' is defined twice" in found[0][4]


def test_supports_an_unknown_actor(tmp_path: Path) -> None:
    found = registry_errors(tmp_path, ACTORS.replace("supports: FAMa", "supports: FAMA"))
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [("unknown-actor", 12, 13)]
    assert found[0][4] == "supports 'FAMA', which is not an actor id; did you mean 'FAMa'?"


def test_conflict_party_unknown(tmp_path: Path) -> None:
    found = registry_errors(tmp_path, conflicts=CONFLICTS.replace("[FAMa, JNIM]", "[FAMa, JNMI]"))
    assert [(f, c, ln, col) for f, c, ln, col, _ in found] == [
        ("conflicts.yaml", "unknown-actor", 5, 19)]
    assert found[0][4] == "party 'JNMI' is not an actor id; did you mean 'JNIM'?"


def test_conflict_defined_twice(tmp_path: Path) -> None:
    found = registry_errors(tmp_path, conflicts=CONFLICTS + CONFLICTS)
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [("duplicate-conflict", 7, 7)]


def test_unidentified_is_reserved(tmp_path: Path) -> None:
    actors = ACTORS + "- id: X1\n  name: Unknown\n  aliases: [Unidentified]\n  kind: other\n"
    found = registry_errors(tmp_path, actors)
    assert [(c, ln) for _, c, ln, _, _ in found] == [("reserved-name", 13)]


@pytest.mark.parametrize("old, new, code, where, fragment", [
    ("kind: militia", "kind: militias", "unknown-value", (4, 9),
     "unknown kind 'militias'; did you mean 'militia'?"),
    ("  supports: X", "  suports: X", "unknown-key", (5, 3), "did you mean 'supports'?"),
    ("  name: Other\n", "", "missing-key", (1, 3), "missing required key 'name'"),
    ("aliases: [A]", "aliases: A", "wrong-type", (3, 12), "must be a list"),
])
def test_invalid_actor_entries(tmp_path: Path, old: str, new: str, code: str,
                               where: tuple[int, int], fragment: str) -> None:
    actors = ("- id: FAMa\n  name: Forces\n  kind: state_armed_forces\n"
              "- id: Other\n  name: Other\n  aliases: [A]\n  kind: militia\n  supports: X\n")
    # the entry under test is the second: move the line numbers by hand in `where`
    assert old in actors
    found = registry_errors(tmp_path, actors.replace(old, new, 1))
    found = [f for f in found if f[1] != "unknown-actor"]  # supports: X is not the point here
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [(code, where[0] + 3, where[1])]
    assert fragment in found[0][4]


@pytest.mark.parametrize("conflicts, code, where, fragment", [
    (CONFLICTS.replace("NIAC", "non-international"), "unknown-value", (3, 19),
     "unknown classification 'non-international'"),
    (CONFLICTS.replace("start: 2017-03", "start: 2017-03\n  end: 2016"), "invalid-value", (1, 3),
     "'end' (2016) is before 'start' (2017-03)"),
    (CONFLICTS.replace("start: 2017-03", "start: 2017-13"), "invalid-date", (6, 10),
     "month 13 does not exist"),
    (CONFLICTS.replace("country: MLI", "country: Mali"), "invalid-value", (4, 12), "ISO 3166-1"),
    (CONFLICTS.replace("parties: [FAMa, JNIM]", "parties: []"), "invalid-value", (5, 12),
     "at least one item"),
])
def test_invalid_conflict_entries(tmp_path: Path, conflicts: str, code: str,
                                  where: tuple[int, int], fragment: str) -> None:
    found = registry_errors(tmp_path, conflicts=conflicts)
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [(code, *where)]
    assert fragment in found[0][4]


def test_registry_must_be_a_list(tmp_path: Path) -> None:
    found = registry_errors(tmp_path, actors="FAMa: {name: x}\n")
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [("wrong-type", 1, 1)]


def test_registry_yaml_errors_are_reported(tmp_path: Path) -> None:
    found = registry_errors(tmp_path, actors=ACTORS + "- id: &a X\n  name: *a\n  kind: other\n")
    assert [(c, ln, col) for _, c, ln, col, _ in found] == [("yaml-anchor", 13, 7),
                                                           ("yaml-alias", 14, 9)]


def test_missing_registry_file(tmp_path: Path) -> None:
    (tmp_path / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(tmp_path)
    assert [d.code for d in info.value.diagnostics] == ["missing-registry"]
    assert "has no conflicts.yaml" in info.value.diagnostics[0].message


def test_errors_in_both_files_are_reported_together(tmp_path: Path) -> None:
    found = registry_errors(tmp_path, ACTORS.replace("kind: militia", "kind: x").replace(
        "state_armed_forces", "state"), CONFLICTS.replace("NIAC", "NIC"))
    assert {(f, c) for f, c, *_ in found} == {("actors.yaml", "unknown-value"),
                                              ("conflicts.yaml", "unknown-value")}


# --- through the command line: an invalid registry means nothing is checked ---------------


def test_cli_invalid_registry_exits_2(cli: Callable[..., tuple[int, str, str]],
                                      mini_dataset: Path) -> None:
    path = mini_dataset / "actors.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("supports: FAMa", "supports: Fama", 1),
                    encoding="utf-8")
    code, out, err = cli("check", str(mini_dataset), "--no-cache", "-f", "json")
    assert code == 2
    assert out == ""
    assert "actors.yaml:" in err and "error[unknown-actor] supports 'Fama'" in err
    assert "did you mean 'FAMa'?" in err
    assert "the registry is invalid; nothing was checked" in err
