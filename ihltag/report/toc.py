"""The HTML report's table of contents, built from the page's own headings.

Built from the rendered page rather than from the report data, so that it always lists
the sections the template actually drew, under the headings as written there (and as
translated there): each ``<section id=…>`` with its ``<h2>``, and under a section the
``<article class="incident" id=…>`` blocks it holds with their ``<h3>`` and title. The
page is our own template's output (every text in it autoescaped), so headings are
copied as they are, with their tags removed. Every entry links to an anchor that exists.
"""

from __future__ import annotations

import re
from html import escape

MARKER = "<!-- toc -->"
_SECTION = re.compile(r'<section id="([\w-]+)"[^>]*>\s*<h2[^>]*>(.*?)</h2>(.*?)</section>', re.S)
_ARTICLE = re.compile(r'<article class="incident[^"]*" id="([\w-]+)"[^>]*>\s*<h3[^>]*>(.*?)</h3>'
                      r'(?:\s*<div class="title">(.*?)</div>)?', re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    """Inner HTML without its tags (entities kept: the text stays escaped)."""
    return " ".join(_TAG.sub("", html).split())


def toc_html(page: str, title: str = "Contents") -> str:
    """The ``<nav>`` listing the page's sections and, under each, its incidents."""
    items = []
    for sid, heading, body in _SECTION.findall(page):
        sub = [f'<li><a href="#{aid}">{_text(h3)}</a>'
               + (f' <span class="toc-title">{_text(name)}</span>' if name else "") + "</li>"
               for aid, h3, name in _ARTICLE.findall(body)]
        inner = f'\n<ol class="toc-incidents">\n{chr(10).join(sub)}\n</ol>' if sub else ""
        items.append(f'<li><a href="#{sid}">{_text(heading)}</a>{inner}</li>')
    if not items:
        return ""
    return (f'<nav class="toc" aria-labelledby="toc-title">\n<h2 id="toc-title">{escape(title)}</h2>\n'
            f'<ol>\n{chr(10).join(items)}\n</ol>\n</nav>')


def add_toc(page: str, title: str = "Contents") -> str:
    """The page with its table of contents at the template's ``<!-- toc -->`` marker, else
    right after the ``</header>``; unchanged when it has no section to list."""
    nav = toc_html(page, title)
    if not nav:
        return page
    if MARKER in page:
        return page.replace(MARKER, nav, 1)
    if "</header>" in page:
        return page.replace("</header>", "</header>\n" + nav, 1)
    return page
