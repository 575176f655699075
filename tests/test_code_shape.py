"""The shape of the code: no function in ``ihltag/`` runs over 60 lines.

A long function does several things, and a reader must hold them all at once; issue 13
asks for none over 60 lines. The scan walks the syntax tree of every module (nested
functions and methods count on their own, by their qualified name). ``ALLOWLIST`` names
the functions being split right now, each with who is splitting it; an entry that is no
longer over the limit fails too, so the list can only shrink, to empty.
"""

from __future__ import annotations

import ast
from pathlib import Path

from _paths import ROOT

PACKAGE = ROOT / "ihltag"
LIMIT = 60

# "file:function" (qualified: "Class.method", "outer.inner"), or "folder/" for every
# function under it, relative to ihltag/.
ALLOWLIST: dict[str, str] = {}


def function_lengths(root: Path = PACKAGE) -> dict[str, int]:
    """Every function's length in lines (``def`` line to last line, docstring included),
    keyed ``file:qualified.name`` relative to ``root``."""
    out: dict[str, int] = {}

    def walk(node: ast.AST, file: str, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                out[f"{file}:{name}"] = (child.end_lineno or child.lineno) - child.lineno + 1
                walk(child, file, name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, file, prefix + child.name + ".")
            else:
                walk(child, file, prefix)

    for path in sorted(root.rglob("*.py")):
        file = path.relative_to(root).as_posix()
        walk(ast.parse(path.read_text(encoding="utf-8"), file), file, "")
    return out


def _allowed(key: str) -> bool:
    return any(key == entry or (entry.endswith("/") and key.startswith(entry))
               for entry in ALLOWLIST)


def test_no_function_is_over_60_lines() -> None:
    long = {k: n for k, n in function_lengths().items() if n > LIMIT and not _allowed(k)}
    listing = "\n".join(f"  {k} ({n} lines)" for k, n in sorted(long.items()))
    assert not long, f"functions over {LIMIT} lines in ihltag/ (split them):\n{listing}"


def test_every_allowlisted_function_is_still_over_60_lines() -> None:
    """Once split, an entry leaves the allowlist (and a renamed function cannot keep one)."""
    long = [k for k, n in function_lengths().items() if n > LIMIT]
    stale = [f"  {entry} ({owner})" for entry, owner in sorted(ALLOWLIST.items())
             if not any(k == entry or (entry.endswith("/") and k.startswith(entry))
                        for k in long)]
    assert not stale, ("no longer over the limit (or gone): remove from ALLOWLIST in "
                       "tests/test_code_shape.py:\n" + "\n".join(stale))


def test_the_scan_measures_nested_functions_and_methods(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    def body(indent: str) -> str:
        return "\n".join(f"{indent}x{i} = {i}" for i in range(LIMIT))

    (tmp_path / "pkg" / "m.py").write_text(
        f"class C:\n    def method(self):\n{body('        ')}\n\n"
        f"def outer():\n    def inner():\n        pass\n{body('    ')}\n", encoding="utf-8")
    found = function_lengths(tmp_path)
    assert found == {"pkg/m.py:C.method": LIMIT + 1, "pkg/m.py:outer": LIMIT + 3,
                     "pkg/m.py:outer.inner": 2}


def _imports(tree: ast.AST) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_spelling_distance_is_computed_in_one_place() -> None:
    """Every "did you mean" goes through ``diagnostics.suggestions`` (synonyms first,
    then spelling), so hints are found the same way everywhere."""
    users = [path.relative_to(PACKAGE).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
             if "difflib" in _imports(ast.parse(path.read_text(encoding="utf-8")))]
    assert users == ["diagnostics.py"]


def test_the_incident_id_pattern_is_written_once() -> None:
    """``vocab.INCIDENT_ID``: the model, the JSON Schema and the file-name check use it."""
    body = "[a-z][a-z0-9-]{2,79}"
    writers = [path.relative_to(PACKAGE).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
               if body in path.read_text(encoding="utf-8")]
    assert writers == ["vocab.py"]
