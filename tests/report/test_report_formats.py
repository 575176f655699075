"""What each format promises beyond its content: HTML self-contained, CSV spreadsheet-ready."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

Run = Callable[..., tuple[int, str, str]]


def test_html_is_self_contained_with_map_timeline_and_charts(report: Run) -> None:
    code, out, _ = report("-f", "html")
    assert code == 0
    assert out.count("<svg") == 4
    assert 'id="chart-map"' in out and 'id="chart-timeline"' in out
    assert 'id="chart-rules"' in out and 'id="chart-casualties"' in out
    # every picture has alt text: role="img" and a non-empty <title> naming it
    for svg in re.findall(r"<svg.*?</svg>", out, flags=re.S):
        head = svg[:svg.index(">")]
        label = re.search(r'aria-labelledby="([\w-]+)"', head)
        assert 'role="img"' in head and label
        assert re.search(rf'<title id="{label.group(1)}">[^<]{{20,}}</title>', svg)
        assert not re.search(r'\s(?:src|href|xlink:href)="?https?:', svg)  # draws offline
    # the withheld place (fix-2024-05-12, sensitive) is drawn at region level only
    assert 'class="pt exact' not in out and 'class="pt region' in out
    # Nothing that would fetch: no scripts, no external stylesheets, images or fonts.
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(\s*['\"]?http", out)
    assert not re.search(r'\ssrc=', out)
    # and the browser is told to refuse any request
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">') in out
    assert "@media print" in out
    # Chart element ids are unique across the inline SVGs.
    ids = re.findall(r'\sid="([^"]+)"', out)
    assert len(ids) == len(set(ids))


def test_html_is_deterministic(report: Run) -> None:
    assert report("-f", "html")[1] == report("-f", "html")[1]


def test_csv_without_bom_on_request(report: Run) -> None:
    code, out, _ = report("-f", "csv", "--no-bom")
    assert code == 0 and out.startswith("# Generated 1970-01-01 by ihltag ")
    assert out.splitlines()[1].startswith("incident,number,date,")


def test_csv_one_row_per_finding(report: Run) -> None:
    code, out, _ = report("-f", "csv")
    assert code == 0
    # a UTF-8 byte-order mark first, so that spreadsheets read accents right; then the
    # provenance as a comment line
    assert out.startswith("\ufeff# Generated ")
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in out.lstrip("\ufeff").splitlines() if not line.startswith("#")))))
    # Six findings and the aggregate record's one (marked not counted); the
    # FAMa-and-Wagner killing is one row.
    assert len(rows) == 7
    assert [(r["rule"], r["aggregate"], r["counted"]) for r in rows][-1] == (
        "CIHL-52", "yes", "no")
    kara = [r for r in rows if r["incident"] == "fix-2024-03-05-kara"]
    assert {r["rule"] for r in kara} == {"CIHL-52", "CIHL-89"}
    assert kara[0]["killed_low"] == "3" and kara[0]["killed_best"] == "4"
    assert kara[0]["killed_high"] == "6"
    hidden = next(r for r in rows if r["rule"] == "CIHL-129")
    assert hidden["incident"] == "(withheld)" and hidden["place"] == ""
    assert hidden["admin1"] == "Timbuktu"


def test_csv_cells_cannot_be_formulas() -> None:
    from ihltag.report.csvout import _cell

    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("-3 killed") == "'-3 killed"
    assert _cell(5) == 5


def test_terminal_layout(report: Run) -> None:
    code, out, _ = report()
    assert code == 0
    assert "CIHL-52 Pillage (act 1: looting — livestock): violation — attributed to JNIM " \
        "(alleged, medium confidence)" in " ".join(out.replace("│", " ").split())
    assert "Established" in out and "Not ruled out" in out
    assert "Method" in out


def test_markdown_escapes_text_that_would_be_markup() -> None:
    from ihltag.report.markup import md

    # a bare URL is set as code, so GitHub cannot autolink it (issue 12 D7)
    assert md("a *b* [c](http://x) <script>") == r"a \*b\* \[c\](`http://x`) \<script\>"
    assert md("line one\nline two") == "line one line two"
