"""``--since REF``: the incident files added or changed since a git ref.

Compares REF with the working tree (so uncommitted edits count), follows renames to the
new name, ignores deletions, and adds untracked files that git does not ignore. Also
tells the output formats where the repository starts, because code hosts want paths
relative to the repository, not to the folder the tool ran in.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ihltag.dataset import DatasetError

_CI_HINT = ("; in CI, fetch it first (actions/checkout with 'fetch-depth: 0', or "
            "'git fetch origin BRANCH')")


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=False, encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise DatasetError("--since needs git, which is not installed") from None
    except NotADirectoryError:
        raise DatasetError(f"{cwd} is not a folder") from None
    if proc.returncode != 0:
        raise DatasetError(proc.stderr.strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def toplevel(cwd: Path) -> Path | None:
    """The work tree's top folder, or None outside a repository (or without git)."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    except DatasetError:
        return None
    return Path(out).resolve() if out else None


def changed_files(ref: str, cwd: Path) -> list[Path]:
    """Absolute paths of files added, modified or renamed since ``ref`` (deletions left out).

    The ref is resolved to a commit first, so a value starting with ``-`` can never be
    read by git as an option.
    """
    top = toplevel(cwd)
    if top is None:
        raise DatasetError(f"--since {ref}: {cwd} is not inside a git repository "
                           "(or git is not installed)")
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options",
                       f"{ref}^{{commit}}"], top).strip()
    except DatasetError:
        commit = ""
    if not commit:
        raise DatasetError(f"--since {ref}: unknown git ref '{ref}' in {top}{_CI_HINT}")
    out = _git(["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff",
                "--no-textconv", "--name-only", "-z", "-M", "--diff-filter=ACMRT", commit, "--"],
               top)
    names = [n for n in out.split("\0") if n]
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    names += [n for n in untracked.split("\0") if n]
    seen: set[Path] = set()
    files: list[Path] = []
    for name in names:
        path = (top / name).resolve()
        if path not in seen and path.is_file():
            seen.add(path)
            files.append(path)
    return files
