"""Words people write for a vocabulary value, for "did you mean" hints.

Spelling distance alone suggests ``detention`` for ``execution`` and ``destruction`` for
``description``: the words look alike and mean different things. A researcher who writes
``execution`` means ``killing``; this table says so before spelling is consulted. Keys
are folded (lower case, ``_``/``-`` as spaces); a value is used only where it is one of
the allowed choices, so the same word can serve several vocabularies.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final


def _table(**groups: tuple[str, ...]) -> Mapping[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for value, words in groups.items():
        for word in words:
            out.setdefault(word, []).append(value)
    return MappingProxyType({k: tuple(v) for k, v in out.items()})


SYNONYMS: Final = _table(
    # act types
    killing=("execution", "executions", "summary execution", "extrajudicial killing", "massacre",
             "murder", "killed", "kill", "slaughter", "assassination"),
    abduction=("kidnapping", "kidnap", "kidnapped", "hostage", "hostage taking", "taken hostage"),
    detention=("arrest", "arrested", "imprisonment", "custody", "jailed"),
    destruction=("arson", "burning", "burnt", "burned", "demolition", "razing", "destroyed"),
    looting=("pillage", "plunder", "theft", "stealing", "robbery", "cattle raid", "raid",
             "extortion", "tax", "zakat"),
    sexual_violence=("rape", "sexual assault", "sexual abuse", "gbv"),
    torture=("beating", "flogging", "ill treatment", "mistreatment", "cruel treatment",
             "whipping", "lashing"),
    attack=("shelling", "shooting", "ambush", "assault", "bombing", "strike"),
    displacement=("expulsion", "eviction", "forced displacement", "deportation"),
    siege=("blockade", "encirclement"),
    sentencing=("trial", "sentence", "judgment", "court"),
    recruitment=("child soldiers", "conscription", "enlistment"),
    desecration=("mutilation of bodies", "desecration of bodies"),
    threat=("intimidation", "threats", "ultimatum"),
    # targets
    dwellings=("houses", "house", "homes", "home", "village", "huts"),
    health_facility=("hospital", "clinic", "health centre", "health center"),
    place_of_worship=("mosque", "church", "shrine"),
    livestock=("cattle", "cows", "goats", "sheep", "camels", "herds", "animals"),
    food_supplies=("granary", "granaries", "crops", "food", "harvest"),
    water_supply=("well", "wells", "water"),
    fighters=("soldiers", "combatants", "militants", "jihadists", "troops"),
    idps=("displaced persons", "refugees", "idp"),
    civilian_vehicle=("car", "bus", "truck", "lorry", "vehicle"),
    military_objects=("base", "camp", "military base", "weapons"),
    # means
    airstrike=("air strike", "bombing raid", "aircraft"),
    drone_strike=("drone", "uav"),
    small_arms=("guns", "gunfire", "rifle", "rifles"),
    bladed_weapon=("knife", "machete", "blade"),
)


def fold(word: str) -> str:
    return " ".join(word.lower().replace("_", " ").replace("-", " ").split())


def meant(word: str, choices: list[str]) -> str | None:
    """The value a synonym stands for, if it is among ``choices``."""
    for value in SYNONYMS.get(fold(word), ()):
        if value in choices:
            return value
    return None
