"""``ihltag check`` as CI and researchers use it: exit codes, output formats, options."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import DATASET, incident

Cli = Callable[..., tuple[int, str, str]]

PLAIN = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)"
                   r"\[(?P<code>[a-z0-9-]+)\] (?P<msg>.+)$")




def diagnostics(out: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(PLAIN.match, out.splitlines()) if m]


@pytest.fixture
def bad_dataset(mini_dataset: Path) -> Path:
    """Two valid files (one with a warning), two invalid ones with three errors between them.

    Advice is only given on valid incidents, so mli-bad's attack without targeting is
    not reported until its act type is fixed."""
    incident(mini_dataset / "2024", "mli-ok")
    incident(mini_dataset / "2024", "mli-bad", **{"type: looting": "type: lootting",
                                                  "    targeting: directed\n": ""})
    incident(mini_dataset / "2025", "mli-worse", **{"  lon: -3.61\n": "",
                                                    "actor: JNIM": "actor: JNMI"})
    incident(mini_dataset / "2025", "mli-warn", **{"    targeting: directed\n": ""})
    return mini_dataset


# --- exit codes ---------------------------------------------------------------------------


def test_the_real_dataset_is_valid(cli: Cli) -> None:
    code, out, _ = cli("check", str(DATASET), "--no-cache", "-f", "json")
    assert code == 0, [e for e in json.loads(out)["errors"] if e["severity"] == "error"]


def test_valid_files_exit_0(cli: Cli, mini_dataset: Path) -> None:
    incident(mini_dataset, "mli-ok")
    code, out, err = cli("check", str(mini_dataset), "--no-cache")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("1 file, 0 invalid, 0 errors, 0 warnings")


def test_invalid_file_exits_1(cli: Cli, bad_dataset: Path) -> None:
    code, _, err = cli("check", str(bad_dataset), "--no-cache")
    assert code == 1 and err == ""


def test_missing_path_exits_2(cli: Cli, mini_dataset: Path) -> None:
    code, out, err = cli("check", str(mini_dataset / "nope.yaml"), "--no-cache")
    assert (code, out) == (2, "")
    assert err == f"ihltag: {mini_dataset / 'nope.yaml'}: no such file or folder\n"


def test_path_outside_any_dataset_exits_2(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("id: x\n", encoding="utf-8")
    code, _, err = cli("check", str(tmp_path / "x.yaml"), "--no-cache")
    assert code == 2 and "no folder on the way up holds actors.yaml" in err


def test_invalid_registry_exits_2(cli: Cli, bad_dataset: Path) -> None:
    conflicts = bad_dataset / "conflicts.yaml"
    conflicts.write_text(conflicts.read_text(encoding="utf-8").replace(
        "classification: NIAC", "classification: NIACC", 1), encoding="utf-8")
    code, out, err = cli("check", str(bad_dataset), "--no-cache")
    assert (code, out) == (2, "")
    (d,) = diagnostics(err)
    assert d["file"].endswith("conflicts.yaml") and d["code"] == "unknown-value"
    assert "unknown classification 'NIACC'; did you mean 'NIAC'?" in d["msg"]


def test_unknown_option_exits_2(cli: Cli, mini_dataset: Path) -> None:
    code, _, _ = cli("check", str(mini_dataset), "--no-such-option")
    assert code == 2


# --- text output --------------------------------------------------------------------------


def test_plain_output_when_piped_reports_every_error_of_every_file(
        cli: Cli, bad_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(bad_dataset)
    code, out, _ = cli("check", ".", "--no-cache")
    assert code == 1
    assert "\x1b[" not in out  # no colour codes when not on a terminal
    found = [(d["file"], int(d["line"]), int(d["col"]), d["sev"], d["code"])
             for d in diagnostics(out)]
    assert found == [
        ("2024/mli-bad.yaml", 20, 11, "error", "unknown-value"),
        ("2025/mli-warn.yaml", 22, 11, "warning", "advice-targeting"),
        ("2025/mli-worse.yaml", 6, 3, "error", "invalid-value"),
        ("2025/mli-worse.yaml", 12, 12, "error", "unknown-actor"),
    ]
    assert out.splitlines()[-1].startswith("4 files, 2 invalid, 3 errors, 1 warning;")


def test_quiet_shows_errors_only(cli: Cli, bad_dataset: Path) -> None:
    code, out, _ = cli("check", str(bad_dataset), "--no-cache", "--quiet")
    assert code == 1
    assert [d["sev"] for d in diagnostics(out)] == ["error"] * 3
    assert findings(out) == []  # neither "violation[...]" nor grouped "possible: ..." lines


FINDING = re.compile(r"^(?:.*/)?(?P<file>[^/:]+):(?P<line>\d+):(?P<col>\d+): (?:violation\[(?P<rule>"
                     r"CIHL-\d+)\]|possible: (?P<rules>CIHL-\d+(?:, CIHL-\d+)*) on acts)")


def findings(out: str) -> list[tuple[str, int, str, str]]:
    """(file, line, status, rules) of each finding line of the text output."""
    return [(m["file"], int(m["line"]), "violation" if m["rule"] else "possible",
             m["rule"] or m["rules"]) for m in map(FINDING.match, out.splitlines()) if m]


def test_findings_are_listed_for_valid_files(cli: Cli, mini_dataset: Path) -> None:
    incident(mini_dataset, "mli-ok")
    code, out, _ = cli("check", str(mini_dataset), "--no-cache")
    assert code == 0
    # arson of dwellings, looting of livestock, a directed attack on civilians
    assert findings(out) == [
        ("mli-ok.yaml", 16, "possible", "CIHL-50"),
        ("mli-ok.yaml", 20, "violation", "CIHL-52"),
        ("mli-ok.yaml", 20, "possible", "CIHL-53, CIHL-54"),
        ("mli-ok.yaml", 22, "violation", "CIHL-1"),
    ]
    assert out.splitlines()[-1] == ("1 file, 0 invalid, 0 errors, 0 warnings; "
                                    "findings: 2 violation, 3 possible")


def test_one_shipped_incident_has_exactly_its_findings(cli: Cli) -> None:
    """Fatakara (2025-03-10): displacement, killing and the treatment of the dead."""
    path = DATASET / "2025" / "mli-2025-03-10-fatakara.yaml"
    code, out, _ = cli("check", str(path), "--no-cache", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["findings"] == {"violation": 3, "possible": 0}
    (found,) = data["incidents"]
    assert [(f["rule"], f["status"], f["act"], f["presumed"],
             [w["provision"] for w in f["war_crimes"]]) for f in found["findings"]] == [
        ("CIHL-129", "violation", 0, False, ["Rome Statute art. 8(2)(e)(viii)"]),
        ("CIHL-89", "violation", 1, False, ["Rome Statute art. 8(2)(c)(i)"]),
        ("CIHL-113", "violation", 2, False, []),
    ]


def test_strict_makes_warnings_count(cli: Cli, mini_dataset: Path) -> None:
    incident(mini_dataset, "mli-warn", **{"    targeting: directed\n": ""})
    code, out, _ = cli("check", str(mini_dataset), "--no-cache")
    assert code == 0 and "warning[advice-targeting]" in out
    code, _, _ = cli("check", str(mini_dataset), "--no-cache", "--strict")
    assert code == 1


def test_output_file(cli: Cli, bad_dataset: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "check.txt"
    target.parent.mkdir()
    code, out, _ = cli("check", str(bad_dataset), "--no-cache", "--output", str(target))
    assert code == 1 and out == ""
    written = target.read_text(encoding="utf-8")
    assert len(diagnostics(written)) == 4
    assert written.splitlines()[-1].startswith("4 files, 2 invalid")


def test_output_file_is_untouched_when_the_run_cannot_be_made(cli: Cli, tmp_path: Path,
                                                              mini_dataset: Path) -> None:
    target = tmp_path / "check.json"
    target.write_text("previous", encoding="utf-8")
    code, _, _ = cli("check", str(mini_dataset / "nope"), "-f", "json", "-o", str(target))
    assert code == 2
    assert target.read_text(encoding="utf-8") == "previous"


# --- JSON ---------------------------------------------------------------------------------


def test_json_shape(cli: Cli, bad_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(bad_dataset)
    code, out, _ = cli("check", ".", "--no-cache", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["version"] == 2
    summary = data["summary"]
    assert {k: summary[k] for k in ("files", "invalid", "incidents", "errors", "warnings")} == {
        "files": 4, "invalid": 2, "incidents": 2, "errors": 3, "warnings": 1}
    assert summary["findings"] == {"violation": 3, "possible": 10}
    assert data["errors"][0] == {
        "file": "2024/mli-bad.yaml", "line": 20, "column": 11, "severity": "error",
        "code": "unknown-value",
        "message": "acts[1].type: unknown act type 'lootting'; did you mean 'looting'?"}
    assert [(e["file"], e["code"]) for e in data["errors"]] == [
        ("2024/mli-bad.yaml", "unknown-value"), ("2025/mli-warn.yaml", "advice-targeting"),
        ("2025/mli-worse.yaml", "invalid-value"),
        ("2025/mli-worse.yaml", "unknown-actor")]
    assert all(set(e) == {"file", "line", "column", "severity", "code", "message"}
               for e in data["errors"])
    # only valid incidents are listed, with their findings
    assert [(i["id"], i["file"]) for i in data["incidents"]] == [
        ("mli-ok", "2024/mli-ok.yaml"), ("mli-warn", "2025/mli-warn.yaml")]
    # mli-warn is mli-ok without targeting on its attack: CIHL-1 is only possible there,
    # and the rules that need targeting are undecided
    assert {i["id"]: [(f["rule"], f["status"], f["act"], f["presumed"]) for f in i["findings"]]
            for i in data["incidents"]} == {
        "mli-ok": [("CIHL-50", "possible", 0, False), ("CIHL-52", "violation", 1, False),
                   ("CIHL-53", "possible", 1, False), ("CIHL-54", "possible", 1, False),
                   ("CIHL-1", "violation", 2, True)],
        "mli-warn": [("CIHL-50", "possible", 0, False), ("CIHL-52", "violation", 1, False),
                     ("CIHL-53", "possible", 1, False), ("CIHL-54", "possible", 1, False),
                     ("CIHL-1", "possible", 2, False), ("CIHL-11", "possible", 2, False),
                     ("CIHL-14", "possible", 2, False), ("CIHL-15", "possible", 2, False)]}
    for f in data["incidents"][0]["findings"]:
        assert {"rule", "title", "status", "act", "actors", "elements", "exceptions"} <= set(f)


def test_json_quiet(cli: Cli, bad_dataset: Path) -> None:
    code, out, _ = cli("check", str(bad_dataset), "--no-cache", "-f", "json", "-q")
    data = json.loads(out)
    assert code == 1
    assert [e["severity"] for e in data["errors"]] == ["error"] * 3
    assert data["incidents"] == []


def test_json_when_the_run_cannot_be_made_writes_nothing(cli: Cli, mini_dataset: Path) -> None:
    (mini_dataset / "actors.yaml").write_text("- id: [\n", encoding="utf-8")
    code, out, err = cli("check", str(mini_dataset), "--no-cache", "-f", "json")
    assert (code, out) == (2, "")
    assert "yaml-syntax" in err


# --- one file against the whole dataset ---------------------------------------------------


def test_one_file_is_checked_against_the_whole_dataset(cli: Cli, mini_dataset: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_dataset)
    incident(mini_dataset / "2024", "mli-dup")
    one = incident(mini_dataset / "drafts", "mli-dup")
    code, out, _ = cli("check", str(one.relative_to(mini_dataset)), "--no-cache")
    assert code == 1
    (d,) = diagnostics(out)
    assert (d["file"], d["line"], d["col"], d["code"]) == ("drafts/mli-dup.yaml", "2", "5",
                                                           "duplicate-id")
    assert d["msg"] == "id 'mli-dup' is also used by 2024/mli-dup.yaml"
    assert out.splitlines()[-1].startswith("1 file, 1 invalid")


def test_ten_megabyte_file_is_refused(cli: Cli, mini_dataset: Path) -> None:
    big = mini_dataset / "big.yaml"
    with big.open("wb") as f:
        f.truncate(10 * 1024 * 1024)
    incident(mini_dataset, "mli-ok")
    code, out, _ = cli("check", str(mini_dataset), "--no-cache", "-q")
    assert code == 1
    (d,) = diagnostics(out)
    assert (d["code"], d["line"], d["col"]) == ("too-large", "1", "1")
    assert "file is 10.0 MiB; the limit is 1 MiB per file" in d["msg"]


def test_hostile_files_in_a_dataset_are_errors_not_crashes(cli: Cli, mini_dataset: Path,
                                                           tmp_path: Path) -> None:
    sentinel = tmp_path / "ran"
    (mini_dataset / "tag.yaml").write_text(
        f"id: tag\nx: !!python/object/apply:os.system ['touch {sentinel}']\n", encoding="utf-8")
    (mini_dataset / "bomb.yaml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        encoding="utf-8")
    (mini_dataset / "deep.yaml").write_text("x: " + "[" * 50_000 + "\n", encoding="utf-8")
    (mini_dataset / "binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (mini_dataset / "latin1.yaml").write_bytes("id: latin1\nplace: Tilé\n".encode("latin-1"))
    code, out, _ = cli("check", str(mini_dataset), "--no-cache", "-q")
    assert code == 1
    codes = {d["file"].rsplit("/", 1)[-1]: d["code"] for d in diagnostics(out)}
    assert codes == {"tag.yaml": "yaml-tag", "bomb.yaml": "yaml-alias", "deep.yaml": "yaml-too-deep",
                     "binary.yaml": "encoding", "latin1.yaml": "encoding"}
    assert not sentinel.exists()
