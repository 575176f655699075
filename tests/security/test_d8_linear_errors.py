"""Issue 12, D8: locating one error per key, and reporting duplicate keys, is linear in
the file overall. Before the fix each unknown key's place was found by scanning its
mapping from the start (80,000 unknown keys took 170 s), and so was each duplicate's
first occurrence (45,000 duplicates took 21 s).

No time is measured: the tests count how many mapping entries the code visits, which
is what grows quadratically, with a hang guard on an end-to-end run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from _paths import FIXTURES, ROOT, incident
from yaml.nodes import MappingNode

from ihltag import yamlsafe
from ihltag.models import Incident
from ihltag.validation import validate

VALID = (FIXTURES / "valid" / "partial-dates.yaml").read_text(encoding="utf-8")


class _Counting(list):  # type: ignore[type-arg]
    """A mapping's entries that count every entry anyone iterates over."""

    visits = 0

    def __iter__(self) -> Any:
        for item in super().__iter__():
            _Counting.visits += 1
            yield item


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> type[_Counting]:
    compose = yamlsafe._compose

    def counting_compose(text: str) -> Any:
        root = compose(text)
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, MappingNode):
                node.value = _Counting(node.value)
                stack.extend(v for _, v in node.value)
        return root

    monkeypatch.setattr(yamlsafe, "_compose", counting_compose)
    _Counting.visits = 0
    return _Counting


N = 6000


def test_d8_unknown_keys_are_located_in_linear_time(counted) -> None:
    text = VALID + "".join(f"k{i}: 1\n" for i in range(N))
    doc = yamlsafe.parse_text("big.yaml", text)
    incident, diags = validate(doc, Incident)
    assert incident is None
    unknown = [d for d in diags if d.code == "unknown-key"]
    assert len(unknown) == N
    assert unknown[-1].line == VALID.count("\n") + N  # each at its own line
    assert counted.visits < 10 * N  # quadratic: about N * N / 2 = 18,000,000


def test_d8_duplicate_keys_are_reported_in_linear_time(counted) -> None:
    half = N // 2  # every key twice: each first occurrence far from its duplicate
    text = VALID + "".join(f"k{i % half}: {i}\n" for i in range(N))
    with pytest.raises(yamlsafe.YamlError) as exc:
        yamlsafe.parse_text("dup.yaml", text)
    dups = [d for d in exc.value.diagnostics if d.code == "yaml-duplicate-key"]
    assert len(dups) == half
    first = VALID.count("\n") + 1
    assert f"(first on line {first + half - 1})" in dups[-1].message
    assert counted.visits < 10 * N


def test_d8_many_unknown_keys_end_to_end(mini_dataset) -> None:
    incident(mini_dataset / "2024", "mli-2024-08-24-keys")
    path = mini_dataset / "2024" / "mli-2024-08-24-keys.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "".join(f"k{i}: 1\n" for i in range(20000)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": ""}
    proc = subprocess.run([sys.executable, "-m", "ihltag", "check", ".", "-q", "--no-cache"],
                          cwd=mini_dataset, env=env, capture_output=True, text=True,
                          timeout=600, check=False)  # a hang guard, not a measurement
    assert proc.returncode == 1
    assert "20000 errors" in proc.stdout
