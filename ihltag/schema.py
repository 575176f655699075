"""JSON Schema of incident files and registries, for editors and other tools.

Generated from the pydantic models so that it cannot drift from validation, then
adjusted where a plain translation would disagree with what ``ihltag check`` accepts
(a bare year written unquoted, text fields that YAML reads as numbers) or would help
less than it could (vocabulary values with their meanings, field descriptions). The
dialect is draft-07, the newest one YAML and JSON editors all understand.

The schema catches shape and vocabulary mistakes while typing; ``ihltag check``
remains the judge (registry references, duplicate ids, dates in the future).
"""

from __future__ import annotations

import copy
from typing import Any

from ihltag import vocab

DIALECT = "http://json-schema.org/draft-07/schema#"
NAMES = ("incident", "actors", "conflicts")

_DAY = r"\d{4}(-\d{2}(-\d{2})?)?"
DATE_PATTERN = rf"^\s*{_DAY}\s*$"
SPAN_PATTERN = rf"^\s*{_DAY}\s*(/\s*{_DAY}\s*)?$"
ID_PATTERN = f"^{vocab.INCIDENT_ID}$"
ONE_LINE_PATTERN = r"^\s*[^\n]*\s*$"

_VOCABS: dict[str, vocab.Vocab] = {
    "act type": vocab.ACT_TYPES,
    "target": vocab.TARGETS,
    "means": vocab.MEANS,
    "victim group": vocab.VICTIM_GROUPS,
    "targeting": vocab.TARGETING,
    "reason": vocab.REASONS,
    "demand to": vocab.DEMAND_TO,
    "law": vocab.LAWS,
    "attribution": vocab.ATTRIBUTION,
    "involvement": vocab.INVOLVEMENT,
    "source kind": vocab.SOURCE_KINDS,
    "reliability": vocab.RELIABILITY,
    "actor kind": vocab.ACTOR_KINDS,
    "classification": vocab.CLASSIFICATIONS,
}

