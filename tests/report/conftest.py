"""Fixtures for the report tests: the frozen fixture dataset and a report runner."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reportdata import DATA, RULES


@pytest.fixture
def report(cli: Callable[..., tuple[int, str, str]]) -> Callable[..., tuple[int, str, str]]:
    """``ihltag report`` on the fixture dataset with the frozen rules; extra args appended."""

    def run(*args: str) -> tuple[int, str, str]:
        return cli("report", str(DATA), "--rules", str(RULES), *args)

    return run
