"""The pre-commit hook, run for real: ``pre-commit try-repo`` installs ihltag from a copy
of this repository into a fresh virtualenv (from the package index) and runs
``ihltag check`` on the files it is given, as another repository's hook would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _paths import BAD, git

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "incidents"
SKIP = {".git", ".ihltag_cache", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}



def _pre_commit() -> list[str] | None:
    exe = shutil.which("pre-commit")
    if exe:
        return [exe]
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "pre_commit"]



def _copy_repository(target: Path) -> None:
    """This work tree as it is now (uncommitted work included), as a one-commit repo."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIP or n.endswith(".pyc")}

    target.mkdir()
    for item in ROOT.iterdir():
        if item.name in SKIP or item.name in {"tests", "incidents", "benchmarks"}:
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=ignore)
        elif item.is_file():
            shutil.copy2(item, target / item.name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "hook repository")


@pytest.mark.slow
def test_hook_runs_with_pre_commit_try_repo(tmp_path: Path) -> None:
    command = _pre_commit()
    if command is None or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    assert (ROOT / ".pre-commit-hooks.yaml").is_file()
    hook = tmp_path / "hook"
    _copy_repository(hook)

    use = tmp_path / "use"
    data = use / "incidents"
    (data / "2025").mkdir(parents=True)
    shutil.copy(INCIDENTS / "actors.yaml", data)
    shutil.copy(INCIDENTS / "conflicts.yaml", data)
    good = INCIDENTS / "2024" / "mli-2024-06-central-mali.yaml"
    shutil.copy(good, data / "2025" / good.name)
    (data / "2025" / "mli-2025-01-03-bad.yaml").write_text(BAD, encoding="utf-8")
    # a YAML file outside any dataset, as `pre-commit run --all-files` hands the hook
    (use / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    git(use, "init", "-q")
    git(use, "add", "-A")

    env = {k: v for k, v in os.environ.items()
           if k not in {"GITHUB_ACTIONS", "PRE_COMMIT_HOME", "VIRTUAL_ENV"}}
    env["PRE_COMMIT_COLOR"] = "never"
    proc = subprocess.run(
        [*command, "try-repo", str(hook), "ihltag-check", "--verbose", "--files",
         "incidents/actors.yaml", f"incidents/2025/{good.name}",
         "incidents/2025/mli-2025-01-03-bad.yaml", ".pre-commit-config.yaml"],
        cwd=use, env=env, capture_output=True, text=True, timeout=900, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "ihltag check" in out and "Failed" in out, out
    assert ("incidents/2025/mli-2025-01-03-bad.yaml:9:11: error[unknown-value] acts[0].type: "
            "unknown act type 'lootting'; did you mean 'looting'?") in out
    # the registry file passed by pre-commit is skipped; the good file gets findings from
    # the rule pack shipped inside the installed package
    # .pre-commit-config.yaml belongs to no dataset: skipped, not "no dataset root" (exit 2)
    assert "no dataset root" not in out
    assert "2 files, 1 invalid, 1 error," in out
    assert f"incidents/2025/{good.name}:" in out and "violation[CIHL-52]" in out
