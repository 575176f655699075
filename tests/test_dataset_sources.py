"""The Mali dataset against its sources (issues 4 and 11) and against the qualifications
the sources' own legal analysis gives (issue 3).

Data-driven from ``tests/data/source_passages_*.yaml`` (format: /work/wt/DATASET-V2.md,
summarised in docs/dataset.md). A data file declares the months it ``covers``; every
incident starting in that range has exactly one entry, which lists the exact passages of
the documents in ``shared/sources`` that support each deciding fact the file records, a few
expected facts, and every finding the real engine gives on the incident (no more, no
fewer). Support paths contain brackets, so quote them in a flow list
(``supports: ["acts[0].ordered", "perpetrators[0]"]``) or write a block list. Together
the data files cover every incident of the dataset.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from _paths import DATASET, ROOT, RULES, SOURCES

from ihltag.engine import Engine, Finding
from ihltag.models import Incident, Range
from ihltag.registry import Registry, fold, load_registry
from ihltag.rules import load_pack
from ihltag.yamlsafe import read_file

if not SOURCES.is_dir():  # the documents live outside the repository
    pytest.skip(f"source documents not found in {SOURCES}", allow_module_level=True)

PASSAGE_FILES = sorted((ROOT / "tests" / "data").glob("source_passages_*.yaml"))

# The facts that decide an element of some finding (docs/dataset.md, "Encoding policy"):
# each one recorded on an act must be named in the `supports` of a passage of its entry.
DECIDING = (
    "targeting", "military_objective_present", "military_use", "in_custody",
    "direct_participation", "demand", "demand_to", "ordered", "compelled", "reason",
    "fate_disclosed", "incommunicado", "judicial_review", "status_disputed", "owner_adverse",
    "deny_sustenance", "relief_blocked", "starvation_intent", "levy", "mutilation",
    "victim_groups", "count",
)
EXPECT_KEYS = {"date", "place", "admin1", "actors", "killed_low", "aggregate"}
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@cache
def registry() -> Registry:
    return load_registry(DATASET)


@cache
def incidents() -> dict[str, tuple[Path, Incident]]:
    out: dict[str, tuple[Path, Incident]] = {}
    for path in sorted(DATASET.glob("20*/*.yaml")):
        incident = Incident.model_validate(read_file(path, str(path)).data)
        assert incident.id not in out, f"{incident.id} in {path} and {out[incident.id][0]}"
        out[incident.id] = (path, incident)
    return out


@cache
def raw(incident_id: str) -> dict[str, Any]:
    """The incident file as written (a field that is absent was not recorded)."""
    data: dict[str, Any] = read_file(incidents()[incident_id][0]).data
    return data


@cache
def engine() -> Engine:
    return Engine(load_pack(RULES), registry())


@cache
def source_text(name: str) -> str:
    return (SOURCES / name).read_text(encoding="utf-8")


@cache
def data_file(path: Path) -> Any:
    return read_file(path, path.name).data


def _part(path: Path) -> str:
    return path.stem.removeprefix("source_passages_")


# --- the data files: a mapping with `covers` and `incidents` ---------------------------------

def new_files() -> list[Path]:
    return PASSAGE_FILES


def new_entries() -> list[Any]:
    return [pytest.param(e, id=f"{_part(p)}-{e['incident']}")
            for p in new_files() for e in data_file(p)["incidents"]]


def _month(date: str) -> str:
    """The month an incident starts in; a year-only date starts in its January."""
    start = date.split("/")[0][:7]
    return start if len(start) == 7 else f"{start}-01"


def _covered(path: Path, date: str) -> bool:
    covers = data_file(path)["covers"]
    return str(covers["from"]) <= _month(date) <= str(covers["to"])


def resolve(data: Any, path: str) -> Any:
    """The value at a support path (`acts[0].ordered`, `perpetrators[1]`,
    `acts[2].perpetrators[0]`, `casualties.killed`); KeyError/IndexError when absent."""
    value = data
    for step in path.split("."):
        m = _STEP.fullmatch(step)
        if m is None:
            raise KeyError(f"bad support path {path!r}")
        value = value[m[1]]
        if m[2] is not None:
            value = value[int(m[2])]
    return value


def recorded_deciding_facts(data: dict[str, Any]) -> set[str]:
    """Every deciding fact the file records, as support paths."""
    out = {f"perpetrators[{n}]" for n in range(len(data["perpetrators"]))}
    out |= {f"casualties.{kind}" for kind in (data.get("casualties") or {})}
    for n, act in enumerate(data["acts"]):
        out |= {f"acts[{n}].perpetrators[{m}]" for m in range(len(act.get("perpetrators") or []))}
        out |= {f"acts[{n}].{fact}" for fact in DECIDING if fact in act
                # `targeting: unknown` states nothing that needs a source
                and not (fact == "targeting" and act[fact] == "unknown")}
    return out


@pytest.mark.parametrize("path", new_files(), ids=_part)
def test_every_covered_incident_has_one_entry(path: Path) -> None:
    data = data_file(path)
    assert set(data) == {"covers", "incidents"}, path.name
    named = Counter(e["incident"] for e in data["incidents"])
    assert [i for i, n in named.items() if n > 1] == [], "incidents listed twice"
    unknown = sorted(set(named) - set(incidents()))
    assert unknown == [], f"no such incident files: {unknown}"
    outside = sorted(i for i in named if not _covered(path, incidents()[i][1].date))
    assert outside == [], f"outside covers {data['covers']}: {outside}"
    covered = {i for i, (_, inc) in incidents().items() if _covered(path, inc.date)}
    assert sorted(covered - set(named)) == [], "incidents in the covered range with no entry"


def test_every_incident_is_covered_once() -> None:
    assert len(PASSAGE_FILES) >= 3
    assert all(isinstance(data_file(p), dict) for p in PASSAGE_FILES)
    for incident_id, (_, inc) in incidents().items():
        files = [p.name for p in new_files() if _covered(p, inc.date)]
        assert len(files) == 1, (incident_id, files)


@pytest.mark.parametrize("entry", new_entries())
def test_passages_are_in_their_sources(entry: dict[str, Any]) -> None:
    data = raw(entry["incident"])
    assert entry["passages"], "an entry needs at least one passage"
    for passage in entry["passages"]:
        assert set(passage) <= {"source", "text", "supports"}, passage
        assert passage["text"] in source_text(passage["source"]), (
            f"not in {passage['source']}: {passage['text']!r}")
        for support in passage.get("supports") or []:
            try:
                resolve(data, support)
            except (KeyError, IndexError, TypeError):
                pytest.fail(f"{support} is not recorded in {entry['incident']}")


@pytest.mark.parametrize("entry", new_entries())
def test_every_deciding_fact_has_a_passage(entry: dict[str, Any]) -> None:
    supported = {s for p in entry["passages"] for s in p.get("supports") or []}
    missing = sorted(recorded_deciding_facts(raw(entry["incident"])) - supported)
    assert missing == [], f"recorded with no supporting passage: {missing}"


@pytest.mark.parametrize("entry", new_entries())
def test_expected_facts(entry: dict[str, Any]) -> None:
    expect = entry["expect"]
    assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
    check_expect(incidents()[entry["incident"]][1], expect)
    if "aggregate" in expect:
        assert bool(raw(entry["incident"]).get("aggregate", False)) is expect["aggregate"]


@pytest.mark.parametrize("entry", new_entries())
def test_findings_are_exactly_the_engines(entry: dict[str, Any]) -> None:
    got = {f"{f.rule} acts[{f.act}]": f.status for f in findings(entry["incident"]) if f.status}
    assert got == (entry.get("findings") or {})


# --- helpers ---------------------------------------------------------------------------------

def findings(incident_id: str) -> list[Finding]:
    return engine().evaluate(incidents()[incident_id][1])


def _killed_low(incident: Incident) -> int | None:
    killed = incident.casualties.killed if incident.casualties else None
    if isinstance(killed, Range):
        return killed.low if killed.low is not None else killed.central
    return killed


def check_expect(incident: Incident, expect: dict[str, Any]) -> None:
    assert incident.date == str(expect["date"])
    if "place" in expect:
        assert incident.location.place is not None
        assert fold(expect["place"]) == fold(incident.location.place)
    if "admin1" in expect:
        assert incident.location.admin1 is not None
        assert fold(expect["admin1"]) == fold(incident.location.admin1)
    actors = []
    for p in incident.perpetrators:
        actor = registry().resolve(p.actor)
        actors.append(actor.id if actor else p.actor)
    assert sorted(actors) == sorted(expect["actors"])
    if "killed_low" in expect:
        assert _killed_low(incident) == expect["killed_low"]


# --- the dataset as a whole ---------------------------------------------------------------

def test_every_incident_has_a_source() -> None:
    assert len(incidents()) >= 60
    for incident_id, (_, incident) in incidents().items():
        assert incident.sources, incident_id
        assert all(s.publisher.strip() and s.title.strip() for s in incident.sources), incident_id


def test_file_name_is_the_incident_id_and_year() -> None:
    for incident_id, (path, incident) in incidents().items():
        assert path.stem == incident_id
        assert path.parent.name == incident.date[:4], path


def test_no_duplicate_events() -> None:
    """Two incidents on the same date at the same place are the same event told twice."""
    seen = Counter((i.date, fold(i.location.place or i.location.admin1 or i.location.country))
                   for _, i in incidents().values())
    assert [k for k, n in seen.items() if n > 1] == []


def test_check_is_clean(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = cli("check", str(DATASET), "--no-cache", "--format", "json")
    data = json.loads(out)
    assert code == 0, err
    assert data["errors"] == []
    assert (data["summary"]["errors"], data["summary"]["warnings"]) == (0, 0)
    assert data["summary"]["files"] == data["summary"]["incidents"] == len(incidents())
    code, out, _ = cli("check", str(DATASET), "--no-cache", "--strict")
    assert code == 0
    assert re.search(r"\b0 errors, 0 warnings\b", out), out[-300:]


def test_every_actor_named_is_in_the_registry() -> None:
    for incident_id, (_, incident) in incidents().items():
        for p in incident.perpetrators:
            assert p.actor == "unidentified" or registry().resolve(p.actor), (incident_id, p.actor)


# --- the qualifications RULAC gives (issues 3 and 11, point 4) --------------------------------

RULAC = "000_75835d26287cc226.txt"


def _one(predicate: Callable[[Incident], bool]) -> list[str]:
    return sorted(i for i, (_, inc) in incidents().items() if predicate(inc))


def _finding(incident_id: str, rule: str, act: int) -> Finding:
    (f,) = [f for f in findings(incident_id) if f.rule == rule and f.act == act]
    return f


def _provisions(f: Finding) -> list[str]:
    return [w.provision for w in f.war_crimes]


def test_central_mali_burnings_under_rule_50() -> None:
    """RULAC: JNIM's "destruction and seizure of civilian property", aimed at communities
    "perceived as supporting the Dan Na Ambassagou militia": adverse owners, no military
    reason, so Rule 50 (and pillage of the cattle) on the campaign and on Tilé."""
    assert "targeting communities perceived as supporting the Dan Na Ambassagou" in (
        source_text(RULAC))
    for incident_id in ("mli-2024-06-central-mali", "mli-2024-06-tile"):
        _, incident = incidents()[incident_id]
        (burn,) = [n for n, a in enumerate(incident.acts) if a.type == "destruction"]
        assert incident.acts[burn].owner_adverse is True
        assert incident.acts[burn].reason == "unjustified"
        f = _finding(incident_id, "CIHL-50", burn)
        assert f.status == "violation" and not f.presumed
        assert _provisions(f) == ["Rome Statute art. 8(2)(e)(xii)"]
        (cattle,) = [n for n, a in enumerate(incident.acts) if a.type == "looting"]
        assert _finding(incident_id, "CIHL-52", cattle).status == "violation"


def test_attacks_directed_against_civilians() -> None:
    """RULAC lists Ménaka and Dembo Songo Anna under "Attacks directed against civilians":
    both are recorded as directed; the doubt rule (Rule 6) decides direct participation,
    so the violation is marked presumed and carries no war-crime provision."""
    heading = "Attacks directed against civilians\n\nSince July 2024"
    assert heading in source_text(RULAC)
    for incident_id in ("mli-2024-07-19-menaka", "mli-2024-07-21-dembo-songo-anna"):
        _, incident = incidents()[incident_id]
        assert incident.acts[0].targeting == "directed"
        f = _finding(incident_id, "CIHL-1", 0)
        assert (f.status, f.presumed, f.war_crimes) == ("violation", True, ())
        assert not [g for g in findings(incident_id) if g.act == 0
                    and g.rule in ("CIHL-11", "CIHL-14", "CIHL-15")]


@pytest.mark.parametrize(("incident_id", "passage"), [
    ("mli-2024-08-25-tinzaouaten",
     "Nothing indicates the presence of a military objective in the pharmacy or nearby."),
    ("mli-2024-10-21-inadiatafane",
     "Nothing indicates the presence of a military objective in the market."),
])
def test_no_military_objective_leaves_review_flags(incident_id: str, passage: str) -> None:
    """RULAC's "nothing indicates a military objective" is recorded as exactly that; it
    says the strikes were "indiscriminate or disproportionate" without choosing, so the
    aim stays unknown: Rules 1/7, 11 and 15 are review flags, Rule 14 is excluded, and
    nothing is inferred from where the strikes landed."""
    assert passage in source_text(RULAC)
    _, incident = incidents()[incident_id]
    for n, act in enumerate(incident.acts):
        assert act.type == "attack" and act.military_objective_present is False
        assert act.targeting in (None, "unknown")
        got = {f.rule: f.status for f in findings(incident_id) if f.act == n}
        distinction = "CIHL-1" if act.target == "civilians" else "CIHL-7"
        assert got == {distinction: "possible", "CIHL-11": "possible", "CIHL-15": "possible"}
        assert "targeting" in _finding(incident_id, "CIHL-11", n).decide


def test_the_pharmacy_is_not_a_medical_unit() -> None:
    _, incident = incidents()["mli-2024-08-25-tinzaouaten"]
    assert incident.acts[0].target == "private_property"
    assert not [f for f in findings("mli-2024-08-25-tinzaouaten") if f.rule == "CIHL-28"]


def test_ordered_displacement_in_fatakara() -> None:
    """RULAC: armed men "ordered everyone to leave" and "No fighting appears to have taken
    place in the village": an order with no military reason."""
    assert "No fighting appears to have taken place in the village" in source_text(RULAC)
    (fatakara,) = _one(lambda i: fold(i.location.place or "") == fold("Fatakara"))
    _, incident = incidents()[fatakara]
    (n,) = [n for n, a in enumerate(incident.acts) if a.type == "displacement"]
    assert (incident.acts[n].ordered, incident.acts[n].reason) == (True, "unjustified")
    f = _finding(fatakara, "CIHL-129", n)
    assert f.status == "violation"
    assert _provisions(f) == ["Rome Statute art. 8(2)(e)(viii)"]


