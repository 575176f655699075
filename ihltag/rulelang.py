"""The rule condition language: declarative YAML compiled once into plain functions.

A condition is a mapping: a leaf (``{fact: act.target, in: civilian_objects}``) or a
combination (``all``/``any``/``not``). Values are three-valued: ``True``, ``False`` and
``None`` for unknown, with Kleene's tables, so an omitted fact stays unknown unless the
rule file itself says otherwise (``if_omitted``). Nothing here evaluates text as code.

Each condition compiles to two things: a fast closure returning the value, used on every
act; and a small tree that can also say *why* (the facts that decided the value), used
only for the findings that are reported and for ``ihltag explain``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from ihltag import vocab
from ihltag.diagnostics import Diagnostic, did_you_mean
from ihltag.models import Act, Incident
from ihltag.registry import Nexus

Tri = bool | None
Fn = Callable[["Ctx"], Tri]


@dataclass(slots=True)
class Ctx:
    """What one evaluation sees: an act, its incident and the registry's derived facts."""

    incident: Incident
    act: Act
    index: int
    nexus: Nexus


def _casualty(kind: str) -> Callable[[Ctx], Any]:
    def get(c: Ctx) -> Any:
        cas = c.incident.casualties
        fig = getattr(cas, kind) if cas is not None else None
        if fig is None or isinstance(fig, int):
            return fig
        return fig.central

    return get


def _act(name: str) -> Callable[[Ctx], Any]:
    def get(c: Ctx) -> Any:
        return getattr(c.act, name)

    return get


@dataclass(frozen=True, slots=True)
class FactSpec:
    kind: str  # "enum", "bool", "int", "text", "list"
    values: Sequence[str] | None
    getter: Callable[[Ctx], Any]
    label: Callable[[Ctx], str]
    detail: Callable[[Ctx], str] | None = None
    # A vocabulary value that records "not known" (``targeting: unknown``): evaluated as
    # an omitted fact, or a rule would read "not known" as "not directed".
    unknown: str | None = None


def _facts() -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    enums = {"type": vocab.ACT_TYPES, "target": vocab.TARGETS, "means": vocab.MEANS,
             "targeting": vocab.TARGETING, "reason": vocab.REASONS, "demand_to": vocab.DEMAND_TO}
    for name, values in enums.items():
        facts[f"act.{name}"] = FactSpec("enum", tuple(values), _act(name), _act_label(name),
                                        unknown="unknown" if "unknown" in values else None)
    for name in ("military_objective_present", "direct_participation", "in_custody",
                 "released", "fate_disclosed", "victim_activated", "warning",
                 # format revision 2
                 "military_use", "warning_unheeded", "status_disputed", "incommunicado",
                 "judicial_review", "ordered", "compelled", "regular_court", "deny_sustenance",
                 "starvation_intent", "relief_blocked", "owner_adverse", "levy", "mutilation"):
        facts[f"act.{name}"] = FactSpec("bool", None, _act(name), _act_label(name))
    facts["act.count"] = FactSpec("int", None, _act("count"), _act_label("count"))
    facts["act.demand"] = FactSpec("text", None, _act("demand"), _act_label("demand"))
    facts["act.victim_groups"] = FactSpec("list", tuple(vocab.VICTIM_GROUPS),
                                          _act("victim_groups"), _act_label("victim_groups"))
    for kind in vocab.CASUALTY_KINDS:
        facts[f"incident.casualties.{kind}"] = FactSpec(
            "int", None, _casualty(kind), _fixed_label(f"casualties.{kind}"))
    facts["party"] = FactSpec("bool", None, lambda c: c.nexus.party, lambda c: "party",
                              lambda c: c.nexus.why)
    facts["nexus"] = FactSpec("bool", None, lambda c: c.nexus.nexus, lambda c: "nexus",
                              lambda c: c.nexus.why)
    facts["conflict.classification"] = FactSpec(
        "enum", tuple(vocab.CLASSIFICATIONS), lambda c: c.nexus.classification,
        lambda c: "conflict.classification")
    return facts


def _act_label(name: str) -> Callable[[Ctx], str]:
    return lambda c: f"acts[{c.index}].{name}"


def _fixed_label(text: str) -> Callable[[Ctx], str]:
    return lambda c: text


def _always(x: Any) -> bool:
    return True


def _meets(members: frozenset[Any], x: Any) -> bool:
    return not members.isdisjoint(x)


