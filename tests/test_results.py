"""The typed results (ihltag/results.py): findings are typed from the engine to every
output, the cache's encoding stays in cache.py, and a result says honestly what it
still holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from _cachestore import decodings
from _paths import incident

from ihltag import cache as cache_mod
from ihltag.dataset import check_file
from ihltag.engine import Engine
from ihltag.registry import load_registry
from ihltag.results import CheckRun, FileResult, Finding, ReleasedError
from ihltag.rules import load_pack
from ihltag.runner import run_check

PACKAGE = Path(__file__).resolve().parent.parent / "ihltag"

# Modules that may parse JSON, and why; findings are decoded in cache.py alone.
JSON_LOADS_ALLOWED: dict[str, str] = {
    "cache.py": "the cache's own encoding of results (the only decoder of findings)",
    "report/maps.py": "the map's shipped outline and region-seat data, not findings",
    "packcache.py": "the rule pack's parsed files kept between runs, not findings",
}


def _json_loads_calls(tree: ast.AST) -> list[int]:
    """Lines calling json.loads/json.load, or loads/load imported from json."""
    imported = {a.asname or a.name for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == "json"
                for a in node.names if a.name in ("loads", "load")}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if (isinstance(f, ast.Attribute) and f.attr in ("loads", "load")
                and isinstance(f.value, ast.Name) and f.value.id == "json") or \
                (isinstance(f, ast.Name) and f.id in imported):
            lines.append(node.lineno)
    return lines


def test_no_json_parsing_outside_the_cache() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in JSON_LOADS_ALLOWED:
            continue
        offenders += [f"{rel}:{line}" for line in
                      _json_loads_calls(ast.parse(path.read_text(encoding="utf-8")))]
    assert offenders == [], "findings are decoded in ihltag/cache.py only"


def test_the_ast_check_sees_every_spelling() -> None:
    src = ("import json\nfrom json import loads as L\njson.loads('1')\nL('2')\n"
           "json.load(open('x'))\n")
    assert _json_loads_calls(ast.parse(src)) == [3, 4, 5]


def _checked(mini_dataset: Path) -> FileResult:
    registry = load_registry(mini_dataset)
    engine = Engine(load_pack(None), registry)
    path = incident(mini_dataset, "mli-a")
    r = check_file(path, path.name, registry, engine)
    assert r.counts != (0, 0), "the fixture has findings"
    return r


def test_findings_are_typed_and_survive_the_cache_lazily(mini_dataset: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    r = _checked(mini_dataset)
    assert r.findings and all(isinstance(f, Finding) for f in r.findings)
    meta, text = cache_mod.encode(r)
    decoded = decodings(monkeypatch)
    back = cache_mod.decode(r.file, meta, text)
    assert back.findings_text() == text and decoded == []  # held as text, not decoded
    assert back.counts == r.counts
    assert back.findings == r.findings  # decoded on demand, equal field by field
    assert back.findings == r.findings and decoded == [text]  # once


def test_a_sealed_result_encodes_to_the_same_text(mini_dataset: Path) -> None:
    r = _checked(mini_dataset)
    plain = cache_mod.encode(r)
    cache_mod.seal(r)
    assert cache_mod.encode(r) == plain
    assert r.findings and r.counts[0] + r.counts[1] == len(r.findings)


def test_a_quiet_decode_holds_no_findings_and_says_so(mini_dataset: Path) -> None:
    r = _checked(mini_dataset)
    meta, _ = cache_mod.encode(r)
    quiet = cache_mod.decode(r.file, meta, None)
    assert quiet.counts == r.counts != (0, 0)
    with pytest.raises(ReleasedError):
        quiet.findings  # noqa: B018 - the access is the test


def test_a_streamed_run_keeps_counts_and_refuses_findings(mini_dataset: Path) -> None:
    incident(mini_dataset, "mli-a")
    incident(mini_dataset, "mli-b")
    seen: list[int] = []

    class Counting:
        rendering = None

        def start(self, run: CheckRun) -> None:
            pass

        def file(self, r: FileResult) -> None:
            seen.append(len(r.findings))

        def finish(self, run: CheckRun) -> None:
            pass

    run = run_check([mini_dataset], reporter=Counting())
    full = run_check([mini_dataset])
    assert run.summary() == full.summary()
    assert sum(seen) == sum(len(r.findings) for r in full.results) > 0
    streamed = [r for r in run.results if r.counts != (0, 0)]
    assert streamed and all(r.released for r in streamed)
    with pytest.raises(ReleasedError):
        streamed[0].findings  # noqa: B018
