"""An output file written in full or not at all: what every ``-o FILE`` goes through.

The text goes to a temporary file in the target's folder, which is flushed to disk and
renamed over the target only when the run has finished well (``os.replace`` is atomic on
one file system). A full disk, a quota, an interrupted or failed run therefore leaves the
previous report or SARIF file exactly as it was, never a truncated one that a CI step
would upload. The new file keeps the old one's permissions (a report written over a
``0600`` file stays private); a new file gets the usual ``0666`` less the umask.

A target that exists and is not a regular file (``/dev/stdout``, a FIFO) cannot be
replaced and is written directly.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import IO

_BUFFER = 1 << 20  # a check that writes every finding writes ~3 kB per file, 300 MB in all


class OutputError(Exception):
    """The output could not be written; ``str()`` says why, in words, for exit status 2."""


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


class AtomicFile:
    """Write with :meth:`write`, then :meth:`commit` (rename into place) or
    :meth:`discard` (remove the temporary file). Every failure is an ``OutputError``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp: Path | None = None
        self.fh: IO[bytes] | None = None  # text is encoded here: bytes can go as they are
        self.direct = False
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {_why(exc)}") from None
        try:
            if st is not None and not stat.S_ISREG(st.st_mode):
                if stat.S_ISDIR(st.st_mode):
                    raise OutputError(f"cannot write {path}: it is a folder")
                self.direct = True
                self.fh = open(path, "wb", buffering=_BUFFER)  # noqa: SIM115 - closed in commit
                return
            folder = Path(os.path.abspath(path)).parent
            fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:40]}.", suffix=".tmp")
            self.tmp = Path(name)
            if st is not None:
                mode = stat.S_IMODE(st.st_mode)
            else:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(fd, mode)  # not mkstemp's 0600: as the file it replaces, or a new one
            self.fh = os.fdopen(fd, "wb", buffering=_BUFFER)
        except OSError as exc:
            self.discard()
            raise OutputError(f"cannot write {path}: {_why(exc)}") from None

    def write(self, text: str) -> int:
        self.write_bytes(text.encode("utf-8"))
        return len(text)

    def write_bytes(self, data: bytes) -> int:
        assert self.fh is not None
        try:
            return self.fh.write(data)
        except OSError as exc:
            self.discard()
            raise OutputError(self._failed(exc)) from None

    def flush(self) -> None:
        assert self.fh is not None
        try:
            self.fh.flush()
        except OSError as exc:
            self.discard()
            raise OutputError(self._failed(exc)) from None

    def commit(self) -> None:
        """Make the written text the file's content; on failure the old file is kept."""
        fh = self.fh
        assert fh is not None
        try:
            fh.flush()
            if not self.direct:
                os.fsync(fh.fileno())
            fh.close()
            self.fh = None
            if self.tmp is not None:
                os.replace(self.tmp, self.path)
                self.tmp = None
        except OSError as exc:
            self.discard()
            raise OutputError(self._failed(exc)) from None

    def discard(self) -> None:
        """Remove the temporary file; never raises (it runs while handling an error)."""
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:
                pass  # a full disk fails the flush on close too: the file goes anyway
            self.fh = None
        if self.tmp is not None:
            try:
                self.tmp.unlink(missing_ok=True)
            except OSError:
                pass
            self.tmp = None

    def _failed(self, exc: OSError) -> str:
        kept = "" if self.direct else (
            "; the previous file is left as it was" if os.path.exists(self.path) else "")
        return f"cannot write {self.path}: {_why(exc)}{kept}"
