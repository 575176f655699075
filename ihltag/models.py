"""Pydantic models of incident format version 1 (revision 2), and of the actor and conflict
registries.

``extra="forbid"`` everywhere: an unknown key is almost always a typo. Vocabularies come
from ``ihltag.vocab`` so that validation, hints, the JSON Schema and the docs agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date as _date
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

from ihltag import vocab
from ihltag.dates import Span, check_not_future, parse_span
from ihltag.diagnostics import excerpt

if TYPE_CHECKING:  # mypy sees plain text; pydantic sees the Literal of each vocabulary
    ActType: TypeAlias = str
    TargetType: TypeAlias = str
    MeansType: TypeAlias = str
    VictimGroup: TypeAlias = str
    Targeting: TypeAlias = str
    Reason: TypeAlias = str
    Attribution: TypeAlias = str
    Involvement: TypeAlias = str
    SourceKind: TypeAlias = str
    Reliability: TypeAlias = str
    ActorKind: TypeAlias = str
    Classification: TypeAlias = str
    DemandTo: TypeAlias = str
    LawName: TypeAlias = str
else:
    def _lit(v: vocab.Vocab) -> Any:
        return Literal[tuple(v)]

    ActType = _lit(vocab.ACT_TYPES)
    TargetType = _lit(vocab.TARGETS)
    MeansType = _lit(vocab.MEANS)
    VictimGroup = _lit(vocab.VICTIM_GROUPS)
    Targeting = _lit(vocab.TARGETING)
    Reason = _lit(vocab.REASONS)
    Attribution = _lit(vocab.ATTRIBUTION)
    Involvement = _lit(vocab.INVOLVEMENT)
    SourceKind = _lit(vocab.SOURCE_KINDS)
    Reliability = _lit(vocab.RELIABILITY)
    ActorKind = _lit(vocab.ACTOR_KINDS)
    Classification = _lit(vocab.CLASSIFICATIONS)
    DemandTo = _lit(vocab.DEMAND_TO)
    LawName = _lit(vocab.LAWS)

_URL = re.compile(r"https?://", re.IGNORECASE)  # the scheme; url_problem checks the rest


def _date_text(value: Any) -> Any:
    """A bare year may be written unquoted (YAML reads it as a number)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _valid_date(text: str) -> str:
    span = parse_span(text)
    check_not_future(span)
    if "/" in text:  # a range may not end in the future either
        check_not_future(parse_span(text.partition("/")[2].strip()))
    return text


def _single_date(text: str) -> str:
    if "/" in text:
        raise ValueError(f"'{excerpt(text)}' is a range; a single date is expected here")
    return _valid_date(text)


def _one_line(text: str) -> str:
    if "\n" in text.strip():
        raise ValueError("must be one line")
    return text


def _url(text: str) -> str:
    problem = url_problem(text)
    if problem:
        raise ValueError(problem)
    return text


# Characters a URL may not hold unescaped: Markdown link syntax (``<>[]()``) and what RFC
# 3986 excludes anyway, so a source URL can never become markup in a report (issue 12 D7).
_URL_FORBIDDEN = frozenset('<>[]()"\\`{}|^')


def url_problem(text: str) -> str | None:
    """Why ``text`` is not a URL a report may link to (None when it is): http(s) with a
    host, no user name or password, no space, control or format character, and none of
    ``<>[]()"\\`{}|^`` unescaped. The message names the character, never the whole URL."""
    import unicodedata
    from urllib.parse import urlsplit

    if not _URL.match(text):
        shown = text if len(text) <= 60 else text[:57] + "…"
        return f"{shown!r} is not an http(s) URL"
    if len(text) > 2048:
        return "is too long for a URL (at most 2048 characters)"
    for i, ch in enumerate(text, 1):
        if ch in _URL_FORBIDDEN:
            return (f"character {i} of the URL ({ch!r}) is not allowed unescaped; "
                    f"percent-encode it as %{ord(ch):02X}")
        if unicodedata.category(ch)[0] in "CZ":
            return f"character {i} of the URL (U+{ord(ch):04X}) is a space or control character"
    parts = urlsplit(text)
    if "@" in parts.netloc:
        return "the URL must not hold a user name or password before its host"
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "the URL has an invalid port"
    if not parts.hostname:
        return "the URL has no host name"
    return None


