"""Located diagnostics: every problem the tool reports, with file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one file. Lines and columns are 1-based, as editors show them."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"

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
