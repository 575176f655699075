"""The report's map of incident locations: inline SVG over Natural Earth country outlines.

Offline by construction: the outlines (``data/ne_110m_sahel.json``) and the seats of
Mali's regions (``data/mli_region_seats.json``) ship inside the package (origin and
licences in ``data/README.md``); the SVG loads nothing and links nowhere.

What a marker may reveal is decided here, once more, whatever the data holds:

* an incident whose place is withheld (``sensitive`` without ``--exact-places``) is
  never drawn at its coordinates, even if the data still carried them: it is counted in
  a marker at the seat of its region (or, for a region with no known seat, at the
  centroid of the incidents of that region that are shown exactly), or not drawn at all;
* an incident with no recorded coordinates is drawn the same way, at region level;
* an incident with neither coordinates nor region is not drawn; the caption counts it.

Every visible word comes from ``MapLabels`` so that it can be translated.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from typing import Any

from ihltag.report.svg import esc, num, open_svg

VIOLATION = "#b2182b"
POSSIBLE = "#e08214"
WIDTH = 640.0
# Always show Mali whole, with a margin: the box of its outline is about -12.3..4.3 E,
# 10.1..25.0 N. Exactly placed points outside it widen the box.
HOME = (-13.5, 9.3, 5.5, 25.6)


@dataclass(frozen=True)
class MapIncident:
    """What the map needs of one incident, already redacted by the report's data."""

    status: str  # "violation" or "possible": the highest status of its findings
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    withheld: bool  # the exact place must not be shown
    label: str  # tooltip: "12. 2024-07-21, Mopti, MLI — title" (redacted text)


@dataclass(frozen=True)
class MapLabels:
    """Every visible string of the map, so that a translation can replace them: the
    defaults are the English messages, ``translated`` runs
    them through a language's ``gettext``."""

    violation: str = "violation"
    possible: str = "possible"
    exact: str = "incident at its recorded coordinates"
    region: str = ("incidents drawn at the seat of their region (no coordinates recorded, "
                     "or the place withheld)")
    credit: str = ("Country outlines: Natural Earth (public domain). Region seats: GeoNames "
                     "(CC BY 4.0).")
    alt_intro: str = ("Map of incident locations in Mali and neighbouring countries: {exact} "
                        "incident(s) at their recorded coordinates")
    alt_regions: str = "incidents drawn at the seat of their region — {regions}"
    alt_region: str = "{region}: {violation} violation, {possible} possible"
    alt_unplaced: str = ("{unplaced} incident(s) record no place that can be shown and are "
                           "not on the map")
    country_names: Mapping[str, str] = field(default_factory=dict)  # ISO3 -> shown name

    @classmethod
    def translated(cls, gettext: Callable[[str], str], lang: str = "en") -> MapLabels:
        """The labels in a language: messages through ``gettext``, country names from the
        locale's territory names (Babel) when it is not English."""
        texts = {f.name: gettext(f.default) for f in fields(cls) if isinstance(f.default, str)}
        names: dict[str, str] = {}
        if lang != "en":
            from babel import Locale

            territories = Locale.parse(lang).territories
            names = {c["iso3"]: territories[c["iso2"]] for c in _outlines()
                     if c.get("iso2") in territories}
        return cls(**texts, country_names=names)

    def status(self, status: str) -> str:
        return self.violation if status == "violation" else self.possible

    def alt(self, exact: int, regional: dict[str, tuple[int, int]], unplaced: int) -> str:
        """The map as a sentence: what a reader who cannot see it needs to know."""
        parts = [self.alt_intro.format(exact=exact)]
        if regional:
            per = "; ".join(self.alt_region.format(region=name, violation=v, possible=p)
                            for name, (v, p) in sorted(regional.items()))
            parts.append(self.alt_regions.format(regions=per))
        if unplaced:
            parts.append(self.alt_unplaced.format(unplaced=unplaced))
        return ". ".join(parts) + "."


@lru_cache(maxsize=1)
def _outlines() -> list[dict[str, Any]]:
    text = resources.files("ihltag.report").joinpath("data/ne_110m_sahel.json").read_text("utf-8")
    countries: list[dict[str, Any]] = json.loads(text)["countries"]
    return countries


