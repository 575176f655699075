"""``--since REF``: the incident files added or changed since a git ref.

Compares REF with the working tree (so uncommitted edits count), follows renames to the
new name, ignores deletions, and adds untracked files that git does not ignore. Also
tells the output formats where the repository starts, because code hosts want paths
relative to the repository, not to the folder the tool ran in.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ihltag.diagnostics import DiagnosticsError


class GitError(DiagnosticsError):
    """git could not say what changed (not installed, no repository, an unknown ref)."""

_CI_HINT = ("; in CI, fetch it first (actions/checkout with 'fetch-depth: 0', or "
            "'git fetch origin BRANCH')")


# A repository's own configuration may name programs that git runs as it reads the work
# tree: an fsmonitor hook, hooks, external diff and textconv drivers (the diff turns the
# last two off). ihltag only reads, and a cloned or unpacked repository is not trusted.
_SAFE = ["-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}"]
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *_SAFE, *args], cwd=cwd, capture_output=True, text=True,
                              check=False, encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise GitError("--since needs git, which is not installed") from None
    except NotADirectoryError:
        raise GitError(f"{cwd} is not a folder") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def toplevel(cwd: Path) -> Path | None:
    """The work tree's top folder, or None outside a repository (or without git)."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    except GitError:
        return None
    return Path(out).resolve() if out else None


def changed_files(ref: str, cwd: Path) -> list[Path]:
    """Absolute paths of files added, modified or renamed since ``ref`` (deletions left out).

    The ref is resolved to a commit first, so a value starting with ``-`` can never be
    read by git as an option.
    """
    top = toplevel(cwd)
    if top is None:
        raise GitError(f"--since {ref}: {cwd} is not inside a git repository "
                           "(or git is not installed)")
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options",
                       f"{ref}^{{commit}}"], top).strip()
    except GitError:
        commit = ""
    if not commit:
        raise GitError(f"--since {ref}: unknown git ref '{ref}' in {top}{_CI_HINT}")
    if not _SHA.match(commit):  # '^HEAD' resolves to '^<sha>': it selects no one commit
        raise GitError(f"--since {ref}: '{ref}' does not name one commit (git reads it as "
                           f"'{commit.splitlines()[0]}'); give a branch, a tag or a commit")
    out = _git(["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff",
                "--no-textconv", "--name-only", "-z", "-M", "--diff-filter=ACMRT", commit, "--"],
               top)
    names = [n for n in out.split("\0") if n]
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    names += [n for n in untracked.split("\0") if n]
    seen: set[Path] = set()
    files: list[Path] = []
    for name in names:
        # the folders resolved, not the file: a link is the dataset's to refuse (D1)
        joined = top / name
        path = joined.parent.resolve() / joined.name
        if path not in seen and os.path.lexists(path) and not path.is_dir():
            seen.add(path)
            files.append(path)
    return files
