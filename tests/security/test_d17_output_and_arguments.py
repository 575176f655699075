"""D17: every ``-o`` write is atomic and a full disk is a clear error; absurd arguments
are clear errors, not tracebacks.

``report -o`` and ``check -f github|sarif -o`` wrote in place, so a failed write left a
truncated file where the good one was; a full disk gave a traceback; ``--rule`` with
5,000 digits and ``explain`` with a 300-character name gave tracebacks.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from _paths import DATASET, ROOT

Cli = Callable[..., tuple[int, str, str]]
PREVIOUS = "the previous, good file\n"

# every command and format that writes -o
WRITERS = [
    ("check", "-f", "sarif"), ("check", "-f", "github"), ("check", "-f", "json"),
    ("check", "-f", "text"), ("report", "-f", "markdown"), ("report", "-f", "json"),
    ("report", "-f", "csv"), ("report", "-f", "terminal"), ("report", "-f", "html"),
    ("schema",),
]


SUFFIX = {"sarif": ".sarif", "github": ".log", "json": ".json", "text": ".txt",
          "markdown": ".md", "csv": ".csv", "terminal": ".txt", "html": ".html"}


def _name(cmd: tuple[str, ...]) -> str:
    return "result" + (SUFFIX[cmd[-1]] if cmd[0] != "schema" else ".json")


def _args(cmd: tuple[str, ...], dataset: Path, out: Path) -> list[str]:
    data = [] if cmd[0] == "schema" else [str(dataset)]
    extra = ["--no-cache", "-j", "1"] if cmd[0] == "check" else []
    return [cmd[0], *data, *cmd[1:], *extra, "-o", str(out)]


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every file opened on a descriptor under tmp_path fails to write: ENOSPC after a
    few bytes have gone out, as on a full disk."""
    real = os.fdopen

    class Full:
        def __init__(self, fh):  # type: ignore[no-untyped-def]
            self.fh = fh

        def write(self, text: str) -> int:
            self.fh.write(text[:10])
            self.fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(self.fh, name)

    def fdopen(fd: int, *args, **kwargs):  # type: ignore[no-untyped-def]
        fh = real(fd, *args, **kwargs)
        target = os.readlink(f"/proc/self/fd/{fd}")
        return Full(fh) if target.startswith(str(tmp_path)) else fh

    monkeypatch.setattr(os, "fdopen", fdopen)


@pytest.mark.parametrize("cmd", WRITERS, ids=lambda c: "-".join(c))
def test_d17_full_disk_is_exit_2_and_keeps_the_previous_file(
        cmd: tuple[str, ...], cli: Cli, tmp_path: Path, disk_full: None) -> None:
    out = tmp_path / "out" / _name(cmd)
    out.parent.mkdir()
    out.write_text(PREVIOUS, encoding="utf-8")
    code, _, err = cli(*_args(cmd, DATASET, out))
    assert code == 2, err
    assert "No space left on device" in err and str(out) in err
    assert out.read_text(encoding="utf-8") == PREVIOUS  # not truncated, not half-written
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temp file left


@pytest.mark.parametrize("cmd", WRITERS[:1] + WRITERS[4:5], ids=lambda c: "-".join(c))
def test_d17_real_write_error_from_the_kernel(cmd: tuple[str, ...], tmp_path: Path) -> None:
    """Without monkeypatching: a file-size limit makes the kernel refuse the write (EFBIG)."""
    out = tmp_path / _name(cmd)
    out.write_text(PREVIOUS, encoding="utf-8")
    limit = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
             "resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000)); "
             "sys.argv = ['ihltag', *sys.argv[1:]]; from ihltag.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", limit, *_args(cmd, DATASET, out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "cannot write" in proc.stderr
    assert out.read_text(encoding="utf-8") == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_d17_full_stdout_is_a_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "ihltag", "schema"], cwd=ROOT,
                          stdout=open("/dev/full", "w"), stderr=subprocess.PIPE, text=True)  # noqa: SIM115
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "cannot write the output" in proc.stderr


def test_atomic_output_keeps_the_mode_of_the_file_it_replaces(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "private.json"
    out.write_text(PREVIOUS, encoding="utf-8")
    out.chmod(0o600)
    code, _, err = cli("schema", "-o", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8") != PREVIOUS
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["private.json"]


@pytest.mark.parametrize("args", [
    ("report", str(DATASET), "--rule", "9" * 5000, "-f", "json"),
    ("explain", "a" * 300),
    ("explain", "x" * 100_000),
    ("check", "a" * 300),
    ("check", str(DATASET / ("a" * 300 + ".yaml"))),
    ("check", str(DATASET / "2025"), "--rules", "r" * 300),
    ("rules", "list", "--rules", "r" * 300),
    ("report", str(DATASET), "--actor", "x" * 100_000, "-f", "json"),
    ("report", str(DATASET), "-f", "markdown", "-o", str(Path("/tmp") / ("o" * 300 + ".md"))),
    ("check", str(DATASET / "2025"), "-j", "9" * 5000),
], ids=["rule-5000-digits", "explain-300", "explain-100k", "check-300", "check-file-300",
        "rules-300", "rules-list-300", "actor-100k", "output-300", "jobs-5000-digits"])
def test_d17_absurd_arguments_are_clear_errors(args: tuple[str, ...]) -> None:
    proc = subprocess.run([sys.executable, "-m", "ihltag", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(("ihltag: ", "Usage:")), proc.stderr[:300]
    assert len(proc.stderr) < 3000  # quoted in part, not echoed whole
