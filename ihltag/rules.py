"""The rule pack: loading, validating and compiling ``rules/*.yaml`` once per run.

A rule pack is a folder. ``_sets.yaml`` names value sets, ``_tests.yaml`` is the world
the inline tests run in, and every other ``*.yaml`` file is one rule. Any problem in the
pack is an error with file, line and column, and the run cannot be made (exit 2).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ihltag.diagnostics import Diagnostic
from ihltag.models import Url
from ihltag.rulelang import ConditionError, Node, compile_condition, diagnostic
from ihltag.validation import validate
from ihltag.yamlsafe import Document, YamlError, read_file

Status = Literal["violation", "possible"]


class RulePackError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.plain() for d in diagnostics))
        self.diagnostics = diagnostics


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ClauseFile(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    description: Annotated[str, Field(min_length=1)]
    when: dict[str, Any]


class _WarCrime(_Strict):
    when: dict[str, Any] | None = None
    provision: Annotated[str, Field(min_length=1)]


class _Test(_Strict):
    name: Annotated[str, Field(min_length=1)]
    incident: dict[str, Any]
    expect: Annotated[list[Literal["violation", "possible", "none"]], Field(min_length=1)]


class RuleFile(_Strict):
    id: Annotated[str, Field(pattern=r"^CIHL-[0-9]+$")]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    text: Annotated[str, Field(min_length=1)]
    icrc: Annotated[Url, Field(pattern=r"^https://")]  # rendered as a link: no markup (D7)
    related: list[Annotated[str, Field(pattern=r"^CIHL-[0-9]+$")]] = []
    applies_to: Annotated[list[Literal["IAC", "NIAC"]], Field(min_length=1)] = ["IAC", "NIAC"]
    max_status: Status = "violation"
    war_crime: str | list[_WarCrime] | None = None
    elements: Annotated[list[_ClauseFile], Field(min_length=1)]
    exceptions: list[_ClauseFile] = []
    tests: list[_Test] = []


@dataclass(frozen=True, slots=True)
class Clause:
    """One compiled element or exception."""

    id: str
    description: str
    node: Node


@dataclass(slots=True)
class Rule:
    id: str
    number: int
    title: str
    text: str
    icrc: str
    related: tuple[str, ...]
    applies_to: frozenset[str]
    max_status: Status
    war_crime: tuple[tuple[Node | None, str], ...]
    elements: tuple[Clause, ...]
    exceptions: tuple[Clause, ...]
    tests: tuple[_Test, ...]
    path: str
    defaults: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


@dataclass
class RulePack:
    rules: list[Rule]
    sets: dict[str, list[str]]
    test_world: dict[str, Any]
    folder: Path
    digest: str
    by_id: dict[str, Rule] = field(default_factory=dict)

    def find(self, name: str) -> Rule | None:
        """A rule by ``CIHL-52``, ``52``, ``cihl52``, its title or a word of its title."""
        matches = self.matches(name)
        return matches[0] if len(matches) == 1 else None

    def matches(self, name: str) -> list[Rule]:
        """Every rule ``name`` can mean: one when it is unambiguous, several when a word
        of several titles (``distinction``), none when nothing fits."""
        key = name.strip().lower().replace(" ", "-")
        num = key.removeprefix("cihl").lstrip("-")
        if num.isdigit() and len(num) <= 6:  # a rule number, not 5,000 digits
            exact = self.by_id.get(f"CIHL-{int(num)}")
            if exact is not None:
                return [exact]
            return [rule for rule in self.rules if f"CIHL-{int(num)}" in rule.related][:1]
        for rule in self.rules:
            if key in (rule.slug, rule.title.lower()):
                return [rule]
        return [r for r in self.rules if key in r.slug.split("-") or r.slug.startswith(key)]

    def lookup(self, name: str) -> Rule:
        """The rule ``name`` means, or a ``LookupError`` that says why not in words (the
        candidates when ambiguous, the closest titles otherwise)."""
        matches = self.matches(name)
        if len(matches) == 1:
            return matches[0]
        shown = name if len(name) <= 60 else name[:57] + "..."
        if matches:
            listed = ", ".join(f"{r.id} ({r.title})" for r in matches)
            raise LookupError(f"'{shown}' could mean several rules: {listed}; name one of them")
        from ihltag.diagnostics import suggestions

        titles = {r.title: r for r in self.rules}
        close = [titles[t] for t in suggestions(name, list(titles), n=3, cutoff=0.5)]
        if close:
            hint = "; did you mean " + " or ".join(f"{r.id} ({r.title})" for r in close) + "?"
        else:
            hint = "; known rules: " + ", ".join(f"{r.id} ({r.title})" for r in self.rules)
        raise LookupError(f"no rule '{shown}'{hint}")


def default_folder() -> Path:
    """The pack shipped inside the package; the repository's ``rules/`` in a checkout."""
    shipped = resources.files("ihltag") / "_rules"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parent.parent / "rules"