@lru_cache(maxsize=1)
def _seats() -> tuple[dict[tuple[str, str], tuple[float, float, str]], dict[str, str]]:
    from ihltag.registry import fold

    text = resources.files("ihltag.report").joinpath("data/mli_region_seats.json").read_text("utf-8")
    data = json.loads(text)
    seats = {(country, fold(region)): (v["lat"], v["lon"], region)
             for country, regions in data["regions"].items() for region, v in regions.items()}
    aliases = {fold(k): fold(v) for k, v in data["aliases"].items()}
    return seats, aliases


def region_seat(country: str | None, admin1: str | None) -> tuple[float, float, str] | None:
    """The coordinates of a region's seat town and the region's name in the seat file, if
    the region is known; blind to case, accents and the spellings listed as aliases."""
    if not country or not admin1:
        return None
    from ihltag.registry import fold

    seats, aliases = _seats()
    key = fold(admin1)
    return seats.get((country, aliases.get(key, key)))


def map_incidents(incidents: Iterable[Mapping[str, Any]]) -> list[MapIncident]:
    """The map's input from the report's incident entries (``place``, ``status``, title…)."""
    out = []
    for inc in incidents:
        place = inc["place"]
        withheld = bool(place.get("withheld"))
        label = f"{inc.get('number', '')}{'. ' if inc.get('number') else ''}" \
                f"{inc.get('date_text', '')}, {place.get('text', '')} — {inc.get('title', '')}"
        out.append(MapIncident(
            status=str(inc.get("status") or "possible"), country=place.get("country"),
            admin1=place.get("admin1"), withheld=withheld,
            lat=None if withheld else place.get("lat"), lon=None if withheld else place.get("lon"),
            label=label))
    return out


@dataclass
class _Region:
    name: str
    lat: float
    lon: float
    counts: dict[str, int] = field(default_factory=lambda: {"violation": 0, "possible": 0})
    labels: list[str] = field(default_factory=list)


def _place(incidents: Sequence[MapIncident]) -> tuple[list[MapIncident], dict[str, _Region], int]:
    """Split incidents into exact points, region markers and the unplaced count."""
    exact = [i for i in incidents
             if not i.withheld and i.lat is not None and i.lon is not None]
    regions: dict[str, _Region] = {}
    unplaced = 0
    for inc in incidents:
        if not inc.withheld and inc.lat is not None and inc.lon is not None:
            continue
        where = region_seat(inc.country, inc.admin1)
        if where is None and inc.admin1:
            # no known seat: the centroid of this region's exactly shown incidents (never
            # the incident's own coordinates), else the incident is not drawn
            mates = [e for e in exact if e.admin1 == inc.admin1 and e.country == inc.country]
            if mates:
                where = (sum(e.lat or 0.0 for e in mates) / len(mates),
                         sum(e.lon or 0.0 for e in mates) / len(mates), inc.admin1)
        if where is None or not inc.admin1:
            unplaced += 1
            continue
        key = f"{inc.country}/{where[2]}"
        region = regions.setdefault(key, _Region(inc.admin1, where[0], where[1]))
        region.counts["violation" if inc.status == "violation" else "possible"] += 1
        region.labels.append(inc.label)
    return exact, regions, unplaced


class _Projection:
    """Equirectangular, x shrunk by cos(middle latitude): true shapes near the Sahel."""

    def __init__(self, box: tuple[float, float, float, float]) -> None:
        self.lon0, self.lat0, lon1, self.lat1 = box
        self.kx = math.cos(math.radians((self.lat0 + self.lat1) / 2))
        self.scale = WIDTH / ((lon1 - self.lon0) * self.kx)
        self.height = (self.lat1 - self.lat0) * self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.lon0) * self.kx * self.scale, (self.lat1 - lat) * self.scale)


def _box(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    lon0, lat0, lon1, lat1 = HOME
    for lon, lat in points:
        lon0, lon1 = min(lon0, lon - 1), max(lon1, lon + 1)
        lat0, lat1 = min(lat0, lat - 1), max(lat1, lat + 1)
    return lon0, lat0, lon1, lat1


def _ring_path(ring: list[list[float]], proj: _Projection) -> str:
    pts = [proj(x, y) for x, y in ring]
    return "M" + "L".join(f"{num(x)} {num(y)}" for x, y in pts) + "Z"


def _label_point(rings: list[list[list[float]]]) -> tuple[float, float]:
    """The centroid of the largest ring: where a country's name goes."""
    ring = max(rings, key=lambda r: abs(_area(r)))
    a = _area(ring) or 1e-9
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * a), cy / (6 * a)