FACTS: Mapping[str, FactSpec] = _facts()
OPERATORS = ("eq", "ne", "in", "is", "given", "gt", "ge", "lt", "le", "has", "has_any")
_LEAF_KEYS = {"fact", "if_omitted", *OPERATORS}


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


@dataclass(slots=True)
class Node:
    """The explainable form of a compiled condition."""

    op: str
    fn: Fn
    children: tuple[Node, ...] = ()
    spec: FactSpec | None = None
    if_omitted: Tri = None
    fact: str = ""  # a leaf's fact path, as the rule file writes it

    def explain(self, c: Ctx) -> tuple[Tri, list[str]]:
        if self.spec is not None:
            raw = self.spec.getter(c)
            label = self.spec.label(c)
            value = self.fn(c)
            if raw is not None and raw == self.spec.unknown:
                shown = "" if self.if_omitted is None else f", counts as {_show(self.if_omitted)}"
                return value, [f"{label} = {raw} (not known{shown})"]
            if raw is None:
                if self.spec.detail is not None:
                    return value, [f"{label}: unknown ({self.spec.detail(c)})"]
                if self.if_omitted is None:
                    return value, [f"{label}: omitted (unknown)"]
                return value, [f"{label}: omitted (counts as {_show(self.if_omitted)})"]
            if self.spec.detail is not None:
                return value, [f"{label} = {_show(raw)} ({self.spec.detail(c)})"]
            return value, [f"{label} = {_show(raw)}"]
        results = [ch.explain(c) for ch in self.children]
        value = self.fn(c)
        if self.op == "not":
            return value, results[0][1]
        everything = (self.op == "all" and value is True) or (self.op == "any" and value is False)
        facts: list[str] = []
        for v, fs in results:
            if everything or v is value:
                facts.extend(f for f in fs if f not in facts)
        return value, facts


class ConditionError(Exception):
    """A condition that cannot be compiled; ``key``: the place is a mapping key (a typo'd
    operator), which is where the reader should look, not at its value."""

    def __init__(self, loc: tuple[int | str, ...], message: str, key: bool = False) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message
        self.key = key
        self.more: list[ConditionError] = []

    @property
    def errors(self) -> list[ConditionError]:
        """This error and those found beside it, so one load reports them all."""
        return [self, *self.more]


def compile_condition(raw: Any, sets: Mapping[str, Sequence[str]],
                      loc: tuple[int | str, ...] = ()) -> Node:
    """Validate and compile one condition; raise ``ConditionError`` with its place."""
    if not isinstance(raw, dict):
        raise ConditionError(loc, "a condition is a mapping such as {fact: act.type, eq: attack}")
    if "fact" not in raw:
        combos = [k for k in ("all", "any", "not") if k in raw]
        if len(combos) != 1 or len(raw) != 1:
            unknown = [k for k in raw if k not in ("all", "any", "not")]
            if unknown:
                hint = did_you_mean(str(unknown[0]), [*_LEAF_KEYS, "all", "any", "not"])
                raise ConditionError((*loc, unknown[0]), f"unknown condition key '{unknown[0]}'"
                                     f"{hint}", key=True)
            raise ConditionError(loc, "a condition has either 'fact' and one operator, or exactly "
                                 "one of 'all', 'any', 'not'")
        op = combos[0]
        if op == "not":
            child = compile_condition(raw["not"], sets, loc + ("not",))
            return Node("not", _not(child.fn), (child,))
        items = raw[op]
        if not isinstance(items, list):
            raise ConditionError(loc + (op,), f"'{op}' takes a list of conditions")
        compiled: list[Node] = []
        errors: list[ConditionError] = []
        for i, x in enumerate(items):
            try:
                compiled.append(compile_condition(x, sets, (*loc, op, i)))
            except ConditionError as exc:
                errors.extend(exc.errors)
        if errors:
            errors[0].more = errors[1:]
            raise errors[0]
        children = tuple(compiled)
        fns = tuple(ch.fn for ch in children)
        return Node(op, _all(fns) if op == "all" else _any(fns), children)
    return _leaf(raw, sets, loc)


