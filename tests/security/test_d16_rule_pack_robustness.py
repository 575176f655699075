"""Issue 12, D16: a rule file is size-checked before it is read (a 3 GB file used 6.3 GB
of memory, hashed whole before the 1 MiB check), and a ``$…$`` in a rule title no
longer crashes the HTML charts (matplotlib read it as math text)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _paths import DATASET, ROOT, RULES


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


def test_d16_huge_rule_file_is_refused_unread(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    with open(rules / "zz-huge.yaml", "wb") as fh:  # sparse: costs no disk
        fh.truncate(3 * 2**30)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": ""}
    proc = subprocess.run([sys.executable, "-m", "ihltag", "rules", "list", "--rules",
                           str(rules)], env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=_limit_memory, check=False)
    assert proc.returncode == 2
    assert "zz-huge.yaml:1:1: error[too-large]" in proc.stderr
    assert "MemoryError" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("title", [
    "Distinction: $\\frac{civilians}{fighters}$",  # valid math text, shown as typed
    "Distinction: civilians $\\bad{$ and $x^$",      # invalid math text: crashed
    "Distinction: civilians cost $5 or $6",
])
def test_d16_dollar_in_a_rule_title_does_not_break_the_charts(cli, tmp_path, title) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "CIHL-1.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Distinction: civilians"' in text
    quoted = title.replace("\\", "\\\\")
    path.write_text(text.replace('title: "Distinction: civilians"', f'title: "{quoted}"'),
                    encoding="utf-8")
    out = tmp_path / "r.html"
    code, _, err = cli("report", str(DATASET), "--rules", str(rules), "-f", "html",
                       "-o", str(out))
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    # the title is drawn in the chart as the text typed (escaped for XML), not typeset
    shown = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert any(f"CIHL-1 {shown}" in svg for svg in charts)
