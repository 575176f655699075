"""Small helpers for the hand-written SVG pictures of the HTML report (map, timeline).

Hand-written rather than drawn with matplotlib: the pictures are simple, the output is
small, deterministic and fast, and every text stays text the reader can search. Every
string that comes from data goes through ``esc``, so a title holding ``<`` or ``&`` (or
``$``, which only matplotlib would read as math) is shown as written.
"""

from __future__ import annotations

from html import escape


def esc(text: object) -> str:
    """Text for an SVG element or attribute: ``<``, ``>``, ``&`` and both quotes escaped."""
    return escape(str(text), quote=True)


def num(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing ``.0``: smaller files."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def open_svg(prefix: str, width: float, height: float, alt: str, css_class: str) -> list[str]:
    """The opening of an accessible inline SVG: ``role="img"``, labelled by its ``<title>``
    (the alt text), so a screen reader reads the picture as one image with that text."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'viewBox="0 0 {num(width)} {num(height)}" width="{num(width)}" height="{num(height)}" '
        f'aria-labelledby="{prefix}-title">',
        f'<title id="{prefix}-title">{esc(alt)}</title>',
    ]
