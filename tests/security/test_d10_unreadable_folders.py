"""Issue 12, D10: a folder that cannot be read gets a located error (the run fails), never
a silent skip; a path inside one is a clear error, not a PermissionError traceback.

The tests run as root, which reads anything: like the review, the real check drops
root's override (``setpriv``); a second test simulates the refusal in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _paths import ROOT, incident

DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def _locked(root: Path) -> Path:
    incident(root / "2025", "mli-2025-03-10-good")
    bad = incident(root / "2025" / "locked", "mli-2025-03-11-x", JNIM="Nobody")
    return bad


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": ""}
    prefix = DROP if os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-m", "ihltag", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None,
                    reason="needs setpriv to drop root's override")
def test_d10_unreadable_folder_really_locked(mini_dataset) -> None:
    bad = _locked(mini_dataset)
    os.chmod(bad.parent, 0)
    try:
        for cache in ([], ["--no-cache"]):
            proc = _run(["check", ".", "-f", "text", *cache], mini_dataset)
            assert proc.returncode == 1, proc.stdout + proc.stderr
            assert "2025/locked:1:1: error[unreadable] cannot read this folder" in proc.stdout
            assert "Permission denied" in proc.stdout
        for args in (["check", "2025/locked/mli-2025-03-11-x.yaml"],
                     ["explain", "2025/locked/mli-2025-03-11-x.yaml"]):
            proc = _run(args, mini_dataset)
            assert proc.returncode == 2, proc.stderr
            assert "Traceback" not in proc.stderr and "PermissionError" not in proc.stderr
            assert "cannot be reached (Permission denied)" in proc.stderr
    finally:
        os.chmod(bad.parent, 0o755)


def test_d10_unreadable_folder_simulated(cli, mini_dataset, monkeypatch) -> None:
    bad = _locked(mini_dataset)
    locked = str(bad.parent)
    real_scandir, real_stat = os.scandir, os.stat

    def scandir(path=".", *a, **k):  # type: ignore[no-untyped-def]
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path, *a, **k)

    def stat(path, *a, **k):  # type: ignore[no-untyped-def]
        if os.path.abspath(os.fspath(path)).startswith(locked + os.sep):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *a, **k)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(mini_dataset)
    code, out, _ = cli("check", ".", "-f", "text", "--no-cache")
    assert code == 1
    assert "2025/locked:1:1: error[unreadable] cannot read this folder (Permission denied)" in out
    monkeypatch.setattr(os, "stat", stat)
    code, out, err = cli("check", "2025/locked/mli-2025-03-11-x.yaml")
    assert code == 2
    assert "cannot be reached (Permission denied)" in err
