"""The rule pack: loading, validating and compiling ``rules/*.yaml`` once per run.

A rule pack is a folder. ``_sets.yaml`` names value sets, ``_tests.yaml`` is the world
the inline tests run in, and every other ``*.yaml`` file is one rule. Any problem in the
pack is an error with file, line and column, and the run cannot be made (exit 2).

The loader also keeps the law honest where a typo would not be caught elsewhere: no
crime-against-humanity label (no single act establishes a widespread or systematic
attack), no provision for international conflicts in a rule that binds in a
non-international one unless its condition requires an IAC, and a default always states
its kind and legal basis.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ihltag.diagnostics import Diagnostic, DiagnosticsError
from ihltag.models import Url
from ihltag.rulelang import ConditionError, Node, compile_condition, diagnostic
from ihltag.validation import validate
from ihltag.yamlsafe import Document, YamlError, decode, locate, parse_text, read_bytes

Status = Literal["violation", "possible"]


class RulePackError(DiagnosticsError):
    """The rule pack cannot be used: nothing can be checked with it (exit 2)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("the rule pack is invalid", diagnostics)


class _Strict(BaseModel):
    # built on first use (see ihltag.models._Model)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _ClauseFile(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    description: Annotated[str, Field(min_length=1)]
    # the element in plain words for a published report (``description`` is for coders)
    reader: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    when: dict[str, Any]


class _WarCrime(_Strict):
    provision: Annotated[str, Field(min_length=1)]
    when: dict[str, Any] | None = None
    note: Annotated[str, Field(min_length=1)] | None = None


TestStatus = Literal["violation", "possible", "none"]


class Expected(_Strict):
    """What one act of a test must give: the status, and optionally whether a presumption
    decided it, the exact war-crime provisions printed and the facts that would decide it."""

    status: TestStatus
    presumed: bool | None = None
    war_crimes: list[str] | None = None
    decide: list[str] | None = None


class _Test(_Strict):
    name: Annotated[str, Field(min_length=1)]
    incident: dict[str, Any]
    presumptions: bool = True
    expect: Annotated[list[TestStatus | Expected], Field(min_length=1)]

    def expected(self) -> list[Expected]:
        return [Expected(status=e) if isinstance(e, str) else e for e in self.expect]


Text = Annotated[str, Field(min_length=1)]


class _RuleFr(_Strict):
    """A rule's French wording (issue 15), beside the English: what a reader sees with
    ``--lang fr``. Element and exception descriptions and default bases are keyed by the
    clause id; notes by the provision they qualify. What is missing falls back to English
    (``rules test`` warns)."""

    title: Annotated[str, Field(min_length=1, max_length=80)]
    text: Text
    elements: dict[str, Text] = {}
    exceptions: dict[str, Text] = {}
    no_war_crime: Text | None = None
    notes: dict[str, Text] = {}
    defaults: dict[str, Text] = {}
    reader: dict[str, Annotated[str, Field(min_length=1, max_length=200)]] = {}


class RuleFile(_Strict):
    id: Annotated[str, Field(pattern=r"^CIHL-[0-9]{1,4}$")]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    text: Annotated[str, Field(min_length=1)]
    icrc: Annotated[Url, Field(pattern=r"^https://")]  # rendered as a link: no markup (D7)
    related: list[Annotated[str, Field(pattern=r"^CIHL-[0-9]{1,4}$")]] = []
    applies_to: Annotated[list[Literal["IAC", "NIAC"]], Field(min_length=1)] = ["IAC", "NIAC"]
    max_status: Status = "violation"
    war_crimes: list[_WarCrime] = []
    no_war_crime: Annotated[str, Field(min_length=1)] | None = None
    elements: Annotated[list[_ClauseFile], Field(min_length=1)]
    exceptions: list[_ClauseFile] = []
    tests: list[_Test] = []
    fr: _RuleFr | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """One compiled element or exception."""

    id: str
    description: str
    node: Node
    reader: str = ""  # the text a published report prints (falls back to description)


@dataclass(frozen=True, slots=True)
class Provision:
    """A war-crime provision and the condition under which a violation may amount to it."""

    provision: str
    when: Node | None
    note: str = ""

    @property
    def text(self) -> str:
        return f"may amount to a war crime under {self.provision}" + (
            f" {self.note}" if self.note else "")


