"""Datasets: finding the root, walking incident files, and the checks that need the
whole dataset (ids unique across folders, references into the registries)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _paths import DATASET, FIXTURES, incident

from ihltag.dataset import (
    DatasetError,
    check_file,
    expand,
    find_root,
    incident_files,
)
from ihltag.diagnostics import Diagnostic
from ihltag.registry import load_registry
from ihltag.runner import run_check

VALID = (FIXTURES / "valid" / "partial-dates.yaml").read_text(encoding="utf-8")




# --- discovery ----------------------------------------------------------------------------


def test_root_is_found_walking_up(mini_dataset: Path) -> None:
    path = incident(mini_dataset / "2024" / "08", "mli-a")
    assert find_root([path]) == mini_dataset.resolve()
    assert find_root([path.parent]) == mini_dataset.resolve()
    assert find_root([mini_dataset]) == mini_dataset.resolve()


def test_no_root_above(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("id: x\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"no folder on the way up holds actors\.yaml"):
        find_root([tmp_path / "x.yaml"])


def test_missing_path(mini_dataset: Path) -> None:
    with pytest.raises(DatasetError, match=r"no-such\.yaml: no such file or folder"):
        find_root([mini_dataset / "no-such.yaml"])


def test_paths_from_two_datasets(mini_dataset: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(mini_dataset, other)
    with pytest.raises(DatasetError, match="different datasets"):
        find_root([mini_dataset, other])


def test_incident_files_skip_registries_hidden_and_cache_folders(mini_dataset: Path) -> None:
    a = incident(mini_dataset / "2024", "mli-a")
    b = incident(mini_dataset, "mli-b")
    c = mini_dataset / "2025" / "mli-c.yml"
    c.parent.mkdir()
    c.write_text(VALID, encoding="utf-8")
    for hidden in (".git", ".ihltag_cache", "__pycache__", ".drafts"):
        incident(mini_dataset / hidden, "mli-hidden")
    (mini_dataset / "notes.txt").write_text("not yaml", encoding="utf-8")
    # a file called actors.yaml below the root is an incident file like any other
    nested = mini_dataset / "2024" / "actors.yaml"
    nested.write_text("id: actors\n", encoding="utf-8")
    found = list(incident_files(mini_dataset))
    assert found == [b, nested, a, c]  # a folder's own files, then its sub-folders, sorted
    assert expand([mini_dataset / "2024", a], mini_dataset) == [nested, a]


# --- one file, checked against the whole dataset ------------------------------------------


def test_duplicate_id_across_folders_names_both_files(mini_dataset: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_dataset)
    incident(mini_dataset / "2024", "mli-same")
    incident(mini_dataset / "2025", "mli-same")
    run = run_check([Path(".")])
    diags = {r.file: r.diagnostics for r in run.results}
    assert diags["2024/mli-same.yaml"] == [Diagnostic(
        "2024/mli-same.yaml", 2, 5, "duplicate-id", "id 'mli-same' is also used by "
        "2025/mli-same.yaml")]
    assert diags["2025/mli-same.yaml"] == [Diagnostic(
        "2025/mli-same.yaml", 2, 5, "duplicate-id", "id 'mli-same' is also used by "
        "2024/mli-same.yaml")]
    assert all(not r.valid and r.counts == (0, 0) and r.findings == [] for r in run.results)


def test_checking_one_file_finds_its_duplicate_elsewhere(mini_dataset: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_dataset)
    incident(mini_dataset / "2024", "mli-same")
    one = incident(mini_dataset / "archive" / "old", "mli-same")
    run = run_check([one.relative_to(mini_dataset)])
    assert [r.file for r in run.results] == ["archive/old/mli-same.yaml"]
    assert [(d.code, d.message) for d in run.results[0].diagnostics] == [
        ("duplicate-id", "id 'mli-same' is also used by 2024/mli-same.yaml")]


def test_checking_one_file_uses_the_dataset_registries(mini_dataset: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_dataset / "..")
    path = incident(mini_dataset / "2024", "mli-a", **{"actor: JNIM": "actor: Katiba Macina"})
    run = run_check([path])
    (r,) = run.results
    assert [(d.code, d.line, d.column) for d in r.diagnostics] == [("unknown-actor", 13, 12)]
    assert "actor 'Katiba Macina' is not in actors.yaml" in r.diagnostics[0].message


def test_unique_ids_and_valid_files_pass(mini_dataset: Path) -> None:
    for name in ("mli-a", "mli-b", "mli-c"):
        incident(mini_dataset / name[-1], name)
    run = run_check([mini_dataset])
    assert [r.valid for r in run.results] == [True, True, True]
    assert run.summary()["errors"] == 0


def test_id_mismatch_is_reported_at_the_id(mini_dataset: Path) -> None:
    path = incident(mini_dataset, "mli-a")
    renamed = path.with_name("mli-b.yaml")
    path.rename(renamed)
    r = check_file(renamed, "mli-b.yaml", load_registry(mini_dataset), None)
    assert [(d.code, d.line, d.column) for d in r.diagnostics] == [("id-mismatch", 2, 5)]
    assert "rename the file to 'mli-a.yaml' or change the id" in r.diagnostics[0].message


def test_all_files_are_checked_in_one_run(mini_dataset: Path) -> None:
    for name in ("mli-a", "mli-b", "mli-c"):
        incident(mini_dataset, name, **{"type: looting": "type: lootting"})
    incident(mini_dataset, "mli-d")
    run = run_check([mini_dataset])
    bad = [(r.file.rsplit("/", 1)[-1], [d.code for d in r.diagnostics]) for r in run.results]
    assert bad == [("mli-a.yaml", ["unknown-value"]), ("mli-b.yaml", ["unknown-value"]),
                   ("mli-c.yaml", ["unknown-value"]), ("mli-d.yaml", [])]


def test_every_real_incident_is_valid() -> None:
    registry = load_registry(DATASET)
    for path in incident_files(DATASET):
        r = check_file(path, path.name, registry, None)
        assert [d.plain() for d in r.diagnostics if d.severity == "error"] == []
