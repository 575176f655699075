"""The rule condition language: declarative YAML compiled once into plain functions.

A condition is a mapping: a leaf (``{fact: act.target, in: civilian_objects}``) or a
combination (``all``/``any``/``not``). Values are three-valued: ``True``, ``False`` and
``None`` for unknown, with Kleene's tables, so an omitted fact stays unknown unless the
rule file itself declares a default (``if_omitted``: a *presumption* from the law's own
doubt rules, switchable, or a *required record*, always applied), each with its legal
basis. Nothing here evaluates text as code.

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
from ihltag.diagnostics import Diagnostic, did_you_mean, excerpt, show
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
    # Declared defaults in force: presumptions are switched off for the strict reading
    # (``--no-presumptions``); required records only for the engine's own trace probes.
    presumptions: bool = True
    records: bool = True


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
    for name in BOOL_ACT_FACTS:
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
    facts["conflict.law"] = FactSpec("list", None, _law, lambda c: "conflict.law")
    return facts


BOOL_ACT_FACTS = ("military_objective_present", "military_use", "warning_unheeded",
                  "status_disputed", "direct_participation", "in_custody", "incommunicado",
                  "judicial_review", "released", "fate_disclosed", "ordered", "compelled",
                  "regular_court", "deny_sustenance", "starvation_intent", "relief_blocked",
                  "owner_adverse", "levy", "mutilation", "victim_activated", "warning")


def _law(c: Ctx) -> list[str] | None:
    """The law in force on the incident's date in its one conflict (the registry's
    ``Nexus.law``); unknown when no single conflict fits or it records no law."""
    law = c.nexus.law
    return None if law is None else list(law)


def _act_label(name: str) -> Callable[[Ctx], str]:
    return lambda c: f"acts[{c.index}].{name}"


def _fixed_label(text: str) -> Callable[[Ctx], str]:
    return lambda c: text


def _always(x: Any) -> bool:
    return True


def _meets(members: frozenset[Any], x: Any) -> bool:
    return not members.isdisjoint(x)


FACTS: Mapping[str, FactSpec] = _facts()
DEFAULT_KINDS = ("presumption", "required_record")
_DEFAULT_KEYS = ("value", "kind", "basis", "unless")
_UNKNOWN_KEYS = ("unknown", "fact")


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def short_fact(path: str) -> str:
    """The name a researcher records to decide a fact: ``targeting`` for ``act.targeting``."""
    if path in ("party", "nexus"):
        return "perpetrators"
    if path.startswith("conflict."):
        return "conflict"
    return path.removeprefix("act.").removeprefix("incident.")


@dataclass(frozen=True, slots=True)
class Default:
    """A declared default: what an omitted fact counts as in one leaf, of which kind, on
    which legal basis, and when the record itself raises the doubt (``unless``)."""

    value: bool
    kind: str  # "presumption" | "required_record"
    basis: str
    unless: Node | None = None

    def active(self, c: Ctx) -> bool:
        if not (c.presumptions if self.kind == "presumption" else c.records):
            return False
        return self.unless is None or self.unless.fn(c) is not True

    @property
    def words(self) -> str:
        return "presumption" if self.kind == "presumption" else "required record"


@dataclass(slots=True)
class Node:
    """The explainable form of a compiled condition."""

    op: str
    fn: Fn
    children: tuple[Node, ...] = ()
    spec: FactSpec | None = None
    default: Default | None = None
    fact: str = ""  # a leaf's fact path, as the rule file writes it
    arg: Any = None  # the operand as written; for ``unknown``: the reason
    # An ``act.type`` leaf without a default: the act types for which it is not false,
    # recorded when compiled (the engine skips rules that cannot hold for an act type).
    act_types: frozenset[str] | None = None

    @property
    def if_omitted(self) -> Tri:
        """The value an omitted fact gives this leaf where its default applies."""
        return None if self.default is None else self.default.value

    def counts_as(self, value: bool) -> str:
        """What an omitted fact counts as, in words: the fact's own value for a boolean
        leaf (``levy is false`` true: the levy counts as false), else the leaf's value."""
        if self.op == "is" and isinstance(self.arg, bool):
            return _show(self.arg if value else not self.arg)
        return _show(value)

    def _omitted(self, c: Ctx) -> tuple[bool, Any]:
        assert self.spec is not None
        raw = self.spec.getter(c)
        return raw is None or (self.spec.unknown is not None and raw == self.spec.unknown), raw

    def explain(self, c: Ctx) -> tuple[Tri, list[str]]:
        if self.op == "unknown":
            return None, [f"undecided: {self.arg}"]
        if self.spec is not None:
            omitted, raw = self._omitted(c)
            label = self.spec.label(c)
            value = self.fn(c)
            if omitted and self.spec.detail is not None and raw is None:
                return value, [f"{label}: unknown ({self.spec.detail(c)})"]
            if omitted and self.default is not None:
                d = self.default
                where = f"{label}: omitted" if raw is None else f"{label} = {raw} (not known)"
                if value is not None:
                    said = "presumed" if d.kind == "presumption" else "counts as"
                    return value, [f"{where}, {said} {self.counts_as(value)} ({d.words}: {d.basis})"]
                if d.kind == "presumption" and not c.presumptions:
                    why = "presumptions are switched off"
                else:
                    why = "the record raises the doubt: " + "; ".join(
                        d.unless.explain(c)[1] if d.unless is not None else [])
                return value, [f"{where}, unknown ({d.words} not applied, {why})"]
            if raw is not None and omitted:
                return value, [f"{label} = {raw} (not known)"]
            if raw is None:
                return value, [f"{label}: omitted (unknown)"]
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

    def undecided(self, c: Ctx) -> list[str]:
        """The facts whose recording would decide this condition, where it is unknown."""
        if self.fn(c) is not None:
            return []
        if self.op == "unknown":
            return [short_fact(self.fact)] if self.fact else []
        if self.spec is not None:
            return [short_fact(self.fact)]
        out: list[str] = []
        for child in self.children:
            for name in child.undecided(c):
                if name not in out:
                    out.append(name)
        return out

    def applied_defaults(self, c: Ctx) -> list[Default]:
        """The declared defaults that gave a value to an omitted fact in this context."""
        if self.spec is not None:
            if self.default is not None and self._omitted(c)[0] and self.default.active(c):
                return [self.default]
            return []
        return [d for child in self.children for d in child.applied_defaults(c)]

    def defaults(self) -> list[Node]:
        """Every leaf below (or at) this node that declares a default."""
        if self.spec is not None:
            return [self] if self.default is not None else []
        return [leaf for child in self.children for leaf in child.defaults()]

    def describe(self) -> str:
        """The condition in one line, as ``rules show`` prints it."""
        if self.op == "unknown":
            return f"unknown ({self.arg})"
        if self.spec is not None:
            if self.op == "given":
                return f"{self.fact} given"
            return f"{self.fact} {self.op} {_show(self.arg)}"
        if self.op == "not":
            return f"not ({self.children[0].describe()})"
        parts = [ch.describe() if ch.spec is not None or ch.op in ("not", "unknown")
                 else f"({ch.describe()})" for ch in self.children]
        return f" {'and' if self.op == 'all' else 'or'} ".join(parts)


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
                      loc: tuple[int | str, ...] = (), defaults: bool = True) -> Node:
    """Validate and compile one condition; raise ``ConditionError`` with its place.

    ``defaults=False`` refuses declared defaults below: conditions that must read recorded
    facts only (a default's ``unless``, a war-crime provision's ``when``)."""
    if not isinstance(raw, dict):
        raise ConditionError(loc, "a condition is a mapping such as {fact: act.type, eq: attack}")
    if "unknown" in raw:
        return _unknown(raw, loc)
    if "fact" not in raw:
        combos = [k for k in ("all", "any", "not") if k in raw]
        if len(combos) != 1 or len(raw) != 1:
            unknown = [k for k in raw if k not in ("all", "any", "not")]
            if unknown:
                hint = did_you_mean(str(unknown[0]), [*_LEAF_KEYS, "all", "any", "not", "unknown"])
                raise ConditionError((*loc, unknown[0]), f"unknown condition key '{unknown[0]}'"
                                     f"{hint}", key=True)
            raise ConditionError(loc, "a condition has either 'fact' and one operator, or exactly "
                                 "one of 'all', 'any', 'not'")
        op = combos[0]
        if op == "not":
            child = compile_condition(raw["not"], sets, loc + ("not",), defaults)
            return Node("not", _not(child.fn), (child,))
        items = raw[op]
        if not isinstance(items, list):
            raise ConditionError(loc + (op,), f"'{op}' takes a list of conditions")
        compiled: list[Node] = []
        errors: list[ConditionError] = []
        for i, x in enumerate(items):
            try:
                compiled.append(compile_condition(x, sets, (*loc, op, i), defaults))
            except ConditionError as exc:
                errors.extend(exc.errors)
        if errors:
            errors[0].more = errors[1:]
            raise errors[0]
        children = tuple(compiled)
        fns = tuple(ch.fn for ch in children)
        return Node(op, _all(fns) if op == "all" else _any(fns), children)
    return _leaf(raw, sets, loc, defaults)