def _leaf(raw: dict[str, Any], sets: Mapping[str, Sequence[str]], loc: tuple[int | str, ...]) -> Node:
    for key in raw:
        if key not in _LEAF_KEYS:
            raise ConditionError(loc + (key,), f"unknown operator '{key}'"
                                 f"{did_you_mean(str(key), _LEAF_KEYS)}", key=True)
    path = raw["fact"]
    spec = FACTS.get(path) if isinstance(path, str) else None
    if spec is None:
        raise ConditionError(loc + ("fact",), f"unknown fact '{path}'{did_you_mean(str(path), FACTS)}")
    ops = [k for k in raw if k in OPERATORS]
    if len(ops) != 1:
        raise ConditionError(loc, f"a leaf needs exactly one operator ({', '.join(OPERATORS)})")
    op = ops[0]
    arg = raw[op]
    omitted = raw.get("if_omitted")
    if omitted is not None and not isinstance(omitted, bool):
        raise ConditionError(loc + ("if_omitted",), "if_omitted is true or false")
    where = loc + (op,)

    def check_value(v: Any, at: tuple[int | str, ...]) -> Any:
        if spec.unknown is not None and v == spec.unknown:
            raise ConditionError(at, f"'{v}' records that {path} is not known, and is evaluated "
                                 "as an omitted fact (unknown); test the known values instead")
        if spec.values is not None:
            if not isinstance(v, str) or v not in spec.values:
                raise ConditionError(at, f"'{v}' is not a value of {path}"
                                     f"{did_you_mean(str(v), spec.values)}")
        elif spec.kind == "int" and (not isinstance(v, int) or isinstance(v, bool)):
            raise ConditionError(at, f"{path} is compared with whole numbers, not {v!r}")
        elif spec.kind == "bool" and not isinstance(v, bool):
            raise ConditionError(at, f"{path} is true or false, not {v!r}")
        return v

    def expect_kind(*kinds: str) -> None:
        if spec.kind not in kinds:
            raise ConditionError(where, f"operator '{op}' does not apply to {path} ({spec.kind})")

    get = spec.getter
    test: Callable[[Any], bool]
    if op in ("eq", "ne"):
        expect_kind("enum", "int", "text", "bool")
        value = check_value(arg, where)
        test = partial(operator.eq if op == "eq" else operator.ne, value)
    elif op == "in":
        expect_kind("enum", "int", "text")
        if isinstance(arg, str):
            if arg not in sets:
                raise ConditionError(where, f"unknown set '{arg}'{did_you_mean(arg, sets)}")
            members = frozenset(sets[arg])
            for v in members:
                check_value(v, where)
        elif isinstance(arg, list) and arg:
            members = frozenset(check_value(v, where + (i,)) for i, v in enumerate(arg))
        else:
            raise ConditionError(where, "'in' takes a non-empty list of values or a set name")
        test = partial(operator.contains, members)
    elif op == "is":
        expect_kind("bool")
        value = check_value(arg, where)
        test = partial(operator.is_, value)
    elif op == "given":
        if arg is not True:
            raise ConditionError(where, "'given' is written 'given: true'")
        test = _always
    elif op in ("gt", "ge", "lt", "le"):
        expect_kind("int")
        value = check_value(arg, where)
        # x > v is v < x: the value is bound first
        flipped = {"gt": operator.lt, "ge": operator.le, "lt": operator.gt, "le": operator.ge}
        test = partial(flipped[op], value)
    else:  # has, has_any
        expect_kind("list")
        wanted = [arg] if op == "has" else arg
        if not isinstance(wanted, list) or not wanted:
            raise ConditionError(where, f"'{op}' takes {'a value' if op == 'has' else 'a list'}")
        members = frozenset(check_value(v, where) for v in wanted)
        test = partial(_meets, members)

    def fn(c: Ctx, get: Callable[[Ctx], Any] = get, test: Callable[[Any], bool] = test,
           om: Tri = omitted, unk: str | None = spec.unknown) -> Tri:
        x = get(c)
        if x is None or x == unk:
            return om
        return test(x)

    return Node(op, fn, (), spec, omitted, path)


def _all(fns: tuple[Fn, ...]) -> Fn:
    def fn(c: Ctx) -> Tri:
        result: Tri = True
        for f in fns:
            r = f(c)
            if r is False:
                return False
            if r is None:
                result = None
        return result

    return fn


def _any(fns: tuple[Fn, ...]) -> Fn:
    def fn(c: Ctx) -> Tri:
        result: Tri = False
        for f in fns:
            r = f(c)
            if r is True:
                return True
            if r is None:
                result = None
        return result

    return fn


def _not(f: Fn) -> Fn:
    def fn(c: Ctx) -> Tri:
        r = f(c)
        return None if r is None else not r

    return fn


def diagnostic(path: str, root: Any, exc: ConditionError, prefix: tuple[int | str, ...]) -> Diagnostic:
    from ihltag.yamlsafe import locate

    line, col = locate(root, prefix + exc.loc, key=exc.key)
    return Diagnostic(path, line, col, "rule", exc.message)
