"""Incident validation: every error kind on fixture files, with its exact place.

The fixtures in ``tests/fixtures/invalid`` each show one kind of mistake (or several of
one family); ``expected.txt`` beside them lists every diagnostic each must produce. A
property test then throws random and mutated YAML at the reader and the models: the
answer is always a valid incident or a list of located errors, never a traceback.
"""

from __future__ import annotations

import string
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from _paths import DATASET, FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ihltag import vocab
from ihltag.dataset import check_file
from ihltag.models import Conflict, Incident, Range
from ihltag.registry import Registry, load_registry
from ihltag.results import FileResult
from ihltag.validation import validate
from ihltag.yamlsafe import YamlError, parse_text

INVALID = FIXTURES / "invalid"
VALID = FIXTURES / "valid"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(DATASET)


def _expectations() -> dict[str, tuple[int | None, list[tuple[str, int, int, str]]]]:
    table: dict[str, tuple[int | None, list[tuple[str, int, int, str]]]] = {}
    for raw in (INVALID / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        name, code, where, fragment = raw.split(None, 3)
        count, rows = table.get(name, (None, []))
        if code == "at-least":
            table[name] = (int(where), rows)
            continue
        line, col = where.split(":")
        rows.append((code, int(line), int(col), fragment))
        table[name] = (count, rows)
    return table


EXPECTED = _expectations()


def check(path: Path, registry: Registry) -> FileResult:
    return check_file(path, path.name, registry, None, keep=True)


def test_every_invalid_fixture_has_expectations() -> None:
    files = {p.name for p in INVALID.glob("*.yaml")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture(name: str, registry: Registry) -> None:
    count, rows = EXPECTED[name]
    result = check(INVALID / name, registry)
    got = [(d.code, d.line, d.column) for d in result.diagnostics]
    wanted = [(code, line, col) for code, line, col, _ in rows]
    if count is None:
        assert sorted(got) == sorted(wanted)
    else:
        assert len(got) == count
        assert set(wanted) <= set(got)
    for code, line, col, fragment in rows:
        texts = [d.message for d in result.diagnostics
                 if (d.code, d.line, d.column) == (code, line, col)]
        assert any(fragment in t for t in texts), (fragment, texts)
    assert all(d.file == name and d.severity == "error" for d in result.diagnostics)
    assert not result.valid
    assert result.incident is None or result.diagnostics


@pytest.mark.parametrize("name", sorted(p.name for p in VALID.glob("*.yaml")))
def test_valid_fixture(name: str, registry: Registry) -> None:
    result = check(VALID / name, registry)
    assert result.diagnostics == []
    assert isinstance(result.incident, Incident)
    assert result.id == name.removesuffix(".yaml")


def test_yaml11_values_reach_the_model_unchanged(registry: Registry) -> None:
    incident = check(VALID / "yaml11-surprises.yaml", registry).incident
    assert incident is not None
    assert incident.location.place == "NO"
    assert incident.location.admin2 == "on"
    assert incident.acts[0].note == "1:30"
    assert incident.tags == ["no", "yes", "off", "1e3", "0777", "0x1F", ".inf", "~x"]


def test_alias_matching_resolves_every_spelling(registry: Registry) -> None:
    incident = check(VALID / "alias-matching.yaml", registry).incident
    assert incident is not None
    resolved = [registry.resolve(p.actor) for p in incident.perpetrators]
    assert [a.id if a else None for a in resolved] == ["JNIM", "ISSP", None]


def test_partial_dates_keep_their_precision(registry: Registry) -> None:
    incident = check(VALID / "partial-dates.yaml", registry).incident
    assert incident is not None
    assert (incident.span.start, incident.span.end) == (date(2024, 8, 1), date(2024, 9, 3))
    assert incident.sources[0].date == "2024"  # written unquoted, read as a year
    assert incident.casualties is not None
    killed = incident.casualties.killed
    assert isinstance(killed, Range) and (killed.low, killed.best, killed.high) == (1, 1, 3)
    assert incident.location.sensitive is True


# --- the model, field by field ------------------------------------------------------------

BASE = (VALID / "partial-dates.yaml").read_text(encoding="utf-8")


def incident_errors(text: str) -> list[tuple[str, int, int, str]]:
    doc = parse_text("i.yaml", text)
    model, diags = validate(doc, Incident)
    assert (model is None) == bool(diags)
    return [(d.code, d.line, d.column, d.message) for d in diags]


def with_act(extra: str) -> str:
    """The base incident with ``extra`` (indented key: value lines) added to its first act."""
    old = "  - type: destruction\n"
    assert old in BASE
    return BASE.replace(old, old + extra, 1)


@pytest.mark.parametrize("field, table", [
    ("type", vocab.ACT_TYPES), ("target", vocab.TARGETS), ("means", vocab.MEANS),
    ("targeting", vocab.TARGETING), ("reason", vocab.REASONS),
])
def test_every_act_vocabulary_value_is_accepted(field: str, table: vocab.Vocab) -> None:
    for value in table:
        text = BASE.replace("  - type: destruction\n    means: arson\n    target: dwellings\n",
                            "  - type: destruction\n    means: arson\n    target: dwellings\n"
                            if field in {"type", "target", "means"} else
                            f"  - type: destruction\n    means: arson\n    target: dwellings\n"
                            f"    {field}: {value}\n", 1)
        if field in {"type", "target", "means"}:
            text = text.replace({"type": "type: destruction", "target": "target: dwellings",
                                 "means": "means: arson"}[field], f"{field}: {value}", 1)
        assert incident_errors(text) == [], (field, value)


@pytest.mark.parametrize("value", list(vocab.VICTIM_GROUPS))
def test_victim_groups(value: str) -> None:
    assert incident_errors(with_act(f"    victim_groups: [{value}]\n")) == []


@pytest.mark.parametrize("field, table", [
    ("kind", vocab.SOURCE_KINDS), ("reliability", vocab.RELIABILITY),
    ("credibility", vocab.CREDIBILITY),
])
def test_every_source_vocabulary_value_is_accepted(field: str, table: vocab.Vocab) -> None:
    for value in table:
        text = BASE.replace("    kind: ngo_report\n", f"    kind: ngo_report\n    {field}: {value}\n"
                            if field != "kind" else f"    kind: {value}\n", 1)
        assert incident_errors(text) == [], (field, value)


@pytest.mark.parametrize("attribution", list(vocab.ATTRIBUTION))
@pytest.mark.parametrize("involvement", list(vocab.INVOLVEMENT))
def test_perpetrator_vocabularies(attribution: str, involvement: str) -> None:
    text = BASE.replace("    attribution: alleged\n",
                        f"    attribution: {attribution}\n    involvement: {involvement}\n", 1)
    assert incident_errors(text) == []


@pytest.mark.parametrize("extra, where, message", [
    ("    in_custody: yes\n", (17, 17), "acts[0].in_custody must be true or false ('yes' is text "
     "here: YAML booleans are only true and false)"),
    ("    released: no\n", (17, 15), "acts[0].released must be true or false ('no' is text here"),
    ("    warning: 0\n", (17, 14), "acts[0].warning must be true or false"),
    ("    victim_groups: children\n", (17, 20), "acts[0].victim_groups must be a list"),
    ("    victim_groups: [women, chidren]\n", (17, 28),
     "acts[0].victim_groups[1]: unknown victim group 'chidren'; did you mean 'children'?"),
    ("    targeting: indiscrimnate\n", (17, 16),
     "acts[0].targeting: unknown targeting 'indiscrimnate'; did you mean 'indiscriminate'?"),
    ("    reason: xyz\n", (17, 13), "(allowed: civilian_safety, imperative_military_reasons"),
    ("    demand: ''\n", (17, 13), "acts[0].demand must not be empty"),
    ("    note: [a]\n", (17, 11), "acts[0].note must be text, not a list"),
    ("    warnings: true\n", (17, 5), "unknown key 'warnings'; did you mean 'warning'?"),
])
def test_act_field_errors(extra: str, where: tuple[int, int], message: str) -> None:
    found = incident_errors(with_act(extra))
    assert len(found) == 1, found
    _, line, col, text = found[0]
    assert (line, col) == where
    assert message in text


@pytest.mark.parametrize("old, new, code, where, fragment", [
    ("date: 2024-08/2024-09-03", "date: 2024-13-01", "invalid-date", (4, 7), "month 13 does not exist"),
    ("date: 2024-08/2024-09-03", "date: 2023-02-29", "invalid-date", (4, 7), "2023-02 has no day 29"),
    ("date: 2024-08/2024-09-03", "date: '2024-8-3'", "invalid-date", (4, 7), "write YYYY-MM-DD"),
    ("date: 2024-08/2024-09-03", "date: 2024-09/2024-08", "invalid-date", (4, 7),
     "ends before it starts"),
    ("date: 2024-08/2024-09-03", f"date: 2024-08/{date.today() + timedelta(days=2)}",
     "invalid-date", (4, 7), "is in the future"),
    ("date: 2024-08/2024-09-03", f"date: {date.today().year + 1}", "invalid-date", (4, 7),
     "is in the future"),
    ("    date: 2024\n", "    date: 2024/2025\n", "invalid-date", (32, 11),
     "is a range; a single date is expected here"),
    ("  lat: 14.36\n", "", "invalid-value", (6, 3), "give both 'lat' and 'lon', or neither"),
    ("  lon: -3.61\n", "  lon: -190\n", "invalid-value", (10, 8), "location.lon must be at least -180"),
    ("  lat: 14.36\n", "  lat: north\n", "wrong-type", (9, 8), "location.lat must be a number"),
    ("  sensitive: true", "  sensitive: yes", "wrong-type", (11, 14), "must be true or false"),
    ("country: MLI", "country: mli", "invalid-value", (6, 12), "not an ISO 3166-1 alpha-3"),
    ("killed: {low: 1, best: 1, high: 3}", "killed: {low: 4, best: 2}", "invalid-value", (26, 11),
     "casualties.killed: must satisfy low ≤ best ≤ high"),
    ("killed: {low: 1, best: 1, high: 3}", "killed: {}", "invalid-value", (26, 11),
     "give at least one of 'low', 'best', 'high'"),
    ("killed: {low: 1, best: 1, high: 3}", "killed: {low: 1, bets: 2}", "unknown-key", (26, 20),
     "unknown key 'bets'; did you mean 'best'?"),
    ("killed: {low: 1, best: 1, high: 3}", "killed: some", "wrong-type", (26, 11),
     "casualties.killed must be a whole number or a group of indented 'key: value' lines, not 'some'"),
    ("count: 500", "count: many", "wrong-type", (19, 12),
     "acts[0].count must be a whole number, not 'many'"),
    ("count: 500", "count: -1", "invalid-value", (19, 12), "acts[0].count must be at least 0, not -1"),
    ("count: 500", "count: true", "wrong-type", (19, 12),
     "acts[0].count must be a whole number, not true"),
    ("count: 500", "count: 1e3", "wrong-type", (19, 12),
     "acts[0].count must be a whole number, not '1e3'"),
    ("  injured: 4", "  wounded: 4", "unknown-key", (27, 3), "unknown key 'wounded'"),
    ("id: partial-dates", "id: Partial_Dates", "invalid-value", (2, 5), "is not a valid id"),
    ("id: partial-dates", "id: pd", "invalid-value", (2, 5), "3 to 80 characters"),
    ("id: partial-dates", "format: 2\nid: partial-dates", "unknown-value", (2, 9),
     "unknown format '2' (allowed: 1)"),
    ("title: JNIM fighters burn and loot Tilé village", "title: " + "t" * 201, "invalid-value",
     (3, 8), "title is too long (at most 200 characters)"),
    ("title: JNIM fighters burn and loot Tilé village", "title: \"two\\nlines\"",
     "invalid-value", (3, 8), "title: must be one line"),
    ("    kind: ngo_report\n", "    kind: ngo_report\n    url: www.hrw.org\n", "invalid-value",
     (34, 10), "'www.hrw.org' is not an http(s) URL"),
    ("    kind: ngo_report\n", "    kind: ngo_report\n    credibility: 9\n", "invalid-value",
     (34, 18), "sources[0].credibility must be at most 6, not 9"),
    ("    kind: ngo_report\n", "    kind: ngo_report\n    confidential: 'true'\n", "wrong-type",
     (34, 19), "sources[0].confidential must be true or false"),
    ("    kind: ngo_report\n", "    kind: NGO report\n", "unknown-value", (33, 11),
     "unknown kind 'NGO report'"),
])
def test_field_errors(old: str, new: str, code: str, where: tuple[int, int],
                      fragment: str) -> None:
    assert old in BASE, old
    found = incident_errors(BASE.replace(old, new, 1))
    assert [(c, ln, col) for c, ln, col, _ in found] == [(code, *where)], found
    assert fragment in found[0][3]


def test_all_errors_of_a_file_are_reported_together() -> None:
    text = (BASE.replace("type: destruction", "type: burning", 1)
            .replace("target: livestock", "target: cattle", 1)
            .replace("country: MLI", "country: ML", 1)
            .replace("summary: >", "summery: >", 1))
    codes = sorted(c for c, *_ in incident_errors(text))
    assert codes == ["invalid-value", "missing-key", "unknown-key", "unknown-value",
                     "unknown-value"]


def test_top_level_must_be_a_mapping() -> None:
    assert incident_errors("just text\n") == [
        ("wrong-type", 1, 1, "expected a group of indented 'key: value' lines at the top level "
         "(id:, title:, …), found 'just text'")]


def test_conflict_end_before_start() -> None:
    doc = parse_text("c.yaml", "id: c1\nname: C\nclassification: NIAC\ncountry: MLI\n"
                     "parties: [FAMa]\nstart: 2020-05\nend: 2019\n")
    model, diags = validate(doc, Conflict)
    assert model is None
    assert [(d.code, d.line, d.column) for d in diags] == [("invalid-value", 1, 1)]
    assert "'end' (2019) is before 'start' (2020-05)" in diags[0].message


# --- property: random and mutated YAML never escapes as an exception -----------------------

VALID_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(VALID.glob("*.yaml"))]
VALID_TEXTS += [p.read_text(encoding="utf-8")
                for p in sorted(DATASET.glob("*/*.yaml"))[:6]]

_YAMLISH = string.ascii_letters + string.digits + " \t\n:-[]{},#&*!|>'\"%@`?~.\\/" + "éü’\u2028\x85"
_KEYS = ["id", "date", "acts", "type", "target", "count", "lat", "lon", "low", "high", "<<",
         "actor", "sources", "in_custody", "killed", "country", "format", "?", "-", "&a", "*a"]
_VALUES = ["no", "yes", "1e3", "1:30", "0777", "~", "[]", "{}", "[[", "&a x", "*a", "!!str x",
           "!!python/object/apply:os.system ['true']", "2024-02-30", "2099", "-1", "true",
           "'", '"', "|", ">", "- a", "{low: 5, high: 1}", "\U0001f600", "\x00", "\ud800x"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["delete", "insert", "swap", "duplicate", "key", "value",
                                     "unicode", "indent"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if kind == "delete" and text:
            a = draw(st.integers(0, len(text) - 1))
            text = text[:a] + text[a + draw(st.integers(1, 40)):]
            continue
        if kind == "insert":
            a = draw(st.integers(0, len(text)))
            text = text[:a] + draw(st.text(_YAMLISH, min_size=1, max_size=12)) + text[a:]
            continue
        if kind == "swap":
            j = draw(st.integers(0, max(0, len(lines) - 1)))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "key":
            indent = " " * draw(st.sampled_from([0, 2, 4, 6]))
            lines.insert(i, f"{indent}{draw(st.sampled_from(_KEYS))}: "
                            f"{draw(st.sampled_from(_VALUES))}")
        elif kind == "value":
            head, sep, _ = lines[i].partition(": ")
            if sep:
                value = draw(st.one_of(st.sampled_from(_VALUES), st.text(max_size=10)))
                lines[i] = f"{head}: {value}"
        elif kind == "unicode":
            a = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:a] + draw(st.text(min_size=1, max_size=4)) + lines[i][a:]
        else:
            lines[i] = draw(st.sampled_from(["", " ", "\t", "   "])) + lines[i]
        text = "\n".join(lines)
    return text


def _assert_clean(result: FileResult, text: str) -> None:
    if result.valid:
        assert isinstance(result.incident, Incident)
        assert result.id == result.incident.id
        return
    assert result.diagnostics
    n_lines = text.count("\n") + 2
    for d in result.diagnostics:
        assert d.file == "prop.yaml"
        assert d.code and d.message and d.severity in {"error", "warning"}
        assert 1 <= d.line <= n_lines and d.column >= 1, d


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.one_of(mutated(), st.text(_YAMLISH, max_size=200)))
def test_random_and_mutated_yaml_never_escapes(text: str, registry: Registry) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    result = check_file(Path("prop.yaml"), "prop.yaml", registry, None, raw=raw, keep=True)
    _assert_clean(result, text)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_random_bytes_never_escape(raw: bytes, registry: Registry) -> None:
    result = check_file(Path("prop.yaml"), "prop.yaml", registry, None, raw=raw, keep=True)
    _assert_clean(result, raw.decode("utf-8", "replace"))


@settings(max_examples=60, deadline=None)
@given(text=mutated())
def test_parse_text_answers_with_data_or_located_errors(text: str) -> None:
    try:
        doc = parse_text("p.yaml", text)
    except YamlError as exc:
        assert exc.diagnostics and all(d.line >= 1 and d.column >= 1 for d in exc.diagnostics)
        return
    model, diags = validate(doc, Incident)
    assert (model is None) != (diags == [])
    data: Any = doc.data
    assert data is None or isinstance(data, dict | list | str | int | float | bool)


def test_numbers_in_text_fields_keep_their_digits() -> None:
    text = BASE.replace("    kind: ngo_report\n", "    kind: ngo_report\n    reference: 12.10\n", 1)
    text = text.replace("  lat: 14.36", "  lat: 14.360", 1)
    doc = parse_text("i.yaml", text)
    model, diags = validate(doc, Incident)
    assert diags == [] and model is not None
    assert model.sources[0].reference == "12.10"
    assert model.location.lat == 14.36


# --- docs/incident-format.md stays true ---------------------------------------------------

DOC = (DATASET.parent / "docs" / "incident-format.md").read_text(encoding="utf-8")


def test_the_documented_full_example_is_valid(tmp_path: Path, registry: Registry) -> None:
    section = DOC.split("## A full example", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "mli-2024-08-24-tile.yaml"
    path.write_text(example, encoding="utf-8")
    result = check(path, registry)
    assert result.diagnostics == []
    assert result.incident is not None
    # "nearly all" fields: every act field but a few is shown
    shown = {k for act in result.incident.acts for k, v in act if v is not None}
    assert len(shown) >= 14


@pytest.mark.parametrize("table", [
    vocab.ACT_TYPES, vocab.TARGETS, vocab.MEANS, vocab.VICTIM_GROUPS, vocab.TARGETING,
    vocab.REASONS, vocab.ATTRIBUTION, vocab.INVOLVEMENT, vocab.SOURCE_KINDS,
    vocab.RELIABILITY, vocab.CREDIBILITY, vocab.ACTOR_KINDS, vocab.CLASSIFICATIONS,
    vocab.DEMAND_TO, vocab.LAWS,
])
def test_every_vocabulary_value_is_documented(table: vocab.Vocab) -> None:
    missing = [value for value in table if f"`{value}`" not in DOC]
    assert missing == []


def test_every_error_code_is_documented() -> None:
    import re

    source = "".join(p.read_text(encoding="utf-8") for p in
                     (DATASET.parent / "ihltag").glob("*.py") if p.name != "rulelang.py")
    emitted = set(re.findall(r'"((?:yaml|unknown|missing|wrong|invalid|duplicate|advice|'
                             r'deprecated)-[a-z-]+|encoding|too-large|unreadable|id-mismatch|'
                             r'reserved-name|contradiction)"', source))
    emitted -= {"unknown-persons"}
    assert emitted
    assert sorted(c for c in emitted if f"| `{c}` |" not in DOC) == []


def test_confidential_source_values_are_not_echoed(mini_dataset: Path) -> None:
    """Check output reaches CI logs and code hosts: an error in a confidential source
    says what is wrong without quoting the value."""
    from ihltag.dataset import check_file
    from ihltag.registry import load_registry

    path = mini_dataset / "mli-secret.yaml"
    text = (FIXTURES / "valid" / "partial-dates.yaml").read_text(encoding="utf-8")
    text = text.replace("id: partial-dates", "id: mli-secret")
    marker = "sources:\n"
    assert marker in text
    text = text.replace(marker, marker + "  - publisher: Witness K. in Sévaré\n"
                        "    title: interview notes\n    url: witness-k-phone-0612345\n"
                        "    confidential: true\n", 1)
    path.write_text(text, encoding="utf-8")
    result = check_file(path, "mli-secret.yaml", load_registry(mini_dataset), None)
    messages = [d.message for d in result.diagnostics]
    assert any("not an http(s) URL" in m for m in messages)
    assert not any("witness-k-phone" in m for m in messages)
    # the same mistake in an ordinary source is quoted, to help fix it
    path.write_text(text.replace("    confidential: true\n", ""), encoding="utf-8")
    result = check_file(path, "mli-secret.yaml", load_registry(mini_dataset), None)
    assert any("witness-k-phone" in d.message for d in result.diagnostics)
