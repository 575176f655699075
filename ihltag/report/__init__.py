"""``ihltag report``: the annotated violation report, built once and rendered in five formats.

``build_report`` turns a check run into typed plain data (``model.ReportData``, what the
JSON format prints); the renderers only lay that data out, so every format shows the same
selection and none can leak a confidential source the data does not hold. Renderers and
their heavy imports (Jinja2, matplotlib, rich) load only when a format asks for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ihltag.report.build import LAYOUTS, ReportError, ReportOptions, build_report

if TYPE_CHECKING:
    from ihltag.report.model import ReportData

__all__ = ["FORMATS", "LAYOUTS", "ReportError", "ReportOptions", "build_report", "render"]

FORMATS = ("markdown", "html", "json", "csv", "terminal")


def render(data: ReportData, format: str, bom: bool = True) -> str:
    """The report as text in ``format`` (``terminal`` gives the plain, uncoloured layout)."""
    if format == "json":
        from ihltag.report.jsonout import render_json

        return render_json(data)
    if format == "csv":
        from ihltag.report.csvout import render_csv

        return render_csv(data, bom)
    if format == "markdown":
        from ihltag.report.markup import render_markdown

        return render_markdown(data)
    if format == "html":
        from ihltag.report.markup import render_html

        return render_html(data)
    if format == "terminal":
        from ihltag.report.terminal import render_text

        return render_text(data)
    raise ValueError(f"unknown report format '{format}'; known: {', '.join(FORMATS)}")