# What each field means, from docs/incident-format.md: shown by editors on hover.
_FIELDS: dict[str, dict[str, str]] = {
    "Incident": {
        "format": "Format version; 1 when omitted.",
        "id": f"{vocab.INCIDENT_ID_WORDS.capitalize()}; "
              "unique in the dataset and equal to the file name without '.yaml'.",
        "title": "One line, at most 200 characters.",
        "date": "YYYY-MM-DD, YYYY-MM or YYYY (a bare year may be unquoted), or a range "
                "START/END of those. Precision is what was written. Not in the future.",
        "location": "Where it happened.",
        "conflict": "A conflict id from conflicts.yaml; when omitted it is derived from the "
                    "perpetrators, country and date.",
        "perpetrators": "Who did it: at least one; 'unidentified' when not known.",
        "acts": "What was done: one entry per thing done to one kind of target.",
        "casualties": "Figures: a whole number, or {low, best, high}.",
        "sources": "Where the information comes from: at least one.",
        "summary": "The analyst's own words, at most 4,000 characters.",
        "notes": "Internal encoding notes (judgement calls, doubts about a source); never "
                 "printed in a report unless asked (--include-notes).",
        "responses": "What a party said about the incident: a denial, a claim, a promised "
                     "investigation, or that it did not answer.",
        "aggregate": "The record sums up many events over a period (a campaign, a UN total): "
                     "reports list it but never add its casualties or findings to totals.",
        "tags": "Free labels.",
    },
    "Response": {
        "actor": "An actor id or alias from actors.yaml: the party that responded.",
        "date": "When: YYYY-MM-DD, YYYY-MM or YYYY.",
        "summary": "What it said ('denied the allegations', 'did not respond').",
        "source": "The 1-based number of the entry in 'sources' that reports the response.",
    },
    "Location": {
        "country": "ISO 3166-1 alpha-3 code, such as MLI.",
        "admin1": "First administrative level (region), as the sources spell it.",
        "admin2": "Second level (cercle, district).",
        "place": "Locality.",
        "lat": "WGS84 latitude in decimal degrees; give both lat and lon, or neither.",
        "lon": "WGS84 longitude in decimal degrees; give both lat and lon, or neither.",
        "sensitive": "The exact place could endanger people: reports show only country and "
                     "admin1 unless asked for more.",
    },
    "Perpetrator": {
        "actor": "An actor id or alias from actors.yaml (case and accents do not matter), "
                 "or 'unidentified'.",
        "attribution": "How firmly the act is attributed to this actor.",
        "involvement": "How the actor took part; 'direct' when omitted.",
    },
    "Act": {
        "type": "What was done.",
        "target": "Whom or what it was done to.",
        "means": "How.",
        "count": "How many persons or objects.",
        "perpetrators": "The act's own perpetrators, when they differ from the incident's "
                        "(the army arrested, the contractors executed).",
        "victim_groups": "Groups among the persons affected.",
        "targeting": "For attacks: how the attack was aimed. Omitted means unknown.",
        "military_objective_present": "A military objective was present at the place "
                                      "attacked. Omitted means unknown, not false.",
        "direct_participation": "The persons targeted were directly participating in "
                                "hostilities. Omitted means unknown, not false.",
        "in_custody": "The persons were in the perpetrator's power (arrested, detained, "
                      "rounded up, captured). Omitted means unknown, not false.",
        "demand": "A condition for release stated by the captors.",
        "released": "The persons were released. Omitted means unknown.",
        "fate_disclosed": "The captors disclosed the fate or whereabouts of the persons. "
                          "Omitted means unknown.",
        "military_use": "The object was itself being used for military action at the time "
                        "(armed guards and wounded fighters under treatment are not military "
                        "use).",
        "warning_unheeded": "For a medical unit used for hostile acts: a warning to stop was "
                            "given and went unheeded.",
        "status_disputed": "A party or a source says the persons attacked were fighters (or "
                           "the object military), contrary to the target recorded.",
        "demand_to": "Whom the demand is meant to compel: a third party (family, community, "
                     "State, organisation) or only the captive.",
        "incommunicado": "The persons were held without contact with family or lawyers.",
        "judicial_review": "The detention was brought before a judge or other independent "
                           "body.",
        "ordered": "For displacement: an order or ultimatum to leave was given.",
        "compelled": "For displacement: people were forced out by threats, violence or the "
                     "destruction of their homes, without an order.",
        "regular_court": "For sentencing: the sentence came from a regularly constituted court "
                         "affording the essential judicial guarantees.",
        "deny_sustenance": "The act aimed to deny food, crops, livestock or water to the "
                           "civilian population for their sustenance value.",
        "starvation_intent": "The sources say the aim was to starve civilians.",
        "relief_blocked": "For sieges: relief for civilians in need was refused passage or "
                          "obstructed, not merely controlled.",
        "owner_adverse": "For destruction: the owners were, or were seen as, aligned with a "
                         "party the perpetrator fights.",
        "levy": "For looting: a 'tax' or contribution in kind imposed by a party controlling "
                "the area.",
        "mutilation": "For desecration: bodies were mutilated or decapitated.",
        "reason": "What the facts show about the reason, for displacement, destruction and "
                  "punitive acts ('none_given' is deprecated: write 'unjustified' or omit it).",
        "victim_activated": "For mines and IEDs: set off by the victim. Omitted means unknown.",
        "warning": "An effective advance warning was given. Omitted means unknown.",
        "note": "A short free note.",
    },
    "Casualties": {k: f"Persons {k}: a whole number or {{low, best, high}}."
                   for k in vocab.CASUALTY_KINDS},
    "Range": {
        "low": "The lowest credible figure.",
        "best": "The best estimate.",
        "high": "The highest credible figure.",
    },
    "Source": {
        "publisher": "Organisation or outlet.",
        "title": "As published.",
        "date": "Publication date: YYYY-MM-DD, YYYY-MM or YYYY.",
        "url": "An http(s) URL.",
        "kind": "What kind of source it is.",
        "reference": "Paragraph, page, or an outside id (such as an ACLED event id).",
        "archive_url": "A preserved copy (web archive) of url.",
        "reliability": "Source reliability on the Admiralty scale.",
        "credibility": "Credibility of this information, 1 to 6.",
        "confidential": "Never printed in reports or other published output unless asked "
                        "for explicitly (a witness, a contact).",
    },
    "Actor": {
        "id": "Short id, unique, used in incident files and on the command line.",
        "name": "Full name.",
        "aliases": "Other names and spellings; unique across the registry.",
        "kind": "What kind of actor it is.",
        "supports": "Id of the party this actor fights alongside or for.",
    },
    "Conflict": {
        "id": "Conflict id, used by incidents' 'conflict' key.",
        "name": "Full name.",
        "classification": "IAC or NIAC.",
        "country": "ISO 3166-1 alpha-3 code.",
        "parties": "Actor ids of the parties.",
        "start": "Start date, any precision: YYYY-MM-DD, YYYY-MM or YYYY.",
        "end": "End date, any precision; open when omitted.",
        "law": "Treaties and bodies of law that apply: each a name, or {name, from} when it "
               "applies only from a date.",
    },
    "Law": {
        "name": "The body of law.",
        "from": "The date from which it applies: YYYY-MM-DD, YYYY-MM or YYYY.",
    },
}

# Revision 2's act flags: an omitted one is unknown, which the hover text must say.
for _flag in ("military_use", "warning_unheeded", "status_disputed", "incommunicado",
              "judicial_review", "ordered", "compelled", "regular_court", "deny_sustenance",
              "starvation_intent", "relief_blocked", "owner_adverse", "levy", "mutilation"):
    _FIELDS["Act"][_flag] += " Omitted means unknown, not false."

