"""The results of a check as typed data: a ``Finding`` of the engine, a ``FileResult``
per file, a ``CheckRun`` for the whole run.

Every output (text, JSON, GitHub, SARIF, explain, the report) reads these types, never a
decoded JSON dict. How a result is stored is the cache's business (``ihltag.cache``):
a result read from the cache holds its findings as their JSON text (``findings_json``)
and decodes them only when something asks for them, so that a warm run that shows no
finding, or writes them as that very text (the JSON output), never pays for decoding
them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ihltag.diagnostics import Diagnostic, plural

if TYPE_CHECKING:
    from ihltag.models import Incident
    from ihltag.registry import Registry
    from ihltag.rules import RulePack

STATUS_ORDER = {"possible": 1, "violation": 2}


class ActorRef(TypedDict):
    """A perpetrator of an act as a finding names it: the registry id (or the name as
    written when the registry does not know it), and how firmly it is attributed."""

    actor: str
    attribution: str
    confidence: str
    involvement: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One element or exception in a trace. ``default``: the kind of declared default
    ("presumption", "required_record") that decided its value, with its ``basis``."""

    id: str
    description: str
    value: str  # "true", "false" or "unknown"
    because: str
    default: str | None = None
    basis: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"id": self.id, "description": self.description, "value": self.value,
               "because": self.because}
        if self.default is not None:
            out["default"] = self.default
        if self.basis is not None:
            out["basis"] = self.basis
        return out


@dataclass(frozen=True, slots=True)
class WarCrime:
    provision: str
    text: str  # "may amount to a war crime under <provision>[ <note>]"

    def as_dict(self) -> dict[str, str]:
        return {"provision": self.provision, "text": self.text}


@dataclass(frozen=True, slots=True)
class Finding:
    """What one rule says about one act: its status, the trace that decided it, and
    what a reader needs beside it (provisions, presumptions, the facts to record)."""

    rule: str
    title: str
    status: str | None  # None: no finding (only in explanations)
    act: int
    actors: tuple[ActorRef, ...]
    war_crime: str | None  # the first of war_crimes' texts
    elements: tuple[Evaluation, ...]
    exceptions: tuple[Evaluation, ...]
    note: str = ""
    presumed: bool = False
    war_crimes: tuple[WarCrime, ...] = ()
    decide: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The finding as cli.md's JSON output gives it."""
        out: dict[str, Any] = {
            "rule": self.rule, "title": self.title, "status": self.status, "act": self.act,
            "actors": [dict(a) for a in self.actors], "war_crime": self.war_crime,
            "war_crimes": [w.as_dict() for w in self.war_crimes], "presumed": self.presumed,
            "decide": list(self.decide),
            "elements": [e.as_dict() for e in self.elements],
            "exceptions": [e.as_dict() for e in self.exceptions],
        }
        if self.note:
            out["note"] = self.note
        return out

    @property
    def rank(self) -> int:
        return STATUS_ORDER.get(self.status or "", 0)

    def war_crimes_shown(self) -> tuple[WarCrime, ...]:
        """The war-crime provisions, only ever on a violation (a provision beside a
        ``possible`` finding would mislead; the engine gives none there either)."""
        return self.war_crimes if self.status == "violation" else ()

    def war_crime_texts(self) -> list[str]:
        """"may amount to a war crime under …" for each provision shown."""
        return [w.text for w in self.war_crimes_shown()]

    def presumed_basis(self) -> str:
        """The legal basis of the presumptions that decided the finding (empty if none did)."""
        if not self.presumed:
            return ""
        bases: list[str] = []
        for e in self.elements + self.exceptions:
            if e.default == "presumption" and e.basis and e.basis not in bases:
                bases.append(e.basis)
        return " ".join(bases)

    def presumed_text(self) -> str:
        """``presumed (<basis>)`` when a presumption decided the finding, else empty."""
        if not self.presumed:
            return ""
        basis = self.presumed_basis()
        return f"presumed ({basis})" if basis else "presumed"

    def actors_text(self) -> str:
        return ", ".join(f"{a['actor']} ({a['attribution']})" for a in self.actors) or "unknown"


