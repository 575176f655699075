"""Running the test cases written inside rule files (``ihltag rules test``, pytest).

A case names one status per act, and may also name, per act, whether a presumption
decided the status, the exact war-crime provisions printed and the facts that would
decide a ``possible``; ``presumptions: false`` runs the case in the strict reading.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from ihltag.engine import Engine, Finding
from ihltag.models import Incident
from ihltag.registry import registry_from_data
from ihltag.rules import Expected, Rule, RulePack


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
