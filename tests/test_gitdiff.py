"""``check --since REF``: only files added or changed since REF, against the whole dataset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _paths import git

from ihltag.gitdiff import GitError, changed_files, toplevel

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "incidents"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")



def incident(name: str, act: str = "looting") -> str:
    return (f"id: {name}\ntitle: Test {name}\ndate: 2025-01-01\nlocation: {{country: MLI}}\n"
            "perpetrators:\n  - actor: JNIM\n    attribution: alleged\n"
            f"acts:\n  - type: {act}\n    target: livestock\n"
            "sources:\n  - publisher: Test\n    title: A source\nsummary: Test.\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed dataset (tag ``base``), then: one file modified, one renamed, one
    deleted, one added and staged, one added and untracked, one left alone."""
    data = tmp_path / "data"
    (data / "2025").mkdir(parents=True)
    shutil.copy(INCIDENTS / "actors.yaml", data)
    shutil.copy(INCIDENTS / "conflicts.yaml", data)
    for name in ("mli-a-modified", "mli-b-renamed", "mli-c-deleted", "mli-d-unchanged"):
        (data / "2025" / f"{name}.yaml").write_text(incident(name), encoding="utf-8")
    (tmp_path / "README.md").write_text("x\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "tag", "base")
    modified = data / "2025" / "mli-a-modified.yaml"
    modified.write_text(incident("mli-a-modified", "lootting"), encoding="utf-8")
    (data / "2024").mkdir()
    git(tmp_path, "mv", "data/2025/mli-b-renamed.yaml", "data/2024/mli-b-renamed.yaml")
    git(tmp_path, "commit", "-qm", "move")
    git(tmp_path, "rm", "-q", "data/2025/mli-c-deleted.yaml")
    (data / "2025" / "mli-e-staged.yaml").write_text(incident("mli-e-staged"), encoding="utf-8")
    git(tmp_path, "add", "data/2025/mli-e-staged.yaml")
    (data / "2025" / "mli-f-untracked.yaml").write_text(incident("mli-f-untracked"),
                                                        encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored.yaml\n", encoding="utf-8")
    (data / "2025" / "ignored.yaml").write_text("not: checked\n", encoding="utf-8")
    return tmp_path


def names(paths: list[Path]) -> set[str]:
    return {p.name for p in paths}


def test_changed_files_follows_renames_and_skips_deletions(repo: Path) -> None:
    found = changed_files("base", repo / "data" / "2025")
    assert all(p.is_absolute() for p in found)
    assert names(found) == {"mli-a-modified.yaml", "mli-b-renamed.yaml", "mli-e-staged.yaml",
                            "mli-f-untracked.yaml", ".gitignore"}
    assert repo / "data" / "2024" / "mli-b-renamed.yaml" in found


def test_since_head_sees_only_uncommitted_work(repo: Path) -> None:
    assert names(changed_files("HEAD", repo)) == {"mli-a-modified.yaml", "mli-e-staged.yaml",
                                                  "mli-f-untracked.yaml", ".gitignore"}


def test_check_since_checks_only_changed_incidents(cli, repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    code, out, _ = cli("check", "--no-cache", "--since", "base", "-f", "json", "data")
    data = json.loads(out)
    checked = {e["file"] for e in data["errors"]} | {i["file"] for i in data["incidents"]}
    assert checked == {"data/2025/mli-a-modified.yaml", "data/2024/mli-b-renamed.yaml",
                       "data/2025/mli-e-staged.yaml", "data/2025/mli-f-untracked.yaml"}
    assert data["summary"]["files"] == 4
    assert code == 1  # the modified file has a typo
    assert [e["code"] for e in data["errors"]] == ["unknown-value"]


def test_since_still_checks_against_the_whole_dataset(cli, repo: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # A new file reusing an unchanged file's id is a duplicate even though only it is checked.
    dup = repo / "data" / "2024" / "mli-d-unchanged.yaml"
    dup.write_text(incident("mli-d-unchanged"), encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out, _ = cli("check", "--no-cache", "--since", "HEAD", "-f", "json", "data")
    errors = json.loads(out)["errors"]
    dups = [e for e in errors if e["code"] == "duplicate-id"]
    assert [e["file"] for e in dups] == ["data/2024/mli-d-unchanged.yaml"]
    assert "data/2025/mli-d-unchanged.yaml" in dups[0]["message"]
    assert code == 1


def test_registry_change_checks_everything(cli, repo: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "all")
    actors = repo / "data" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    _, out, _ = cli("check", "--no-cache", "--since", "HEAD", "-f", "json", "data")
    data = json.loads(out)
    # every file of the dataset, even the unchanged (and the git-ignored) ones
    assert data["summary"]["files"] == 6
    assert "data/2025/mli-d-unchanged.yaml" in {i["file"] for i in data["incidents"]}


def test_nothing_changed_checks_nothing(cli, repo: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "all")
    monkeypatch.chdir(repo)
    code, out, _ = cli("check", "--no-cache", "--since", "HEAD~0", "-f", "json", "data")
    assert json.loads(out)["summary"]["files"] == 0
    assert code == 0


def test_outside_a_repository_is_exit_2(cli, mini_dataset: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if toplevel(mini_dataset) is not None:
        pytest.skip("the temporary folder is inside a git work tree")
    monkeypatch.chdir(mini_dataset)
    code, out, err = cli("check", "--since", "main", ".")
    assert code == 2
    assert "not inside a git repository" in err
    assert "Traceback" not in err + out


def test_unknown_ref_is_exit_2(cli, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    code, _, err = cli("check", "--since", "origin/nope", "data")
    assert code == 2
    assert "unknown git ref 'origin/nope'" in err
    assert "fetch-depth: 0" in err


def test_a_ref_is_never_read_as_a_git_option(repo: Path) -> None:
    target = repo / "written-by-git"
    with pytest.raises(GitError, match="unknown git ref"):
        changed_files(f"--output={target}", repo)
    assert not target.exists()
