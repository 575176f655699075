"""D14: a mistyped ``confidential`` flag must not switch redaction off.

A source is confidential unless its flag is literally ``false`` (or absent): ``yes``,
``"true"``, ``1`` or a misspelt key keep its values out of every check format and out of
the cache, while the file is reported invalid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., tuple[int, str, str]]

SECRET_URL = "ftp://witness-net.example/interview-7"
SECRET_DATE = "2099-01-01"

INCIDENT = """\
id: mli-2025-03-10-conf
title: A good incident
date: 2025-03-10
location: {{country: MLI, admin1: Mopti, place: Tilé}}
perpetrators: [{{actor: JNIM, attribution: alleged}}]
acts: [{{type: looting, target: livestock}}]
sources:
  - publisher: Witness network
    title: Interview 7
    url: "{url}"
    date: "{date}"
    {flag}
summary: Fighters looted cattle.
"""

FLAGS = ["confidential: yes", "confidential: 'true'", "confidential: 1", "confidential: TRUE",
         "confidential: null", "confidental: true", "Confidential: true", "confidential: true"]


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wherever the cache lives (dataset or user cache folder), it lives under tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))


@pytest.mark.parametrize("flag", FLAGS)
def test_d14_mistyped_flag_keeps_values_out_of_check_output_and_cache(
        flag: str, mini_dataset: Path, tmp_path: Path, cli: Cli) -> None:
    path = mini_dataset / "2025" / "mli-2025-03-10-conf.yaml"
    path.parent.mkdir()
    path.write_text(INCIDENT.format(url=SECRET_URL, date=SECRET_DATE, flag=flag),
                    encoding="utf-8")
    seen = []
    for fmt in ("text", "json", "github", "sarif"):
        for cache in ((), ("--no-cache",)):
            code, out, err = cli("check", str(mini_dataset), "-f", fmt, *cache)
            assert code == 1, (fmt, out, err)  # the source's URL and date are invalid
            seen.append(out + err)
    assert all("url" in s and "withheld" in s for s in seen)
    for text in seen:
        assert SECRET_URL not in text and SECRET_DATE not in text and "witness-net" not in text
    # nothing written by the runs (cache, lock or gitignore files) holds the values
    for file in tmp_path.rglob("*"):
        if file.is_file() and file != path:
            data = file.read_bytes()
            assert b"witness-net" not in data and SECRET_DATE.encode() not in data, file


def test_d14_flag_false_or_absent_still_shows_the_values(mini_dataset: Path, cli: Cli) -> None:
    """The predicate fails closed, not blind: a non-confidential source's error quotes it."""
    path = mini_dataset / "2025" / "mli-2025-03-10-conf.yaml"
    path.parent.mkdir()
    for flag in ("confidential: false", ""):
        path.write_text(INCIDENT.format(url=SECRET_URL, date="2025-01-01", flag=flag),
                        encoding="utf-8")
        code, out, _ = cli("check", str(mini_dataset), "-f", "text", "--no-cache")
        assert code == 1
        assert SECRET_URL in out
