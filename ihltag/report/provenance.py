"""Where a report comes from: date, ihltag version, rule pack, dataset commit, filters.

A published finding must be traceable to the data and rules that made it. The dataset's
commit is read with git, hardened as ``--since`` is (no fsmonitor, no hooks: a cloned
repository is not trusted); outside a repository, or without git, it is unknown and the
report says so. ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) fixes the
generation date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ihltag.i18n import N_
from ihltag.report.model import Provenance

if TYPE_CHECKING:
    from ihltag.results import CheckRun

RULE_PACK = N_("rule pack v2")
_SAFE = ["-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}"]


def generated() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()
    return date.today().isoformat()


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        proc = subprocess.run(["git", *_SAFE, *args], cwd=cwd, capture_output=True,
                              text=True, check=False, encoding="utf-8", errors="replace",
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def dataset_commit(root: Path) -> tuple[str | None, bool]:
    """The commit of the repository holding ``root``, and whether files under ``root``
    have uncommitted changes (untracked files count)."""
    folder = root if root.is_dir() else root.parent
    head = _git(["rev-parse", "--verify", "-q", "HEAD"], folder)
    if head is None:
        return None, False
    status = _git(["status", "--porcelain", "--untracked-files=normal", "--", "."], folder)
    return head.strip(), bool(status and status.strip())


def provenance(run: CheckRun, filters: str) -> Provenance:
    from ihltag import __version__

    commit, dirty = dataset_commit(run.root)
    when = generated()
    from ihltag.i18n import _, current

    if commit is None:
        dataset = _("dataset not under git")
    else:
        dataset = (_("dataset at commit {commit} with uncommitted changes") if dirty
                   else _("dataset at commit {commit}")).format(commit=commit[:12])
    text = _("Generated {date} by ihltag {version}; {pack} (digest {digest}); {dataset}; "
             "{filters}.").format(date=current().date(when), version=__version__,
                                  pack=_(RULE_PACK), digest=run.pack.digest, dataset=dataset,
                                  filters=filters)
    return {"generated": when, "ihltag_version": __version__, "rule_pack": RULE_PACK,
            "rule_pack_digest": run.pack.digest, "dataset_commit": commit,
            "dataset_dirty": dirty, "filters": filters, "text": text}