@dataclass(frozen=True, slots=True)
class DeclaredDefault:
    """A default a rule declares for an omitted fact, as ``rules show`` prints it."""

    clause: str
    fact: str
    value: bool  # the value the leaf takes
    kind: str
    basis: str
    unless: str = ""
    counts_as: str = ""  # what the omitted fact counts as, in words

    def __str__(self) -> str:
        kind = self.kind.replace("_", " ")
        unless = f" Not applied when: {self.unless}." if self.unless else ""
        shown = self.counts_as or ("true" if self.value else "false")
        return (f"{self.clause}: omitted {self.fact} counts as {shown}"
                f" — {kind}: {self.basis}{unless}")


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
    war_crimes: tuple[Provision, ...]
    elements: tuple[Clause, ...]
    exceptions: tuple[Clause, ...]
    tests: tuple[_Test, ...]
    path: str
    defaults: tuple[DeclaredDefault, ...] = ()
    no_war_crime: str = ""
    fr: _RuleFr | None = None

    def missing(self, lang: str) -> list[str]:
        """What the rule does not say in ``lang`` (shown in English instead)."""
        if lang == "en":
            return []
        fr = self.fr
        if fr is None:
            return ["everything"]
        out = [f"{group[:-1]} {c.id}" for group, clauses, given in (
            ("elements", self.elements, fr.elements), ("exceptions", self.exceptions, fr.exceptions))
            for c in clauses if c.id not in given]
        if self.no_war_crime and not fr.no_war_crime:
            out.append("no_war_crime")
        out += [f"note of {p.provision}" for p in self.war_crimes if p.note and p.provision not in fr.notes]
        out += [f"default basis of {d.clause}" for d in self.defaults if d.clause not in fr.defaults]
        out += [f"reader text of {c.id}" for c in (*self.elements, *self.exceptions)
                if c.reader and c.id not in fr.reader]
        return out

    def in_lang(self, lang: str) -> Rule:
        """The rule as a reader of ``lang`` sees it: its words replaced where the rule
        file translates them, the English kept where it does not. Conditions, ids and
        provisions (the law's own references) are the same rule."""
        fr = self.fr
        if lang == "en" or fr is None:
            return self
        from dataclasses import replace

        def words(text: str) -> str:
            return " ".join(text.split())

        icrc = self.icrc  # the ICRC's database has each rule in French too
        if icrc.startswith("https://ihl-databases.icrc.org/en/"):
            icrc = icrc.replace("/en/", "/fr/", 1)
        return replace(
            self, title=fr.title, text=words(fr.text), icrc=icrc,
            elements=tuple(replace(c, description=words(fr.elements.get(c.id, c.description)),
                                   reader=fr.reader.get(c.id, c.reader)) for c in self.elements),
            exceptions=tuple(replace(c, description=words(fr.exceptions.get(c.id, c.description)),
                                     reader=fr.reader.get(c.id, c.reader)) for c in self.exceptions),
            war_crimes=tuple(replace(p, note=fr.notes.get(p.provision, p.note))
                             for p in self.war_crimes),
            defaults=tuple(replace(d, basis=words(fr.defaults.get(d.clause, d.basis)))
                           for d in self.defaults),
            no_war_crime=words(fr.no_war_crime or self.no_war_crime))

    @property
    def war_crime(self) -> tuple[tuple[Node | None, str], ...]:
        """(condition, provision) pairs, for the outputs that list a rule's provisions."""
        return tuple((p.when, p.provision) for p in self.war_crimes)

    @property
    def has_presumptions(self) -> bool:
        return any(d.kind == "presumption" for d in self.defaults)

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
    here = Path(__file__).resolve().parent  # not importlib.resources: 2 ms of every run
    shipped = here / "_rules"
    return shipped if shipped.is_dir() else here.parent / "rules"


def _read(path: Path, folder: Path, digest: Any) -> tuple[bytes | None, list[Diagnostic]]:
    """One rule file's bytes, read once (size-checked first, bounded, a regular file
    inside the pack's folder: issue 12 D1, D2, D16) and added to the pack's digest."""
    name = str(path)
    try:
        raw = read_bytes(path, name, root=folder, scope="the rules folder")[1]
    except YamlError as exc:
        digest.update(path.name.encode() + b"\0\0")
        return None, exc.diagnostics
    digest.update(path.name.encode() + b"\0" + raw + b"\0")
    return raw, []


