"""What the CI formats (``github``, ``sarif``) share: locations a code host can place on
a diff, one-line finding messages, and plain words for each diagnostic code.

Code hosts place annotations by path from the repository's top folder, while ihltag
shows paths relative to the folder it ran in; ``Locator`` converts between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ihltag.dataset import FileResult

# Plain words for the diagnostic codes, used as annotation titles and SARIF rule texts.
CODES: dict[str, str] = {
    "yaml-syntax": "The file is not valid YAML",
    "yaml-alias": "YAML aliases are not allowed",
    "yaml-anchor": "YAML anchors are not allowed",
    "yaml-empty": "The file is empty",
    "yaml-multiple-documents": "More than one YAML document in a file",
    "yaml-tag": "YAML tags are not allowed",
    "yaml-duplicate-key": "A key appears twice in one mapping",
    "encoding": "The file is not UTF-8 text",
    "too-large": "The file is larger than 1 MiB",
    "unreadable": "The file cannot be read",
    "unknown-key": "Unknown key (often a typo)",
    "missing-key": "A required key is missing",
    "unknown-value": "A value outside the vocabulary",
    "wrong-type": "A value of the wrong type",
    "invalid-value": "An invalid value",
    "invalid-date": "An invalid date",
    "id-mismatch": "The incident id differs from the file name",
    "duplicate-id": "Two incident files use the same id",
    "unknown-actor": "An actor that is not in actors.yaml",
    "unknown-conflict": "A conflict that is not in conflicts.yaml",
    "advice-targeting": "An attack without 'targeting'",
    "contradiction": "The record contradicts itself",
    "deprecated-value": "A deprecated value (still accepted)",
    "unknown-source": "A response's source number is not in 'sources'",
}


def code_title(code: str) -> str:
    return CODES.get(code, f"ihltag check: {code.replace('-', ' ')}")


@dataclass
class Locator:
    """Paths as the code host knows them: from the git top folder, or from ``base``."""

    base: Path
    top: Path | None

    @classmethod
    def of(cls, root: Path) -> Locator:
        """For a dataset at ``root``: its repository, whichever folder the tool ran in."""
        from ihltag.gitdiff import toplevel

        return cls(Path.cwd().resolve(), toplevel(root))

    def path(self, shown: str) -> str:
        """Repository-relative POSIX path; else relative to ``base``; else absolute."""
        joined = self.base / shown  # the file itself may be a link: never name its target
        full = joined.parent.resolve() / joined.name
        for anchor in (self.top, self.base):
            if anchor is None:
                continue
            try:
                return full.relative_to(anchor).as_posix()
            except ValueError:
                continue
        return full.as_posix()


def act_position(result: FileResult, act: int) -> tuple[int, int]:
    """Line and column of ``acts[act]``; the first line when the file moved under us."""
    line = result.acts_lines[act] if act < len(result.acts_lines) else 1
    col = result.acts_cols[act] if act < len(result.acts_cols) else 1
    return line, col


def finding_message(result: FileResult, f: dict[str, Any]) -> str:
    """One paragraph a reviewer can act on without opening another tool."""
    actors = ", ".join(f"{a['actor']} ({a['attribution']})" for a in f["actors"]) or "unknown"
    text = (f"{f['status']}: {f['rule']} {f['title']} — {result.id} acts[{f['act']}] "
            f"by {actors}.")
    if f.get("war_crime"):
        text += f" War crime: {f['war_crime']}."
    unknown = [e["id"] for e in f["elements"] + f["exceptions"] if e["value"] == "unknown"]
    if unknown:
        text += f" Still unknown: {', '.join(unknown)}."
    text += f" Details: ihltag explain {result.id} --rule {f['rule']}"
    return text
