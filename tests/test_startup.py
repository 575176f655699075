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
         "ihltag.formats.sarif", "ihltag.formats.github", "ihltag.schema", "multiprocessing.pool",
         "importlib.metadata", "importlib.resources"]

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


def _loaded(*args: str, env: dict[str, str] | None = None) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=ROOT,
                          capture_output=True, text=True, check=True, env=env)
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


ONE_FILE = ("check", "--no-cache", str(next(iter(sorted((DATASET / "2025").glob("*.yaml"))))))


def test_pydantic_plugin_loader_is_the_real_one_when_plugins_are_wanted() -> None:
    """``importlib.metadata`` stays out of a one-file lint only because no plugin is
    wanted: a user who names plugins to disable gets pydantic's own loader, which scans."""
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "logfire"}
    assert "importlib.metadata" in _loaded(*ONE_FILE, env=env)
    assert "importlib.metadata" not in _loaded(*ONE_FILE)


def test_the_stand_in_plugin_loader_hands_over_to_the_real_one() -> None:
    """Anything but ``get_plugins`` asked of the stand-in loads pydantic's loader."""
    probe = ("import os, sys\nos.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
             "from ihltag.cli import _no_plugin_loader\n_no_plugin_loader()\n"
             "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\n"
             "print(A(x=1).x, 'importlib.metadata' in sys.modules)\n"
             "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP, get_plugins\n"
             "print(PYDANTIC_ENTRY_POINT_GROUP, list(get_plugins()), 'importlib.metadata' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["1 False", "pydantic [] True"]


SAME = [("check", "--help"), ("check", "--bogus"), ("check", "-f", "jsn", "x.yaml"), ("check",),
        ("rules", "--help"), ("rules", "list", "--help"), ("rules", "show"), ("report", "--help"),
        ("explain",), ("schema", "nope"), ("actors", "--help"), ("--help",), ("chek",),
        ("--version",), ("check", "--version")]


@pytest.mark.parametrize("args", SAME, ids=" ".join)
def test_the_app_built_for_one_command_says_the_same(args: tuple[str, ...]) -> None:
    """``main`` builds only the command named (issue 13: typer builds every command's
    parameters on each start); its help, errors and exit status are those of the whole app."""
    from typer.testing import CliRunner

    from ihltag.cli import _only_named, app

    def run() -> tuple[int, str, str]:
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    whole = run()
    with _only_named(list(args)):
        narrowed = run()
    assert narrowed == whole


def test_only_the_named_command_is_built() -> None:
    from ihltag.cli import _only_named, app

    every = list(app.registered_commands)
    with _only_named(["check", "x.yaml"]):
        assert [c.callback.__name__ for c in app.registered_commands if c.callback] == ["check"]
        assert app.registered_groups == []
    with _only_named(["rules", "list"]):
        assert app.registered_commands == [] and [g.name for g in app.registered_groups] == ["rules"]
    with _only_named(["--help"]):
        assert app.registered_commands == every
    assert app.registered_commands == every and len(app.registered_groups) == 1
