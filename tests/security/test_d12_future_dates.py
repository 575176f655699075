"""D12: a "date in the future" result does not outlive the date.

The attack (security review, D12): the error was cached and still reported after the
date had passed, while ``--no-cache`` said the file was valid: today's date was not part
of what a cached result depends on.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from _paths import DATASET, incident

import ihltag.dates
from ihltag.runner import run_check


def _later(days: int) -> type[datetime.date]:
    """``date`` whose today() is ``days`` after the real one."""
    target = datetime.date.today() + datetime.timedelta(days=days)

    class Later(datetime.date):
        @classmethod
        def today(cls) -> datetime.date:
            return target

    return Later


def test_d12_a_future_date_error_ends_with_the_date(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ds"
    root.mkdir()
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, root / name)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    incident(root / "2024", "mli-2024-08-01-soon", **{"date: 2024-08/2024-09-03": f"date: {tomorrow}"})

    def messages(cache: bool) -> list[str]:
        return [d.message for d in run_check([root], use_cache=cache).diagnostics]

    today = messages(True)
    assert len(today) == 1 and "in the future" in today[0], today
    assert messages(True) == today  # served from the cache the same day
    monkeypatch.setattr(ihltag.dates, "date", _later(2))
    assert messages(False) == []  # two days later the date has passed
    assert messages(True) == []   # and the cache knows it