def load_pack(folder: Path | None = None, cache: bool = False) -> RulePack:
    """Read, validate and compile every rule; raise ``RulePackError`` on any problem.

    With ``cache``, the files' parsed data is taken from the user's cache when the
    pack's bytes are those it was kept for (``ihltag.packcache``): validation and
    compilation run on it all the same, and any problem is found again from the files
    themselves, so that it is reported with its line and column."""
    folder = folder or default_folder()
    if not folder.is_dir():
        raise RulePackError([Diagnostic(str(folder), 1, 1, "rules", "the rules folder does not exist")])
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")
                   and (p.is_symlink() or not p.is_dir()))  # a FIFO or a link is refused, not skipped
    digest = hashlib.sha256()
    diags: list[Diagnostic] = []
    raws: list[tuple[Path, bytes]] = []
    for path in files:
        raw, found = _read(path, folder, digest)
        diags.extend(found)
        if raw is not None:
            raws.append((path, raw))
    full = digest.hexdigest()
    if cache and not diags:
        from ihltag import packcache

        kept = packcache.load(folder, full)
        if kept is not None and set(kept) == {p.name for p, _ in raws}:
            pack, found = _assemble([Document(str(p), kept[p.name], None, "") for p, _ in raws],
                                    folder, full)
            if pack is not None:
                return pack
            # a problem: found again below, from the files, with its place
    docs = []
    for path, raw in raws:
        name = str(path)
        try:
            docs.append(parse_text(name, decode(name, raw)))
        except YamlError as exc:
            diags.extend(exc.diagnostics)
    pack, found = _assemble(docs, folder, full)  # every problem of the pack in one run
    diags.extend(found)
    if diags:
        raise RulePackError(diags)
    if pack is None:
        raise RulePackError([Diagnostic(str(folder), 1, 1, "rules", "the folder holds no rule files")])
    if cache:
        from ihltag import packcache

        packcache.store(folder, full, {Path(d.path).name: d.data for d in docs})
    return pack


def _assemble(docs: list[Document], folder: Path, digest: str
              ) -> tuple[RulePack | None, list[Diagnostic]]:
    """The pack from its parsed files (the sets, the tests' world, every rule compiled),
    or None and the problems (none when the folder holds no rule)."""
    diags: list[Diagnostic] = []
    sets: dict[str, list[str]] = {}
    world: dict[str, Any] = {}
    rule_docs: list[Document] = []
    for doc in docs:
        name = Path(doc.path).name
        if name.startswith("_sets."):
            raw = doc.data.get("sets") if isinstance(doc.data, dict) else None
            if not isinstance(raw, dict) or not all(
                    isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values()):
                diags.append(Diagnostic(doc.path, 1, 1, "rules", "_sets.yaml holds 'sets:', a "
                                        "mapping of set names to lists of values"))
            else:
                sets.update(raw)
        elif name.startswith("_tests."):
            world = doc.data if isinstance(doc.data, dict) else {}
        elif not name.startswith("_"):
            rule_docs.append(doc)
    rules: list[Rule] = []
    for doc in rule_docs:
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
        return None, diags
    if not rules:
        return None, []
    rules.sort(key=lambda r: r.number)
    pack = RulePack(rules, sets, world, folder, digest[:16])
    pack.by_id = {r.id: r for r in rules}
    return pack, []


_CAH = re.compile(r"crimes? against humanity|\bart(?:icle)?\.?\s*7\b", re.IGNORECASE)
_IAC_ONLY = re.compile(r"\b8\s*\(\s*2\s*\)\s*\(\s*[ab]\s*\)")


def _requires_iac(node: Node | None) -> bool:
    """The condition can only hold in an international conflict."""
    if node is None:
        return False
    if node.fact == "conflict.classification" and node.spec is not None:
        return (node.op == "eq" and node.arg == "IAC") or (
            node.op == "in" and isinstance(node.arg, list) and node.arg == ["IAC"])
    return node.op == "all" and any(_requires_iac(ch) for ch in node.children)