def _unknown(raw: dict[str, Any], loc: tuple[int | str, ...]) -> Node:
    """``{unknown: REASON, fact: F}``: a value the record cannot settle (a contested point
    of law, a status the target does not tell), with the fact that would help decide it."""
    for key in raw:
        if key not in _UNKNOWN_KEYS:
            raise ConditionError(loc + (key,), f"unknown key '{key}' in an 'unknown' condition"
                                 f"{did_you_mean(str(key), _UNKNOWN_KEYS)}", key=True)
    reason = raw["unknown"]
    if not isinstance(reason, str) or not reason.strip():
        raise ConditionError(loc + ("unknown",), "'unknown' takes the reason, in words, why the "
                             "record cannot decide this")
    fact = raw.get("fact", "")
    if "fact" in raw and (not isinstance(fact, str) or fact not in FACTS):
        raise ConditionError(loc + ("fact",), f"unknown fact '{fact}'{did_you_mean(str(fact), FACTS)}")
    return Node("unknown", _unknown_fn, (), None, None, fact, " ".join(reason.split()))


def _unknown_fn(c: Ctx) -> Tri:
    return None


def _default(raw: Any, sets: Mapping[str, Sequence[str]], loc: tuple[int | str, ...]) -> Default:
    if isinstance(raw, bool):
        raise ConditionError(loc, "write if_omitted as a mapping: {value: "
                             f"{_show(raw)}, kind: presumption or required_record, basis: 'the "
                             "legal source, in one sentence'}; a default must say its kind and "
                             "basis")
    if not isinstance(raw, dict):
        raise ConditionError(loc, "if_omitted is a mapping with 'value', 'kind', 'basis' and "
                             "optionally 'unless'")
    for key in raw:
        if key not in _DEFAULT_KEYS:
            raise ConditionError(loc + (key,), f"unknown key '{key}' in if_omitted"
                                 f"{did_you_mean(str(key), _DEFAULT_KEYS)}", key=True)
    missing = [k for k in ("value", "kind", "basis") if k not in raw]
    if missing:
        raise ConditionError(loc, f"if_omitted needs {', '.join(repr(k) for k in missing)}")
    value, kind, basis = raw["value"], raw["kind"], raw["basis"]
    if not isinstance(value, bool):
        raise ConditionError(loc + ("value",), "if_omitted value is true or false")
    if kind not in DEFAULT_KINDS:
        raise ConditionError(loc + ("kind",), f"'{kind}' is not a kind of default (presumption, "
                             f"required_record){did_you_mean(str(kind), DEFAULT_KINDS)}")
    if not isinstance(basis, str) or len(basis.split()) < 4:
        raise ConditionError(loc + ("basis",), "basis is one sentence giving the legal source of "
                             "the default")
    unless = None
    if "unless" in raw:
        unless = compile_condition(raw["unless"], sets, loc + ("unless",), defaults=False)
    return Default(value, kind, " ".join(basis.split()), unless)