_DATE_FIELDS = {("Incident", "date"): SPAN_PATTERN, ("Source", "date"): DATE_PATTERN,
                ("Conflict", "start"): DATE_PATTERN, ("Conflict", "end"): DATE_PATTERN,
                ("Response", "date"): DATE_PATTERN, ("Law", "from"): DATE_PATTERN}


def _models() -> dict[str, Any]:
    from ihltag.models import Actor, Conflict, Incident

    return {"incident": Incident, "actors": Actor, "conflicts": Conflict}


def _walk(node: Any, visit: Any) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _describe_enums(node: dict[str, Any]) -> None:
    """Give each vocabulary enum its values' meanings (VS Code and yaml-language-server
    show ``enumDescriptions`` next to completions)."""
    values = node.get("enum")
    if not isinstance(values, list) or node.get("type") != "string":
        return
    for label, words in _VOCABS.items():
        if list(words) == values:
            node["enumDescriptions"] = [words[v] for v in values]
            node.setdefault("description", f"{label.capitalize()}: " + "; ".join(
                f"{v} ({words[v]})" for v in values))
            return


def _free_text(node: dict[str, Any]) -> None:
    """Text fields also accept numbers, as ``ihltag check`` does (YAML reads ``place: 1914``
    as a number); fields with a pattern or a vocabulary stay strings."""
    if node.get("type") == "string" and not ({"enum", "pattern", "const"} & node.keys()):
        node["type"] = ["string", "number"]


def _nullable_inner(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null alternative of ``X | None``, or the property itself."""
    for alt in prop.get("anyOf", []):
        if alt.get("type") != "null" and "$ref" not in alt:
            return alt  # type: ignore[no-any-return]
    return prop


def _adjust(model: str, schema: dict[str, Any]) -> None:
    props: dict[str, Any] = schema.get("properties", {})
    for name, prop in props.items():
        prop.pop("title", None)
        pattern = _DATE_FIELDS.get((model, name))
        if pattern is not None:
            inner = _nullable_inner(prop)
            inner.clear()
            inner["anyOf"] = [{"type": "string", "pattern": pattern},
                              {"type": "integer", "minimum": 1000, "maximum": 9999}]
        text = _FIELDS.get(model, {}).get(name)
        if text:
            prop["description"] = text
    if model == "Incident":
        props["id"]["pattern"] = ID_PATTERN
        _nullable_inner(props["title"])["pattern"] = ONE_LINE_PATTERN
    elif model == "Location":
        schema["dependencies"] = {"lat": ["lon"], "lon": ["lat"]}
    elif model == "Range":
        schema["anyOf"] = [{"required": [k]} for k in ("low", "best", "high")]
        schema["description"] = "A range: at least one of low, best, high, with low ≤ best ≤ high."
    elif model == "Source":
        inner = _nullable_inner(props["credibility"])
        inner.clear()
        scale = list(vocab.CREDIBILITY)
        inner["anyOf"] = [{"type": "integer", "enum": [int(k) for k in scale],
                           "enumDescriptions": [vocab.CREDIBILITY[k] for k in scale]},
                          {"type": "string", "enum": scale}]
        url = r'^[Hh][Tt][Tt][Pp][Ss]?://[^\s<>\[\]()"\\`{}|^@/?#]+([/?#][^\s<>\[\]()"\\`{}|^]*)?$'
        _nullable_inner(props["url"])["pattern"] = url  # as models.url_problem (D7)
        _nullable_inner(props["archive_url"])["pattern"] = url


def _from_model(model: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the model's own schema, its definitions), draft-07 style."""
    raw = model.model_json_schema(ref_template="#/definitions/{model}", mode="validation")
    defs: dict[str, Any] = raw.pop("$defs", {})
    for name, sub in defs.items():
        _adjust(name, sub)
    _adjust(model.__name__, raw)
    for part in (raw, defs):
        _walk(part, _describe_enums)
        _walk(part, _free_text)
    return raw, defs


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema of ``incident`` files, or of the ``actors`` or ``conflicts`` registry."""
    models = _models()
    if name not in models:
        raise ValueError(f"no schema '{name}'; known: {', '.join(NAMES)}")
    own, defs = _from_model(models[name])
    head: dict[str, Any] = {"$schema": DIALECT}
    if name == "incident":
        own.pop("title", None)
        out = {**head, "title": "ihltag incident file (format 1)",
               "description": "One incident per file, named <id>.yaml. See "
                              "docs/incident-format.md.", **own}
    else:
        item = own.pop("title", name)
        defs = {item: own, **defs}
        out = {**head, "title": f"ihltag {name}.yaml registry",
               "description": f"The {name} registry at the dataset root: a list of "
                              f"{name}. See docs/incident-format.md.",
               "type": "array", "items": {"$ref": f"#/definitions/{item}"}}
    if defs:
        out["definitions"] = defs
    return copy.deepcopy(out)
