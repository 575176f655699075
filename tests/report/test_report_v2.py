"""Report v2 (issue 14): each incident once, numbers that add up, notes as an editor cites
them, public text only, provenance, and the new options."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

Run = Callable[..., tuple[int, str, str]]
DATASET = Path(__file__).resolve().parent.parent.parent / "incidents"
INTERNAL = "INTERNAL-NOTE-7731"  # the fixture Ségou incident's coder note


def _json(report: Run, *args: str) -> dict[str, Any]:
    code, out, err = report("-f", "json", *args)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


# --- each incident once ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("layout", ["incidents", "rules"])
def test_each_incident_appears_once(report: Run, fmt: str, layout: str) -> None:
    from markupsafe import escape

    from ihltag.report.markup import md

    shown = md if fmt == "markdown" else escape
    data = _json(report)
    code, out, _ = report("-f", fmt, "--layout", layout)
    assert code == 0
    for inc in data["incidents"] + data["aggregates"]:
        # its summary (the full text) once, whatever the number of rules it engages
        assert out.count(str(shown(inc["summary"]))) == 1, (layout, inc["title"])
        heading = ("### " if fmt == "markdown" else "<h3>") + f"{inc['number']}. "
        assert out.count(heading + str(shown(inc["date_text"])) + " — ") == 1, (layout, heading)


def test_each_incident_appears_once_in_the_jnim_report(cli: Run) -> None:
    """The review's case: Tilé appeared 7 times in the JNIM report (one per rule)."""
    code, out, err = cli("report", str(DATASET), "--actor", "JNIM", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    several = [i for i in data["incidents"] if len({f["rule"] for f in i["findings"]}) > 1]
    assert several  # the dataset has incidents under several rules: the test could fail
    code, md, _ = cli("report", str(DATASET), "--actor", "JNIM", "-f", "markdown")
    assert code == 0
    for inc in data["incidents"] + data["aggregates"]:
        assert md.count(f'<a id="{inc["anchor"]}"></a>') == 1
        assert md.count(inc["summary"][:80].replace("*", "\\*")) <= 1


def test_the_rules_layout_references_incidents_by_number(report: Run) -> None:
    code, out, _ = report("-f", "markdown", "--layout", "rules")
    assert code == 0
    section = out.split("## Findings by rule", 1)[1].split("## Incidents", 1)[0]
    assert "**[Incident 2](#inc-fix-2024-03-05-kara)**, 2024-03-05, Kara, Mopti, MLI" in section
    # no summary inside the rule sections: the incident's text stays in its own section
    assert "Armed men on motorbikes" not in section


# --- numbers that add up ---------------------------------------------------------------


def _documented_totals(files: list[Path], kind: str) -> tuple[int, int | None, int | None, int]:
    """incident-format.md, "casualties", computed straight from the files: "at least" sums
    low or the exact number; best only when every record has best or an exact number; an
    upper bound only when every record has high or an exact number; aggregates never."""
    lows, bests, highs = [], [], []
    for path in sorted(files):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc.get("aggregate"):
            continue
        value = (doc.get("casualties") or {}).get(kind)
        if value is None:
            continue
        if isinstance(value, int):
            lows.append(value), bests.append(value), highs.append(value)
        else:
            lows.append(value.get("low")), bests.append(value.get("best"))
            highs.append(value.get("high"))
    return (sum(v for v in lows if v is not None),
            None if None in bests else sum(bests), None if None in highs else sum(highs),
            len(lows))


@pytest.mark.parametrize("kind", ["killed", "injured", "abducted", "missing", "displaced"])
def test_totals_are_the_documented_sums_over_non_aggregate_incidents(cli: Run, kind: str
                                                                     ) -> None:
    # every incident of the dataset is in the report when no filter is given and every
    # incident has a finding; the test checks that assumption first
    code, out, err = cli("report", str(DATASET), "-f", "json", "--exact-places")
    assert code == 0, err
    data = json.loads(out)
    shown = {i["file"] for i in data["incidents"]}
    assert len(shown) > 20 and None not in shown
    at_least, best, upper, count = _documented_totals(
        [DATASET / f for f in shown] + [DATASET / a["file"] for a in data["aggregates"]], kind)
    total = next((t for t in data["summary"]["totals"] if t["kind"] == kind), None)
    if count == 0:
        assert total is None
        return
    assert total is not None
    assert (total["at_least"], total["best"], total["upper"], total["incidents"]) == (
        at_least, best, upper, count)
    assert f"{count} incident" in total["text"]


def test_aggregate_records_are_listed_but_not_counted(report: Run) -> None:
    data = _json(report)
    assert [a["title"] for a in data["aggregates"]] == [
        "JNIM blockade of villages in Mopti region, first half of 2024 (UN total)"]
    assert data["summary"]["findings"] == 6 and data["summary"]["aggregates"] == 1
    killed = next(t for t in data["summary"]["totals"] if t["kind"] == "killed")
    assert killed["at_least"] == 12  # not 52: the aggregate's "at least 40" is not added
    counted = _json(report, "--include-aggregates")
    assert counted["summary"]["findings"] == 7 and counted["summary"]["violation"] == 5
    assert counted["summary"]["totals"] == data["summary"]["totals"]  # never summed
    jnim = counted["summary"]["matrix"]["actors"].index("JNIM")
    row = next(r for r in counted["summary"]["matrix"]["rows"] if r["rule"] == "CIHL-52")
    assert row["cells"][jnim] == [2, 0]


# --- public text only ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html", "json", "csv"])
def test_internal_notes_only_when_asked_and_marked(report: Run, fmt: str) -> None:
    code, out, _ = report("-f", fmt)
    assert code == 0
    assert INTERNAL not in out
    code, out, _ = report("-f", fmt, "--include-notes")
    assert code == 0
    if fmt == "csv":
        return  # one row per finding: no column for the notes
    assert INTERNAL in out
    marked = {"terminal": "Internal notes (not for publication):",
              "markdown": "**Internal notes (not for publication):**",
              "html": '<dt>Internal notes</dt><dd class="internal">Not for publication:',
              "json": '"notes": "INTERNAL-NOTE-7731'}[fmt]
    assert marked in out


@pytest.mark.parametrize(("fmt", "expected"), [
    ("markdown", "**Response of the authorities (FAMa, 2024-07-03):** The army said its "
                 "soldiers had fought terrorists and denied any execution. [^5]"),
    ("html", "<dt>Response of the authorities</dt><dd>FAMa, 2024-07-03: The army said its "
             "soldiers had fought terrorists and denied any execution."),
])
def test_responses_are_printed_with_their_source(report: Run, fmt: str, expected: str) -> None:
    code, out, _ = report("-f", fmt)
    assert code == 0
    assert expected in out


# --- sources ---------------------------------------------------------------------------


def test_one_note_per_distinct_source_with_its_references(report: Run) -> None:
    notes = {n["publisher"]: n for n in _json(report)["notes"]}
    amnesty = notes["Amnesty International"]  # cited twice by one incident, pp. 2 and 5
    assert [(c["number"], c["references"]) for c in amnesty["cited_by"]] == [
        (4, ["p. 2", "p. 5"])]
    un = notes["UN Independent Expert on Mali"]  # one report, two incidents
    assert [(c["number"], c["references"]) for c in un["cited_by"]] == [
        (4, ["para. 31"]), (6, ["para. 12"])]
    assert len(notes) == len(_json(report)["notes"])  # no publisher twice


def test_notes_are_numbered_in_order_of_first_use(report: Run) -> None:
    code, out, _ = report("-f", "markdown")
    assert code == 0
    body = out.split("## Incidents", 1)[1].split("## Sources", 1)[0]
    first: list[int] = []
    for n in map(int, re.findall(r"\[\^(\d+)\]", body)):
        if n not in first:
            first.append(n)
    assert first == list(range(1, len(first) + 1)) and len(first) == 6


def test_no_internal_tags_in_citations(report: Run) -> None:
    for note in _json(report)["notes"]:
        assert "[" not in note["citation"].replace("[place withheld]", ""), note["citation"]
    code, out, _ = report("-f", "markdown")
    assert code == 0
    assert "non-governmental organisation" not in out and "reliability" not in out


@pytest.mark.parametrize("layout", ["incidents", "rules"])
def test_adjacent_note_markers_are_separated(report: Run, layout: str) -> None:
    code, md, _ = report("-f", "markdown", "--layout", layout)
    assert code == 0
    assert "[^4], [^5]" in md  # the Ségou incident cites two notes
    assert not re.search(r"\]\[\^", md)
    code, html, _ = report("-f", "html", "--layout", layout)
    assert code == 0
    assert '<a href="#note-4">4</a>, <a href="#note-5">5</a>' in html
    assert not re.search(r"</a><a href=\"#note-|</sup><sup", html)
    code, text, _ = report("-f", "terminal", "--layout", layout)
    assert code == 0
    assert not re.search(r"\]\[\d", text)


def test_notes_link_back_to_the_incidents_citing_them(report: Run) -> None:
    code, html, _ = report("-f", "html")
    assert code == 0
    note = re.search(r'<li id="note-5">.*?</li>', html, re.S)
    assert note is not None
    backs = re.findall(r'href="#([^"]+)"', note.group())
    assert backs == ["inc-fix-2024-06-segou-killings", "inc-fix-2024-jnim-blockade-total"]
    for anchor in backs:
        assert f'id="{anchor}"' in html


# --- provenance, options, period -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html", "csv"])
def test_provenance_in_every_format(report: Run, fmt: str) -> None:
    code, out, _ = report("-f", fmt)
    assert code == 0
    text = " ".join(out.replace("│", " ").split())
    assert re.search(r"Generated 1970-01-01 by ihltag \d+\.\d+\.\d+; rule pack v2 \(digest "
                     r"[0-9a-f]{16}\); dataset at commit [0-9a-f]{12}", text), fmt
    if fmt == "csv":
        assert out.lstrip("\ufeff").startswith("# Generated 1970-01-01")


def test_provenance_in_json(report: Run) -> None:
    from reportdata import RULES

    from ihltag.rules import load_pack

    prov = _json(report, "--rule", "52")["provenance"]
    assert prov["generated"] == "1970-01-01"
    assert prov["rule_pack_digest"] == load_pack(RULES).digest
    assert re.fullmatch(r"[0-9a-f]{40}", prov["dataset_commit"])
    assert isinstance(prov["dataset_dirty"], bool)
    assert "rules CIHL-52" in prov["filters"]


def test_provenance_outside_git_and_when_dirty(tmp_path: Path) -> None:
    import subprocess

    from ihltag.report.provenance import dataset_commit

    assert dataset_commit(tmp_path) == (None, False)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    commit, dirty = dataset_commit(tmp_path)
    assert commit is not None and len(commit) == 40 and dirty is False
    (tmp_path / "a.yaml").write_text("x: 2\n", encoding="utf-8")
    assert dataset_commit(tmp_path) == (commit, True)


def test_exclude_tag_leaves_out_tagged_incidents(report: Run) -> None:
    titles = {i["title"] for i in _json(report)["incidents"]}
    left = {i["title"] for i in _json(report, "--exclude-tag", "Search-Operation")["incidents"]}
    assert titles - left == {"Soldiers and Wagner fighters execute villagers near Ségou"}
    assert "leaving out incidents tagged Search-Operation" in _json(
        report, "--exclude-tag", "Search-Operation")["summary"]["scope"]


def test_unknown_layout_is_exit_2(report: Run) -> None:
    code, out, err = report("--layout", "actors")
    assert code == 2 and out == ""
    assert "incidents" in err and "rules" in err


@pytest.mark.parametrize(("args", "period"), [
    ((), "incidents dated 2024"),  # a year-dated incident: the period is as written
    (("--actor", "Wagner"), "incidents dated 2024-06 to 2024-08-02"),
    (("--region", "Ségou"), "incidents dated 2024-06"),
    (("--from", "2024-05", "--to", "2024-06", "--region", "Timbuktu"),
     "selected 2024-05 to 2024-06; incidents dated 2024-05-12"),
])
def test_the_period_uses_the_incidents_dates_as_written(report: Run, args: tuple[str, ...],
                                                        period: str) -> None:
    assert _json(report, *args)["period"]["text"] == period
    code, out, _ = report("-f", "markdown", *args)
    assert code == 0
    assert f"**Period:** {period}." in out


def test_findings_worded_for_publication(report: Run) -> None:
    data = _json(report)
    kara = next(i for i in data["incidents"] if i["id"] == "fix-2024-03-05-kara")
    pillage = kara["findings"][0]
    assert pillage["headline"] == "violation — attributed to JNIM (alleged, medium confidence)"
    assert pillage["war_crimes"] == ["may amount to a war crime under Rome Statute art. 8(2)(e)(v)"]
    raid = data["incidents"][0]
    assert raid["findings"][0]["headline"].startswith("possible violation — attributed to "
                                                      "unidentified perpetrators")
    assert raid["review"][0]["text"] == ("Act 1: possible under CIHL-52; what would decide "
                                         "it: perpetrators.")
    code, out, _ = report("-f", "markdown")
    assert code == 0
    assert "if the record is silent" not in out and "the question stays open" not in out


def test_the_most_serious_findings_come_first(report: Run) -> None:
    serious = _json(report)["summary"]["serious"]
    # violations before possible ones; among violations, high confidence first
    assert [s["number"] for s in serious] == [5, 4, 2, 3]
    assert serious[0]["text"].endswith("violation — attributed to Wagner (confirmed, high "
                                       "confidence)")


def test_every_act_flag_has_its_reader_words() -> None:
    """The report words each yes/no fact of an act; a flag added to the format and the rule
    language without its words would print as a raw field name and 'yes'."""
    from ihltag.models import Act
    from ihltag.report.wording import FLAG_WORDS
    from ihltag.rulelang import BOOL_ACT_FACTS

    flags = {name for name, field in Act.model_fields.items()
             if "[bool" in str(field.annotation) or field.annotation in (bool, bool | None)}
    assert set(BOOL_ACT_FACTS) <= flags
    assert set(FLAG_WORDS) == set(BOOL_ACT_FACTS)
