"""Text from files, file names and rule packs made safe for terminals and CI logs.

Anything ``ihltag`` prints to a terminal or a log may come from a hostile file: an ESC
starts a terminal escape sequence (colours, a window title, OSC 52 clipboard writes), a
CR rewinds the line so a later text hides an error, an LF starts a new line, a bidi
override reorders what the reader sees, and a line beginning ``::`` is a GitHub Actions
workflow command (``::error``, ``::add-mask``, ``::stop-commands``). Every text output
passes its values through :func:`one_line` and its lines through :func:`no_command`;
what the values say is kept, visibly escaped (``\\x1b``, ``\\n``, ``\\u202e``).

Kept as they are: ordinary text in any script, tabs inside multi-line text, and the
invisible joiners that some scripts and emoji need (U+200C, U+200D).
"""

from __future__ import annotations

_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}
# C0, DEL, C1; the bidi embeddings, overrides, isolates and marks; line/paragraph separators.
_CODES = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F,
          *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]
_TABLE = {c: _NAMED.get(c, f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CODES}
_MULTI = {c: e for c, e in _TABLE.items() if c not in (0x0A, 0x09)}
# JSON already escapes C0; these it leaves raw (json.dumps with ensure_ascii=False).
_JSON = {c: f"\\u{c:04x}" for c in _CODES if c >= 0x7F}


def one_line(text: object) -> str:
    """``text`` with every control, bidi and line-separator character escaped: it stays
    on one line and cannot drive the terminal."""
    return str(text).translate(_TABLE)


def no_command(line: str) -> str:
    """A line that GitHub Actions would read as a workflow command (``::`` after any
    leading blanks) gets a backslash in front; other lines are unchanged."""
    stripped = line.lstrip()
    if stripped.startswith("::"):
        return line[:len(line) - len(stripped)] + "\\" + stripped
    return line


def safe_lines(text: str) -> str:
    """Multi-line text (a rule's text, an error message): newlines and tabs kept, every
    other control escaped, and no line can be a workflow command."""
    return "\n".join(no_command(line) for line in text.translate(_MULTI).split("\n"))


def safe_line(text: object) -> str:
    """One output line built from file data: :func:`one_line` then :func:`no_command`."""
    return no_command(one_line(text))


def path(text: object) -> str:
    """A file name for display: escaped, and ``./`` in front of a name that starts with
    ``::`` (a file named ``::error::x.yaml`` cannot open a workflow command)."""
    shown = one_line(text)
    return "./" + shown if shown.lstrip().startswith("::") else shown


def json_safe(text: str) -> str:
    """JSON text with DEL, C1, bidi and line-separator characters written as ``\\uXXXX``
    escapes: the same data for a parser, nothing raw for a terminal that shows the file.
    (Outside strings JSON is ASCII, so the whole text can be translated.)"""
    return text.translate(_JSON)

