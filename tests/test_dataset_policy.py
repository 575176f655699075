"""The dataset's encoding policy (docs/dataset.md, issue 11), checked over every file.

These are the rules a reviewer would otherwise check by hand and that users copy: one
attribution policy, `targeting` only where it means something, aggregate records kept
out of report totals, and summaries written for publication. The files are read as
written (raw YAML), so an omitted field is visibly omitted.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from _paths import DATASET

from ihltag.dataset import incident_files
from ihltag.yamlsafe import read_file

Run = Callable[..., tuple[int, str, str]]


@cache
def files() -> dict[str, tuple[Path, dict[str, Any]]]:
    out: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in incident_files(DATASET):
        data: dict[str, Any] = read_file(path).data
        out[data["id"]] = (path, data)
    return out


def perpetrators(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every perpetrator entry of an incident, with where it is written."""
    for n, p in enumerate(data["perpetrators"]):
        yield f"perpetrators[{n}]", p
    for n, act in enumerate(data["acts"]):
        for m, p in enumerate(act.get("perpetrators") or []):
            yield f"acts[{n}].perpetrators[{m}]", p


def test_the_dataset_is_there() -> None:
    assert len(files()) >= 60


def test_unidentified_is_never_confirmed_or_claimed() -> None:
    bad = [(i, where, p["attribution"]) for i, (_, data) in files().items()
           for where, p in perpetrators(data)
           if p["actor"] == "unidentified" and p["attribution"] in ("confirmed", "claimed")]
    assert bad == []


def test_one_actor_per_either_or() -> None:
    """'Wagner or Africa Corps' is one unidentified perpetrator, never both forces."""
    bad = []
    for i, (_, data) in files().items():
        groups = [[p["actor"] for p in data["perpetrators"]]]
        groups += [[p["actor"] for p in a["perpetrators"]] for a in data["acts"]
                   if a.get("perpetrators")]
        bad += [i for g in groups if {"Wagner", "AfricaCorps"} <= set(g)]
    assert bad == []


def test_targeting_only_on_attacks() -> None:
    bad = [(i, n, a["type"]) for i, (_, data) in files().items()
           for n, a in enumerate(data["acts"]) if "targeting" in a and a["type"] != "attack"]
    assert bad == []


def test_no_deprecated_reason() -> None:
    bad = [(i, n) for i, (_, data) in files().items()
           for n, a in enumerate(data["acts"]) if a.get("reason") == "none_given"]
    assert bad == []


def test_aggregate_is_a_field_not_a_tag() -> None:
    """The `aggregate` field is what reports read; a tag alone would not keep a record out
    of the totals."""
    bad = [i for i, (_, data) in files().items()
           if "aggregate" in (data.get("tags") or []) and data.get("aggregate") is not True]
    assert bad == []
    assert any(data.get("aggregate") is True for _, data in files().values())


# "the document" (which one?), the encoder's own vocabulary, and field names are
# encoding talk: they belong in `notes`, not in text a report prints.
ENCODING_TALK = re.compile(
    r"\bthe document\b|\bencod|\brecorded as\b|\btargeting: |\b[a-z]+_[a-z_]+\b"
    r"|\bjudgement call\b|\bacts\[", re.IGNORECASE)


def test_summaries_are_for_publication() -> None:
    ids = set(files())
    bad = []
    for i, (_, data) in files().items():
        summary = data["summary"]
        named = {x for x in re.findall(r"\bmli-[a-z0-9-]+", summary)} - {i}
        if named & ids or re.search(r"\bmli-\d{4}", summary.replace(i, "")):
            bad.append((i, "names another record"))
        if (m := ENCODING_TALK.search(summary)) is not None:
            bad.append((i, m[0]))
    assert bad == []


def test_responses_cite_a_listed_source() -> None:
    bad = [(i, r) for i, (_, data) in files().items() for r in data.get("responses") or []
           if "source" in r and not 1 <= r["source"] <= len(data["sources"])]
    assert bad == []


def _report(cli: Run, dataset: Path) -> dict[str, Any]:
    code, out, err = cli("report", str(dataset), "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_aggregates_are_kept_out_of_report_totals(cli: Run, tmp_path: Path) -> None:
    """The report's casualty totals are the same with and without the aggregate records:
    they are listed, never added (their events overlap the individual records)."""
    aggregates = [path for path, data in files().values() if data.get("aggregate") is True]
    assert aggregates
    without = tmp_path / "incidents"
    shutil.copytree(DATASET, without)
    for path in aggregates:
        (without / path.relative_to(DATASET)).unlink()
    full, rest = _report(cli, DATASET), _report(cli, without)
    assert full["summary"]["totals"] == rest["summary"]["totals"]
    # nor are their findings counted (issue 14): listed apart, the counts are the same
    for key in ("findings", "violation", "possible", "rules"):
        assert full["summary"][key] == rest["summary"][key], key
    assert full["aggregates"] and all(a["aggregate"] for a in full["aggregates"])
    assert rest["aggregates"] == []
