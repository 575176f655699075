"""Output formats of ``ihltag check``: one reporter protocol, registered by name.

A reporter is told when the run starts (it can be made: registries and rules loaded),
is handed each file's result as it is ready, in file order, and is told when the run is
finished. The runner lets go of a result's findings once the reporter has seen it, so a
reporter that needs them at the end (GitHub, SARIF) keeps what it will write, never the
results themselves. Reporters write to the stream they are given and never decide the
exit status (``CheckRun.exit_status``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from ihltag.results import CheckRun, FileResult


@dataclass(frozen=True)
class Rendering:
    """A reporter that writes a file's findings as their JSON text
    (``ihltag.results.findings_json``), the text the cache stores: a warm run hands it
    an unchanged file that has no diagnostic as that stored text alone, never decoded
    nor encoded again (~300 MB of it at 100k files). ``write``: (shown path, incident
    id, the text as UTF-8 bytes), written as they are."""

    write: Callable[[str, str, bytes], None]


class Reporter(Protocol):
    rendering: Rendering | None  # None: the reporter reads each result's findings

    def start(self, run: CheckRun) -> None: ...

    def file(self, result: FileResult) -> None: ...

    def finish(self, run: CheckRun) -> None: ...


@dataclass(frozen=True)
class Options:
    """What every reporter may need. ``fail_on``: the lowest finding status that fails
    the run (None: none does); ``top``: the repository's top folder, for code hosts,
    which place annotations by path from there (None outside a repository); ``base``:
    the folder the tool ran in, from which shown paths are relative."""

    quiet: bool = False
    fail_on: str | None = None
    top: Path | None = None
    base: Path | None = None


Factory = Callable[[TextIO, Options], Reporter]


class ByteSink:
    """UTF-8 bytes to the stream a reporter was given, for a reporter that writes stored
    text as it is: the stream's own ``write_bytes`` (an ``-o`` file), else the binary
    buffer under a text stream (standard output: its text layer is flushed first and
    not written again), else the text decoded (a stream with no bytes below it)."""

    def __init__(self, out: Any) -> None:
        self.flush: Callable[[], object] = lambda: None
        direct = getattr(out, "write_bytes", None)
        buffer = getattr(out, "buffer", None)
        if direct is not None:
            self.write: Callable[[bytes], object] = direct
        elif buffer is not None and callable(getattr(buffer, "write", None)):
            out.flush()
            self.write = buffer.write
            self.flush = getattr(buffer, "flush", self.flush)
        else:
            self.write = lambda data: out.write(data.decode("utf-8"))


def _text(out: TextIO, options: Options) -> Reporter:
    from ihltag.formats.text import TextReporter

    return TextReporter(out, options)


def _rich(out: TextIO, options: Options) -> Reporter:
    from ihltag.formats.text import RichReporter

    return RichReporter(out, options)


def _json(out: TextIO, options: Options) -> Reporter:
    from ihltag.formats.jsonout import JsonReporter

    return JsonReporter(out, options)


def _github(out: TextIO, options: Options) -> Reporter:
    from ihltag.formats.github import GithubReporter

    return GithubReporter(out, options)


def _sarif(out: TextIO, options: Options) -> Reporter:
    from ihltag.formats.sarif import SarifReporter

    return SarifReporter(out, options)


# The modules are imported when a reporter is made: a one-file lint loads only its own.
REPORTERS: dict[str, Factory] = {"text": _text, "rich": _rich, "json": _json,
                                 "github": _github, "sarif": _sarif}
