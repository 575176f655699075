"""How long evaluating every rule takes per incident (issue 3's closing figure).

Loads the real rule pack, registries and incidents once, then times ``Engine.evaluate``
over all real incidents, repeated (default 1000 times). Parsing and validation are not
included: this is the engine alone, as ``check`` runs it on each valid incident. Also
times ``evaluate(everything=True)`` (what ``explain`` does: every trace is built).

    python benchmarks/bench_engine.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the median is shown")
    args = parser.parse_args()

    from ihltag.engine import Engine
    from ihltag.models import Incident
    from ihltag.registry import load_registry
    from ihltag.rules import load_pack
    from ihltag.yamlsafe import read_file

    dataset = ROOT / "incidents"
    pack = load_pack(ROOT / "rules")
    engine = Engine(pack, load_registry(dataset))
    incidents = [Incident.model_validate(read_file(p, str(p)).data)
                 for p in sorted(dataset.glob("20*/*.yaml"))]
    acts = sum(len(i.acts) for i in incidents)
    findings = sum(len(engine.evaluate(i)) for i in incidents)

    def run(everything: bool, repeat: int) -> float:
        evaluate = engine.evaluate
        start = time.perf_counter()
        for _ in range(repeat):
            for incident in incidents:
                evaluate(incident, everything=everything)
        return time.perf_counter() - start

    run(False, 10)  # warm-up
    print(f"{len(incidents)} incidents, {acts} acts, {len(pack.rules)} rules, {findings} findings; "
          f"{args.repeat} repetitions x {args.rounds} rounds (median)")
    # explain builds every trace and is run on one incident at a time: a tenth is enough
    for label, everything, repeat in (("check (findings only)", False, args.repeat),
                                      ("explain (every trace)", True, max(1, args.repeat // 10))):
        times = [run(everything, repeat) for _ in range(args.rounds)]
        per_incident = statistics.median(times) / (len(incidents) * repeat) * 1e6
        per_act_rule = statistics.median(times) / (acts * repeat * len(pack.rules)) * 1e6
        print(f"{label:<24} {per_incident:8.1f} µs per incident (all rules)   "
              f"{per_act_rule:6.2f} µs per (act, rule)")


if __name__ == "__main__":
    main()
