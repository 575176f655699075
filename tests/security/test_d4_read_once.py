"""D4: a result is stored under the hash of the bytes that were checked.

The attack (security review, D4): the runner hashed a file, then the check read it
again, so an edit between the two stored the new content's result under the old
content's key; when the old content came back (a revert), the wrong result was served.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from _paths import DATASET, incident

import ihltag.runner as runner
from ihltag.runner import run_check

NAME = "mli-2024-08-01-edited"


def _codes(root: Path) -> list[str]:
    run = run_check([root], use_cache=True)
    return [d.code for d in run.diagnostics]


@pytest.mark.parametrize("known", [False, True], ids=["new-file", "changed-file"])
def test_d4_an_edit_during_the_run_never_poisons_the_cache(tmp_path: Path, known: bool,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ds"
    root.mkdir()
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, root / name)
    target = incident(root / "2024", NAME)
    good = target.read_bytes()
    bad = good.replace(b"actor: JNIM", b"actor: Wagnr")  # an unknown actor
    if known:  # the cache knows the file already, from its valid version
        assert _codes(root) == []
    target.write_bytes(bad)

    real = runner.check_file

    def edited_meanwhile(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.name == target.name:
            target.write_bytes(good)  # the edit lands between reading and checking
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runner, "check_file", edited_meanwhile)
    first = _codes(root)
    monkeypatch.setattr(runner, "check_file", real)
    # whichever content that run saw, what it cached must be true of that content
    target.write_bytes(bad)  # the bad content comes back (a revert)
    assert _codes(root) == ["unknown-actor"]
    assert first in (["unknown-actor"], [])
    target.write_bytes(good)
    assert _codes(root) == []