class ReleasedError(RuntimeError):
    """A streamed result's findings were asked for after they were written and let go."""


def findings_json(findings: Sequence[Finding]) -> str:
    """A file's findings as one compact JSON array of their ``as_dict``, with no raw
    control, bidi or line-separator character (``json_safe``). The one text of a file's
    findings: the JSON output writes it, a worker sends it, the cache stores it, so a
    warm run writes what it stored as it is."""
    import json

    from ihltag.safetext import json_safe

    return json_safe(json.dumps([f.as_dict() for f in findings], ensure_ascii=False,
                                separators=(",", ":")))


# A result's findings as their ``findings_json`` text, with the function that decodes it.
Lazy = tuple[Callable[[str], list[Finding]], str]


@dataclass(slots=True, eq=False)
class FileResult:
    """What checking one file found: plain data, cached and sent between processes.

    ``counts`` (violation, possible) is kept apart from the findings: it stays true when
    a streamed run has written the findings and released them (``release``)."""

    file: str
    id: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counts: tuple[int, int] = (0, 0)
    acts_lines: list[int] = field(default_factory=list)
    id_pos: tuple[int, int] = (1, 1)
    incident: Incident | None = None
    acts_cols: list[int] = field(default_factory=list)
    _findings: list[Finding] | None = field(default=None, repr=False)
    _lazy: Lazy | None = field(default=None, repr=False)
    released: bool = False

    @property
    def findings(self) -> list[Finding]:
        if self._findings is None:
            if self.released:
                raise ReleasedError(f"{self.file}: its findings were not kept (written "
                                    "out by a streamed run, or not read by a quiet one)")
            lazy, self._lazy = self._lazy, None
            self._findings = lazy[0](lazy[1]) if lazy is not None else []
        return self._findings

    @findings.setter
    def findings(self, findings: list[Finding]) -> None:
        self._findings = findings
        self._lazy = None
        statuses = [f.status for f in findings]
        self.counts = (statuses.count("violation"), statuses.count("possible"))

    def defer(self, decode: Callable[[str], list[Finding]], encoded: str) -> None:
        """Hold the findings as ``encoded``, their ``findings_json`` text, decoded by
        ``decode`` when first asked for (``counts`` must already be theirs: the cache
        checks it)."""
        self._findings = None
        self._lazy = (decode, encoded)

    def findings_text(self) -> str:
        """The findings' ``findings_json`` text: the one held when they were never
        decoded, else made from them."""
        if self._lazy is not None:
            return self._lazy[1]
        return findings_json(self.findings) if self.counts != (0, 0) else "[]"

    def release(self) -> None:
        """Let go of what only the outputs need (findings, places of acts) once they are
        written; the counts and diagnostics stay for the summary and the exit status."""
        self._findings = None
        self._lazy = None
        self.acts_lines, self.acts_cols = [], []
        self.released = True

    @property
    def valid(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def act_position(self, act: int) -> tuple[int, int]:
        """Line and column of ``acts[act]``; the first line when the file moved under us."""
        line = self.acts_lines[act] if act < len(self.acts_lines) else 1
        col = self.acts_cols[act] if act < len(self.acts_cols) else 1
        return line, col


@dataclass
class Tally:
    """Files a quiet run counted without keeping a result: valid, unchanged, with
    nothing to show (their findings are counted, not listed)."""

    files: int = 0
    violation: int = 0
    possible: int = 0


SHOWN = 10  # findings and warnings named in full when they fail a run; the rest are counted


@dataclass
class CheckRun:
    """A run: its dataset, registries and rules, each file's result (streamed results
    hold only their counts and diagnostics), and the files only counted (``unlisted``).

    A run that exits 1 must say what made it fail: an invalid file says so in its own
    errors, but ``--fail-on`` and ``--strict`` turn findings and warnings into failures,
    and a quiet CI run would otherwise show a green-looking summary and a red status.
    ``add`` notes the first findings at each status as results pass, before their
    findings are let go, so ``failure_reasons`` can name them whatever the output."""

    root: Path
    registry: Registry
    pack: RulePack
    results: list[FileResult] = field(default_factory=list)
    unlisted: Tally = field(default_factory=Tally)
    # the first SHOWN findings at or above each status, as "file:line:col: ..." lines
    first_failing: dict[str, list[str]] = field(
        default_factory=lambda: {"violation": [], "possible": []})

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    def names(self, counts: tuple[int, int]) -> bool:
        """Whether ``add`` would name some of a result's findings with these counts."""
        return (bool(counts[0]) and len(self.first_failing["violation"]) < SHOWN) or (
            counts != (0, 0) and len(self.first_failing["possible"]) < SHOWN)

    def add(self, result: FileResult) -> None:
        self.results.append(result)
        if result.released or not self.names(result.counts):
            return  # nothing more to name (and, on a warm run, nothing to decode)
        violations, possible = self.first_failing["violation"], self.first_failing["possible"]
        for f in result.findings:
            line, col = result.act_position(f.act)
            text = f"{result.file}:{line}:{col}: {f.status} {f.rule} {f.title} (acts[{f.act}])"
            if f.status == "violation" and len(violations) < SHOWN:
                violations.append(text)
            if len(possible) < SHOWN:
                possible.append(text)

    def summary(self) -> dict[str, Any]:
        rest = self.unlisted
        violation = rest.violation + sum(r.counts[0] for r in self.results)
        possible = rest.possible + sum(r.counts[1] for r in self.results)
        invalid = sum(1 for r in self.results if not r.valid)
        return {"files": len(self.results) + rest.files, "invalid": invalid,
                "incidents": sum(1 for r in self.results if r.valid) + rest.files,
                "errors": sum(1 for d in self.diagnostics if d.severity == "error"),
                "warnings": sum(1 for d in self.diagnostics if d.severity == "warning"),
                "findings": {"violation": violation, "possible": possible}}

    def _failing(self, fail_on: str | None) -> int:
        """How many findings are at or above ``fail_on`` (None: none fails the run)."""
        if fail_on is None:
            return 0
        found = self.summary()["findings"]
        return int(found["violation"] + (found["possible"] if fail_on == "possible" else 0))

    def _warnings(self, strict: bool) -> list[str]:
        return [d.plain() for d in self.diagnostics if d.severity == "warning"] if strict else []

    def exit_status(self, fail_on: str | None = None, strict: bool = False) -> int:
        """1 when a file is invalid, a finding is at or above ``fail_on``, or (``strict``)
        there is a warning; else 0."""
        errors = any(d.severity == "error" for d in self.diagnostics)
        return 1 if errors or self._failing(fail_on) or self._warnings(strict) else 0

    def failure_reasons(self, fail_on: str | None = None, strict: bool = False) -> list[str]:
        """Lines that say why the run failed beyond its invalid files (empty otherwise)."""
        out: list[str] = []
        count = self._failing(fail_on)
        if count and fail_on is not None:
            named = self.first_failing[fail_on]
            out.append(f"failed by --fail-on {fail_on}: "
                       f"{plural(count, 'finding')} at or above '{fail_on}':")
            out += [f"  {line}" for line in named]
            if count > len(named):
                out.append(f"  … and {count - len(named)} more")
        warnings = self._warnings(strict)
        if warnings:
            out.append(f"failed by --strict: {plural(len(warnings), 'warning')} "
                       "counted as errors:")
            out += [f"  {line}" for line in warnings[:SHOWN]]
            if len(warnings) > SHOWN:
                out.append(f"  … and {len(warnings) - SHOWN} more")
        return out


def by_act(findings: Sequence[Finding]) -> list[tuple[int, list[Finding], list[Finding]]]:
    """(act, its violations, its possible findings), acts in the order findings name them."""
    acts: dict[int, tuple[list[Finding], list[Finding]]] = {}
    for f in findings:
        pair = acts.setdefault(f.act, ([], []))
        pair[0 if f.status == "violation" else 1].append(f)
    return [(act, v, p) for act, (v, p) in acts.items()]
