"""Issue 12, D5: a number beyond sane bounds is a located error for its file, never a
crash of the run; and no report crashes on large or many numbers.

Before the fix any plain scalar of more than 4,300 digits crashed the whole run with a
traceback (Python's limit on int conversion), a rule id of 5,000 digits crashed the rule
pack, and valid counts of 2^63 or more crashed the HTML report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _paths import DATASET, RULES, incident

from ihltag.registry import RegistryError, load_registry
from ihltag.rules import RulePackError, load_pack

HUGE = "1" + "0" * 5000
BIG = str(10**20)


@pytest.mark.parametrize(("old", "new", "field"), [
    ("count: 500", f"count: {HUGE}", "acts[0].count"),
    ("count: 500", f"count: {BIG}", "acts[0].count"),
    ("count: 500", f"count: '{HUGE}'", "acts[0].count"),
    ("  injured: 4", f"  injured: {HUGE}", "casualties.injured"),
    ("  injured: 4", f"  injured: {BIG}", "casualties.injured"),
    ("high: 3}", f"high: {HUGE}}}", "casualties.killed.high"),
    ("high: 3}", f"high: {BIG}}}", "casualties.killed.high"),
    ("lat: 14.36", f"lat: {HUGE}", "location.lat"),
    ("lat: 14.36", f"lat: {BIG}", "location.lat"),
    ("lon: -3.61", f"lon: -{HUGE}", "location.lon"),
    ("    title: ", f"    credibility: '{HUGE}'\n    title: ", "sources[0].credibility"),
    ("date: 2024-08/2024-09-03", f"date: {HUGE}", "date"),
])
def test_d5_huge_number_is_a_located_error(cli, mini_dataset, monkeypatch, old, new,
                                           field) -> None:
    monkeypatch.chdir(mini_dataset)
    path = incident(mini_dataset / "2024", "mli-2024-08-24-big", **{old: new})
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if new.splitlines()[0].strip() in text)
    for fmt in ("text", "json", "sarif"):
        code, out, err = cli("check", ".", "-f", fmt, "--no-cache")
        assert code == 1
        assert "Traceback" not in err
    code, out, _ = cli("check", ".", "-f", "text", "--no-cache")
    assert f"2024/mli-2024-08-24-big.yaml:{line}:" in out
    assert field in out
    assert "0" * 200 not in out  # quoted as an excerpt at most


MAX_COUNT = 10**9  # the documented bound (models.MAX_COUNT)


def test_d5_counts_are_bounded_in_the_models() -> None:
    from ihltag import models

    assert models.MAX_COUNT == MAX_COUNT


def test_d5_huge_number_in_a_registry_is_located(mini_dataset) -> None:
    text = (mini_dataset / "conflicts.yaml").read_text(encoding="utf-8")
    start = next(line for line in text.splitlines() if line.strip().startswith("start:"))
    (mini_dataset / "conflicts.yaml").write_text(
        text.replace(start, start.split(":")[0] + f": {HUGE}", 1), encoding="utf-8")
    with pytest.raises(RegistryError) as exc:
        load_registry(mini_dataset)
    assert any(d.file.endswith("conflicts.yaml") and d.line > 1 for d in exc.value.diagnostics)


def _rule_pack(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    target = rules / "CIHL-1.yaml"
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


@pytest.mark.parametrize("digits", [5000, 50])
def test_d5_huge_rule_id_is_a_located_error(tmp_path, digits) -> None:
    rules = _rule_pack(tmp_path, "id: CIHL-1\n", f"id: CIHL-{'1' * digits}\n")
    with pytest.raises(RulePackError) as exc:
        load_pack(rules)
    assert [(d.file.rsplit("/", 1)[-1], d.line) for d in exc.value.diagnostics] == [
        ("CIHL-1.yaml", 1)]


def test_d5_huge_rule_operand_is_a_located_error(tmp_path) -> None:
    rules = _rule_pack(tmp_path, "when: {fact: act.type, eq: attack}",
                       f"when: {{fact: act.count, gt: {HUGE}}}")
    with pytest.raises(RulePackError) as exc:
        load_pack(rules)
    # the line of the huge operand, wherever the shipped rule file has it
    line = 1 + (rules / "CIHL-1.yaml").read_text(encoding="utf-8").split(
        "\n").index(f"    when: {{fact: act.count, gt: {HUGE}}}")
    assert [(d.file.rsplit("/", 1)[-1], d.line) for d in exc.value.diagnostics] == [
        ("CIHL-1.yaml", line)]
    assert "0" * 200 not in exc.value.diagnostics[0].message


def test_d5_reports_survive_the_largest_counts(cli, tmp_path: Path) -> None:
    """Many files at the bound: every report format adds them up and draws them."""
    root = tmp_path / "data"
    root.mkdir()
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, root / name)
    for i in range(40):
        incident(root / "2024", f"mli-2024-08-{i:02d}-max",
                 **{"  injured: 4": f"  injured: {MAX_COUNT}",
                    "high: 3}": f"high: {MAX_COUNT}}}", "count: 500": f"count: {MAX_COUNT}"})
    code, out, _ = cli("check", str(root), "-f", "text", "--no-cache", "-q")
    assert "0 invalid" in out
    for fmt in ("html", "markdown", "json", "csv"):
        out_file = tmp_path / f"r.{fmt}"
        code, _, err = cli("report", str(root), "-f", fmt, "-o", str(out_file))
        assert code == 0, err
        assert str(40 * MAX_COUNT) in out_file.read_text(encoding="utf-8") or fmt == "csv"
