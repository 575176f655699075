"""The actor and conflict registries, name matching, and the nexus to a conflict.

Names are matched without regard to case, accents or the kind of apostrophe, because
sources spell them every way (``Jama’a``, ``JAMA'A``, ``Tilé``/``Tile``).
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ihltag.dates import Span
from ihltag.diagnostics import (
    Diagnostic,
    DiagnosticsError,
    closest,
    did_you_mean,
    excerpt,
    suggestions,
)
from ihltag.models import Act, Actor, Conflict, Incident
from ihltag.validation import diagnostics as pyd_diagnostics
from ihltag.vocab import PARTY_KINDS
from ihltag.yamlsafe import Document, YamlError, locate, read_file

UNIDENTIFIED = "unidentified"
Tri = bool | None


@lru_cache(maxsize=8192)
def fold(name: str) -> str:
    """Case-, accent- and apostrophe-insensitive key for a name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for ch in "’‘`´ʼ":
        text = text.replace(ch, "'")
    return " ".join(text.casefold().split())


class RegistryError(DiagnosticsError):
    """The registries cannot be used: the run cannot be made (exit 2)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("the registry is invalid", diagnostics)


@dataclass(frozen=True, slots=True)
class Nexus:
    """What the registries say about an incident's (or an act's) perpetrators and conflict.

    ``law``: the law in force on the incident's date in its conflict; None when no single
    conflict fits or that conflict records no ``law`` (unknown, not "none")."""

    conflicts: tuple[Conflict, ...]
    party: Tri
    nexus: Tri
    classification: str | None
    why: str
    law: tuple[str, ...] | None = None


@dataclass
class Registry:
    actors: dict[str, Actor] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # folded name -> actor id

    def resolve(self, name: str) -> Actor | None:
        actor_id = self.names.get(fold(name))
        return self.actors.get(actor_id) if actor_id else None

    def suggest(self, name: str, n: int = 3) -> list[str]:
        keys = suggestions(fold(name), list(self.names), n=n * 3, cutoff=0.5)
        seen: list[str] = []
        for k in keys:
            aid = self.names[k]
            if aid not in seen:
                seen.append(aid)
        return seen[:n]

    def hint(self, name: str) -> str:
        match = closest(fold(name), list(self.names))
        return f"; did you mean '{self.names[match]}'?" if match else ""

    def conflicts_of(self, actor: Actor) -> list[Conflict]:
        key = actor.supports or actor.id
        return [c for c in self.conflicts.values() if actor.id in c.parties or key in c.parties]

    def nexus(self, incident: Incident, act: Act | None = None) -> Nexus:
        """Party and nexus facts, as incident-format.md ("Nexus") and ihl-rules.md define them:
        of ``act``'s own perpetrators when it lists them, else of the incident's."""
        perpetrators = incident.perpetrators if act is None else incident.perpetrators_of(act)
        span = incident.span
        found: dict[str, Conflict] = {}
        party: Tri = False
        unidentified = False
        notes: list[str] = []
        for p in perpetrators:
            actor = self.resolve(p.actor)
            if actor is None:
                unidentified = True
                notes.append(f"{p.actor}: perpetrator not identified")
                continue
            fitting = self._fitting(incident, actor, span)
            for conflict in fitting:
                found[conflict.id] = conflict
            if fitting and actor.kind in PARTY_KINDS:
                party = True
            via = f" supporting {actor.supports}" if actor.supports else ""
            where = ", ".join(c.id for c in fitting) if fitting else "no conflict fits"
            notes.append(f"{actor.id}: {actor.kind.replace('_', ' ')}{via}; {where}")
        if party is not True and unidentified:
            party = None
        nexus: Tri = True if found else (None if unidentified else False)
        kinds = {c.classification for c in found.values()}
        law = next(iter(found.values())).law_on(span) if len(found) == 1 else None
        return Nexus(tuple(found.values()), party, nexus,
                     kinds.pop() if len(kinds) == 1 else None, "; ".join(notes), law)

    def act_nexus(self, incident: Incident, act: Act, incident_nexus: Nexus) -> Nexus:
        """The nexus an act is judged by: its own when it lists perpetrators, else the
        incident's (computed once per incident by the caller)."""
        return self.nexus(incident, act) if act.perpetrators else incident_nexus

    def _fitting(self, incident: Incident, actor: Actor, span: Span) -> list[Conflict]:
        sides = {actor.id} | ({actor.supports} if actor.supports else set())
        if incident.conflict:
            c = self.conflicts.get(incident.conflict)
            return [c] if c is not None and sides & set(c.parties) else []
        return [c for c in self.conflicts.values()
                if c.country == incident.location.country and sides & set(c.parties)
                and c.span.overlaps(span)]


