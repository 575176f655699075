"""``--format github``: the exact workflow commands reviewers see as annotations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ihltag.formats.github import command, escape_data, escape_property

RAID = "data/2025/mli-2025-01-01-raid.yaml"
THEFT = "data/2025/mli-2025-01-02-theft.yaml"
BAD = "data/2025/mli-2025-01-03-bad.yaml"
DATASET = Path(__file__).resolve().parents[2] / "incidents"

EXPECTED = [
    f"::error file={BAD},line=9,col=11,title=ihltag unknown-value%3A A value outside the "
    "vocabulary::acts[0].type: unknown act type 'lootting'; did you mean 'looting'?",
    f"::warning file={RAID},line=11,col=11,title=ihltag advice-targeting%3A An attack without "
    "'targeting'::acts[1] is an attack with no 'targeting': write 'targeting: unknown' if the "
    "sources do not say",
    f"::notice file={RAID},line=9,col=5,title=violation CIHL-52 Pillage::violation: CIHL-52 "
    "Pillage — mli-2025-01-01-raid acts[0] by JNIM (alleged). May amount to a war crime "
    "under Rome Statute art. 8(2)(e)(v). Details: ihltag explain mli-2025-01-01-raid --rule "
    "CIHL-52",
    # a possible finding: one review flag per act, and never a war-crime provision
    f"::notice file={THEFT},line=9,col=5,title=possible CIHL-52 (for review)::possible: "
    "CIHL-52 on acts[0] — to decide, record: perpetrators. In mli-2025-01-02-theft, by "
    "unidentified (suspected). Details: ihltag explain mli-2025-01-02-theft",
    "::notice title=ihltag check::3 files, 1 invalid, 1 error, 1 warning; findings: "
    "1 violation, 1 possible",
]

# One workflow command: ::level key=value,...::message, with nothing left unescaped.
COMMAND = re.compile(r"::(error|warning|notice)( [a-z]+=[^,:\r\n]*(,[a-z]+=[^,:\r\n]*)*)?"
                     r"::[^\r\n]*\Z")


def test_exact_annotations_repository_relative(cli, ci_repo: Path, ci_rules: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Run from inside the dataset: paths must still be relative to the repository top.
    monkeypatch.chdir(ci_repo / "data")
    code, out, _ = cli("check", "--no-cache", "--rules", str(ci_rules), "--format", "github", ".")
    assert code == 1
    assert out.splitlines() == EXPECTED


def test_quiet_keeps_errors_and_the_summary(cli, ci_repo: Path, ci_rules: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ci_repo)
    code, out, _ = cli("check", "--no-cache", "--rules", str(ci_rules), "-f", "github", "-q",
                       "data")
    assert code == 1
    assert out.splitlines() == [EXPECTED[0], EXPECTED[-1]]


def test_github_is_the_default_on_actions(cli, ci_repo: Path, ci_rules: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ci_repo)
    _, out, _ = cli("check", "--no-cache", "--rules", str(ci_rules), "data",
                    env={"GITHUB_ACTIONS": "true"})
    assert out.splitlines() == EXPECTED
    _, plain, _ = cli("check", "--no-cache", "--rules", str(ci_rules), "data",
                      env={"GITHUB_ACTIONS": "false"})
    assert "::" not in plain.splitlines()[0]


def test_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    line = command("error", "50%\nmore", file="north, east:x.yaml", line=3, col=2, title="t:1")
    assert line == "::error file=north%2C east%3Ax.yaml,line=3,col=2,title=t%3A1::50%25%0Amore"
    assert COMMAND.match(line)
    assert command("notice", "plain") == "::notice::plain"


def test_real_dataset_summary_points_to_the_rest(cli) -> None:
    code, out, _ = cli("check", "--no-cache", "-f", "github", str(DATASET))
    lines = out.splitlines()
    assert all(COMMAND.match(line) for line in lines), [ln for ln in lines if not COMMAND.match(ln)]
    assert lines[-1].startswith("::notice title=ihltag check::")
    assert "job's log" in lines[-1]
    levels = [line.split(" ", 1)[0] for line in lines[:-1]]
    order = {"::error": 0, "::warning": 1, "::notice": 2}
    assert levels == sorted(levels, key=order.__getitem__)
    assert len(lines) > 11
    assert code == 0
