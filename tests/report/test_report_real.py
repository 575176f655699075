"""The report on the real dataset: the names of one actor give one report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]
DATASET = Path(__file__).resolve().parent.parent.parent / "incidents"
JNIM_NAMES = ("JNIM", "Jama'a Nusrat ul-Islam wa al-Muslimin", "gsim")


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_jnim_by_any_name_gives_the_same_report(cli: Run, fmt: str) -> None:
    outputs = []
    for name in JNIM_NAMES:
        code, out, err = cli("report", str(DATASET), "--actor", name, "-f", fmt)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    if fmt == "json":
        data = json.loads(outputs[0])
        assert data["summary"]["matrix"]["actors"] == ["JNIM"]
        assert data["summary"]["findings"] > 0
        # Every finding shown names JNIM among its perpetrators.
        for inc in data["incidents"] + data["aggregates"]:
            for f in inc["findings"]:
                assert "JNIM" in {a["actor"] for a in f["actors"]}


def test_unknown_actor_lists_the_closest_names(cli: Run) -> None:
    code, out, err = cli("report", str(DATASET), "--actor", "JNMI")
    assert code == 2
    assert out == ""
    assert err.startswith("ihltag: unknown actor 'JNMI'; closest known names: JNIM")
