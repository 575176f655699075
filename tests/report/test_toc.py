"""The HTML report's table of contents (ihltag/report/toc.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ihltag.report.toc import MARKER, add_toc, toc_html

Run = Callable[..., tuple[int, str, str]]

PAGE = f"""<body><header><h1>T</h1></header>
{MARKER}
<section id="summary">
<h2>Summary</h2><p>…</p>
</section>
<section id="incidents">
<h2>Incidents &amp; <em>acts</em></h2>
<article class="incident" id="incident-1">
<h3>1. 2024-07-21 — Mopti, MLI</h3>
<div class="title">Killing of &lt;ten&gt; civilians <code class="small">mli-x</code></div>
</article>
<article class="incident" id="incident-2">
<h3>2. 2024 — Timbuktu, MLI (exact place withheld)</h3>
<div class="title">Abduction</div>
</article>
</section>
<section id="method"><h2>Method</h2></section>
</body>"""


def test_every_section_and_incident_is_listed_once_in_page_order() -> None:
    nav = toc_html(PAGE)
    assert re.findall(r'href="#([\w-]+)"', nav) == [
        "summary", "incidents", "incident-1", "incident-2", "method"]
    assert '<a href="#incidents">Incidents &amp; acts</a>' in nav
    assert ('<a href="#incident-1">1. 2024-07-21 — Mopti, MLI</a> <span class="toc-title">'
            "Killing of &lt;ten&gt; civilians mli-x</span>") in nav


def test_the_toc_goes_at_the_marker_and_every_link_has_its_anchor() -> None:
    page = add_toc(PAGE, title="Sommaire <fr>")
    assert MARKER not in page
    assert page.index('<nav class="toc"') < page.index('<section id="summary">')
    assert '<h2 id="toc-title">Sommaire &lt;fr&gt;</h2>' in page
    ids = set(re.findall(r'\sid="([\w-]+)"', page))
    assert set(re.findall(r'href="#([\w-]+)"', page)) <= ids


def test_without_marker_after_the_header_and_without_sections_unchanged() -> None:
    page = add_toc(PAGE.replace(MARKER, ""))
    assert page.index("</header>") < page.index('<nav class="toc"') < page.index("<section")
    bare = "<body><header></header><p>nothing</p></body>"
    assert add_toc(bare) == bare


def test_the_report_lists_each_section_and_incident_and_each_link_resolves(report: Run) -> None:
    code, page, _ = report("-f", "html")
    assert code == 0
    nav = page[page.index('<nav class="toc"'):page.index("</nav>")]
    listed = re.findall(r'href="#([\w-]+)"', nav)
    sections = re.findall(r'<section id="([\w-]+)"', page)
    incidents = re.findall(r'<article class="incident" id="([\w-]+)"', page)
    assert incidents and "where-and-when" in sections
    assert sorted(listed) == sorted(sections + incidents)  # each once
    assert set(listed) <= set(re.findall(r'\sid="([\w-]+)"', page))
    assert page.index("</header>") < page.index("<nav") < page.index('<section id="summary"')


def test_print_css_numbers_pages_and_forces_no_page_breaks() -> None:
    from importlib import resources

    css = resources.files("ihltag.report").joinpath("templates/report.css").read_text("utf-8")
    assert re.search(r"@page\s*{[^@]*@bottom-\w+\s*{\s*content:\s*counter\(page\)", css)
    assert not re.search(r"(?:page-)?break-before:\s*(?:page|always)", css)
    assert re.search(r"\.finding[^{]*{\s*break-inside: avoid", css.split("@media print")[1])
