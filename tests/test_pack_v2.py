"""Rule pack v2 as a whole: the conduct-of-hostilities table of ihl-rules.md, row by row,
and its promise that one act gets one qualification (never two violations among Rules 1,
7 and 11, nor a violation of one of them with a finding of Rule 14 or 15), checked over
every combination of the facts that decide it."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

import pytest
from _paths import RULES

from ihltag.engine import Engine
from ihltag.models import Incident
from ihltag.registry import registry_from_data
from ihltag.rules import RulePack, load_pack

HOSTILITIES = ("CIHL-1", "CIHL-7", "CIHL-11", "CIHL-14", "CIHL-15")


@cache
def pack() -> RulePack:
    return load_pack(RULES)


@cache
def engine(presumptions: bool = True) -> Engine:
    world = pack().test_world
    return Engine(pack(), registry_from_data(world["actors"], world["conflicts"]), presumptions)


def statuses(act: dict[str, Any], presumptions: bool = True) -> dict[str, str]:
    world = pack().test_world
    incident = Incident.model_validate({**world["base"], "acts": [act],
                                        "perpetrators": [{"actor": "FAMa",
                                                          "attribution": "alleged"}]})
    out = {r: "none" for r in HOSTILITIES}
    for f in engine(presumptions).evaluate(incident, rule_ids=set(HOSTILITIES)):
        out[f.rule] = f.status or "none"
    return out


# The spec's table: (targeting, target, military_objective_present) ->
# (Rules 1/7 for a civilian person or object, Rule 11, Rule 14, Rule 15), each true, false
# or unknown; the other facts are recorded so that the table's value alone decides.
V, P, N = "violation", "possible", "none"
TABLE = [
    ("directed, target not mixed", "directed", "civilians", None, (V, N, N, N)),
    ("directed, target not mixed (object)", "directed", "dwellings", None, (V, N, N, N)),
    ("directed at a mixed target", "directed", "mixed", None, (N, N, P, P)),
    ("indiscriminate", "indiscriminate", "civilians", None, (N, V, N, N)),
    ("indiscriminate (object)", "indiscriminate", "market", True, (N, V, N, N)),
    ("incidental", "incidental", "civilians", None, (N, N, P, P)),
    ("incidental, military objective present", "incidental", "dwellings", True, (N, N, P, P)),
    ("incidental with no military objective", "incidental", "civilians", False, (N, N, N, P)),
    ("unknown, no military objective", None, "civilians", False, (P, P, N, P)),
    ("unknown (written), no military objective", "unknown", "market", False, (P, P, N, P)),
    ("unknown, military objective present", None, "civilians", True, (P, P, P, P)),
    ("unknown, military objective unknown", None, "dwellings", None, (P, P, P, P)),
]


@pytest.mark.parametrize(("targeting", "target", "mop", "want"), [r[1:] for r in TABLE],
                         ids=[r[0] for r in TABLE])
def test_conduct_of_hostilities_table(targeting: str | None, target: str, mop: bool | None,
                                      want: tuple[str, str, str, str]) -> None:
    act: dict[str, Any] = {"type": "attack", "target": target, "direct_participation": False,
                           "military_use": False}
    if targeting is not None:
        act["targeting"] = targeting
    if mop is not None:
        act["military_objective_present"] = mop
    got = statuses(act)
    distinction = got["CIHL-1"] if target in ("civilians", "mixed") else got["CIHL-7"]
    other = got["CIHL-7"] if target in ("civilians", "mixed") else got["CIHL-1"]
    assert other == N  # a person is never a civilian object, nor an object a civilian
    assert (distinction, got["CIHL-11"], got["CIHL-14"], got["CIHL-15"]) == want, got


TARGETS = ("civilians", "idps", "unknown_persons", "medical_personnel", "mixed", "fighters",
           "dwellings", "market", "civilian_infrastructure", "health_facility", "military_objects")
TRI = (True, False, None)


def _acts() -> list[dict[str, Any]]:
    out = []
    for targeting, target, mop, dp, use, disputed, victim in itertools.product(
            ("directed", "indiscriminate", "incidental", "unknown", None), TARGETS, TRI, TRI,
            TRI, (True, None), (True, None)):
        act: dict[str, Any] = {"type": "attack", "target": target, "means": "ied"}
        for key, value in (("targeting", targeting), ("military_objective_present", mop),
                           ("direct_participation", dp), ("military_use", use),
                           ("status_disputed", disputed), ("victim_activated", victim)):
            if value is not None:
                act[key] = value
        out.append(act)
    return out


@pytest.mark.parametrize("presumptions", [True, False])
def test_one_act_one_qualification(presumptions: bool) -> None:
    """Over every combination: at most one of Rules 1/7/11 at violation, and none of them at
    violation together with any finding of Rules 14/15; a victim-activated device never
    makes Rule 11 a violation unless the aim was recorded as indiscriminate."""
    checked = 0
    reached: set[tuple[str, str]] = set()
    for act in _acts():
        got = statuses(act, presumptions)
        reached |= set(got.items())
        violations = [r for r in ("CIHL-1", "CIHL-7", "CIHL-11") if got[r] == V]
        assert len(violations) <= 1, (act, got)
        if violations:
            assert got["CIHL-14"] == N and got["CIHL-15"] == N, (act, got)
        if got["CIHL-11"] == V:
            assert act.get("targeting") == "indiscriminate", act
        checked += 1
    assert checked == 5 * len(TARGETS) * 27 * 4
    # not vacuous: every rule reaches its highest status somewhere in the grid
    assert {("CIHL-1", V), ("CIHL-7", V), ("CIHL-11", V), ("CIHL-14", P),
            ("CIHL-15", P)} <= reached
