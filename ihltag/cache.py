"""Per-file results cached by content: re-checking a mostly unchanged dataset is quick.

An entry's key is the SHA-256 of the file's bytes, the rule pack's digest, the
registries' digest, the display path and the tool version, so a change to any of them
is a miss. Entries are written to a temporary file and renamed into place (atomic on
POSIX), so concurrent runs never see half an entry; an unreadable or corrupt entry is
simply a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ihltag import __version__

FOLDER = ".ihltag_cache"


class Cache:
    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder / "v1"
        self.salt = f"{__version__}\0{salt}\0".encode()

    def key(self, display: str, raw: bytes) -> str:
        h = hashlib.sha256(self.salt)
        h.update(display.encode() + b"\0")
        h.update(raw)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            with open(self._path(key), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        entry = data.get("result")
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, result: dict[str, Any]) -> None:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "result": result}, fh, separators=(",", ":"))
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written is only a slower run
