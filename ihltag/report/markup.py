"""Markdown and HTML reports, laid out by Jinja2 templates (``templates/``).

Markdown is escaped for the code host's renderer; HTML is autoescaped by Jinja2. The
HTML file is self-contained: its CSS and its charts (``charts.py``, inline SVG) are in
the page, so opening it makes no network request.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ihltag.diagnostics import plural

if TYPE_CHECKING:
    import jinja2

    from ihltag.report.model import ReportData

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
# What GitHub would turn into a link by itself (GFM extended autolinks): a scheme, www. or
# an e-mail address. Such text is set in a code span, which is never linked.
_AUTOLINK = re.compile(r"(?i)(?:\b(?:https?|ftp)://|\b(?:mailto|xmpp):|\bwww\.)[^\s`<>|]+"
                       r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TRAILING = ".,:;!?'\")]}*_~"
# A line that starts like a list item, a heading underline or a thematic break.
_BLOCK_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")
# Characters a URL may hold inside <…> or (…) in Markdown, and in an HTML attribute.
_URL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                      "-._~:/?#@!$&'*+,;=%")


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def md(text: Any) -> str:
    """Escape free text so that names and summaries cannot become markup or links.

    Markdown punctuation is backslash-escaped; anything GitHub would autolink (a bare
    URL, ``www.``, an e-mail address) is set as code, so a summary cannot plant a link;
    a leading ``-``, ``+``, ``=`` or ``1.`` cannot start a list or a heading."""
    if text is None:
        return ""
    from ihltag.safetext import one_line

    flat = one_line(" ".join(str(text).split()))  # no terminal control reaches a `cat` (D11)
    out: list[str] = []
    pos = 0
    for m in _AUTOLINK.finditer(flat):
        token = m.group().rstrip(_TRAILING)
        out.append(_escape(flat[pos:m.start()]))
        out.append(f"`{token}`")
        pos = m.start() + len(token)
    out.append(_escape(flat[pos:]))
    joined = "".join(out)
    start = _BLOCK_START.match(joined)
    if start:
        joined = (joined[:start.end()] + "\\" + joined[start.end():]
                  if start.group()[0].isdigit() else "\\" + joined)
    return joined


def url(value: Any) -> str:
    """A URL for a Markdown ``<…>`` autolink, a ``(…)`` link or an HTML ``href``: empty
    unless it is http(s), and every character that could end it or become markup
    percent-encoded. Validation already refuses such URLs; this holds even if it did not."""
    from urllib.parse import quote

    text = str(value or "")
    if not re.match(r"(?i)https?://[^/\s]", text):
        return ""
    return "".join(ch if ch in _URL_SAFE else quote(ch, safe="") for ch in text)


def _env(autoescape: bool) -> jinja2.Environment:
    import jinja2

    from ihltag.i18n import current

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ihltag.report", "templates"),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    tr = current()  # the templates' _() and ngettext() speak the report's language
    env.install_gettext_callables(tr.gettext, tr.ngettext, newstyle=True,  # type: ignore[attr-defined]
                                  pgettext=tr.pgettext)
    env.globals["lang"] = tr.lang
    env.filters["vocab"] = lambda value, context: tr.vocab(context, value)
    env.filters["day"] = tr.date
    env.filters["provision"] = tr.provision
    env.filters["md"] = md
    env.filters["url"] = url
    env.filters["plural"] = plural
    return env


def render_markdown(data: ReportData) -> str:
    text = _env(False).get_template("report.md.j2").render(r=data)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def render_html(data: ReportData) -> str:
    from ihltag.report.charts import charts
    from ihltag.report.toc import add_toc

    page = _env(True).get_template("report.html.j2").render(r=data, charts=charts(dict(data)))
    from ihltag.i18n import _

    return add_toc(page, _("Contents"))  # built from the page's own headings: always what was drawn
