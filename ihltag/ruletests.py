"""Running the test cases written inside rule files (``ihltag rules test``, pytest)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from ihltag.engine import Engine
from ihltag.models import Incident
from ihltag.registry import registry_from_data
from ihltag.rules import Rule, RulePack


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class, though its name starts with "Test"

    rule: str
    name: str
    ok: bool
    message: str = ""


def run_tests(pack: RulePack, rules: list[Rule] | None = None) -> list[TestResult]:
    world = pack.test_world
    registry = registry_from_data(world.get("actors", []), world.get("conflicts", []))
    base = world.get("base", {})
    engine = Engine(pack, registry)
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
            if len(case.expect) != len(incident.acts):
                out.append(TestResult(rule.id, case.name, False, f"expect lists {len(case.expect)} "
                                      f"statuses for {len(incident.acts)} acts"))
                continue
            got = ["none"] * len(incident.acts)
            for f in engine.evaluate(incident, only={rule.id}):
                got[f.act] = f.status or "none"
            ok = got == list(case.expect)
            out.append(TestResult(rule.id, case.name, ok,
                                  "" if ok else f"expected {case.expect}, got {got}"))
    return out