def _load_list(path: Path, model: type[Actor] | type[Conflict], display: str
               ) -> tuple[Document | None, list[Any], list[Diagnostic]]:
    try:
        doc = read_file(path, display, root=path.parent)  # no link out of the dataset
    except YamlError as exc:
        return None, [], exc.diagnostics
    if not isinstance(doc.data, list):
        return doc, [], [Diagnostic(display, 1, 1, "wrong-type",
                                    "a registry file is a list of entries ('- id: ...')")]
    items: list[Any] = []
    diags: list[Diagnostic] = []
    adapter = TypeAdapter(model)
    for i, entry in enumerate(doc.data):
        try:
            items.append(adapter.validate_python(entry))
        except ValidationError as exc:
            diags.extend(pyd_diagnostics(doc, exc, model, prefix=(i,)))
    return doc, items, diags


def load_registry(root: Path, display_root: str = "") -> Registry:
    """Load and cross-check ``actors.yaml`` and ``conflicts.yaml``; raise ``RegistryError``."""
    reg = Registry()
    diags: list[Diagnostic] = []
    docs: dict[str, Document | None] = {}
    loaded: dict[str, list[Any]] = {}
    for name, model in (("actors.yaml", Actor), ("conflicts.yaml", Conflict)):
        path = root / name
        display = f"{display_root}{name}"
        if not os.path.lexists(path):  # anything else there is read, or refused, with a reason
            diags.append(Diagnostic(display, 1, 1, "missing-registry",
                                    f"the dataset root {root} has no {name}"))
            continue
        docs[name], loaded[name], found = _load_list(path, model, display)
        diags.extend(found)
    if diags:
        raise RegistryError(diags)
    a_name, c_name = f"{display_root}actors.yaml", f"{display_root}conflicts.yaml"
    diags = add_actors(reg, loaded["actors.yaml"], docs["actors.yaml"], a_name)
    diags += add_conflicts(reg, loaded["conflicts.yaml"], docs["conflicts.yaml"], c_name)
    if diags:
        raise RegistryError(diags)
    return reg


def _at(doc: Document | None, loc: tuple[int | str, ...]) -> tuple[int, int]:
    return locate(doc.root if doc else None, loc)


def add_actors(reg: Registry, actors: list[Actor], doc: Document | None, file: str
                ) -> list[Diagnostic]:
    """Index the actors by id and by every name (folded); the problems: ids or names used
    twice, the reserved name, a ``supports`` that names no actor."""
    diags: list[Diagnostic] = []
    owner: dict[str, tuple[str, int]] = {}
    for i, actor in enumerate(actors):
        if actor.id in reg.actors:
            diags.append(Diagnostic(file, *_at(doc, (i, "id")), "duplicate-actor",
                                    f"actor id '{actor.id}' is defined twice"))
            continue
        reg.actors[actor.id] = actor
        for j, name in enumerate([actor.id, actor.name, *actor.aliases]):
            key = fold(name)
            if key == fold(UNIDENTIFIED):
                diags.append(Diagnostic(file, *_at(doc, (i,)), "reserved-name",
                                        "'unidentified' is reserved for unknown perpetrators"))
            prev = owner.get(key)
            if prev and prev[0] != actor.id:
                loc: tuple[int | str, ...] = ((i, "aliases", j - 2) if j >= 2
                                              else (i, "name" if j else "id"))
                diags.append(Diagnostic(file, *_at(doc, loc), "duplicate-alias",
                                        f"name '{excerpt(name)}' is already used by actor '{prev[0]}'"))
            elif not prev:
                owner[key] = (actor.id, i)
                reg.names[key] = actor.id
    for i, actor in enumerate(actors):
        if actor.supports and actor.supports not in reg.actors:
            diags.append(Diagnostic(file, *_at(doc, (i, "supports")), "unknown-actor",
                                    f"supports '{excerpt(actor.supports)}', which is not an actor id"
                                    f"{did_you_mean(actor.supports, reg.actors)}"))
    return diags


def add_conflicts(reg: Registry, conflicts: list[Conflict], doc: Document | None, file: str
                   ) -> list[Diagnostic]:
    """Index the conflicts by id; the problems: ids used twice, parties that are no actor."""
    diags: list[Diagnostic] = []
    for i, conflict in enumerate(conflicts):
        if conflict.id in reg.conflicts:
            diags.append(Diagnostic(file, *_at(doc, (i, "id")), "duplicate-conflict",
                                    f"conflict id '{conflict.id}' is defined twice"))
        reg.conflicts[conflict.id] = conflict
        for j, party in enumerate(conflict.parties):
            if party not in reg.actors:
                diags.append(Diagnostic(file, *_at(doc, (i, "parties", j)),
                                        "unknown-actor", f"party '{excerpt(party)}' is not an actor id"
                                        f"{did_you_mean(party, reg.actors)}"))
    return diags


def registry_from_data(actors: list[Any], conflicts: list[Any]) -> Registry:
    """A registry from in-memory data (the rule packs' inline tests)."""
    reg = Registry()
    for raw in actors:
        actor = Actor.model_validate(raw)
        reg.actors[actor.id] = actor
        for name in (actor.id, actor.name, *actor.aliases):
            reg.names.setdefault(fold(name), actor.id)
    for raw in conflicts:
        conflict = Conflict.model_validate(raw)
        reg.conflicts[conflict.id] = conflict
    return reg
