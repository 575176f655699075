"""The entry point holds the garbage collector during start-up only (issue 13).

Not a timing test: it asserts when the collector is off and on, which is what the
one-file lint's start-up gains from and what keeps a long run's memory as before."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _paths import DATASET, ROOT

PROBE = """
import gc, json, sys
from ihltag import launch
seen = {}
real = launch.started
def started():
    seen.setdefault("before", gc.isenabled())
    seen.setdefault("imported", "ihltag.runner" in sys.modules)
    real()
    seen.setdefault("after", gc.isenabled())
    seen.setdefault("frozen", gc.get_freeze_count() > 0)
launch.started = started  # before ihltag.cli imports it
sys.argv = ["ihltag", *json.loads(sys.argv[1])]
try:
    launch.main()
except SystemExit:
    pass
seen["at_exit"] = gc.isenabled()
print("\\n@@" + json.dumps(seen))
"""


def _seen(*args: str) -> dict[str, bool]:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return dict(json.loads(proc.stdout.rsplit("\n@@", 1)[1]))


ONE = str(next(iter(sorted((DATASET / "2025").glob("*.yaml")))))


def test_a_check_imports_without_the_collector_and_checks_with_it() -> None:
    seen = _seen("check", "--no-cache", "-q", ONE)
    assert seen == {"before": False, "imported": True, "after": True, "frozen": True,
                    "at_exit": True}


@pytest.mark.parametrize("args", [("rules", "list"), ("actors",), ("schema", "actors")])
def test_every_other_command_starts_the_collector_before_its_work(args: tuple[str, ...]) -> None:
    seen = _seen(*args)
    assert seen["before"] is False and seen["after"] is True and seen["at_exit"] is True


def test_a_run_that_starts_no_command_never_needs_it() -> None:
    assert _seen("--version") == {"at_exit": False}


def test_importing_the_cli_leaves_the_collector_alone() -> None:
    """Tests and other programs import ``ihltag.cli``: only the entry point holds it."""
    code = ("import gc\nfrom ihltag.cli import app\nfrom ihltag.launch import started\n"
            "gc.disable()\nstarted()\nprint(gc.isenabled(), gc.get_freeze_count())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "0"]


def test_python_m_ihltag_uses_the_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "ihltag", "--version"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("ihltag ")
