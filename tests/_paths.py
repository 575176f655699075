"""Paths the tests share (a module of its own: ``conftest`` is not importable by name
once subfolders have their own conftest.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "incidents"
RULES = ROOT / "rules"
SOURCES = ROOT.parent / "shared" / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
