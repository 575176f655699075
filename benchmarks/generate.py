"""Write N realistic incident files for benchmarks, varying the real Mali incidents.

Dates, places, counts, acts and sources are varied; about 1% of files are made invalid
(a misspelt act type, an unknown key, a date in the future) so that the error path is
exercised too. The registries are copied, so the folder is a complete dataset.

    python benchmarks/generate.py OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
PLACES = ["Tilé", "Fatakara", "Ménaka", "Kobou", "Diafarabé", "Sikere", "Kamona", "Ballé",
          "Markala", "Niono", "Kayes", "Nioro du Sahel", "Bouldé", "Dinangourou", "Lerneb"]
REGIONS = ["Mopti", "Ségou", "Ménaka", "Gao", "Kayes", "Tombouctou", "Bandiagara", "Kidal"]


def _real() -> list[dict[str, Any]]:
    from ihltag.yamlsafe import read_file

    out = []
    for path in sorted((ROOT / "incidents").rglob("mli-*.yaml")):
        out.append(read_file(path).data)
    return out


def _vary(base: dict[str, Any], i: int, rng: random.Random) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024, 2025])
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    place = rng.choice(PLACES)
    doc["id"] = f"bench-{i:06d}"
    doc["date"] = rng.choice([f"{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}"])
    doc["location"] = {"country": "MLI", "admin1": rng.choice(REGIONS), "place": place}
    doc["title"] = f"{base['title'][:150]} ({place}, variant {i})"
    for act in doc["acts"]:
        if "count" in act or rng.random() < 0.3:
            act["count"] = rng.randint(1, 400)
    if rng.random() < 0.5:
        doc["casualties"] = {"killed": {"low": (lo := rng.randint(1, 30)),
                                        "high": lo + rng.randint(0, 40)}}
    for source in doc["sources"]:
        if rng.random() < 0.2:
            source["reference"] = f"para {rng.randint(1, 120)}"
    roll = rng.random()
    if roll < 0.004:
        doc["acts"][0]["type"] = "lootting"
    elif roll < 0.008:
        doc["sumary"] = "typo key"
    elif roll < 0.01:
        doc["date"] = "2099-01-01"
    return doc


def generate(out: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    real = _real()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("actors.yaml", "conflicts.yaml"):
        shutil.copy(ROOT / "incidents" / name, out / name)
    for i in range(n):
        doc = _vary(rng.choice(real), i, rng)
        folder = out / str(doc["date"])[:4] / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(doc, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=88)
        (folder / f"{doc['id']}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
