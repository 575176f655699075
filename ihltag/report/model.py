"""The report's data, typed: what ``build_report`` returns and every renderer reads.

Plain dicts (TypedDicts), so the JSON format is the data as built and templates read it
with ``x.field``. Everything a renderer may show is already decided here: a sensitive
place has no coordinates, a confidential source is absent (only counted), a provision
sits only on a violation, internal ``notes`` are present only with ``--include-notes``.

Layout of the data (report version 2):

* ``incidents``: each selected incident once, in date order, with its findings
  (``IncidentEntry``); ``aggregates``: the ``aggregate: true`` records, listed apart and
  never summed;
* ``rules``: the rule index (each rule's incidents as references: ``number`` and
  ``anchor`` of the incident, and the acts with their status);
* ``summary``: the executive summary (scope in words, actor × rule matrix, casualty
  totals with the incidents each rests on, the most serious findings);
* ``notes``: one source note per distinct source, numbered in order of first use;
* ``provenance``: date, ihltag version, rule pack, dataset commit, filters.

Map and timeline (helper viz14): an incident's ``place`` (``lat``/``lon`` are None when
the place is withheld; ``admin1`` is always there), ``start``/``end`` (ISO days of the
span the written date means), ``status`` (the highest status among its findings) and
``anchor`` (the HTML id of its section).
"""

from __future__ import annotations

from typing import TypedDict

VERSION = 2


class Place(TypedDict):
    country: str
    admin1: str | None
    admin2: str | None  # None when withheld
    place: str | None  # None when withheld
    lat: float | None  # None when withheld or not recorded
    lon: float | None
    sensitive: bool
    withheld: bool
    text: str  # "Kara, Mopti, MLI" or "Timbuktu, MLI (exact place withheld)"


class Figure(TypedDict):
    """One casualty figure as recorded: ``exact`` for a plain number, else the range keys."""

    low: int | None
    best: int | None
    high: int | None
    exact: int | None
    text: str  # "at least 3", "about 30", "3 to 6 (best estimate 4)", "7"


class Casualty(TypedDict):
    kind: str
    figure: Figure


class Total(TypedDict):
    """A casualty total over the non-aggregate incidents of the report (incident-format.md,
    "casualties"): ``at_least`` sums each record's low or exact number; ``best`` only when
    every record has a best estimate or an exact number; ``upper`` only when every record
    has a high or an exact number."""

    kind: str
    at_least: int
    best: int | None
    upper: int | None
    incidents: int  # the incidents recording this kind: what the total rests on
    with_low: int  # of those, the ones with a lowest or exact figure ("at least")
    text: str


class Act(TypedDict):
    index: int  # 0-based, as in acts[i]
    type: str
    target: str
    headline: str  # "attack — civilians"
    details: list[str]
    note: str | None
    happened: str


class Actor(TypedDict):
    id: str
    name: str
    kind: str | None
    supports: str | None
    aliases: list[str]


class FindingActor(TypedDict):
    actor: str
    attribution: str
    confidence: str
    involvement: str


class Finding(TypedDict):
    rule: str
    title: str
    status: str  # violation | possible
    counted: bool  # False for an aggregate record's finding without --include-aggregates
    act: Act
    actors: list[FindingActor]
    attribution: str  # "JNIM (alleged, medium confidence)"
    headline: str  # "violation — attributed to JNIM (alleged, medium confidence)"
    war_crimes: list[str]  # "may amount to a war crime under …", only on a violation
    provisions: list[str]  # the provisions of those, for the summary table
    presumed: bool
    presumptions: list[str]  # "presumed civilian, Rule 6"
    presumed_basis: str
    established: list[str]  # reader texts of the elements
    unknown: list[str]
    open_exceptions: list[str]
    ruled_out: list[str]
    decide: list[str]  # facts that would decide a possible finding
    note: str


class ReviewFlag(TypedDict):
    """The possible findings of one act, grouped as ``check`` groups them."""

    act: int
    rules: list[str]
    text: str


class Response(TypedDict):
    actor: str
    heading: str  # "Response of the authorities" / "Response of the group"
    date: str | None
    summary: str
    refs: list[int]  # note numbers


class Perpetrator(TypedDict):
    actor: str
    name: str
    attribution: str
    attribution_text: str
    confidence: str
    involvement: str
    text: str  # "JNIM (alleged: credible sources or witnesses name it; medium confidence)"


