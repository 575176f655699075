"""Running the test cases written inside rule files (``ihltag rules test``, pytest).

A case names one status per act, and may also name, per act, whether a presumption
decided the status, the exact war-crime provisions printed and the facts that would
decide a ``possible``; ``presumptions: false`` runs the case in the strict reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from yaml.nodes import MappingNode, Node

from ihltag.diagnostics import Diagnostic
from ihltag.engine import Engine, Finding
from ihltag.models import Actor, Conflict, Incident
from ihltag.registry import Registry, add_actors, add_conflicts, registry_from_data
from ihltag.rules import Expected, Rule, RulePack
from ihltag.validation import located, validate
from ihltag.yamlsafe import Document, YamlError, read_file

TESTS_FILE = "_tests.yaml"


class TestWorld(BaseModel):
    """``_tests.yaml``: the registry the inline tests run in, and the incident each test's
    ``incident`` is merged over (its top-level keys replace the base's)."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(extra="forbid", frozen=True)

    actors: list[Actor] = []
    conflicts: list[Conflict] = []
    base: dict[str, Any] = {}


def check_tests(pack: RulePack, rules: list[Rule] | None = None) -> list[Diagnostic]:
    """The tests' world and every inline test's incident, validated as the dataset's
    files are: each problem with its file, line and column (exit 2), never a traceback.
    A key of a test's incident is located in the rule file, one from the base in
    ``_tests.yaml``."""
    world_doc: Document | None = None
    path = pack.folder / TESTS_FILE
    base: dict[str, Any] = {}
    if path.exists() or path.is_symlink():
        try:
            world_doc = read_file(path, str(path), root=pack.folder, scope="the rules folder")
        except YamlError as exc:
            return exc.diagnostics
        world, found = validate(world_doc, TestWorld)
        if world is None:
            return found
        reg = Registry()
        found = add_actors(reg, world.actors, _part(world_doc, "actors"), world_doc.path)
        found += add_conflicts(reg, world.conflicts, _part(world_doc, "conflicts"), world_doc.path)
        if found:
            return found
        base = world.base
    out: list[Diagnostic] = []
    for rule in rules or pack.rules:
        rule_doc: Document | None = None
        for i, case in enumerate(rule.tests):
            try:
                Incident.model_validate({**base, **case.incident})
            except ValidationError as exc:
                errors = exc.errors(include_url=False)
                # a key missing from both is for the test to give
                own = [e for e in errors if e["type"] == "missing" or not e["loc"]
                       or e["loc"][0] in case.incident]
                if rule_doc is None:
                    try:
                        rule_doc = read_file(Path(rule.path), rule.path, root=pack.folder,
                                             scope="the rules folder")
                    except YamlError as gone:  # changed since the pack was loaded
                        out += gone.diagnostics
                        break
                out += located(rule_doc, own, Incident, ("tests", i, "incident"))
                rest = [e for e in errors if e not in own]
                if rest and world_doc is not None:
                    out += located(world_doc, rest, Incident, ("base",))
    return sorted(set(out), key=Diagnostic.sort_key)  # a base's problem is met by every test


def _part(doc: Document, key: str) -> Document | None:
    """The part of a document under a top-level key, to locate problems in it."""
    node: Node | None = None
    if isinstance(doc.root, MappingNode):
        node = next((v for k, v in doc.root.value if k.value == key), None)
    data = doc.data.get(key) if isinstance(doc.data, dict) else None
    return None if node is None else Document(doc.path, data, node, doc.text)


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class, though its name starts with "Test"

    rule: str
    name: str
    ok: bool
    message: str = ""


def _mismatch(i: int, want: Expected, got: Finding | None) -> str:
    """What differs between the expectation for acts[i] and the finding, or ''."""
    status = got.status if got is not None and got.status else "none"
    if status != want.status:
        return ""  # reported with the statuses of every act
    if want.presumed is not None:
        presumed = got.presumed if got is not None else False
        if presumed != want.presumed:
            return f"acts[{i}]: expected presumed {want.presumed}, got {presumed}"
    if want.war_crimes is not None:
        provisions = [w.provision for w in got.war_crimes] if got is not None else []
        if provisions != want.war_crimes:
            return f"acts[{i}]: expected war crimes {want.war_crimes}, got {provisions}"
    if want.decide is not None:
        decide = list(got.decide) if got is not None else []
        if decide != want.decide:
            return f"acts[{i}]: expected to decide {want.decide}, got {decide}"
    return ""


def run_tests(pack: RulePack, rules: list[Rule] | None = None) -> list[TestResult]:
    world = pack.test_world
    registry = registry_from_data(world.get("actors", []), world.get("conflicts", []))
    base = world.get("base", {})
    engines = {flag: Engine(pack, registry, presumptions=flag) for flag in (True, False)}
    out: list[TestResult] = []
    for rule in rules or pack.rules:
        for case in rule.tests:
            data = {**base, **case.incident}
            try:
                incident = Incident.model_validate(data)
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                out.append(TestResult(rule.id, case.name, False,
                                      f"invalid test incident: {first['loc']}: {first['msg']}"))
                continue
            expected = case.expected()
            if len(expected) != len(incident.acts):
                out.append(TestResult(rule.id, case.name, False, f"expect lists {len(expected)} "
                                      f"statuses for {len(incident.acts)} acts"))
                continue
            found: list[Finding | None] = [None] * len(incident.acts)
            for f in engines[case.presumptions].evaluate(incident, rule_ids={rule.id}):
                found[f.act] = f
            got = [f.status if f is not None and f.status else "none" for f in found]
            want = [e.status for e in expected]
            message = "" if got == want else f"expected {want}, got {got}"
            if not message:
                message = next((m for i, (e, f) in enumerate(zip(expected, found, strict=True))
                                if (m := _mismatch(i, e, f))), "")
            out.append(TestResult(rule.id, case.name, not message, message))
    return out