def _compile(doc: Document, sets: dict[str, list[str]]) -> tuple[Rule | None, list[Diagnostic]]:
    if isinstance(doc.data, dict) and "war_crime" in doc.data:
        line, col = locate(doc.root, ("war_crime",), key=True)
        return None, [Diagnostic(doc.path, line, col, "rule", "the key 'war_crime' is replaced by "
                                 "'war_crimes': a list of {provision, when, note} (or "
                                 "'no_war_crime: <why>')")]
    spec, diags = validate(doc, RuleFile)
    if spec is None:
        return None, diags
    groups: dict[str, list[Clause]] = {"elements": [], "exceptions": []}
    defaults: list[DeclaredDefault] = []
    for group in ("elements", "exceptions"):
        for i, clause in enumerate(getattr(spec, group)):
            try:
                node = compile_condition(clause.when, sets, (group, i, "when"))
            except ConditionError as exc:
                diags.extend(diagnostic(doc.path, doc.root, e, ()) for e in exc.errors)
                continue
            groups[group].append(Clause(clause.id, clause.description, node, clause.reader or ""))
            defaults.extend(_defaults(node, clause.id))
    war: list[Provision] = []
    for i, entry in enumerate(spec.war_crimes):
        cond = None
        if entry.when is not None:
            try:
                cond = compile_condition(entry.when, sets, ("war_crimes", i, "when"), defaults=False)
            except ConditionError as exc:
                diags.extend(diagnostic(doc.path, doc.root, e, ()) for e in exc.errors)
                continue
        words = f"{entry.provision} {entry.note or ''}"
        problem = ""
        if _CAH.search(words):
            problem = ("no crime-against-humanity label: it needs a widespread or systematic "
                       "attack, which no single act establishes")
        elif _IAC_ONLY.search(entry.provision) and "NIAC" in spec.applies_to \
                and not _requires_iac(cond):
            problem = (f"'{entry.provision}' exists only for international armed conflicts; the "
                       "rule applies in NIACs, so its 'when' must require "
                       "{fact: conflict.classification, eq: IAC}")
        elif "customary" in entry.provision.lower() and "Rule 156" not in entry.provision:
            problem = "a customary war crime is cited as 'customary IHL (ICRC Rule 156)'"
        if problem:
            line, col = locate(doc.root, ("war_crimes", i, "provision"))
            diags.append(Diagnostic(doc.path, line, col, "rule", problem))
            continue
        war.append(Provision(entry.provision, cond, entry.note or ""))
    if spec.war_crimes and spec.no_war_crime:
        line, col = locate(doc.root, ("no_war_crime",), key=True)
        diags.append(Diagnostic(doc.path, line, col, "rule",
                                "a rule has either 'war_crimes' or 'no_war_crime', not both"))
    diags.extend(_check_fr(doc, spec))
    if diags:
        return None, diags
    return Rule(
        id=spec.id, number=int(spec.id.split("-")[1]), title=spec.title, text=" ".join(spec.text.split()),
        icrc=spec.icrc, related=tuple(spec.related), applies_to=frozenset(spec.applies_to),
        max_status=spec.max_status, war_crimes=tuple(war), elements=tuple(groups["elements"]),
        exceptions=tuple(groups["exceptions"]), tests=tuple(spec.tests), path=doc.path, fr=spec.fr,
        defaults=tuple(defaults), no_war_crime=" ".join((spec.no_war_crime or "").split()),
    ), []


def _check_fr(doc: Document, spec: RuleFile) -> list[Diagnostic]:
    """The French block names only clauses and provisions the rule has: a typo'd id
    would silently leave a description in English."""
    fr = spec.fr
    if fr is None:
        return []
    known = {"elements": [c.id for c in spec.elements], "exceptions": [c.id for c in spec.exceptions],
             "defaults": [c.id for c in [*spec.elements, *spec.exceptions]],
             "reader": [c.id for c in [*spec.elements, *spec.exceptions]],
             "notes": [w.provision for w in spec.war_crimes if w.note]}
    out: list[Diagnostic] = []
    for group, ids in known.items():
        for key in getattr(fr, group):
            if key not in ids:
                from ihltag.diagnostics import did_you_mean

                line, col = locate(doc.root, ("fr", group, key), key=True)
                what = "provision with a note" if group == "notes" else "clause"
                out.append(Diagnostic(doc.path, line, col, "rule",
                                      f"fr.{group}: the rule has no {what} '{key}'"
                                      f"{did_you_mean(key, ids)}"))
    if fr.no_war_crime and not spec.no_war_crime:
        line, col = locate(doc.root, ("fr", "no_war_crime"), key=True)
        out.append(Diagnostic(doc.path, line, col, "rule",
                              "fr.no_war_crime translates 'no_war_crime', which the rule does not have"))
    return out


def _defaults(node: Node, clause: str) -> list[DeclaredDefault]:
    """The defaults a clause declares, to show them to users."""
    out = []
    for leaf in node.defaults():
        d = leaf.default
        assert d is not None
        out.append(DeclaredDefault(clause, leaf.fact, d.value, d.kind, d.basis,
                                   d.unless.describe() if d.unless is not None else "",
                                   leaf.counts_as(d.value)))
    return out
