"""A small dataset and a two-rule pack whose output the CI format tests pin exactly.

The pack is written here rather than taken from ``rules/`` so that the expected
annotations do not change whenever the real rule pack is edited.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _paths import BAD, git

SETS = "sets:\n  civilian_objects: [livestock, dwellings, private_property]\n"

PILLAGE = """\
id: CIHL-52
title: Pillage
text: >
  Pillage is forbidden.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule52
war_crimes:
  - provision: Rome Statute art. 8(2)(e)(v)
elements:
  - id: party
    description: committed by a party to the conflict
    when: {fact: party, is: true}
  - id: looting
    description: property was appropriated
    when: {fact: act.type, eq: looting}
  - id: civilian_property
    description: the property was civilian
    when: {fact: act.target, in: civilian_objects}
"""

MURDER = """\
id: CIHL-89
title: Murder
text: >
  Murder is prohibited.
icrc: https://ihl-databases.icrc.org/en/customary-ihl/v1/rule89
related: [CIHL-87]
elements:
  - id: killing
    description: persons in the perpetrators' power were killed
    when: {fact: act.type, eq: killing}
exceptions:
  - id: fighters
    description: the persons were fighters still in the fight
    when: {fact: act.target, eq: fighters}
"""

RAID = """\
id: mli-2025-01-01-raid
title: "JNIM raid: 100% of the cattle, taken"
date: 2025-01-01
location: {country: MLI, admin1: Mopti}
perpetrators:
  - actor: JNIM
    attribution: alleged
acts:
  - type: looting
    target: livestock
  - type: attack
    target: civilians
sources:
  - publisher: Test
    title: A test source
summary: Cattle taken.
"""

THEFT = """\
id: mli-2025-01-02-theft
title: Unidentified men take goats
date: 2025-01-02
location: {country: MLI, admin1: Mopti}
perpetrators:
  - actor: unidentified
    attribution: suspected
acts:
  - type: looting
    target: livestock
sources:
  - publisher: Test
    title: A test source
summary: Goats taken.
"""




@pytest.fixture
def ci_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "_sets.yaml").write_text(SETS, encoding="utf-8")
    (folder / "CIHL-52.yaml").write_text(PILLAGE, encoding="utf-8")
    (folder / "CIHL-89.yaml").write_text(MURDER, encoding="utf-8")
    return folder


@pytest.fixture
def ci_repo(tmp_path: Path, mini_dataset: Path) -> Path:
    """A git work tree at ``tmp_path`` whose dataset is ``data/``: raid (a violation and a
    warning), theft (a possible finding) and bad (an error)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = mini_dataset / "2025"
    folder.mkdir()
    for name, text in (("mli-2025-01-01-raid", RAID), ("mli-2025-01-02-theft", THEFT),
                       ("mli-2025-01-03-bad", BAD)):
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    git(tmp_path, "init", "-q")
    return tmp_path