def test_a_demand_made_of_the_captive_is_not_hostage_taking() -> None:
    """Nioro: JNIM demanded that the khalif himself stop dealing with the government."""
    assert "demanding he cease his interactions with the Malian government" in (
        source_text(RULAC))
    _, incident = incidents()["mli-2024-12-nioro"]
    assert incident.acts[0].demand_to == "victim"
    assert not [f for f in findings("mli-2024-12-nioro") if f.rule == "CIHL-96"]


def test_ap_ii_applies_to_the_issp_only_from_the_date_rulac_gives() -> None:
    assert "By the end of the reporting period, the NIAC with the ISSP had also become " \
        "governed by the Protocol." in source_text(RULAC)
    law = registry().nexus(incidents()["mli-2024-07-19-menaka"][1]).law
    assert law is not None and "customary_ihl" in law
    assert "additional_protocol_ii" not in law


def test_child_recruitment_split_per_actor() -> None:
    """113 children by JNIM, the rest by groups the sources do not name; the UN counts
    under-18s, so Rule 136 (a war crime only under 15) stays open."""
    assert "principally JNIM (113 children)" in source_text(RULAC)
    _, incident = incidents()["mli-2024-mali-child-recruitment"]
    assert incident.aggregate is True
    by_actor = {a.perpetrators[0].actor: a for a in incident.acts if a.perpetrators}
    assert by_actor["JNIM"].count == 113 and by_actor["unidentified"].count is None
    assert {f.status for f in findings(incident.id) if f.rule == "CIHL-136"} == {"possible"}