def _area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
               in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def _countries(proj: _Projection, labels: MapLabels) -> list[str]:
    out = ['<g class="countries" clip-path="url(#map-clip)">']
    names = []
    for c in _outlines():
        home = c["iso3"] == "MLI"
        d = "".join(_ring_path(r, proj) for r in c["rings"])
        out.append(f'<path d="{d}" fill="{"#ece6d6" if home else "#f6f4ef"}" '
                   f'stroke="#8c8c8c" stroke-width="{"1.2" if home else "0.7"}"/>')
        x, y = proj(*_label_point(c["rings"]))
        name = labels.country_names.get(c["iso3"], c["name"])
        half = len(name) * (4.6 if home else 3.9)  # capitals, letter-spaced
        if half + 2 < x < WIDTH - half - 2 and 12 < y < proj.height - 8:
            names.append(f'<text x="{num(x)}" y="{num(y)}" text-anchor="middle" '
                         f'class="country{" home" if home else ""}">{esc(name)}</text>')
    out.append("</g>")
    return out + ['<g class="country-names">', *names, "</g>"]


def _exact_points(exact: Sequence[MapIncident], proj: _Projection) -> list[str]:
    out = ['<g class="points">']
    # violations last, so that they are drawn on top
    for inc in sorted(exact, key=lambda i: i.status == "violation"):
        x, y = proj(inc.lon or 0.0, inc.lat or 0.0)
        colour = VIOLATION if inc.status == "violation" else POSSIBLE
        out.append(f'<circle class="pt exact {esc(inc.status)}" cx="{num(x)}" cy="{num(y)}" '
                   f'r="4.5" fill="{colour}" stroke="#fff" stroke-width="1">'
                   f'<title>{esc(inc.label)}</title></circle>')
    out.append("</g>")
    return out


def _offsets() -> list[tuple[float, float]]:
    """Where to try a region marker, nearest first: at its seat, then on rings around it."""
    out = [(0.0, 0.0)]
    for radius in range(12, 121, 12):
        for k in range(12):
            angle = math.radians(30 * k + 90)
            out.append((radius * math.cos(angle), radius * math.sin(angle)))
    return out


def _free(box: tuple[float, float, float, float], taken: list[tuple[float, float, float, float]],
          height: float) -> bool:
    x0, y0, x1, y1 = box
    if x0 < 2 or x1 > WIDTH - 2 or y0 < 2 or y1 > height - 2:
        return False
    return all(x1 < a0 or x0 > a1 or y1 < b0 or y0 > b1 for a0, b0, a1, b1 in taken)


def _region_markers(regions: dict[str, _Region], proj: _Projection) -> list[str]:
    """One marker per status and region, sized by count; a marker that would cover another
    is moved aside, with a leader line to a dot at the region's seat."""
    out = ['<g class="regions">']
    taken: list[tuple[float, float, float, float]] = []
    for region in sorted(regions.values(), key=lambda r: (-sum(r.counts.values()), r.name)):
        sx, sy = proj(region.lon, region.lat)
        shown = [(s, n) for s, n in region.counts.items() if n]
        radii = [6 + 2.2 * math.sqrt(n) for _, n in shown]
        width = max(sum(radii) * 2 + 2 * (len(radii) - 1), 5.5 * len(region.name))
        top = max(radii)
        x, y = sx, sy
        for dx, dy in _offsets():
            box = (sx + dx - width / 2, sy + dy - top, sx + dx + width / 2, sy + dy + top + 13)
            if _free(box, taken, proj.height):
                x, y = sx + dx, sy + dy
                break
        taken.append((x - width / 2, y - top, x + width / 2, y + top + 13))
        if (x, y) != (sx, sy):
            out.append(f'<line x1="{num(sx)}" y1="{num(sy)}" x2="{num(x)}" y2="{num(y)}" '
                       f'stroke="#444" stroke-width="0.8"/><circle cx="{num(sx)}" cy="{num(sy)}" '
                       'r="1.8" fill="#222"/>')
        left = x - (sum(radii) * 2 + 2 * (len(radii) - 1)) / 2
        tip = esc("\n".join(region.labels))
        for (status, n), r in zip(shown, radii, strict=True):
            cx = left + r
            left += 2 * r + 2
            colour = VIOLATION if status == "violation" else POSSIBLE
            out.append(f'<g class="pt region {status}"><circle cx="{num(cx)}" cy="{num(y)}" '
                       f'r="{num(r)}" fill="{colour}" stroke="#222" '
                       f'stroke-width="1" stroke-dasharray="2 1.5"/><text x="{num(cx)}" '
                       f'y="{num(y + 3.5)}" text-anchor="middle" class="count">{n}</text>'
                       f'<title>{tip}</title></g>')
        out.append(f'<text x="{num(x)}" y="{num(y + top + 10)}" text-anchor="middle" '
                   f'class="region-name">{esc(region.name)}</text>')
    out.append("</g>")
    return out


