"""D6: a sensitive place must not leak from any report format, in any form.

The place of an incident marked ``sensitive: true`` leaked through the publisher, an act's
``demand``, percent-encoded URLs, single words of a multi-word place and names under three
letters. The report must withhold every form, in all five formats, and still not withhold
ordinary words that merely look like a short name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import unquote

import pytest

WITHHELD = "[place withheld]"

Cli = Callable[..., tuple[int, str, str]]
FORMATS = ["markdown", "html", "json", "csv", "terminal"]

INEKAR = """\
id: mli-2025-03-10-inekar
title: Abduction near Inékar
date: 2025-03-10
location: {country: MLI, admin1: Mopti, place: Inékar IDP camp, admin2: Ménaka-Est, sensitive: true}
perpetrators: [{actor: JNIM, attribution: alleged}]
acts: [{type: abduction, target: civilians, demand: ransom paid at the INEKAR well}]
sources:
  - publisher: Radio Inékar
    title: Report on Ine\u0301kar
    reference: In&eacute;kar bulletin
    url: "https://example.org/In%C3%A9kar-raid"
    archive_url: "https://archive.example/inekarraid"
  - publisher: Human Rights Watch
    title: Mali abductions
    url: "https://example.org/mali-2025"
summary: Men were taken at Inékar; in September they were said to be held at Menaka-Est.
"""

BE = """\
id: mli-2025-03-11-be
title: Looting in Bé
date: 2025-03-11
location: {country: MLI, admin1: Mopti, place: Bé, sensitive: true}
perpetrators: [{actor: JNIM, attribution: alleged}]
acts: [{type: looting, target: livestock, note: Cattle taken from Bé to be sold.}]
sources:
  - {publisher: Radio Bé, title: Looting report}
summary: Fighters looted cattle in Bé. Bébé, a herder, saw it.
"""


def _folded(text: str) -> str:
    """Output as a reader could decode it: percent-decoded, accents and case removed."""
    text = unquote(unquote(text))
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c)).casefold()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import shutil

    from _paths import DATASET
    from typer.testing import CliRunner

    from ihltag.cli import app

    root = tmp_path_factory.mktemp("d6")
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(DATASET / name, root / name)
    (root / "2025").mkdir()
    (root / "2025" / "mli-2025-03-10-inekar.yaml").write_text(INEKAR, encoding="utf-8")
    (root / "2025" / "mli-2025-03-11-be.yaml").write_text(BE, encoding="utf-8")
    out = {}
    for fmt in FORMATS:
        result = CliRunner().invoke(app, ["report", str(root), "-f", fmt], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        out[fmt] = result.stdout
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_d6_no_form_of_a_sensitive_place_appears(reports: dict[str, str], fmt: str) -> None:
    text = reports[fmt]
    folded = _folded(text)
    assert "rapt" in folded or "abduction" in folded  # the incident is in the report
    for leak in ("inekar", "menaka-est", "menaka"):
        assert leak not in folded, f"{fmt} leaks {leak!r}"
    assert not re.search(r"(?<!\w)bé(?!\w)", text, re.IGNORECASE), f"{fmt} leaks Bé"
    assert "withheld" in text
    # short names match whole words only: ordinary words that contain them stay
    assert "to be sold" in text, fmt  # an act note: in every format
    if fmt != "csv":  # the summary: not a CSV column
        assert "September" in text and "Bébé" in text, fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_d6_publisher_and_demand_are_kept_with_the_place_withheld(reports: dict[str, str],
                                                                  fmt: str) -> None:
    text = reports[fmt].replace("\\", "")
    assert "Radio [place withheld]" in text, fmt  # the publisher stays, minus the place
    assert "ransom paid at the [place withheld] well" in text, fmt
    assert "example.org/mali-2025" in text  # an unrelated URL of the same incident stays


@pytest.mark.parametrize(("text", "expected"), [
    ("Taken at Inékar.", f"Taken at {WITHHELD}."),
    ("Taken at Ine\u0301kar.", f"Taken at {WITHHELD}."),  # decomposed accent
    ("Taken at INEKAR.", f"Taken at {WITHHELD}."),
    ("Taken at In&eacute;kar.", f"Taken at {WITHHELD}."),  # HTML reference
    ("Taken at In%C3%A9kar.", f"Taken at {WITHHELD}."),  # percent-encoded
    ("Taken at Iné\u00adkar.", f"Taken at {WITHHELD}."),  # soft hyphen inside
    ("the Inékar IDP camp", f"the {WITHHELD}"),  # the whole name as one
    ("an IDP camp near Mopti", "an IDP camp near Mopti"),  # generic words, shown region
])
def test_d6_redactor_finds_every_form(text: str, expected: str) -> None:
    from ihltag.report.redact import Redactor

    assert Redactor(["Inékar IDP camp"], shown=["Mopti", "MLI"]).text(text) == expected


@pytest.mark.parametrize("url", [
    "https://example.org/In%C3%A9kar-raid", "https://example.org/In%25C3%25A9kar",
    "https://example.org/?q=In%C3%A9kar+camp", "https://example.org/inekarraid",
    "https://xn--inkar-csa.example/", "https://INEKAR.example/x",
])
def test_d6_urls_naming_the_place_are_dropped(url: str) -> None:
    from ihltag.report.redact import Redactor

    red = Redactor(["Inékar IDP camp"])
    assert red.url(url) is None
    assert red.url("https://example.org/mali-2025") == "https://example.org/mali-2025"


def test_d6_short_names_are_whole_words() -> None:
    from ihltag.report.redact import Redactor

    assert Redactor(["Ber"]).text("In Ber, in September") == f"In {WITHHELD}, in September"
    assert Redactor(["Bé"]).text("Bé: to be or Bébé") == f"{WITHHELD}: to be or Bébé"
    assert Redactor(["Tonou-Na"]).text("Tonou Na; Na; nation") == f"{WITHHELD}; {WITHHELD}; nation"
