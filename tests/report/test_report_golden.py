"""Golden files: the markdown and JSON reports of the fixture dataset, byte for byte.

After an intended change, regenerate with ``IHLTAG_UPDATE_GOLDEN=1 python3 -m pytest
tests/report`` and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import pytest
from reportdata import GOLDEN

CASES = {
    "all.md": ("-f", "markdown"),
    "all.json": ("-f", "json"),
    "fama-supporting.md": ("-f", "markdown", "--actor", "FAMa", "--include-supporting"),
    "jnim-confidential.json": ("-f", "json", "--actor", "jnim", "--include-confidential"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, report: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = report(*CASES[name])
    assert code == 0, err
    path = GOLDEN / name
    if os.environ.get("IHLTAG_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with IHLTAG_UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden file; if the change is intended, regenerate with "
        "IHLTAG_UPDATE_GOLDEN=1 and review the diff")


def test_json_golden_is_the_structured_report() -> None:
    data = json.loads((GOLDEN / "all.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["summary"]["findings"] == 6
    assert {s["actor"]["id"] for s in data["sections"]} == {"FAMa", "Wagner", "JNIM",
                                                            "unidentified"}
    killed = next(c for c in data["summary"]["casualties"] if c["kind"] == "killed")
    # 3/4/6 (Kara) + 7 (Ségou) + 2 (wedding): low, best-else-low, high.
    assert (killed["low"], killed["central"], killed["high"]) == (12, 13, 15)
    missing = next(c for c in data["summary"]["casualties"] if c["kind"] == "missing")
    assert (missing["low"], missing["central"], missing["high"]) == (2, 2, 5)
