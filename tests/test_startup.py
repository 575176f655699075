"""What a one-file lint and ``--help`` import (issue 7): heavy modules stay out.

Not a timing test: it asserts which modules are loaded, which is what keeps start-up
fast and does not depend on the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from _paths import DATASET, ROOT

HEAVY = ["rich", "jinja2", "matplotlib", "babel", "jsonschema", "sqlite3", "ihltag.report",
         "ihltag.formats.sarif", "ihltag.formats.github", "ihltag.schema", "multiprocessing.pool"]

PROBE = """
import json, sys
sys.argv = ["ihltag", *json.loads(sys.argv[1])]
from ihltag.cli import main
try:
    main()
except SystemExit:
    pass
print("\\n@@" + json.dumps(sorted(sys.modules)))
"""


def _loaded(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return set(json.loads(proc.stdout.rsplit("\n@@", 1)[1]))


@pytest.mark.parametrize("args", [
    ("--help",),
    ("check", "--no-cache", str(next(iter(sorted((DATASET / "2025").glob("*.yaml")))))),
], ids=["help", "one-file-check"])
def test_heavy_modules_are_not_imported(args: tuple[str, ...]) -> None:
    loaded = _loaded(*args)
    assert [m for m in HEAVY if m in loaded] == []


def test_the_probe_can_see_a_heavy_import() -> None:
    """The same probe does see the report's modules when the report runs."""
    loaded = _loaded("report", "--actor", "JNIM", "--format", "json", str(DATASET))
    assert "ihltag.report" in loaded and "jinja2" not in loaded


def test_pydantic_plugins_are_not_looked_up() -> None:
    """A one-file lint does not scan every installed package's metadata for pydantic
    plugins (ihltag's models use none); a user's own setting is kept."""
    probe = ("import os, sys\nsys.argv = ['ihltag', '--version']\nfrom ihltag.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('@@', os.environ.get('PYDANTIC_DISABLE_PLUGINS'))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=env).stdout
    assert out.rsplit("@@ ", 1)[1].strip() == "__all__"
    env["PYDANTIC_DISABLE_PLUGINS"] = "logfire"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=env).stdout
    assert out.rsplit("@@ ", 1)[1].strip() == "logfire"
