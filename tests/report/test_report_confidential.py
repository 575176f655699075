"""Confidential sources and sensitive places, in every format the report has."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reportdata import PLACE_SECRETS, SECRETS

Run = Callable[..., tuple[int, str, str]]
FORMATS = ["terminal", "markdown", "html", "json", "csv"]


@pytest.fixture(scope="module")
def outputs() -> dict[tuple[str, bool], str]:
    """Each format's report of the fixture, with and without --include-confidential.

    Built once per module through the CLI (HTML draws charts, which takes a moment).
    """
    from reportdata import DATA, RULES
    from typer.testing import CliRunner

    from ihltag.cli import app

    out = {}
    for fmt in FORMATS:
        for include in (False, True):
            args = ["report", str(DATA), "--rules", str(RULES), "-f", fmt]
            if include:
                args.append("--include-confidential")
            result = CliRunner().invoke(app, args, catch_exceptions=False,
                                        env={"COLUMNS": "100"})
            assert result.exit_code == 0, result.stderr
            out[fmt, include] = result.stdout
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_confidential_source_never_appears_by_default(outputs: dict[tuple[str, bool], str],
                                                      fmt: str) -> None:
    text = outputs[fmt, False]
    for secret in SECRETS:
        assert secret not in text, f"{fmt} leaks {secret!r}"
    assert "CONFIDENTIAL SOURCES INCLUDED" not in text
    # The reader is told that something was withheld, and how much, without being told
    # what: Kara has exactly one confidential source.
    assert WITHHELD[fmt](text) == 1, fmt


def _withheld_csv(text: str) -> int:
    import csv
    import io

    rows = csv.DictReader(io.StringIO("\n".join(
        line for line in text.lstrip("\ufeff").splitlines() if not line.startswith("#"))))
    counts = {r["incident"]: r["confidential_sources_withheld"] for r in rows}
    assert {v for k, v in counts.items() if k != "fix-2024-03-05-kara"} == {"0"}
    return int(counts["fix-2024-03-05-kara"])


def _withheld_json(text: str) -> int:
    import json

    data = json.loads(text)
    counts = {i["id"]: i["confidential_withheld"] for i in data["incidents"] + data["aggregates"]}
    assert sum(counts.values()) == counts["fix-2024-03-05-kara"]
    return int(counts["fix-2024-03-05-kara"])


# How many confidential sources each format says it left out, in its exact wording.
WITHHELD: dict[str, Callable[[str], int]] = {
    "markdown": lambda t: t.count("**Sources:** [^2]; 1 confidential source is not shown."),
    "html": lambda t: t.count('<dt>Sources</dt><dd><sup class="refs"><a href="#note-2">2</a>'
                              "</sup>; 1 confidential source is not shown</dd>"),
    "terminal": lambda t: t.count("\n  1 confidential source not shown\n"),
    "json": _withheld_json,
    "csv": _withheld_csv,
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_include_confidential_withholds_nothing(outputs: dict[tuple[str, bool], str],
                                               fmt: str) -> None:
    if fmt in ("json", "csv"):
        assert WITHHELD[fmt](outputs[fmt, True]) == 0
    else:
        assert "confidential source is not shown" not in outputs[fmt, True]
        assert "confidential source not shown" not in outputs[fmt, True]


@pytest.mark.parametrize("fmt", FORMATS)
def test_include_confidential_shows_it_and_says_so_first(outputs: dict[tuple[str, bool], str],
                                                         fmt: str) -> None:
    text = outputs[fmt, True]
    for secret in SECRETS:
        assert secret in text, f"{fmt} with --include-confidential lacks {secret!r}"
    first = text.lstrip().splitlines()[0]
    if fmt == "json":
        first = text.splitlines()[1]  # the first key of the object
    elif fmt == "html":
        body = text.split("<body>", 1)[1].lstrip()
        first = body.splitlines()[0]
    assert "CONFIDENTIAL SOURCES INCLUDED" in first, f"{fmt}: {first!r}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_sensitive_place_shows_only_country_and_region(outputs: dict[tuple[str, bool], str],
                                                       fmt: str) -> None:
    text = outputs[fmt, False]
    for secret in PLACE_SECRETS:
        assert secret not in text, f"{fmt} reveals {secret!r}"
    assert "Timbuktu" in text
    assert "place withheld" in text


def test_exact_places_shows_the_place(cli: Run) -> None:
    from reportdata import DATA, RULES

    code, out, _ = cli("report", str(DATA), "--rules", str(RULES), "-f", "markdown",
                       "--exact-places")
    assert code == 0
    assert "Secretville, Hiddencercle, Timbuktu, MLI" in out
    assert "fix-2024-05-12-hidden-displacement" in out
    assert "https://radio.example.org/news/secretville-families" in out


def test_output_file_gets_the_same_report(cli: Run, tmp_path: object) -> None:
    from pathlib import Path

    from reportdata import DATA, RULES

    target = Path(str(tmp_path)) / "report.md"
    code, out, _ = cli("report", str(DATA), "--rules", str(RULES), "-f", "markdown",
                       "-o", str(target))
    assert code == 0 and out == ""
    text = target.read_text(encoding="utf-8")
    assert "- **CIHL-52 Pillage** (act 1: looting — livestock)" in text
    assert not any(s in text for s in SECRETS)
