"""``--since REF``: the incident files added or changed since a git ref.

Compares REF with the working tree (so uncommitted edits count), follows renames to the
new name, ignores deletions, and adds untracked files that git does not ignore.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ihltag.dataset import DatasetError


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise DatasetError("--since needs git, which is not installed") from None
    if proc.returncode != 0:
        raise DatasetError(proc.stderr.strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def changed_files(ref: str, cwd: Path) -> list[Path]:
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    except DatasetError:
        raise DatasetError(f"--since {ref}: {cwd} is not inside a git repository") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except DatasetError:
        raise DatasetError(f"--since {ref}: unknown git ref '{ref}'") from None
    out = _git(["diff", "--name-only", "-z", "-M", "--diff-filter=ACMRT", ref, "--"], top)
    names = [n for n in out.split("\0") if n]
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    names += [n for n in untracked.split("\0") if n]
    return [(top / n).resolve() for n in names if (top / n).is_file()]