def _leaf(raw: dict[str, Any], sets: Mapping[str, Sequence[str]], loc: tuple[int | str, ...],
          defaults: bool = True) -> Node:
    """A ``{fact: F, OPERATOR: VALUE}`` leaf: checked, then compiled by its operator's
    compiler (``_COMPILERS``) into a test of the fact's recorded value."""
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
    default = None
    if "if_omitted" in raw:
        if not defaults:
            raise ConditionError(loc + ("if_omitted",), "this condition reads recorded facts "
                                 "only: no if_omitted here", key=True)
        default = _default(raw["if_omitted"], sets, loc + ("if_omitted",))
    operand = _Operand(path, spec, op, raw[op], loc + (op,), sets)
    test = _COMPILERS[op](operand)
    act_types = None
    if path == "act.type" and default is None:
        # recorded now, so the engine can skip rules that cannot hold for an act type
        act_types = frozenset(t for t in vocab.ACT_TYPES if t == spec.unknown or test(t))
    return Node(op, _leaf_fn(spec.getter, test, default, spec.unknown), (), spec, default,
                path, raw[op], act_types)


def _leaf_fn(get: Callable[[Ctx], Any], test: Callable[[Any], bool], default: Default | None,
             unknown: str | None) -> Fn:
    """The leaf's fast closure: an omitted (or "not known") fact is unknown, unless a
    declared default in force gives it a value."""

    def fn(c: Ctx, get: Callable[[Ctx], Any] = get, test: Callable[[Any], bool] = test,
           dflt: Default | None = default, unk: str | None = unknown) -> Tri:
        x = get(c)
        if x is None or x == unk:
            if dflt is None or not dflt.active(c):
                return None
            return dflt.value
        return test(x)

    return fn


