"""The controlled vocabularies of incident format version 1 (revision 2).

Each vocabulary is defined once, here, with a description per value, and reused by
validation (pydantic ``Literal`` types in ``models``), error hints ("did you mean"),
the JSON Schema (enums with descriptions) and the rule language (checking that a rule
only names values that exist).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# An incident id, which is also its file name without ``.yaml``: one definition for the
# model, the JSON Schema and the dataset's file-name check, and one description of it.
INCIDENT_ID: Final = r"[a-z][a-z0-9-]{2,79}"
INCIDENT_ID_WORDS: Final = ("lowercase letters, digits and '-', 3 to 80 characters, starting "
                            "with a letter")

Vocab = Mapping[str, str]


def _v(**items: str) -> Vocab:
    return MappingProxyType(dict(items))


ACT_TYPES: Final = _v(
    attack="an act of violence against the adversary in the conduct of hostilities: assault, "
    "shooting, shelling, air or drone strike, IED, suicide attack, ambush",
    killing="killing persons in the perpetrator's power or control: executions, killings "
    "during searches and round-ups, killing of detainees",
    torture="torture, mutilation, cruel or humiliating treatment, beatings, floggings",
    sexual_violence="rape and other sexual violence",
    abduction="seizing persons and taking them away",
    detention="arrest or detention",
    looting="appropriating property: pillage, theft, cattle raids, forced 'taxes' in kind",
    destruction="destroying or burning property other than in an attack on the adversary",
    displacement="ordering or compelling civilians to leave where they live; "
    "not flight from fighting",
    recruitment="recruiting or using children in armed forces or groups",
    siege="blockades: cutting a population off from movement, food, fuel or aid",
    sentencing="a sentence passed or carried out (including executions after a 'trial'); "
    "whether the court was regular is the fact regular_court",
    desecration="mutilating, burning or despoiling the dead, leaving bodies exposed as a warning",
    threat="threats of violence",
)

PERSON_TARGETS: Final = _v(
    civilians="civilians",
    idps="internally displaced persons",
    humanitarian_personnel="humanitarian relief personnel",
    medical_personnel="medical personnel",
    journalists="journalists",
    fighters="members of armed forces or armed groups",
    mixed="civilians and fighters together, e.g. an escorted convoy",
    unknown_persons="persons whose status is not known",
)

OBJECT_TARGETS: Final = _v(
    dwellings="homes",
    market="a market",
    health_facility="a hospital, clinic or health centre exclusively assigned to medical "
    "purposes (a commercial pharmacy is private_property)",
    medical_transport="an ambulance or other medical vehicle",
    school="a school",
    place_of_worship="a mosque, church or other place of worship",
    cultural_property="cultural property",
    humanitarian_object="aid aircraft, vehicles, warehouses",
    civilian_vehicle="a civilian vehicle",
    livestock="livestock",
    food_supplies="granaries, crops, food stocks",
    water_supply="wells, pumps, water installations",
    civilian_infrastructure="telecoms, power, fuel, roads, bridges",
    private_property="other goods, cash",
    public_building="a public building",
    military_objects="bases, camps, military vehicles, aircraft, weapons and equipment "
    "of the armed forces or groups",
)

TARGETS: Final = _v(**PERSON_TARGETS, **OBJECT_TARGETS)

MEANS: Final = _v(
    small_arms="small arms and light weapons",
    artillery="artillery, mortars, rockets",
    airstrike="an air strike by manned aircraft",
    drone_strike="a strike by an armed drone",
    ied="an improvised explosive device",
    landmine="a landmine",
    suicide_attack="a suicide attack",
    arson="setting on fire",
    explosives="other explosives",
    bladed_weapon="knives, machetes",
    beating="beating, flogging",
    unknown="not known",
)

VICTIM_GROUPS: Final = _v(
    children="children (under 18)",
    children_under_15="children under 15",
    women="women",
    older_persons="older persons",
    persons_with_disabilities="persons with disabilities",
)

TARGETING: Final = _v(
    directed="aimed at the target",
    indiscriminate="not aimed at any specific military objective, or by means that cannot "
    "be aimed",
    incidental="harm incidental to an attack on a military objective",
    unknown="not known",
)

REASONS: Final = _v(
    civilian_safety="the security of the civilians involved",
    imperative_military_reasons="imperative military reasons",
    military_necessity="military necessity",
    unjustified="the sources show that no security or military reason existed (no fighting "
    "nearby, a punitive order)",
    collective_punishment="the act punished a population for acts others committed",
    other="another reason",
    none_given="deprecated: write 'unjustified', or omit 'reason'",
)

# Vocabulary values still accepted but no longer to be written: what to write instead.
DEPRECATED: Final = MappingProxyType({
    ("reason", "none_given"): "write 'unjustified' when the sources show that no security or "
    "military reason existed, or omit 'reason' when they do not say",
})

DEMAND_TO: Final = _v(
    third_party="a family, community, State or organisation, to be compelled by the demand",
    victim="only the captive",
)

LAWS: Final = _v(
    common_article_3="Common Article 3 of the Geneva Conventions",
    geneva_conventions="the Geneva Conventions of 1949",
    additional_protocol_i="Additional Protocol I",
    additional_protocol_ii="Additional Protocol II",
    customary_ihl="customary international humanitarian law",
    rome_statute="the Rome Statute of the International Criminal Court",
    rome_statute_2019_starvation="the 2019 amendment to the Rome Statute (art. 8(2)(e)(xix), "
    "starvation in non-international armed conflicts)",
)

ATTRIBUTION: Final = _v(
    confirmed="established by investigation or admitted",
    claimed="the actor claimed it",
    alleged="credible sources or witnesses name it",
    suspected="presumed from area of operation or modus operandi",
)

INVOLVEMENT: Final = _v(
    direct="carried it out",
    accompanying="present and taking part alongside the direct perpetrator",
    ordered="ordered it",
    failed_to_prevent="failed to prevent it",
)

SOURCE_KINDS: Final = _v(
    ngo_report="a report by a non-governmental organisation",
    un_report="a United Nations report",
    media="press, radio, television",
    official_statement="a statement by a government or armed force",
    armed_group_claim="a claim by an armed group",
    social_media="a social-media post",
    witness_statement="a witness statement",
    other="another kind of source",
)

RELIABILITY: Final = _v(
    A="completely reliable",
    B="usually reliable",
    C="fairly reliable",
    D="not usually reliable",
    E="unreliable",
    F="reliability cannot be judged",
)

CREDIBILITY: Final = _v(
    **{
        "1": "confirmed by other sources",
        "2": "probably true",
        "3": "possibly true",
        "4": "doubtful",
        "5": "improbable",
        "6": "truth cannot be judged",
    }
)

ACTOR_KINDS: Final = _v(
    state_armed_forces="the armed forces of the State",
    foreign_state_forces="armed forces of a foreign State",
    private_military_company="a private military company",
    non_state_armed_group="an organised non-State armed group",
    militia="a militia or self-defence group",
    other="not a party and not fighting for one: criminals, local notables",
)

PARTY_KINDS: Final = frozenset(
    {"state_armed_forces", "foreign_state_forces", "private_military_company",
     "non_state_armed_group", "militia"}
)

CLASSIFICATIONS: Final = _v(IAC="international armed conflict", NIAC="non-international armed conflict")

CASUALTY_KINDS: Final = ("killed", "injured", "abducted", "missing", "displaced")

CONFIDENCE_BY_ATTRIBUTION: Final = MappingProxyType(
    {"confirmed": "high", "claimed": "high", "alleged": "medium", "suspected": "low"}
)
