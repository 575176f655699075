"""Paths and secrets of the report fixture dataset, shared by the report tests."""

from __future__ import annotations

import os
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "report"
DATA = FIXTURE / "data"
RULES = FIXTURE / "rules"
GOLDEN = FIXTURE / "golden"
# The generation date is fixed through SOURCE_DATE_EPOCH (the report fixture sets it).
EPOCH = {"SOURCE_DATE_EPOCH": "0"}

# The confidential source of fix-2024-03-05-kara: none of this may leak.
SECRETS = ("Zebulon Contact Network", "Interview transcript QX-991",
           "confidential.example.org/qx-991", "CONF-REF-4471")
# The sensitive location of fix-2024-05-12-hidden-displacement.
PLACE_SECRETS = ("Secretville", "Hiddencercle", "16.7712", "-3.0093", "secretville",
                 "fix-2024-05-12-hidden-displacement")


def normalize(text: str) -> str:
    """The report with the dataset's commit (the fixture lives in this repository, so it
    changes with every commit) replaced by a placeholder, for the golden files."""
    text = re.sub(r"dataset at commit [0-9a-f]{12}( with uncommitted changes)?",
                  "dataset at commit <commit>", text)
    text = re.sub(r"données au commit [0-9a-f]{12}( avec des modifications non validées)?",
                  "données au commit <commit>", text)
    text = re.sub(r'"dataset_commit": "[0-9a-f]{40}"', '"dataset_commit": "<commit>"', text)
    return text.replace('"dataset_dirty": true', '"dataset_dirty": false')


def assert_golden(out: str, name: str) -> None:
    """``out`` (normalised) equals golden file ``name``; IHLTAG_UPDATE_GOLDEN=1 rewrites it."""
    out = normalize(out)
    path = GOLDEN / name
    if os.environ.get("IHLTAG_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with IHLTAG_UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden file; if the change is intended, regenerate with "
        "IHLTAG_UPDATE_GOLDEN=1 and review the diff")
