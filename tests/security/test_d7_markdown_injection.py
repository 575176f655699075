"""D7: no field of an incident, registry or rule pack can become Markdown markup.

A source URL such as ``https://x/>[Open](https://evil/)<style>…`` passed validation and
rendered, through ``<{{ url }}>``, as an attacker's link plus raw HTML; conflict ``law``
labels and rule ``icrc`` links were not escaped either; bare URLs in summaries became
links on GitHub. URLs must now be valid http(s) without unescaped ``<>[]()`` (a located
error), and the renderer keeps every field inert even for data that bypassed validation.
Checked with a real CommonMark renderer (markdown-it-py), and against GitHub's autolinks
by asserting that no text node outside code holds a URL, ``www.`` or an e-mail address.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import FIXTURES

Cli = Callable[..., tuple[int, str, str]]
EVIL_URL = "https://x.example/>[Open_evidence](https://evil.example/)<style>body{display:none}</style>"
GOLDEN = FIXTURES / "report" / "golden" / "all.json"

INCIDENT = """\
id: mli-2025-03-10-md
title: A good incident
date: 2025-03-10
location: {{country: MLI, admin1: Mopti, place: Tilé}}
perpetrators: [{{actor: JNIM, attribution: alleged}}]
acts: [{{type: looting, target: livestock}}]
sources:
  - publisher: Human Rights Watch
    title: Some report
    url: "{url}"
summary: {summary}
"""


def _write(root: Path, url: str = "https://www.hrw.org/news/x",
           summary: str = "Fighters looted cattle.") -> Path:
    path = root / "2025" / "mli-2025-03-10-md.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(INCIDENT.format(url=url, summary=summary), encoding="utf-8")
    return path


def _html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(markdown)  # raw HTML allowed, as on most hosts


def _links(markdown: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', _html(markdown))


def _autolinkable(markdown: str) -> list[str]:
    """Text that GitHub's extended autolinks would link: any URL, www. or e-mail address
    in a text node (code spans and links are not autolinked)."""
    from markdown_it import MarkdownIt

    found = []
    pattern = re.compile(r"(?i)\b(?:https?|ftp)://|\bwww\.|[\w.+-]+@[\w-]+\.[\w-]+")
    for block in MarkdownIt("commonmark").parse(markdown):
        in_link = False
        for tok in block.children or []:
            if tok.type in ("link_open", "link_close"):
                in_link = tok.type == "link_open"
            elif tok.type == "text" and not in_link and pattern.search(tok.content):
                found.append(tok.content)
    return found


@pytest.mark.parametrize("bad", ["<", ">", "[", "]", "(", ")"])
def test_d7_url_with_markup_characters_is_a_located_error(bad: str, mini_dataset: Path,
                                                         cli: Cli) -> None:
    _write(mini_dataset, url=f"https://x.example/a{bad}b")
    code, out, _ = cli("check", str(mini_dataset), "--no-cache", "-f", "text")
    assert code == 1
    line = next(x for x in out.splitlines() if "sources[0].url" in x)
    assert re.match(r".*mli-2025-03-10-md\.yaml:10:10: error\[invalid-value\] sources\[0\]\.url: "
                    r"character \d+ of the URL", line), line
    assert f"%{ord(bad):02X}" in line  # tells how to write it


def test_d7_hostile_url_from_the_review_is_refused_and_never_rendered(mini_dataset: Path,
                                                                      cli: Cli) -> None:
    _write(mini_dataset, url=EVIL_URL)
    code, out, _ = cli("check", str(mini_dataset), "--no-cache", "-f", "text")
    assert code == 1 and "sources[0].url" in out
    code, report, _ = cli("report", str(mini_dataset), "-f", "markdown")
    assert code == 0
    assert "evil" not in report


def test_d7_bare_urls_in_summaries_do_not_autolink(mini_dataset: Path, cli: Cli) -> None:
    _write(mini_dataset, summary="'Fighters looted cattle; see https://evil.example/x, "
                                 "www.evil.example or write to agent@evil.example.'")
    code, report, err = cli("report", str(mini_dataset), "-f", "markdown")
    assert code == 0, err
    assert "evil.example" in report  # the text is kept...
    assert _autolinkable(report) == []  # ...but nothing outside code could become a link
    assert not [h for h in _links(report) if "evil" in h]


def test_d7_registry_law_labels_cannot_carry_markup(mini_dataset: Path, cli: Cli) -> None:
    """A ``law`` entry is a name from the vocabulary (its words come from ihltag), so a
    label with a link is a located registry error; the renderer escapes labels anyway
    (see the defence-in-depth test below)."""
    conflicts = (mini_dataset / "conflicts.yaml").read_text(encoding="utf-8")
    label = "'[Read the law](https://evil.example/) <b>bold</b>'"
    assert "law: [" in conflicts
    conflicts = conflicts.replace("law: [", f"law: [{label}, ", 1)
    (mini_dataset / "conflicts.yaml").write_text(conflicts, encoding="utf-8")
    _write(mini_dataset)
    code, report, err = cli("report", str(mini_dataset), "-f", "markdown")
    assert code == 2
    assert re.search(r"conflicts\.yaml:\d+:\d+: error\[unknown-value\] law\[0\]", err), err
    assert "evil" not in report


def test_d7_rule_icrc_link_must_be_a_plain_url(tmp_path: Path, cli: Cli) -> None:
    from _paths import RULES

    pack = tmp_path / "rules"
    shutil.copytree(RULES, pack)
    rule = next(p for p in sorted(pack.glob("*.yaml")) if not p.name.startswith("_"))
    text = rule.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^icrc: .*$", 'icrc: "https://x.example/)[evil](https://evil.example/"',
                  text)
    rule.write_text(text, encoding="utf-8")
    code, _, err = cli("rules", "list", "--rules", str(pack))
    assert code == 2
    assert re.search(rf"{rule.name}:\d+:\d+: error\[invalid-value\] icrc: character \d+", err), err


def test_d7_renderer_keeps_data_inert_even_if_validation_is_bypassed() -> None:
    """Defence in depth: the report data itself carries hostile values."""
    from ihltag.report.markup import render_html, render_markdown

    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data.setdefault("notice", None)  # the JSON format leaves out a notice that is not set
    data["notes"][0]["url"] = EVIL_URL
    data["notes"][0]["archive_url"] = "javascript:alert(1)"
    data["conflicts"][0]["law"].append("[law](https://evil.example/law)<img src=x>")
    data["layout"] = "rules"  # the layout that prints each rule's ICRC link
    rule = data["rules"][0]
    rule["icrc"] = "https://x.example/)[evil](https://evil.example/icrc"
    data["incidents"][0]["summary"] = "- see www.evil.example/s"
    markdown = render_markdown(data)
    html = _html(markdown)
    assert [h for h in _links(markdown) if "evil" in h and not h.startswith("https://x.example/")] \
        == [], _links(markdown)
    assert "<style>" not in html and "<img" not in html and "javascript:" not in html
    assert _autolinkable(markdown) == []
    page = render_html(data)
    assert 'href="javascript:' not in page and "<img src=x>" not in page
    assert not re.search(r'href="[^"]*[<>()\[\]]', page)