def _credibility(value: Any) -> Any:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)  # bounded: int() of 5,000 digits is refused by Python (D5)
    return value


DateText = Annotated[str, BeforeValidator(_date_text), AfterValidator(_valid_date)]
SingleDate = Annotated[str, BeforeValidator(_date_text), AfterValidator(_single_date)]
Url = Annotated[str, AfterValidator(_url)]
# Bounds on every number (issue 12, D5): a count above a billion persons is a typo, and
# unbounded integers crash what adds them up and draws them (report sums, charts).
MAX_COUNT = 10**9
Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    # defer_build: a model's validator is built when it first validates, not at import.
    # A warm one-file lint validates the registries but no incident (its result is in
    # the cache): building the incident models at import cost it ~8 ms for nothing.
    model_config = ConfigDict(
        extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=False, frozen=True,
        defer_build=True,
    )


class Location(_Model):
    country: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    admin1: Text | None = None
    admin2: Text | None = None
    place: Text | None = None
    lat: Annotated[float, Field(ge=-90, le=90, strict=False)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180, strict=False)] | None = None
    sensitive: StrictBool = False

    @model_validator(mode="after")
    def _both_or_neither(self) -> Location:
        problem = self.cross_check({"lat": self.lat, "lon": self.lon})
        if problem:
            raise ValueError(problem)
        return self

    @staticmethod
    def cross_check(raw: Mapping[str, Any]) -> str | None:
        """The check across fields, on raw values too: validation runs it on a location
        whose other fields are wrong, so every problem is reported in one run."""
        if (raw.get("lat") is None) != (raw.get("lon") is None):
            return "give both 'lat' and 'lon', or neither"
        return None


class Perpetrator(_Model):
    actor: Text
    attribution: Attribution
    involvement: Involvement = "direct"


Flag = StrictBool | None  # an omitted fact is unknown, never false


class Act(_Model):
    type: ActType
    target: TargetType
    means: MeansType | None = None
    count: Count | None = None
    # revision 2: the act's own perpetrators, when they differ from the incident's
    perpetrators: Annotated[list[Perpetrator], Field(min_length=1)] | None = None
    victim_groups: list[VictimGroup] | None = None
    targeting: Targeting | None = None
    military_objective_present: Flag = None
    military_use: Flag = None
    warning_unheeded: Flag = None
    status_disputed: Flag = None
    direct_participation: Flag = None
    in_custody: Flag = None
    demand: Text | None = None
    demand_to: DemandTo | None = None
    incommunicado: Flag = None
    judicial_review: Flag = None
    released: Flag = None
    fate_disclosed: Flag = None
    ordered: Flag = None
    compelled: Flag = None
    regular_court: Flag = None
    deny_sustenance: Flag = None
    starvation_intent: Flag = None
    relief_blocked: Flag = None
    owner_adverse: Flag = None
    levy: Flag = None
    mutilation: Flag = None
    reason: Reason | None = None
    victim_activated: Flag = None
    warning: Flag = None
    note: str | None = None


class Range(_Model):
    low: Count | None = None
    best: Count | None = None
    high: Count | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        problem = self.cross_check({"low": self.low, "best": self.best, "high": self.high})
        if problem:
            raise ValueError(problem)
        return self

    @staticmethod
    def cross_check(raw: Mapping[str, Any]) -> str | None:
        """As ``Location.cross_check``: also run on raw values of a range with other errors."""
        values = [raw.get(k) for k in ("low", "best", "high")]
        if all(v is None for v in values):
            return "give at least one of 'low', 'best', 'high'"
        given = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        if given != sorted(given):
            return "must satisfy low ≤ best ≤ high"
        return None

    @property
    def central(self) -> int:
        """The figure reports add up: ``best``, else ``low``, else ``high``."""
        for v in (self.best, self.low, self.high):
            if v is not None:
                return v
        return 0  # pragma: no cover - excluded by validation


