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
    from ihltag.results import CheckRun, FileResult, Finding


@dataclass(frozen=True)
class Rendering:
    """A reporter's text for a file's findings that depends on the findings alone, so
    that it can be made in the worker, stored with the result, and written as is by a
    warm run (no decoding, no re-encoding). ``name`` (format and version) is its key in
    the cache; ``render`` makes it; ``write`` writes an unchanged file that has no
    diagnostic from it alone: (shown path, incident id, the stored text as UTF-8 bytes,
    which are written as they are: a warm run that shows every finding moves ~300 MB of
    them at 100k files). ``is_findings``: the text is JSON of the findings'
    ``as_dict``, so it decodes to them and serves as their encoding too (a worker sends,
    and the cache keeps, one text per file, not two)."""

    name: str
    render: Callable[[list[Finding]], str]
    write: Callable[[str, str, bytes], None]
    is_findings: bool = False


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