@dataclass(frozen=True, slots=True)
class _Operand:
    """One leaf's operator and operand, with what its compiler needs to check them."""

    path: str
    spec: FactSpec
    op: str
    arg: Any
    where: tuple[int | str, ...]
    sets: Mapping[str, Sequence[str]]

    def value(self, v: Any, at: tuple[int | str, ...] | None = None) -> Any:
        """``v`` if it is a value the fact can hold, else a ``ConditionError`` at ``at``."""
        at = self.where if at is None else at
        spec, path = self.spec, self.path
        if spec.unknown is not None and v == spec.unknown:
            raise ConditionError(at, f"'{v}' records that {path} is not known, and is evaluated "
                                 "as an omitted fact (unknown); test the known values instead")
        if spec.values is not None:
            if not isinstance(v, str) or v not in spec.values:
                raise ConditionError(at, f"'{excerpt(str(v))}' is not a value of {path}"
                                     f"{did_you_mean(str(v), spec.values)}")
        elif spec.kind == "int" and (not isinstance(v, int) or isinstance(v, bool)):
            raise ConditionError(at, f"{path} is compared with whole numbers, not {show(v)}")
        elif spec.kind == "bool" and not isinstance(v, bool):
            raise ConditionError(at, f"{path} is true or false, not {show(v)}")
        elif spec.kind == "list" and not isinstance(v, str):
            raise ConditionError(at, f"{path} holds names, not {show(v)}")
        return v

    def expect_kind(self, *kinds: str) -> None:
        if self.spec.kind not in kinds:
            raise ConditionError(self.where, f"operator '{self.op}' does not apply to "
                                 f"{self.path} ({self.spec.kind})")


Test = Callable[[Any], bool]


def _equal(o: _Operand) -> Test:
    """``eq``/``ne``: one value."""
    o.expect_kind("enum", "int", "text", "bool")
    return partial(operator.eq if o.op == "eq" else operator.ne, o.value(o.arg))


def _member(o: _Operand) -> Test:
    """``in``: a non-empty list of values, or the name of a set the pack defines."""
    o.expect_kind("enum", "int", "text")
    if isinstance(o.arg, str):
        if o.arg not in o.sets:
            raise ConditionError(o.where, f"unknown set '{o.arg}'{did_you_mean(o.arg, o.sets)}")
        members = frozenset(o.sets[o.arg])
        for v in members:
            o.value(v)
    elif isinstance(o.arg, list) and o.arg:
        members = frozenset(o.value(v, o.where + (i,)) for i, v in enumerate(o.arg))
    else:
        raise ConditionError(o.where, "'in' takes a non-empty list of values or a set name")
    return partial(operator.contains, members)


def _is(o: _Operand) -> Test:
    """``is``: true or false, for a boolean fact."""
    o.expect_kind("bool")
    return partial(operator.is_, o.value(o.arg))


def _given(o: _Operand) -> Test:
    """``given: true``: the fact is recorded, whatever its value."""
    if o.arg is not True:
        raise ConditionError(o.where, "'given' is written 'given: true'")
    return _always


# x > v is v < x: the operand is bound first
_FLIPPED = {"gt": operator.lt, "ge": operator.le, "lt": operator.gt, "le": operator.ge}


def _order(o: _Operand) -> Test:
    """``gt``/``ge``/``lt``/``le``: a comparison with a whole number."""
    o.expect_kind("int")
    return partial(_FLIPPED[o.op], o.value(o.arg))


def _has(o: _Operand) -> Test:
    """``has`` (a value) and ``has_any`` (a list): a list fact holds one of them."""
    o.expect_kind("list")
    wanted = [o.arg] if o.op == "has" else o.arg
    if not isinstance(wanted, list) or not wanted:
        raise ConditionError(o.where, f"'{o.op}' takes {'a value' if o.op == 'has' else 'a list'}")
    return partial(_meets, frozenset(o.value(v) for v in wanted))


# Each operator's compiler: checks the operand against the fact, returns the test.
_COMPILERS: Mapping[str, Callable[[_Operand], Test]] = {
    "eq": _equal, "ne": _equal, "in": _member, "is": _is, "given": _given,
    "gt": _order, "ge": _order, "lt": _order, "le": _order, "has": _has, "has_any": _has,
}
OPERATORS = tuple(_COMPILERS)
_LEAF_KEYS = {"fact", "if_omitted", *OPERATORS}


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