def _legend(labels: MapLabels, height: float) -> list[str]:
    y = height + 18
    out = [f'<g class="legend" transform="translate(8 {num(y)})">']
    x = 0.0
    for status, colour in (("violation", VIOLATION), ("possible", POSSIBLE)):
        out.append(f'<rect x="{num(x)}" y="-9" width="11" height="11" fill="{colour}"/>'
                   f'<text x="{num(x + 15)}" y="0">{esc(labels.status(status))}</text>')
        x += 25 + 7 * len(labels.status(status))
    out.append(f'<circle cx="{num(x + 5)}" cy="-3.5" r="4.5" fill="#777" stroke="#fff"/>'
               f'<text x="{num(x + 14)}" y="0">{esc(labels.exact)}</text>')
    out.append('<circle cx="5" cy="15.5" r="6.5" fill="#777" stroke="#222" '
               'stroke-dasharray="2 1.5"/><text x="5" y="19" text-anchor="middle" '
               f'class="count">n</text><text x="17" y="19">{esc(labels.region)}</text>')
    out.append(f'<text x="0" y="38" class="credit">{esc(labels.credit)}</text></g>')
    return out


def incident_map(incidents: Sequence[MapIncident], labels: MapLabels | None = None) -> str | None:
    """The map as one inline SVG, or None when no incident can be placed on it."""
    labels = labels or MapLabels()
    exact, regions, unplaced = _place(incidents)
    if not exact and not regions:
        return None
    proj = _Projection(_box([(i.lon or 0.0, i.lat or 0.0) for i in exact]))
    regional = {r.name: (r.counts["violation"], r.counts["possible"]) for r in regions.values()}
    alt = labels.alt(len(exact), regional, unplaced)
    out = open_svg("map", WIDTH, proj.height + 64, alt, "incident-map")
    out.append('<style>text{font:11px "Helvetica Neue",Arial,"DejaVu Sans",sans-serif;fill:#222}'
               '.country{fill:#777;font-size:10px;letter-spacing:.08em;text-transform:uppercase}'
               '.country.home{fill:#555;font-size:13px;font-weight:bold}'
               '.count{fill:#fff;font-weight:bold;font-size:10px}'
               '.region-name{font-size:10px;paint-order:stroke;stroke:#fff;stroke-width:3px}'
               '.credit{fill:#666;font-size:9px}</style>')
    out.append(f'<clipPath id="map-clip"><rect width="{num(WIDTH)}" height="{num(proj.height)}"/>'
               f'</clipPath><rect width="{num(WIDTH)}" height="{num(proj.height)}" fill="#dfe9f0"/>')
    out += _countries(proj, labels)
    out += _region_markers(regions, proj)
    out += _exact_points(exact, proj)
    out += _legend(labels, proj.height)
    out.append("</svg>")
    return "\n".join(out)


def map_alt_counts(incidents: Sequence[MapIncident]) -> tuple[int, int, int]:
    """How many incidents are drawn exactly, at region level, and not at all (for captions)."""
    exact, regions, unplaced = _place(incidents)
    return len(exact), sum(sum(r.counts.values()) for r in regions.values()), unplaced