Figure = Count | Range


class Casualties(_Model):
    killed: Figure | None = None
    injured: Figure | None = None
    abducted: Figure | None = None
    missing: Figure | None = None
    displaced: Figure | None = None


class Source(_Model):
    publisher: Text
    title: Text
    date: SingleDate | None = None
    url: Url | None = None
    kind: SourceKind | None = None
    reference: str | None = None
    archive_url: Url | None = None
    reliability: Reliability | None = None
    credibility: Annotated[
        StrictInt, BeforeValidator(_credibility), Field(ge=1, le=6)
    ] | None = None
    confidential: StrictBool = False


class Response(_Model):
    """What a party said about the incident: a denial, a claim, an investigation promised,
    or that it did not answer. ``source`` is the 1-based number of an entry in ``sources``
    (checked against the list by ``dataset.check_references``, which can place the error)."""

    actor: Text
    date: SingleDate | None = None
    summary: Text
    source: Annotated[StrictInt, Field(ge=1, le=MAX_COUNT)] | None = None


class Incident(_Model):
    format: Literal[1] = 1
    id: Annotated[str, Field(pattern=f"^{vocab.INCIDENT_ID}$")]  # pydantic searches: anchor it
    title: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
    date: DateText
    location: Location
    conflict: Text | None = None
    perpetrators: Annotated[list[Perpetrator], Field(min_length=1)]
    acts: Annotated[list[Act], Field(min_length=1)]
    casualties: Casualties | None = None
    sources: Annotated[list[Source], Field(min_length=1)]
    summary: Annotated[str, Field(min_length=1, max_length=4000)]
    notes: str | None = None  # internal: never printed in a report unless asked
    responses: list[Response] | None = None
    aggregate: StrictBool = False  # sums up many events: reports never add it to totals
    tags: list[str] | None = None

    @property
    def span(self) -> Span:
        return parse_span(self.date)

    def perpetrators_of(self, act: Act) -> list[Perpetrator]:
        """Who did ``act``: its own perpetrators when it lists them, else the incident's."""
        return act.perpetrators or self.perpetrators


class Actor(_Model):
    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")]
    name: Text
    aliases: list[Text] = []
    kind: ActorKind
    supports: Text | None = None


class Law(_Model):
    """A body of law that applies to a conflict only from a date (``{name, from}``)."""

    name: LawName
    from_: Annotated[SingleDate, Field(alias="from")]

    @property
    def start(self) -> _date:
        return parse_span(self.from_).start


class Conflict(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,79}$")]
    name: Text
    classification: Classification
    country: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    parties: Annotated[list[Text], Field(min_length=1)]
    start: SingleDate
    end: SingleDate | None = None
    law: list[LawName | Law] | None = None

    def law_on(self, span: Span) -> tuple[str, ...] | None:
        """The law in force on every date ``span`` may mean (None when ``law`` is not
        recorded). A ``{name, from}`` entry counts from the first day ``from`` can mean,
        and only for an incident that cannot be earlier: an incident dated 2025-05/2025-07
        does not get a law in force from 2025-06."""
        if self.law is None:
            return None
        out: list[str] = []
        for entry in self.law:
            name = entry if isinstance(entry, str) else entry.name
            if (isinstance(entry, str) or span.start >= entry.start) and name not in out:
                out.append(name)
        return tuple(out)

    @model_validator(mode="after")
    def _ordered(self) -> Conflict:
        if self.end is not None and parse_span(self.end).end < parse_span(self.start).start:
            raise ValueError(f"'end' ({self.end}) is before 'start' ({self.start})")
        return self

    @property
    def span(self) -> Span:
        end = parse_span(self.end).end if self.end else None
        start = parse_span(self.start).start
        return Span(start, end or _date.max, f"{self.start}/{self.end or ''}")
