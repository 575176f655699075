"""Issue 12, D18: ASCII digits only in dates; a clear message for year 0; a date error
stays on one line whatever the value holds; ``--since`` runs none of the repository's
own programs (fsmonitor hook, hooks) and refuses a ref that names no one commit
(``^HEAD`` checked 0 files and passed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _paths import DATASET, git, incident

from ihltag.dates import parse_span

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.mark.parametrize("text", ["٢٠٢٤-٠٨-٢٤", "２０２４", "2024-０8", "۲۰۲۴"])
def test_d18_only_ascii_digits_make_a_date(text) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_span(text)


def _check(cli, root: Path, **replace: str) -> list[dict]:  # type: ignore[type-arg]
    incident(root / "2024", "mli-2024-08-24-date", **replace)
    code, out, err = cli("check", str(root), "-f", "json", "--no-cache")
    assert code == 1 and "Traceback" not in err
    return [e for e in json.loads(out)["errors"]]


def test_d18_arabic_indic_date_in_a_file_is_refused(cli, mini_dataset) -> None:
    errors = _check(cli, mini_dataset, **{"date: 2024-08/2024-09-03": "date: ٢٠٢٤-٠٨-٢٤"})
    assert [(e["code"], e["line"]) for e in errors] == [("invalid-date", 4)]


def test_d18_year_zero_says_so(cli, mini_dataset) -> None:
    errors = _check(cli, mini_dataset, **{"date: 2024-08/2024-09-03": "date: 0000-01-01"})
    assert len(errors) == 1
    assert "no year 0" in errors[0]["message"]
    assert "out of range" not in errors[0]["message"]


@pytest.mark.parametrize("value", ['"2024-08\\n-24"', '"2024\\r\\n08"', '"2024\\e]0;x\\a"',
                                   '"2024-08-24\\u2028x"'])
def test_d18_date_error_stays_on_one_line(cli, mini_dataset, value) -> None:
    errors = _check(cli, mini_dataset, **{"date: 2024-08/2024-09-03": f"date: {value}"})
    assert len(errors) == 1 and errors[0]["code"] == "invalid-date"
    message = errors[0]["message"]
    assert message == " ".join(message.splitlines())  # no line break of any kind
    assert "\x1b" not in message and "\x07" not in message



@pytest.fixture
def repo(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, data / name)
    incident(data / "2024", "mli-2024-08-24-one")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    incident(data / "2024", "mli-2024-08-25-two")
    return tmp_path


@needs_git
@pytest.mark.parametrize("ref", ["^HEAD", "^main"])
def test_d18_a_ref_that_names_no_commit_is_exit_2(cli, repo, monkeypatch, ref) -> None:
    monkeypatch.chdir(repo)
    code, _out, err = cli("check", "--since", ref, "data", "--no-cache")
    assert code == 2
    assert "does not name one commit" in err


@needs_git
def test_d18_since_runs_no_fsmonitor_hook_nor_hooks(cli, repo, monkeypatch) -> None:
    marker = repo / "hook-ran"
    hook = repo / "hook.sh"
    hook.write_text(f"#!/bin/sh\necho ran >> {marker}\nexit 0\n", encoding="utf-8")
    hook.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(hook))
    hooks = repo / "hooks"
    hooks.mkdir()
    for name in ("post-index-change", "reference-transaction", "post-checkout"):
        shutil.copy(hook, hooks / name)
    git(repo, "config", "core.hooksPath", str(hooks))
    monkeypatch.chdir(repo)
    _code, out, err = cli("check", "--since", "HEAD", "data", "--no-cache", "-f", "json")
    assert json.loads(out)["summary"]["files"] == 1, err
    assert not marker.exists()