def _doc(path: Path) -> tuple[Document | None, list[Diagnostic]]:
    try:
        return read_file(path, str(path)), []
    except YamlError as exc:
        return None, exc.diagnostics


def load_pack(folder: Path | None = None) -> RulePack:
    """Read, validate and compile every rule; raise ``RulePackError`` on any problem."""
    folder = folder or default_folder()
    if not folder.is_dir():
        raise RulePackError([Diagnostic(str(folder), 1, 1, "rules", "the rules folder does not exist")])
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    digest = hashlib.sha256()
    diags: list[Diagnostic] = []
    sets: dict[str, list[str]] = {}
    world: dict[str, Any] = {}
    docs: list[Document] = []
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        doc, found = _doc(path)
        diags.extend(found)
        if doc is None:
            continue
        if path.name.startswith("_sets."):
            raw = doc.data.get("sets") if isinstance(doc.data, dict) else None
            if not isinstance(raw, dict) or not all(
                    isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values()):
                diags.append(Diagnostic(doc.path, 1, 1, "rules", "_sets.yaml holds 'sets:', a "
                                        "mapping of set names to lists of values"))
            else:
                sets.update(raw)
        elif path.name.startswith("_tests."):
            world = doc.data if isinstance(doc.data, dict) else {}
        elif not path.name.startswith("_"):
            docs.append(doc)
    rules: list[Rule] = []
    for doc in docs:
        rule, found = _compile(doc, sets)
        diags.extend(found)
        if rule is not None:
            rules.append(rule)
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            diags.append(Diagnostic(rule.path, 1, 1, "rules",
                                    f"rule {rule.id} is also defined in {seen[rule.id]}"))
        seen[rule.id] = rule.path
    if diags:
        raise RulePackError(diags)
    if not rules:
        raise RulePackError([Diagnostic(str(folder), 1, 1, "rules", "the folder holds no rule files")])
    rules.sort(key=lambda r: r.number)
    pack = RulePack(rules, sets, world, folder, digest.hexdigest()[:16])
    pack.by_id = {r.id: r for r in rules}
    return pack


def _compile(doc: Document, sets: dict[str, list[str]]) -> tuple[Rule | None, list[Diagnostic]]:
    spec, diags = validate(doc, RuleFile)
    if spec is None:
        return None, diags
    groups: dict[str, list[Clause]] = {"elements": [], "exceptions": []}
    defaults: list[str] = []
    for group in ("elements", "exceptions"):
        for i, clause in enumerate(getattr(spec, group)):
            try:
                node = compile_condition(clause.when, sets, (group, i, "when"))
            except ConditionError as exc:
                diags.extend(diagnostic(doc.path, doc.root, e, ()) for e in exc.errors)
                continue
            groups[group].append(Clause(clause.id, clause.description, node))
            defaults.extend(_defaults(node, clause.id))
    war: list[tuple[Node | None, str]] = []
    if isinstance(spec.war_crime, str):
        war.append((None, spec.war_crime))
    elif spec.war_crime:
        for i, entry in enumerate(spec.war_crime):
            cond = None
            if entry.when is not None:
                try:
                    cond = compile_condition(entry.when, sets, ("war_crime", i, "when"))
                except ConditionError as exc:
                    diags.extend(diagnostic(doc.path, doc.root, e, ()) for e in exc.errors)
            war.append((cond, entry.provision))
    if diags:
        return None, diags
    return Rule(
        id=spec.id, number=int(spec.id.split("-")[1]), title=spec.title, text=" ".join(spec.text.split()),
        icrc=spec.icrc, related=tuple(spec.related), applies_to=frozenset(spec.applies_to),
        max_status=spec.max_status, war_crime=tuple(war), elements=tuple(groups["elements"]),
        exceptions=tuple(groups["exceptions"]), tests=tuple(spec.tests), path=doc.path,
        defaults=tuple(defaults),
    ), []


def _defaults(node: Node, clause: str) -> list[str]:
    """The 'omitted counts as …' defaults a clause declares, to show them to users."""
    out = []
    if node.spec is not None and node.if_omitted is not None:
        out.append(f"{clause}: omitted {node.fact} counts as {'true' if node.if_omitted else 'false'}")
    for child in node.children:
        out.extend(_defaults(child, clause))
    return out
