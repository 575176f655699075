"""Paths the tests share (a module of its own: ``conftest`` is not importable by name
once subfolders have their own conftest.py)."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "incidents"
RULES = ROOT / "rules"
SOURCES = ROOT.parent / "shared" / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# an incident with one mistake (a misspelt act type), for the CI-facing tests
BAD = """\
id: mli-2025-01-03-bad
title: A typo
date: 2025-01-03
location: {country: MLI}
perpetrators:
  - actor: JNIM
    attribution: alleged
acts:
  - type: lootting
    target: livestock
sources:
  - publisher: Test
    title: A test source
summary: A typo in the act type.
"""


def incident(folder: Path, name: str, **replace: str) -> Path:
    """Write the valid fixture ``valid/partial-dates.yaml`` as ``folder/name.yaml``, its
    id set to ``name`` and each ``old=new`` text replaced (each must occur)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "valid" / "partial-dates.yaml").read_text(encoding="utf-8")
    text = text.replace("id: partial-dates", f"id: {name}")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` as a throwaway identity (no signing, branch ``main``); its output."""
    proc = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout
