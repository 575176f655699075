"""The report's map (ihltag/report/maps.py): what it draws where, and what it never draws."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from ihltag.report.maps import MapIncident, MapLabels, _box, _Projection, incident_map, map_incidents


def _inc(status: str = "violation", lat: float | None = None, lon: float | None = None,
         admin1: str | None = "Mopti", withheld: bool = False, label: str = "x") -> MapIncident:
    return MapIncident(status=status, country="MLI", admin1=admin1, lat=lat, lon=lon,
                       withheld=withheld, label=label)


def _exact_points(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in
            re.findall(r'<circle class="pt exact [a-z]+" cx="([-\d.]+)" cy="([-\d.]+)"', svg)]


def _all_circles(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r'cx="([-\d.]+)" cy="([-\d.]+)"', svg)]


def test_one_point_per_located_incident_and_none_at_a_withheld_place() -> None:
    shown = [_inc("violation", 14.1, -3.9), _inc("possible", 16.3, -0.05, admin1="Gao"),
             _inc("possible", 12.6, -8.0, admin1="Bamako")]
    # a withheld place far from every region seat: nothing may be drawn where it is
    hidden = _inc("violation", 15.0, -1.2, admin1="Mopti", withheld=True)
    svg = incident_map([*shown, hidden])
    assert svg is not None
    points = _exact_points(svg)
    assert len(points) == 3
    proj = _Projection(_box([(i.lon or 0, i.lat or 0) for i in shown]))
    for inc in shown:
        x, y = proj(inc.lon or 0, inc.lat or 0)
        assert any(abs(px - x) < 0.1 and abs(py - y) < 0.1 for px, py in points)
    hx, hy = proj(-1.2, 15.0)
    assert all(abs(cx - hx) > 20 or abs(cy - hy) > 20 for cx, cy in _all_circles(svg))
    # it is counted at the seat of its region instead, as one violation
    assert re.search(r'<g class="pt region violation">.*?>1</text>', svg)


def test_withheld_coordinates_are_dropped_even_if_the_data_kept_them() -> None:
    entry = {"place": {"country": "MLI", "admin1": "Gao", "lat": 15.0, "lon": -1.2,
                       "withheld": True, "text": "Gao, MLI (exact place withheld)"},
             "status": "possible", "title": "t", "date_text": "2024-05"}
    (inc,) = map_incidents([entry])
    assert inc.lat is None and inc.lon is None and inc.withheld
    svg = incident_map([inc])
    assert svg is not None and not _exact_points(svg)
    assert svg.count('class="pt region possible"') == 1


def test_region_level_markers_count_incidents_by_status() -> None:
    svg = incident_map([_inc("violation"), _inc("violation"), _inc("possible"),
                        _inc("possible", admin1="Tombouctou"), _inc("possible", admin1="Timbuktu")])
    assert svg is not None
    markers = re.findall(r'<g class="pt region (\w+)">.*?>(\d+)</text>', svg)
    assert sorted(markers) == [("possible", "1"), ("possible", "2"), ("violation", "2")]
    # Timbuktu and Tombouctou are one region (the seat file's alias), counted together
    assert svg.count('class="region-name"') == 2


def test_incidents_with_no_place_to_show_are_counted_in_the_alt_text() -> None:
    svg = incident_map([_inc(admin1="Mopti"), _inc(admin1=None), _inc(admin1="Nowhere")])
    assert svg is not None
    title = re.search(r'<title id="map-title">(.*?)</title>', svg)
    assert title is not None
    assert "Mopti: 1 violation, 0 possible" in title.group(1)
    assert "2 incident(s) record no place that can be shown" in title.group(1)
    assert 'role="img"' in svg and 'aria-labelledby="map-title"' in svg


def test_an_unknown_region_is_placed_at_its_shown_incidents_centroid() -> None:
    a, b = _inc(lat=10.0, lon=-4.0, admin1="Nowhere"), _inc(lat=12.0, lon=-6.0, admin1="Nowhere")
    svg = incident_map([a, b, _inc(admin1="Nowhere", withheld=True, lat=30.0, lon=30.0)])
    assert svg is not None
    proj = _Projection(_box([(-4.0, 10.0), (-6.0, 12.0)]))
    cx, cy = proj(-5.0, 11.0)
    marker = re.search(r'<g class="pt region violation"><circle cx="([-\d.]+)" cy="([-\d.]+)"', svg)
    assert marker is not None
    assert abs(float(marker.group(2)) - cy) < 0.1 and abs(float(marker.group(1)) - cx) < 30


def test_nothing_to_place_draws_no_map() -> None:
    assert incident_map([]) is None
    assert incident_map([_inc(admin1=None)]) is None


def test_text_from_data_is_escaped_and_labels_are_replaceable() -> None:
    svg = incident_map([_inc(lat=14.0, lon=-4.0, label='<b>"$x$" & co</b>')],
                       MapLabels(violation="violation (fr)", country_names={"MLI": "Mali (fr)"}))
    assert svg is not None
    assert "<b>" not in svg and "&lt;b&gt;&quot;$x$&quot; &amp; co&lt;/b&gt;" in svg
    assert "violation (fr)" in svg and "Mali (fr)" in svg


def test_the_map_loads_nothing() -> None:
    svg = incident_map([_inc(lat=14.0, lon=-4.0), _inc()])
    assert svg is not None
    assert not re.search(r'\s(?:src|href|xlink:href)=', svg)
    assert not re.search(r"url\((?!#map-)", svg)
    assert "<script" not in svg and "<image" not in svg


@pytest.mark.parametrize("name", ["ne_110m_sahel.json", "mli_region_seats.json"])
def test_map_data_ships_in_the_package_with_its_origin(name: str) -> None:
    data = json.loads(resources.files("ihltag.report").joinpath(f"data/{name}").read_text("utf-8"))
    assert data["source"]
    readme = resources.files("ihltag.report").joinpath("data/README.md").read_text("utf-8")
    assert f"`{name}`" in readme and "Licence" in readme


def test_outlines_hold_mali_and_its_seven_neighbours() -> None:
    text = resources.files("ihltag.report").joinpath("data/ne_110m_sahel.json").read_text("utf-8")
    iso = {c["iso3"] for c in json.loads(text)["countries"]}
    assert {"MLI", "DZA", "NER", "BFA", "CIV", "GIN", "SEN", "MRT"} <= iso


def test_translated_labels_go_through_gettext_and_name_countries_in_the_language() -> None:
    words = {"violation": "violation (fr)", "{region}: {violation} violation, {possible} possible":
             "{region} : {violation} violation(s), {possible} possible(s)"}
    labels = MapLabels.translated(lambda m: words.get(m, m), "fr")
    assert labels.violation == "violation (fr)"
    assert labels.country_names["MLI"] == "Mali" and labels.country_names["DZA"] == "Algérie"
    svg = incident_map([_inc()], labels)
    assert svg is not None
    assert "Mopti : 1 violation(s), 0 possible(s)" in svg and ">Mauritanie<" in svg
    assert MapLabels.translated(lambda m: m).country_names == {}  # English: Natural Earth's
