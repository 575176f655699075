"""Shared fixtures: the repository's paths and a way to run the CLI in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import DATASET, FIXTURES, ROOT, RULES, SOURCES
from typer.testing import CliRunner

from ihltag.cli import app

__all__ = ["DATASET", "FIXTURES", "ROOT", "RULES", "SOURCES"]


@pytest.fixture(autouse=True)
def _not_under_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under GitHub Actions ``GITHUB_ACTIONS=true`` makes ``--format github`` the default;
    the suite expects the plain default wherever it runs (a test that wants Actions sets
    the variable itself)."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(autouse=True)
def _user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own user cache folder (where ``check`` keeps its cache and
    secret): the tests never touch the real one, nor share a cache."""
    home = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def cli() -> Callable[..., tuple[int, str, str]]:
    """Run ``ihltag ARGS`` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        runner = CliRunner()
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


@pytest.fixture
def mini_dataset(tmp_path: Path) -> Path:
    """A copy of the registries with an empty incidents folder, to write test files into."""
    root = tmp_path / "data"
    root.mkdir()
    shutil.copy(DATASET / "actors.yaml", root / "actors.yaml")
    shutil.copy(DATASET / "conflicts.yaml", root / "conflicts.yaml")
    return root