class IncidentEntry(TypedDict):
    number: int  # 1-based, in report order; aggregates continue the numbering
    anchor: str  # HTML id; never the file name of a withheld place
    id: str | None  # None when the place is withheld (the id names it)
    file: str | None
    date: str  # as written
    date_text: str
    start: str
    end: str
    place: Place
    title: str
    summary: str
    notes: str | None  # internal; only with --include-notes
    responses: list[Response]
    conflicts: list[str]
    law: list[str] | None
    perpetrators: list[Perpetrator]
    casualties: list[Casualty]
    casualties_text: str
    refs: list[int]  # source note numbers, in order
    confidential_withheld: int
    aggregate: bool
    tags: list[str]
    status: str  # the highest status of its findings
    findings: list[Finding]
    review: list[ReviewFlag]


class RuleRef(TypedDict):
    """An incident under a rule: a reference to its section, never its text again."""

    number: int
    anchor: str
    date_text: str
    place: str
    title: str
    aggregate: bool
    acts: list[int]
    statuses: list[str]
    findings: list[int]  # positions in the incident's ``findings``


class RuleEntry(TypedDict):
    id: str
    title: str
    text: str
    icrc: str
    max_status: str
    violation: int
    possible: int
    incidents: list[RuleRef]
    war_crimes: list[str]  # provisions engaged by its counted violations


class MatrixRow(TypedDict):
    rule: str
    title: str
    cells: list[list[int]]  # per matrix actor: [violations, possible]


class Matrix(TypedDict):
    actors: list[str]
    rows: list[MatrixRow]


class RuleRow(TypedDict):
    rule: str
    title: str
    findings: int
    violation: int
    possible: int
    incidents: int
    war_crimes: list[str]


class Serious(TypedDict):
    number: int
    anchor: str
    text: str  # one line: rule, act, place, date, the wording of the finding


class Summary(TypedDict):
    scope: str  # the scope and filters in words
    findings: int
    violation: int
    possible: int
    incidents: int
    aggregates: int  # aggregate records listed apart
    matrix: Matrix
    totals: list[Total]
    serious: list[Serious]
    rules: list[RuleRow]
    months: dict[str, dict[str, int]]
    war_crimes: list[str]
    skipped_invalid: int


class NoteRef(TypedDict):
    number: int  # the incident's number
    anchor: str
    references: list[str]  # paragraphs, pages… of this document for that incident


class Note(TypedDict):
    number: int
    publisher: str
    title: str
    date: str | None
    url: str | None
    archive_url: str | None
    kind: str | None
    reliability: str | None
    credibility: int | None
    confidential: bool
    citation: str  # publisher, “title”, date — no internal tags
    text: str  # the citation with its links, for plain-text formats
    cited_by: list[NoteRef]  # back-links, one per citing incident and reference


class Provenance(TypedDict):
    generated: str  # ISO date (SOURCE_DATE_EPOCH when set, for reproducible output)
    ihltag_version: str
    rule_pack: str  # "rule pack v2"
    rule_pack_digest: str
    dataset_commit: str | None  # None outside a git repository
    dataset_dirty: bool
    filters: str  # the selection in words
    text: str  # one line with all of it


class Selection(TypedDict):
    actors: list[str]
    include_supporting: bool
    rules: list[str]
    conflicts: list[str]
    date_from: str | None
    date_to: str | None
    regions: list[str]
    status: str
    exclude_tags: list[str]
    include_aggregates: bool
    include_notes: bool
    include_confidential: bool
    exact_places: bool
    layout: str


class Period(TypedDict):
    date_from: str | None
    date_to: str | None
    first: str | None  # the earliest incident's date as written
    last: str | None  # the latest incident's date as written
    text: str


class Conflict(TypedDict):
    id: str
    name: str
    classification: str
    country: str
    parties: list[str]
    law: list[str]
    start: str
    end: str | None


class ReportData(TypedDict):
    version: int
    notice: str | None
    title: str
    layout: str  # incidents | rules
    provenance: Provenance
    selection: Selection
    period: Period
    actors: list[Actor]
    conflicts: list[Conflict]
    summary: Summary
    incidents: list[IncidentEntry]
    aggregates: list[IncidentEntry]
    rules: list[RuleEntry]
    notes: list[Note]
    method: str
