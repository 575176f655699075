"""The CLI says why (issue 13, the newcomer's review): suggestions that mean what the user
meant, plain-word choice errors, formats from file names, readable help, and the small
things a mature linter has (``--version``, headers, JSON, plurals)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import incident

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize("written, meant", [
    ("execution", "killing"), ("massacre", "killing"), ("kidnapping", "abduction"),
    ("arson", "destruction"), ("burning", "destruction"), ("lootting", "looting"),
])
def test_act_type_suggestion_follows_meaning(cli: CLI, mini_dataset: Path, written: str,
                                             meant: str) -> None:
    path = incident(mini_dataset / "2025", "mli-2025-01-03-word",
                    **{"type: looting": f"type: {written}"})
    code, out, _ = cli("check", "--no-cache", str(path))
    assert code == 1
    assert f"unknown act type '{written}'; did you mean '{meant}'?" in out


def test_ambiguous_rule_word_lists_the_candidates(cli: CLI) -> None:
    code, _, err = cli("report", "--rule", "distinction")
    assert code == 2
    assert "could mean several rules" in err and "CIHL-1 " in err and "CIHL-7 " in err


def test_unknown_rule_suggests_by_title(cli: CLI) -> None:
    code, _, err = cli("rules", "show", "pilage")
    assert code == 2 and "did you mean CIHL-52 (Pillage)?" in err


def test_absurd_rule_number_is_a_clear_error(cli: CLI) -> None:
    code, _, err = cli("rules", "show", "9" * 5000)
    assert code == 2 and "no rule '999" in err and len(err) < 2000


@pytest.mark.parametrize("args, said", [
    (("check", "-f", "jsn"), "'jsn' is not an output format; did you mean 'json'?"),
    (("report", "--status", "violations"), "'violations' is not a status; did you mean 'violation'?"),
    (("schema", "conflict"), "'conflict' is not a schema; did you mean 'conflicts'?"),
    (("check", "--fail-on", "posible"), "'posible' is not a status; did you mean 'possible'?"),
])
def test_choice_errors_in_plain_words(cli: CLI, args: tuple[str, ...], said: str) -> None:
    code, out, err = cli(*args)
    assert code == 2
    assert said in out + err and "Value error" not in out + err


def test_output_extension_chooses_the_report_format(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "jnim.html"
    code, _, _ = cli("report", "--actor", "JNIM", "-o", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_output_extension_chooses_the_check_format(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "out.sarif"
    code, _, _ = cli("check", "--no-cache", "-o", str(target))
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_contradicting_format_and_extension_is_refused(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "jnim.html"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = cli("report", "-f", "markdown", "-o", str(target))
    assert code == 2 and "contradicts the output file name" in err
    assert target.read_text(encoding="utf-8") == "keep me"


def test_version(cli: CLI) -> None:
    from ihltag import __version__

    code, out, _ = cli("--version")
    assert (code, out) == (0, f"ihltag {__version__}\n")


def test_help_shows_metavars_people_read(cli: CLI) -> None:
    code, out, _ = cli("check", "--help")
    assert code == 0
    assert "[PATH]..." in out and "--since REF" in out and "-o, --output FILE" in out
    assert "<list[" not in out and "<path>" not in out and "<str>" not in out


def test_rules_list_has_headers(cli: CLI) -> None:
    code, out, _ = cli("rules", "list")
    header = out.splitlines()[0]
    assert code == 0 and header.startswith("RULE") and "TITLE" in header


def test_actors_as_json(cli: CLI) -> None:
    code, out, _ = cli("actors", "--format", "json")
    assert code == 0
    data = json.loads(out)
    jnim = next(a for a in data["actors"] if a["id"] == "JNIM")
    assert jnim["kind"] == "non_state_armed_group" and "mli-jnim" in jnim["conflicts"]


def test_counts_read_as_english(cli: CLI, mini_dataset: Path) -> None:
    path = incident(mini_dataset / "2025", "mli-2025-01-03-one", **{"type: looting": "type: x"})
    code, out, _ = cli("check", "--no-cache", str(path))
    assert code == 1
    assert out.splitlines()[-1].startswith("1 file, 1 invalid, 1 error, 0 warnings;")


def test_files_outside_any_dataset_are_skipped_on_request(cli: CLI, mini_dataset: Path,
                                                          tmp_path: Path) -> None:
    stray = tmp_path / ".pre-commit-config.yaml"
    stray.write_text("repos: []\n", encoding="utf-8")
    code, _, err = cli("check", "--no-cache", str(stray))
    assert code == 2 and "no dataset root" in err  # without the option: an error, as before
    code, _, err = cli("check", "--no-cache", "--skip-outside-dataset", str(stray))
    assert code == 0 and "nothing to check" in err
    bad = incident(mini_dataset / "2025", "mli-2025-01-03-bad", **{"type: looting": "type: x"})
    code, out, _ = cli("check", "--no-cache", "--skip-outside-dataset", str(stray), str(bad))
    assert code == 1 and "unknown act type 'x'" in out


def test_every_error_of_a_file_in_one_run(cli: CLI, mini_dataset: Path) -> None:
    """A location's cross-field problem is reported beside its field errors, not after."""
    path = incident(mini_dataset / "2025", "mli-2025-01-03-all",
                    **{"country: MLI": "country: mali", "  lon: -3.61\n": ""})
    code, out, _ = cli("check", "--no-cache", str(path))
    assert code == 1
    assert "give both 'lat' and 'lon', or neither" in out
    assert "is not an ISO 3166-1 alpha-3 country code" in out


def test_fail_on_names_the_findings_that_failed_the_run_even_when_quiet(
        cli: CLI, mini_dataset: Path) -> None:
    path = incident(mini_dataset / "2025", "mli-2025-01-03-loot")  # looting livestock: pillage
    code, out, err = cli("check", "--no-cache", "-q", "--fail-on", "violation", str(path))
    assert code == 1
    assert out.count("\n") == 1  # -q: the summary line only, no finding lines
    assert "failed by --fail-on violation: " in err
    assert f"{path}:20:5: violation CIHL-52 Pillage (acts[1])" in err
    code, _, err = cli("check", "--no-cache", "-q", str(path))
    assert code == 0 and err == ""


def test_strict_names_the_warnings_that_failed_the_run(cli: CLI, mini_dataset: Path) -> None:
    path = incident(mini_dataset / "2025", "mli-2025-01-03-warn",
                    **{"    target: livestock\n": "    target: livestock\n    reason: none_given\n"})
    code, out, _ = cli("check", "--no-cache", "-q", str(path))
    assert code == 0 and "1 warning" in out
    code, _, err = cli("check", "--no-cache", "-q", "--strict", str(path))
    assert code == 1
    assert "failed by --strict: 1 warning counted as errors:" in err
    assert f"{path}:22:13: warning[" in err


def test_github_findings_that_fail_the_run_are_errors(cli: CLI, mini_dataset: Path) -> None:
    path = incident(mini_dataset / "2025", "mli-2025-01-03-gh")  # pillage: a violation
    code, out, _ = cli("check", "--no-cache", "-f", "github", str(path))
    assert code == 0
    assert not any(line.startswith("::error") for line in out.splitlines())
    code, out, _ = cli("check", "--no-cache", "-f", "github", "--fail-on", "violation", str(path))
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    assert any("title=violation CIHL-52 Pillage" in line for line in errors)
    # what fails the run comes before the notices, so GitHub's per-level cap keeps it
    assert out.splitlines()[0].startswith("::error")
