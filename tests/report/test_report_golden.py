"""Golden files: the markdown and JSON reports of the fixture dataset, byte for byte.

After an intended change, regenerate with ``IHLTAG_UPDATE_GOLDEN=1 python3 -m pytest
tests/report`` and read the diff before committing it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from reportdata import GOLDEN, assert_golden

CASES = {
    "all.md": ("-f", "markdown"),
    "all.json": ("-f", "json"),
    "all-rules.md": ("-f", "markdown", "--layout", "rules"),
    "all-rules.json": ("-f", "json", "--layout", "rules"),
    "fama-supporting.md": ("-f", "markdown", "--actor", "FAMa", "--include-supporting"),
    "jnim-confidential.json": ("-f", "json", "--actor", "jnim", "--include-confidential"),
    "jnim-aggregates-notes.md": ("-f", "markdown", "--actor", "jnim", "--include-aggregates",
                                 "--include-notes", "--layout", "rules"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, report: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = report(*CASES[name])
    assert code == 0, err
    assert_golden(out, name)  # the fixture's commit is normalised


def test_json_golden_is_the_structured_report() -> None:
    data = json.loads((GOLDEN / "all.json").read_text(encoding="utf-8"))
    assert data["version"] == 2
    assert data["summary"]["findings"] == 6  # the aggregate record's finding is not counted
    assert data["summary"]["matrix"]["actors"] == ["FAMa", "Wagner", "JNIM", "unidentified"]
    totals = {t["kind"]: t for t in data["summary"]["totals"]}
    # 3/4/6 (Kara) + 7 (Ségou) + 2 (wedding); the aggregate's "at least 40" is not added
    killed = totals["killed"]
    assert (killed["at_least"], killed["best"], killed["upper"], killed["incidents"]) == (
        12, 13, 15, 3)
    assert killed["text"] == "at least 12 (best estimate 13, at most 15; 3 incidents)"
    # "between 2 and 5": no best estimate, so the total has none
    missing = totals["missing"]
    assert (missing["at_least"], missing["best"], missing["upper"]) == (2, None, 5)
    # "about 5" only: no "at least" to sum, no upper bound
    injured = totals["injured"]
    assert (injured["best"], injured["upper"], injured["text"]) == (
        5, None, "best estimate 5 (1 incident)")
