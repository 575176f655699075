"""Paths and secrets of the report fixture dataset, shared by the report tests."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "report"
DATA = FIXTURE / "data"
RULES = FIXTURE / "rules"
GOLDEN = FIXTURE / "golden"

# The confidential source of fix-2024-03-05-kara: none of this may leak.
SECRETS = ("Zebulon Contact Network", "Interview transcript QX-991",
           "confidential.example.org/qx-991", "CONF-REF-4471")
# The sensitive location of fix-2024-05-12-hidden-displacement.
PLACE_SECRETS = ("Secretville", "Hiddencercle", "16.7712", "-3.0093", "secretville",
                 "fix-2024-05-12-hidden-displacement")
