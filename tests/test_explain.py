"""``ihltag explain`` says what is really wrong (issue 13): no dataset root, no such
incident (with the closest id), a broken rule pack; never a catch-all "no incident"."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from _paths import DATASET, RULES

CLI = Callable[..., tuple[int, str, str]]
FATAKARA = "mli-2025-03-10-fatakara"


def test_a_folder_without_dataset_says_there_is_no_dataset_root(cli: CLI, tmp_path: Path) -> None:
    code, out, err = cli("explain", "foo", "--dataset", str(tmp_path))
    assert code == 2 and out == ""
    assert f"no dataset root above {tmp_path}" in err
    assert "no incident" not in err


def test_a_missing_incident_says_so_with_the_closest_id(cli: CLI) -> None:
    code, out, err = cli("explain", "mli-2025-03-10-fatakra", "--dataset", str(DATASET))
    assert code == 2 and out == ""
    assert (f"no incident 'mli-2025-03-10-fatakra' in the dataset {DATASET}; "
            f"did you mean '{FATAKARA}'?") in err


def test_an_incident_far_from_any_id_gets_no_suggestion(cli: CLI) -> None:
    code, _, err = cli("explain", "zzzz", "--dataset", str(DATASET))
    assert code == 2 and "no incident 'zzzz'" in err and "did you mean" not in err


def test_a_broken_rule_pack_says_so_with_the_place(cli: CLI, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "CIHL-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1),
                    encoding="utf-8")
    code, out, err = cli("explain", FATAKARA, "--dataset", str(DATASET), "--rules", str(rules))
    assert code == 2 and out == ""
    assert "unknown key 'titel'; did you mean 'title'?" in err
    assert f"{path}:" in err and "the rule pack is invalid" in err


def test_a_found_incident_is_explained(cli: CLI) -> None:
    code, out, _ = cli("explain", FATAKARA, "--dataset", str(DATASET), "--rule", "CIHL-1")
    assert code == 0
    assert out.startswith(f"{FATAKARA} — ")
    assert " CIHL-1 " in out and " CIHL-7 " not in out
