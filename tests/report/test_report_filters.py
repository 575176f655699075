"""Every selection option of ``ihltag report``, on the fixture dataset (JSON output)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

Run = Callable[..., tuple[int, str, str]]


def findings(report: Run, *args: str) -> set[tuple[str, str, int]]:
    """(incident title, rule, act) of every finding the report shows (of the incidents:
    the aggregate record, listed apart, has its own tests)."""
    code, out, err = report("-f", "json", *args)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return {(inc["title"], f["rule"], f["act"]["index"])
            for inc in data["incidents"] for f in inc["findings"]}


def rules_of(found: set[tuple[str, str, int]]) -> set[str]:
    return {rule for _, rule, _ in found}


def titles(found: set[tuple[str, str, int]]) -> set[str]:
    return {t.split()[0] + " " + t.split()[1] for t, _, _ in found}


def test_no_filter_shows_every_finding(report: Run) -> None:
    assert len(findings(report)) == 6


@pytest.mark.parametrize("name", ["JNIM", "jnim", "GSIM",
                                  "Jama'a Nusrat ul-Islam wa al-Muslimin",
                                  "JAMA’A NUSRAT UL-ISLAM WA AL-MUSLIMIN",
                                  "Groupe de soutien a l'islam et aux musulmans"])
def test_actor_by_id_or_alias_case_and_accent_insensitive(report: Run, name: str) -> None:
    found = findings(report, "--actor", name)
    assert rules_of(found) == {"CIHL-52", "CIHL-89", "CIHL-129"}
    assert all("JNIM" in t or "place withheld" in t for t, _, _ in found)


def test_actor_sections_follow_the_selection(report: Run) -> None:
    code, out, _ = report("-f", "json", "--actor", "Malian army", "--actor", "gsim")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["matrix"]["actors"] == ["FAMa", "JNIM"]
    assert [a["id"] for a in data["actors"]] == ["FAMa", "JNIM"]


def test_include_supporting_adds_the_forces_supporting_the_actor(report: Run) -> None:
    alone = findings(report, "--actor", "FAMa")
    assert alone == {("Soldiers and Wagner fighters execute villagers near Ségou", "CIHL-89", 0)}
    with_support = findings(report, "--actor", "FAMa", "--include-supporting")
    assert with_support == alone | {("Wagner fighters fire on a wedding party", "CIHL-1", 0)}


def test_unidentified_can_be_selected(report: Run) -> None:
    found = findings(report, "--actor", "Unidentified")
    assert found == {("Unidentified armed men raid granaries in Mopti", "CIHL-52", 0)}


@pytest.mark.parametrize("name", ["CIHL-52", "52", "pillage", "cihl52"])
def test_rule_by_id_number_or_title(report: Run, name: str) -> None:
    assert rules_of(findings(report, "--rule", name)) == {"CIHL-52"}
    assert len(findings(report, "--rule", name)) == 2


def test_rules_repeat(report: Run) -> None:
    assert rules_of(findings(report, "--rule", "52", "--rule", "murder")) == {"CIHL-52", "CIHL-89"}


def test_conflict(report: Run) -> None:
    found = findings(report, "--conflict", "mli-jnim")
    # The unidentified raid has no established nexus, so it belongs to no conflict.
    assert len(found) == 5
    assert "Unidentified armed men raid granaries in Mopti" not in {t for t, _, _ in found}


@pytest.mark.parametrize(("args", "expected"), [
    # A partial --from means its first day; the year-dated raid (all of 2024) overlaps.
    (("--from", "2024-07"), {"Wagner fighters", "Unidentified armed"}),
    # The wedding attack (2024-07-28/2024-08-02) overlaps August although it starts in July.
    (("--from", "2024-08-01", "--to", "2024-08-31"), {"Wagner fighters", "Unidentified armed"}),
    # A partial --to means its last day: June includes the month-dated Ségou killings.
    (("--from", "2024-06-30", "--to", "2024-06"), {"Soldiers and", "Unidentified armed"}),
    (("--to", "2024-03-05"), {"JNIM fighters", "Unidentified armed"}),
    (("--from", "2025"), set()),
])
def test_dates_overlap(report: Run, args: tuple[str, ...], expected: set[str]) -> None:
    assert titles(findings(report, *args)) == expected


def test_region_is_case_and_accent_insensitive(report: Run) -> None:
    assert titles(findings(report, "--region", "SEGOU")) == {"Soldiers and"}
    assert titles(findings(report, "--region", "mopti")) == {"JNIM fighters", "Wagner fighters",
                                                            "Unidentified armed"}


def test_status_is_the_lowest_included(report: Run) -> None:
    only = findings(report, "--status", "violation")
    assert len(only) == 4
    assert len(findings(report, "--status", "possible")) == 6


def test_filters_combine(report: Run) -> None:
    found = findings(report, "--actor", "JNIM", "--rule", "murder", "--region", "Mopti",
                     "--from", "2024-03", "--to", "2024-03")
    assert found == {("JNIM fighters drive off the cattle of Kara and kill three herders",
                      "CIHL-89", 1)}


def test_an_empty_selection_is_a_report_saying_so(report: Run) -> None:
    code, out, _ = report("-f", "markdown", "--actor", "JNIM", "--from", "2024-07-01",
                          "--to", "2024-07-31")
    assert code == 0
    assert "No finding matches this selection." in out


@pytest.mark.parametrize(("args", "message"), [
    (("--actor", "JMIN"), "unknown actor 'JMIN'; closest known names: JNIM"),
    (("--actor", "Wagnr"), "closest known names: Wagner"),
    (("--from", "2024-13"), "--from: '2024-13': month 13 does not exist"),
    (("--to", "yesterday"), "--to: 'yesterday' is not a date"),
    (("--from", "2024-08", "--to", "2024-07"), "is after --to"),
    (("--rule", "lootin"), "no rule 'lootin'; known rules: CIHL-1"),
    (("--conflict", "mli-jnm"), "unknown conflict 'mli-jnm'; known conflicts: mli-jnim"),
    (("--region", "Mopi"), "no incident is in region 'Mopi'; known regions: Mopti"),
])
def test_bad_selection_is_exit_2_with_a_hint(report: Run, args: tuple[str, ...],
                                             message: str) -> None:
    code, out, err = report(*args)
    assert code == 2
    assert message in err
    assert out == ""
    assert "Traceback" not in err
