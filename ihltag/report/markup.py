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

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md(text: Any) -> str:
    """Escape free text so that names and summaries cannot become markup or links."""
    if text is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _env(autoescape: bool) -> jinja2.Environment:
    import jinja2

    from ihltag.report.build import casualty_text, figure_text

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ihltag.report", "templates"),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = md
    env.filters["figure"] = figure_text
    env.filters["casualties"] = casualty_text
    env.filters["plural"] = plural
    return env


def render_markdown(data: dict[str, Any]) -> str:
    text = _env(False).get_template("report.md.j2").render(r=data)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def render_html(data: dict[str, Any]) -> str:
    from ihltag.report.charts import charts

    return _env(True).get_template("report.html.j2").render(r=data, charts=charts(data))
