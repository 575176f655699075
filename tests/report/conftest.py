"""Fixtures for the report tests: the frozen fixture dataset and a report runner."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reportdata import DATA, EPOCH, RULES


@pytest.fixture
def report(cli: Callable[..., tuple[int, str, str]]) -> Callable[..., tuple[int, str, str]]:
    """``ihltag report`` on the fixture dataset with the frozen rules; extra args appended.
    The generation date is fixed (``SOURCE_DATE_EPOCH``), so outputs can be compared."""

    def run(*args: str) -> tuple[int, str, str]:
        return cli("report", str(DATA), "--rules", str(RULES), *args, env=EPOCH)

    return run
