"""D11: control characters from files, file names and rule packs never reach a terminal
or a log raw, and ``--format text`` cannot forge a GitHub workflow command.

ESC (terminal sequences: OSC 0 window title, OSC 52 clipboard), BEL, CR (rewrites the
line), LF (a new line, e.g. ``::error``), C1 CSI and bidi overrides came out raw in
``check`` (plain and rich), ``explain``, ``actors``, ``report -f terminal`` (also with
``-o``) and ``rules``. They must appear escaped (``\\x1b``), and no output line may begin
with ``::``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., tuple[int, str, str]]

# as written in YAML double quotes: OSC title, OSC 52 clipboard, C1 CSI, RLO, CR, NEL
HOSTILE = r"ok \e]0;PWNED\a \e]52;c;ZXZpbA==\a \x9b31m \u202Egnp.exe\r::error::cr"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r", "\x85", "\u2028")
# SGR colour sequences are the only escapes ihltag itself may send to a terminal
FOREIGN_ESCAPE = re.compile(r"\x1b(?!\[[0-9;]*m)")

INCIDENT = """\
id: {id}
title: "{title}"
date: 2025-03-10
location: {{country: MLI, admin1: Mopti, place: Tilé}}
perpetrators: [{{actor: JNIM, attribution: alleged}}]
acts: [{{type: looting, target: livestock, note: "{title}"}}]
sources:
  - {{publisher: Human Rights Watch, title: Some report}}
