"""Located diagnostics: every problem the tool reports, with file, line and column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# A message quotes at most this much of a value, and is never longer than MAX_MESSAGE:
# a value may be a whole file (a scalar that is the entire document, or a link to a
# secret), and messages go to CI logs, code hosts and SARIF uploads.
EXCERPT = 60
MAX_MESSAGE = 1000


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one file. Lines and columns are 1-based, as editors show them."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE:  # the last guard: whatever a message quotes
            object.__setattr__(self, "message", self.message[:MAX_MESSAGE] + " … (message cut)")

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }

    def plain(self) -> str:
        """The greppable one-line form, ``file:line:col: severity[code] message``, with
        control characters from the file (or its name) escaped (``ihltag.safetext``)."""
        from ihltag.safetext import one_line, path

        return (f"{path(self.file)}:{self.line}:{self.column}: {self.severity}[{self.code}] "
                f"{one_line(self.message)}")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``: counts in messages read as English, not ``file(s)``."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def suggestions(word: str, choices: object, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Valid values close to ``word``: first what the word means (``execution`` ->
    ``killing``, from ``synonyms``), then spelling; the one helper every "did you mean"
    in ihltag uses, so hints are found the same way everywhere."""
    import difflib

    from ihltag.synonyms import meant

    options = [str(c) for c in choices]  # type: ignore[attr-defined]
    lowered = {o.lower(): o for o in options}
    if word.lower() in lowered:
        return [lowered[word.lower()]]
    found: list[str] = []
    synonym = meant(word, options)
    if synonym is not None:
        found.append(synonym)
    for match in difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=cutoff):
        if lowered[match] not in found:
            found.append(lowered[match])
    return found[:n]


def closest(word: str, choices: object) -> str | None:
    """The closest valid value, for "did you mean" hints; None when nothing is close."""
    found = suggestions(word, choices)
    return found[0] if found else None


def did_you_mean(word: str, choices: object) -> str:
    hint = closest(word, choices)
    return f"; did you mean '{hint}'?" if hint else ""


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of a value for a message, on one line.

    Control characters are escaped (a line break in a value must not make the message
    span lines, nor an escape sequence reach a terminal); a longer value is cut and its
    length said, so that no message can echo a whole file.
    """
    shown = text[:limit]
    if not shown.isprintable():
        shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in shown)
    return shown if len(text) <= limit else f"{shown}… ({len(text)} characters)"


def show(value: object, limit: int = EXCERPT) -> str:
    """``repr`` of a value as a bounded excerpt (numbers too large to print are described)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3000:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    return excerpt(repr(value), limit)


class DiagnosticsError(Exception):
    """What stops a command before it can do its work (exit status 2): a message in
    plain words, and the located problems behind it when there are some (an invalid
    registry or rule pack). The command line prints both, in one place."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)
