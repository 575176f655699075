"""Incident format revision 2: the new fields, their checks against the registry and the
file itself, the two new warnings, dated law in conflicts.yaml, and per-act perpetrators
in the nexus."""

from __future__ import annotations

from pathlib import Path

import pytest
from _paths import DATASET, FIXTURES, incident

from ihltag.dataset import check_file
from ihltag.dates import parse_span
from ihltag.models import Conflict, Incident
from ihltag.registry import Registry, RegistryError, load_registry
from ihltag.yamlsafe import read_file

DOC = (DATASET.parent / "docs" / "incident-format.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(DATASET)


def _check(path: Path, registry: Registry) -> tuple[Incident | None, list[str]]:
    result = check_file(path, path.name, registry, None, keep=True)
    return result.incident, [f"{d.line}:{d.column} {d.severity}[{d.code}] {d.message}"
                             for d in result.diagnostics]


def test_revision_2_fixture_reads_every_new_field(registry: Registry) -> None:
    path = FIXTURES / "schema" / "valid" / "revision-2-fields.yaml"
    inc, diags = _check(path, registry)
    assert inc is not None and diags == []
    killing = inc.acts[0]
    assert [p.actor for p in inc.perpetrators_of(killing)] == ["FAMa", "Wagner"]
    assert [p.actor for p in inc.perpetrators_of(inc.acts[1])] == ["JNIM"]  # the incident's
    assert killing.victim_groups == ["children_under_15", "children"]
    assert killing.status_disputed is True and killing.in_custody is True
    assert inc.acts[1].demand_to == "third_party"
    assert inc.acts[2].target == "medical_transport" and inc.acts[2].military_use is False
    assert inc.acts[8].type == "desecration" and inc.acts[8].mutilation is True
    assert inc.responses is not None and inc.responses[0].source == 1
    assert inc.responses[1].date is None and inc.responses[1].source is None
    assert inc.notes and inc.aggregate is False
    # omitted revision-2 flags stay unknown, never false
    assert inc.acts[3].levy is None and inc.acts[3].mutilation is None


def test_a_revision_1_file_is_untouched_by_the_defaults(registry: Registry) -> None:
    inc, _ = _check(FIXTURES / "valid" / "partial-dates.yaml", registry)
    assert inc is not None
    assert inc.aggregate is False and inc.responses is None and inc.notes is None
    assert all(a.perpetrators is None for a in inc.acts)


def _documented(title: str) -> str:
    return DOC.split(title, 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_documented_second_example_is_valid(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "mli-2025-02-14-example.yaml"
    path.write_text(_documented("## A second example"), encoding="utf-8")
    inc, diags = _check(path, registry)
    assert diags == [] and inc is not None
    killing = inc.acts[0]
    assert killing.type == "killing" and killing.in_custody is True
    assert [p.actor for p in inc.perpetrators_of(killing)] == ["Wagner", "FAMa"]
    assert inc.casualties is not None and inc.casualties.killed is not None
    assert getattr(inc.casualties.killed, "best", None) == 20
    assert inc.responses is not None and inc.responses[0].summary.startswith("Denied")


def test_none_given_is_accepted_with_a_located_deprecation_warning(
        mini_dataset: Path, registry: Registry) -> None:
    path = incident(mini_dataset, "mli-old-reason",
                    **{"  - type: looting\n": "  - type: displacement\n    reason: none_given\n"
                       "    target: civilians\n  - type: looting\n"})
    inc, diags = _check(path, registry)
    assert inc is not None and inc.acts[1].reason == "none_given"
    line = path.read_text(encoding="utf-8").splitlines().index("    reason: none_given") + 1
    assert diags == [f"{line}:13 warning[deprecated-value] acts[1].reason: 'none_given' is "
                     "deprecated: write 'unjustified' when the sources show that no security "
                     "or military reason existed, or omit 'reason' when they do not say"]


def test_incidental_harm_without_a_military_objective_is_a_located_contradiction(
        mini_dataset: Path, registry: Registry) -> None:
    path = incident(mini_dataset, "mli-contradiction",
                    **{"  - type: looting\n": "  - type: attack\n    target: civilians\n"
                       "    military_objective_present: false\n    targeting: incidental\n"
                       "  - type: looting\n"})
    _, diags = _check(path, registry)
    line = path.read_text(encoding="utf-8").splitlines().index("    targeting: incidental") + 1
    assert len(diags) == 1
    assert diags[0].startswith(f"{line}:16 warning[contradiction] acts[1]: 'targeting: "
                               "incidental' means harm incidental to an attack on a military "
                               "objective")
    assert "contradicts itself" in diags[0]
    # either fact alone is no contradiction
    path.write_text(path.read_text(encoding="utf-8").replace(
        "military_objective_present: false", "military_objective_present: true"), "utf-8")
    assert _check(path, registry)[1] == []


# --- dated law in conflicts.yaml ------------------------------------------------------------


def _conflict(**law: object) -> Conflict:
    return Conflict.model_validate({"id": "c-x", "name": "C", "classification": "NIAC",
                                    "country": "MLI", "parties": ["FAMa"], "start": "2017",
                                    **law})


def test_law_in_force_counts_from_the_first_day_and_never_for_an_earlier_date() -> None:
    c = _conflict(law=["common_article_3", {"name": "additional_protocol_ii", "from": "2025-06"}])
    on = lambda text: c.law_on(parse_span(text))  # noqa: E731
    assert on("2024-07") == ("common_article_3",)
    assert on("2025-05-31") == ("common_article_3",)
    assert on("2025-06") == ("common_article_3", "additional_protocol_ii")
    assert on("2025-06-01") == ("common_article_3", "additional_protocol_ii")
    assert on("2025-09") == ("common_article_3", "additional_protocol_ii")
    # a range that may fall before the date does not get the law
    assert on("2025-05/2025-07") == ("common_article_3",)
    assert _conflict().law_on(parse_span("2025")) is None  # not recorded: unknown


def test_the_issp_conflict_gets_ap_ii_only_from_june_2025(registry: Registry) -> None:
    issp = registry.conflicts["mli-issp"]
    assert "additional_protocol_ii" not in (issp.law_on(parse_span("2024-07")) or ())
    assert "additional_protocol_ii" not in (issp.law_on(parse_span("2025-05")) or ())
    assert "additional_protocol_ii" in (issp.law_on(parse_span("2025-06")) or ())
    assert "additional_protocol_ii" in (registry.conflicts["mli-jnim"].law_on(
        parse_span("2024-07")) or ())


def _registry_errors(tmp_path: Path, law: str) -> list[str]:
    (tmp_path / "actors.yaml").write_text((DATASET / "actors.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "conflicts.yaml").write_text(
        "- id: mli-issp\n  name: x\n  classification: NIAC\n  country: MLI\n"
        f"  parties: [FAMa]\n  start: 2023\n  law:\n{law}", encoding="utf-8")
    try:
        load_registry(tmp_path)
    except RegistryError as exc:
        return [f"{d.line}:{d.column} {d.code} {d.message}" for d in exc.diagnostics]
    return []


def test_dated_law_entries_are_validated_with_their_place(tmp_path: Path) -> None:
    assert _registry_errors(tmp_path, "    - common_article_3\n"
                            "    - {name: rome_statute_2019_starvation, from: 2024-01-01}\n") == []
    assert _registry_errors(tmp_path, "    - common_articl_3\n"
                            "    - {name: additional_protocol_ii, from: 2025-13}\n"
                            "    - {nam: additional_protocol_ii, from: 2025-01}\n"
                            "    - {name: additional_protocol_ii}\n") == [
        "8:7 unknown-value law[0]: unknown law 'common_articl_3'; did you mean "
        "'common_article_3'?",
        "9:44 invalid-date law[1].from: '2025-13': month 13 does not exist",
        "10:7 missing-key missing required key 'law[2].name'",
        "10:8 unknown-key unknown key 'nam'; did you mean 'name'?",
        "11:7 missing-key missing required key 'law[3].from'",
    ]


def test_the_conflicts_schema_accepts_dated_law_and_rejects_a_bad_name() -> None:
    import jsonschema

    from ihltag.schema import schema_for

    check = jsonschema.Draft7Validator(schema_for("conflicts"))
    assert list(check.iter_errors(read_file(DATASET / "conflicts.yaml").data)) == []
    base = {"id": "c1", "name": "C", "classification": "NIAC", "country": "MLI",
            "parties": ["A"], "start": 2015}
    assert not list(check.iter_errors([{**base, "law": [
        "customary_ihl", {"name": "additional_protocol_ii", "from": "2025-06"}]}]))
    assert list(check.iter_errors([{**base, "law": ["custom_ihl"]}]))
    assert list(check.iter_errors([{**base, "law": [{"name": "additional_protocol_ii"}]}]))
    assert list(check.iter_errors([{**base, "law": [{"name": "additional_protocol_ii",
                                                     "from": "June 2025"}]}]))


# --- per-act perpetrators in the nexus ------------------------------------------------------


def _make(registry: Registry, **extra: object) -> Incident:
    data: dict[str, object] = {
        "id": "mli-act-perpetrators", "title": "T", "date": "2025-02-14",
        "location": {"country": "MLI"},
        "perpetrators": [{"actor": "unidentified", "attribution": "suspected"}],
        "acts": [{"type": "killing", "target": "civilians", "in_custody": True,
                  "perpetrators": [{"actor": "Wagner", "attribution": "alleged"}]},
                 {"type": "looting", "target": "livestock"}],
        "sources": [{"publisher": "P", "title": "T"}], "summary": "S"}
    data.update(extra)
    return Incident.model_validate(data)


def test_an_act_with_its_own_perpetrators_has_its_own_party_and_nexus(
        registry: Registry) -> None:
    inc = _make(registry)
    whole = registry.nexus(inc)
    assert (whole.party, whole.nexus) == (None, None)  # unidentified: unknown
    own = registry.act_nexus(inc, inc.acts[0], whole)
    assert (own.party, own.nexus) == (True, True)
    assert {c.id for c in own.conflicts} == {"mli-jnim", "mli-issp", "mli-fla"}
    assert own.law is None  # several conflicts fit: the law is not established
    assert registry.act_nexus(inc, inc.acts[1], whole) is whole


def test_the_nexus_carries_the_law_in_force_on_the_incidents_date(registry: Registry) -> None:
    issp = [{"actor": "ISSP", "attribution": "alleged"}]
    before = registry.nexus(_make(registry, perpetrators=issp, date="2024-07"))
    after = registry.nexus(_make(registry, perpetrators=issp, date="2025-06"))
    assert [c.id for c in before.conflicts] == ["mli-issp"]
    assert before.law is not None and "additional_protocol_ii" not in before.law
    assert after.law is not None and "additional_protocol_ii" in after.law
    assert "common_article_3" in before.law and "rome_statute" in before.law
