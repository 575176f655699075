"""``rules/_tests.yaml`` and the inline tests' incidents are validated like rules and
incidents (issue 13): a mistake is reported with file, line and column, exit 2, never a
pydantic traceback; a key of a test's incident is located in its rule file, a key of the
shared base in ``_tests.yaml``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import RULES

from ihltag.rules import load_pack
from ihltag.ruletests import check_tests

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    return folder


def edit(path: Path, old: str, new: str) -> tuple[int, int]:
    """Replace the first ``old`` by ``new``; the 1-based line and column of the change."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def test_the_shipped_tests_are_valid() -> None:
    assert check_tests(load_pack(RULES)) == []


def test_a_misspelt_actor_kind_in_the_tests_file_is_located(cli: CLI, rules: Path) -> None:
    line, col = edit(rules / "_tests.yaml", "kind: non_state_armed_group",
                     "kind: non_state_armd_group")
    code, out, err = cli("rules", "test", "--rules", str(rules))
    assert code == 2 and out == ""
    assert (f"{rules / '_tests.yaml'}:{line}:{col + len('kind: ')}: error[unknown-value] "
            "actors[2].kind: unknown kind 'non_state_armd_group'; did you mean "
            "'non_state_armed_group'?") in err
    assert "Traceback" not in err and "no test was run" in err


def test_a_party_that_is_no_actor_is_located(rules: Path) -> None:
    line, col = edit(rules / "_tests.yaml", "parties: [FAMa, JNIM]", "parties: [FAMa, JNIMM]")
    (d,) = check_tests(load_pack(rules))
    assert (d.file, d.line, d.column, d.code) == (
        str(rules / "_tests.yaml"), line, col + len("parties: [FAMa, "), "unknown-actor")
    assert "party 'JNIMM' is not an actor id; did you mean 'JNIM'?" in d.message


def test_an_inline_incident_is_located_in_its_rule_file(cli: CLI, rules: Path) -> None:
    path = rules / "CIHL-1.yaml"
    line, col = edit(path, "{type: attack, target: civilians, targeting: directed",
                     "{type: atack, target: civilians, targeting: directed")
    code, _, err = cli("rules", "test", "CIHL-1", "--rules", str(rules))
    assert code == 2
    assert (f"{path}:{line}:{col + len('{type: ')}: error[unknown-value] acts[0].type: unknown "
            "act type 'atack'; did you mean 'attack'?") in err


def test_a_key_of_the_base_is_located_in_the_tests_file(rules: Path) -> None:
    line, col = edit(rules / "_tests.yaml", "date: 2024-08-24", "date: 2024-18-24")
    (d,) = check_tests(load_pack(rules))  # met by every test that keeps the base's date: once
    assert (d.file, d.line, d.column, d.code) == (
        str(rules / "_tests.yaml"), line, col + len("date: "), "invalid-date")
