"""The report in French (issue 15): golden French Markdown and JSON of the fixture dataset,
every word of the report's code and templates in the French catalog, and no English
interface string in a French report (the data's own names, titles and quotes excepted).

Regenerate the golden files with ``IHLTAG_UPDATE_GOLDEN=1`` after an intended change, and
read the diff."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import ROOT
from reportdata import GOLDEN, assert_golden

from ihltag.i18n import KEYWORDS, po_path, read_catalog

Report = Callable[..., tuple[int, str, str]]

CASES = {
    "all.fr.md": ("-f", "markdown", "--lang", "fr"),
    "all.fr.json": ("-f", "json", "--lang", "fr"),
    "all-rules.fr.md": ("-f", "markdown", "--layout", "rules", "--lang", "fr"),
}
REPORT_CODE = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ihltag" / "report").glob("*.py"))
TEMPLATES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ihltag" / "report" / "templates")
                   .glob("*.j2"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_french_golden(name: str, report: Report) -> None:
    code, out, err = report(*CASES[name])
    assert code == 0, err
    assert_golden(out, name)


def test_french_golden_reads_as_french() -> None:
    """What the golden file must say, so that regenerating it cannot hide a regression."""
    md = (GOLDEN / "all.fr.md").read_text(encoding="utf-8")
    assert "## Synthèse" in md and "## Méthode" in md and "## Conflits et droit applicable" in md
    assert "CIHL-52 Pillage" in md and "Principe de distinction : les civils" in md
    assert "Peut constituer un crime de guerre au sens de l'article 8-2-e-v du Statut de Rome" in md
    assert "Chaque constatation applique une règle du droit international humanitaire" in md
    assert "Établi le 1 janvier 1970 par ihltag" in md  # SOURCE_DATE_EPOCH, as Babel words it
    assert "lieu non communiqué" in md and "place withheld" not in md  # a sensitive place
    assert "2 avril 2024. Cité pour" in md  # a source's date
    data = json.loads((GOLDEN / "all.fr.json").read_text(encoding="utf-8"))
    assert data["title"].startswith("Respect du DIH")
    assert data["method"].startswith("Chaque constatation")
    # codes stay codes: a program reading the JSON finds the same keys and statuses
    statuses = {f["status"] for inc in data["incidents"] for f in inc["findings"]}
    assert statuses <= {"violation", "possible"}
    killed = next(t for t in data["summary"]["totals"] if t["kind"] == "killed")
    assert killed["at_least"] == 12 and killed["text"].startswith("au moins 12")


def _extracted() -> set[tuple[str | None, str]]:
    from babel.messages.extract import extract_from_file

    out: set[tuple[str | None, str]] = set()
    for method, paths in (("python", REPORT_CODE), ("jinja2", TEMPLATES)):
        options = {"trim_blocks": "true", "lstrip_blocks": "true"} if method == "jinja2" else {}
        for path in paths:
            for _line, message, _comments, context in extract_from_file(
                    method, str(ROOT / path), keywords=KEYWORDS, options=options):
                out.add((context, message[0] if isinstance(message, tuple) else message))
    return out


def test_every_report_string_is_in_the_french_catalog() -> None:
    catalog = read_catalog(po_path("fr"), "fr")
    french = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m.string
              for m in catalog if m.id and not m.fuzzy}
    wanted = _extracted()
    assert len(wanted) > 100  # the templates and the wording code are seen
    missing = sorted(str(k) for k in wanted
                     if not (all(french.get(k) or ()) if isinstance(french.get(k), tuple)
                             else french.get(k)))
    assert missing == []


def _english_ui() -> list[str]:
    """The English catalog's interface phrases, as they can appear in a report: the text
    before the first placeholder, long enough not to be a word French shares."""
    catalog = read_catalog(po_path("fr"), "fr")
    out: list[str] = []
    for m in catalog:
        if not m.id or m.context is not None:
            continue
        english = m.id[0] if isinstance(m.id, tuple) else m.id
        french = m.string[0] if isinstance(m.string, tuple) else m.string
        head = re.split(r"\{\w*\}|%\(\w+\)s", english)[0].strip(" :;,.(")
        if len(head) >= 12 and head not in str(french):
            out.append(head)
    return out


@pytest.mark.parametrize("fmt", ["markdown", "html", "terminal", "csv", "markdown-everything"])
def test_a_french_report_has_no_english_ui_string(fmt: str, report: Report,
                                                  tmp_path: Path) -> None:
    """Names, titles, summaries and quotes of the data excepted: they are the sources'.
    ``markdown-everything``: with confidential sources, notes, aggregates and the rules
    layout, whose words appear only then."""
    extra = ["--include-confidential", "--include-notes", "--include-aggregates", "--layout",
             "rules"] if fmt == "markdown-everything" else []
    fmt = fmt.removesuffix("-everything")
    out_file = tmp_path / f"report.{ 'txt' if fmt == 'terminal' else fmt}"
    code, _, err = report("-f", fmt, "--lang", "fr", "-o", str(out_file), *extra)
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8-sig")
    english = _english_ui()
    assert len(english) > 50
    found = sorted({e for e in english if e in text})
    assert found == []


def test_french_html_says_its_language(report: Report) -> None:
    _, html, _ = report("-f", "html", "--lang", "fr")
    assert '<html lang="fr">' in html and "<h2>Synthèse</h2>" in html
    _, html, _ = report("-f", "html")
    assert '<html lang="en">' in html


def test_french_csv_headers(report: Report) -> None:
    _, csv, _ = report("-f", "csv", "--lang", "fr", "--no-bom")
    header = next(line for line in csv.splitlines() if not line.startswith("#"))
    assert header.startswith("incident,numéro,date,date_début,date_fin,pays,région")
    assert "crime_de_guerre" in header and "tués_min" in header
    _, csv, _ = report("-f", "csv", "--no-bom")
    assert "incident,number,date,date_start" in csv


def test_report_lang_from_config(report: Report, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ihltag]\nlang = "fr"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, md, _ = report("-f", "markdown")
    assert "## Synthèse" in md
    _, md, _ = report("-f", "markdown", "--lang", "en")
    assert "## Summary" in md