summary: "{title} \\u2028::error::summary"
"""


@pytest.fixture
def hostile(mini_dataset: Path) -> Path:
    folder = mini_dataset / "2025"
    folder.mkdir()
    good = "mli-2025-03-10-good"
    (folder / f"{good}.yaml").write_text(INCIDENT.format(id=good, title=HOSTILE),
                                         encoding="utf-8")
    bad = INCIDENT.format(id="mli-2025-03-10-bad", title="fine")
    bad += '"x\\n::error file=README.md,line=1::forged\\e]0;T\\a": 1\n'
    (folder / "mli-2025-03-10-bad.yaml").write_text(bad, encoding="utf-8")
    # a file whose name carries escapes, and one named like a workflow command
    (folder / "mli-2025-03-10-\x1b]0;NAME\x07\u202e.yaml").write_text(
        INCIDENT.format(id="mli-2025-03-10-n", title="fine"), encoding="utf-8")
    (folder / "::warning::x.yaml").write_text(
        INCIDENT.format(id="mli-2025-03-10-w", title="fine"), encoding="utf-8")
    actors = mini_dataset / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    text = text.replace("aliases: [Wagner Group, Wagner fighters]",
                        f'aliases: [Wagner Group, Wagner fighters, "W{HOSTILE}"]', 1)
    actors.write_text(text, encoding="utf-8")
    return mini_dataset


def _clean(text: str, what: str, colour: bool = False) -> None:
    for ch in RAW[1:] if colour else RAW:
        assert ch not in text, f"{what}: raw {ch!r}"
    assert not FOREIGN_ESCAPE.search(text), f"{what}: a terminal sequence from the data"
    commands = [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert commands == [], f"{what}: workflow command lines {commands}"


def test_d11_check_text_escapes_and_forges_no_command(hostile: Path, cli: Cli,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = cli("check", str(hostile), "--no-cache", "-f", "text")
    assert code == 1
    _clean(out + err, "check -f text")
    assert "mli-2025-03-10-\\x1b]0;NAME\\x07\\u202e.yaml" in out  # kept, visibly escaped
    assert "x\\n::error file=README.md" in out
    # a file named like a command, checked from its own folder: './' in front
    monkeypatch.chdir(hostile / "2025")
    code, out, err = cli("check", "::warning::x.yaml", "--no-cache", "-f", "text")
    assert out.startswith("./::warning::x.yaml:")
    _clean(out + err, "check one file")


def test_d11_check_rich_sends_only_its_own_colours(hostile: Path) -> None:
    from rich.console import Console

    from ihltag.formats import Options
    from ihltag.formats.text import RichReporter
    from ihltag.runner import run_check

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, color_system="truecolor", width=100)
    run_check([hostile], None, reporter=RichReporter(buf, Options(), console))
    _clean(buf.getvalue(), "check (rich)", colour=True)
    assert "\\x1b]0;NAME\\x07" in buf.getvalue()


def test_d11_explain_escapes(hostile: Path, cli: Cli) -> None:
    code, out, err = cli("explain", "mli-2025-03-10-good", "--dataset", str(hostile))
    assert code == 0, err
    _clean(out + err, "explain")
    assert "\\x1b]52;c;ZXZpbA==\\x07" in out


def test_d11_actors_escapes(hostile: Path, cli: Cli) -> None:
    code, out, err = cli("actors", str(hostile))
    assert code == 0, err
    _clean(out + err, "actors")
    assert "\\x1b]0;PWNED" in out


def test_d11_report_terminal_escapes(hostile: Path, cli: Cli, tmp_path: Path) -> None:
    from rich.console import Console

    from ihltag.report import ReportOptions, build_report
    from ihltag.report.terminal import render_terminal
    from ihltag.runner import run_check

    code, out, err = cli("report", str(hostile), "-f", "terminal")
    assert code == 0, err
    _clean(out + err, "report -f terminal")
    target = tmp_path / "report.txt"
    code, _, err = cli("report", str(hostile), "-f", "terminal", "-o", str(target))
    assert code == 0, err
    _clean(target.read_text(encoding="utf-8"), "report -f terminal -o")
    # on a real terminal, with colour: the summary panel and every section
    data = build_report(run_check([hostile], None, keep=True), ReportOptions())
    buf = io.StringIO()
    render_terminal(data, Console(file=buf, force_terminal=True, color_system="truecolor",
                                  width=120))
    _clean(buf.getvalue(), "report (rich)", colour=True)
    assert "PWNED" in buf.getvalue()


def test_d11_rule_pack_text_cannot_forge_commands(tmp_path: Path, cli: Cli) -> None:
    import shutil

    from _paths import RULES

    pack = tmp_path / "rules"
    shutil.copytree(RULES, pack)
    rule = next(p for p in sorted(pack.glob("*.yaml")) if not p.name.startswith("_"))
    text = rule.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", r'title: "T \\e]0;RULE\\a"', text, count=1)
    hostile_text = 'text: "Line one.\\n::error::forged\\n  ::warning::x"\n'
    text = re.sub(r"(?m)^text: .*\n(?:  .*\n)*", lambda _: hostile_text, text, count=1)
    rule.write_text(text, encoding="utf-8")
    rule_id = re.search(r"(?m)^id: (\S+)", text).group(1)  # type: ignore[union-attr]
    for args in (("rules", "list"), ("rules", "show", rule_id)):
        code, out, err = cli(*args, "--rules", str(pack))
        assert code == 0, err
        _clean(out + err, " ".join(args))
    assert "forged" in out


@pytest.mark.parametrize("args", [("check", "-f", "json"), ("check", "-f", "sarif"),
                                  ("report", "-f", "json")], ids=lambda a: "-".join(a))
def test_d11_json_outputs_escape_what_json_leaves_raw(hostile: Path, cli: Cli,
                                                      args: tuple[str, ...]) -> None:
    """JSON escapes C0 itself; C1, DEL, bidi and line separators become \\u escapes too:
    the same data for a parser, nothing raw for a terminal showing the file."""
    import json

    extra = ("--no-cache",) if args[0] == "check" else ()
    code, out, err = cli(args[0], str(hostile), *args[1:], *extra)
    assert code in (0, 1), err
    _clean(out, " ".join(args))
    assert "\\u202e" in out or "\\u009b" in out  # the hostile text is there, escaped
    json.loads(out)
