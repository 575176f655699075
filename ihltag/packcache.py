"""The rule pack's parsed files, kept between runs so that a one-file check does not
parse the whole pack again (issue 13: one-file lint start-up).

Parsing the pack's YAML is most of what loading it costs; validating and compiling the
parsed data is cheap and is always done again, so a kept entry can only save time: it
holds the plain data of each file, never compiled rules. An entry is used only when
its pack digest (the SHA-256 of every file's name and bytes, read on each run) and
ihltag's version match, and it is trusted as the result cache is (``ihltag.cache``):
it lives in the user's cache folder (a real folder of this user, 0700, never a
symlink), and carries a MAC under the user's cache secret, so an entry planted or
copied from elsewhere is a miss. Anything wrong with it is a miss, never an error.
One entry per pack folder: editing a pack replaces its entry rather than adding one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from ihltag import __version__

MAX_BYTES = 16 * 1024 * 1024  # far above a pack's parsed size (the shipped one: ~0.1 MB)
FOLDER = "rulepacks"

Files = dict[str, Any]  # a file's name in the pack -> its parsed data


def _place(folder: Path) -> tuple[Path, bytes] | None:
    """The entry's path for the pack in ``folder`` and the user's secret; None when
    there is no usable user cache folder."""
    from ihltag.cache import Refused, _own_folder, user_cache_home, user_secret

    home = user_cache_home()
    if home is None:
        return None
    try:
        secret = user_secret(home)
        _own_folder(home / FOLDER)
    except (Refused, OSError):
        return None
    name = hashlib.sha256(os.fsencode(str(folder.resolve()))).hexdigest()[:32]
    return home / FOLDER / f"{name}.json", secret


def _mac(secret: bytes, text: str) -> str:
    """HMAC-SHA-256, as the result cache's rows (``Cache._tag``), truncated alike."""
    return hmac.new(secret, b"p\0" + text.encode("utf-8", "surrogatepass"),
                    "sha256").hexdigest()[:32]


def load(folder: Path, digest: str) -> Files | None:
    """The parsed files kept for the pack in ``folder`` with this ``digest``, or None."""
    from ihltag.cache import Refused, _check_file

    place = _place(folder)
    if place is None:
        return None
    path, secret = place
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            _check_file(os.fstat(fh.fileno()), path)
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        mac, _, text = raw.decode("utf-8", "surrogatepass").partition("\n")
        if not hmac.compare_digest(mac, _mac(secret, text)):
            return None
        entry = json.loads(text)
    except (Refused, OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("version") != __version__ \
            or entry.get("digest") != digest or not isinstance(entry.get("files"), dict):
        return None
    files: Files = entry["files"]
    return files


def store(folder: Path, digest: str, files: Files) -> None:
    """Keep the parsed files of a pack that loaded without a problem; best effort."""
    from ihltag.cache import _write_atomic

    place = _place(folder)
    if place is None:
        return
    path, secret = place
    try:
        text = json.dumps({"version": __version__, "digest": digest, "files": files},
                          ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        _write_atomic(path, f"{_mac(secret, text)}\n{text}")
    except (OSError, ValueError):
        pass
