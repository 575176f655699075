"""Issue 12, D9: a file or folder name that is not valid UTF-8 gets a located error of its
own, in every format, with the cache and without; before the fix it crashed every
default ``check`` (``Cache.key``) and SARIF (``quote``) with UnicodeEncodeError."""

from __future__ import annotations

import os

import pytest
from _paths import incident

FORMATS = ("text", "json", "github", "sarif")


@pytest.fixture
def odd_names(mini_dataset, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(mini_dataset)
    good = incident(mini_dataset / "2025", "mli-2025-03-10-good")
    data = good.read_bytes()
    with open(os.path.join(os.fsencode(mini_dataset), b"2025", b"bad\xffname.yaml"), "wb") as fh:
        fh.write(data)
    folder = os.path.join(os.fsencode(mini_dataset), b"2025", b"dir\xfe")
    os.mkdir(folder)
    with open(os.path.join(folder, b"mli-2025-03-10-good.yaml"), "wb") as fh:
        fh.write(data)
    return mini_dataset


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_d9_undecodable_names_get_a_located_error(cli, odd_names, fmt, cache) -> None:
    for _ in range(2):  # cold, then warm from the cache
        code, out, err = cli("check", ".", "-f", fmt, *cache)
        assert code == 1
        assert "Traceback" not in err
        assert out.count("file-name") >= 2 if fmt in ("text", "github") else "file-name" in out
        # escaped, not raw (JSON doubles the backslash, SARIF percent-encodes it)
        assert any(f in out for f in ("bad\\xffname.yaml", "bad\\\\xffname.yaml",
                                      "bad%5Cxffname.yaml"))
        assert "\udcff" not in out


def test_d9_undecodable_name_given_on_the_command_line(cli, odd_names) -> None:
    name = os.fsdecode(b"2025/bad\xffname.yaml")
    code, out, err = cli("check", name, "-f", "text")
    assert "Traceback" not in err
    assert code == 1
    assert "2025/bad\\xffname.yaml:1:1: error[file-name]" in out
