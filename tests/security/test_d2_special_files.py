"""Issue 12, D2: a FIFO, a device or any file that is not a regular file is refused (on
the opened descriptor, opened non-blocking), and no more than the size limit + 1 byte is
ever read. Before the fix a FIFO hung the run for ever and a device such as
``/dev/zero`` ran it out of memory.

The runs go through a subprocess with a time limit that only guards against the hang
(no timing is asserted) and an address-space limit that guards against the memory blow-up.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _paths import ROOT, RULES, incident

from ihltag import yamlsafe

GUARD = 60  # seconds: a hang guard only (a run takes about 1 s)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def _ihltag(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": ""}
    return subprocess.run([sys.executable, "-m", "ihltag", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=GUARD,
                          preexec_fn=_limit_memory, check=False)


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_d2_fifo_in_the_dataset_is_refused_not_waited_on(mini_dataset, cache) -> None:
    incident(mini_dataset / "2025", "mli-2025-03-10-good")
    os.mkfifo(mini_dataset / "2025" / "mli-2025-03-10-f.yaml")
    proc = _ihltag("check", ".", "-f", "text", *cache, cwd=mini_dataset)
    assert proc.returncode == 1, proc.stderr
    assert "2025/mli-2025-03-10-f.yaml:1:1: error[not-a-file]" in proc.stdout
    assert "named pipe" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert "1 invalid" in proc.stdout  # the good file was still checked


def test_d2_device_in_the_dataset_is_refused_not_read(mini_dataset) -> None:
    incident(mini_dataset / "2025", "mli-2025-03-10-good")
    zero = mini_dataset / "2025" / "mli-2025-03-10-z.yaml"
    try:
        os.mknod(zero, 0o644 | 0o020000, os.makedev(1, 5))  # a character device: /dev/zero
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here")
    proc = _ihltag("check", ".", "-f", "text", cwd=mini_dataset)
    assert proc.returncode == 1, proc.stderr
    assert "2025/mli-2025-03-10-z.yaml:1:1: error[not-a-file] this is a device" in proc.stdout
    assert "MemoryError" not in proc.stderr and "Traceback" not in proc.stderr


def test_d2_fifo_among_the_rules_is_refused(tmp_path) -> None:
    from ihltag.rules import RulePackError, load_pack

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    os.mkfifo(rules / "zz-pipe.yaml")
    with pytest.raises(RulePackError) as exc:
        load_pack(rules)
    assert any(d.code == "not-a-file" and d.file.endswith("zz-pipe.yaml")
               for d in exc.value.diagnostics)


def test_d2_fifo_registry_is_refused(mini_dataset) -> None:
    (mini_dataset / "conflicts.yaml").unlink()
    os.mkfifo(mini_dataset / "conflicts.yaml")
    proc = _ihltag("check", ".", "-f", "text", cwd=mini_dataset)
    assert proc.returncode == 2
    assert "conflicts.yaml:1:1: error[not-a-file]" in proc.stderr


def test_d2_never_reads_past_the_limit(tmp_path, monkeypatch) -> None:
    """A file whose size is misreported (as ``/proc`` files and devices do) is read no
    further than the limit + 1 byte, and refused as too large."""
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * (yamlsafe.MAX_BYTES // 5 + 10))
    real_stat, real_fstat = os.stat, os.fstat

    def small(result: os.stat_result) -> os.stat_result:
        fields = list(result)
        fields[6] = 10  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", lambda *a, **k: small(real_stat(*a, **k)))
    monkeypatch.setattr(os, "fstat", lambda fd: small(real_fstat(fd)))
    reads: list[int] = []
    real_open = os.fdopen

    class Counting:
        def __init__(self, fh) -> None:  # type: ignore[no-untyped-def]
            self.fh = fh

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
            self.fh.close()

        def fileno(self) -> int:
            return self.fh.fileno()

        def read(self, n: int = -1) -> bytes:
            reads.append(n)
            return self.fh.read(n)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Counting(real_open(*a, **k)))
    with pytest.raises(yamlsafe.YamlError) as exc:
        yamlsafe.read_file(big, "big.yaml")
    assert exc.value.diagnostics[0].code == "too-large"
    assert reads and all(0 <= n <= yamlsafe.MAX_BYTES + 1 for n in reads)
