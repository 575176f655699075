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


def actors_text(f: dict[str, Any]) -> str:
    return ", ".join(f"{a['actor']} ({a['attribution']})" for a in f["actors"]) or "unknown"


def presumed_basis(f: dict[str, Any]) -> str:
    """The legal basis of the presumptions that decided the finding (empty if none did)."""
    if not f.get("presumed"):
        return ""
    bases: list[str] = []
    for e in f["elements"] + f["exceptions"]:
        basis = e.get("basis")
        if e.get("default") == "presumption" and basis and basis not in bases:
            bases.append(basis)
    return " ".join(bases)


def presumed_text(f: dict[str, Any]) -> str:
    """``presumed (<basis>)`` when a presumption decided the finding, else empty."""
    if not f.get("presumed"):
        return ""
    basis = presumed_basis(f)
    return f"presumed ({basis})" if basis else "presumed"


def war_crimes_of(f: dict[str, Any]) -> list[dict[str, str]]:
    """The finding's ``{provision, text}`` war-crime entries, only ever on a violation
    (whatever a hand-made finding holds: a provision beside a ``possible`` would mislead).
    A finding of rule pack v1 has only ``war_crime``, a provision or "None (…)"."""
    if f["status"] != "violation":
        return []
    if "war_crimes" in f:
        return list(f["war_crimes"])
    old = f.get("war_crime")
    if not old or str(old).lower().startswith("none") or f.get("presumed"):
        return []
    return [{"provision": old, "text": f"may amount to a war crime under {old}"}]


def war_crime_texts(f: dict[str, Any]) -> list[str]:
    """"may amount to a war crime under …" for each provision (see ``war_crimes_of``)."""
    return [w["text"] for w in war_crimes_of(f)]


def to_decide(f: dict[str, Any]) -> list[str]:
    """The facts that would decide a ``possible`` finding (findings made before rule pack
    v2 have no ``decide``: their unknown elements stand in)."""
    if "decide" in f:
        return list(f["decide"])
    return [e["id"] for e in f["elements"] + f["exceptions"] if e["value"] == "unknown"]


def by_act(findings: list[dict[str, Any]]) -> list[tuple[int, list[dict[str, Any]],
                                                          list[dict[str, Any]]]]:
    """(act, its violations, its possible findings), acts in the order findings name them."""
    acts: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for f in findings:
        pair = acts.setdefault(f["act"], ([], []))
        pair[0 if f["status"] == "violation" else 1].append(f)
    return [(act, v, p) for act, (v, p) in acts.items()]


def group_text(act: int, possible: list[dict[str, Any]]) -> str:
    """One review flag for all of an act's ``possible`` findings (ihl-rules.md, "Review
    flags, grouped"): ``possible: CIHL-1, CIHL-11 on acts[0] — to decide, record: …``."""
    rules = ", ".join(f["rule"] for f in possible)
    facts: list[str] = []
    for f in possible:
        facts.extend(x for x in to_decide(f) if x not in facts)
    parts = [f"to decide, record: {', '.join(facts)}"] if facts else []
    flags = [f["rule"] for f in possible if not to_decide(f)]
    if flags:
        parts.append(f"{', '.join(flags)}: a flag for review (the decisive judgement is not "
                     "a recorded fact)")
    return f"possible: {rules} on acts[{act}] — {'; '.join(parts)}"


def finding_message(result: FileResult, f: dict[str, Any]) -> str:
    """One paragraph a reviewer can act on without opening another tool."""
    text = (f"{f['status']}: {f['rule']} {f['title']} — {result.id} acts[{f['act']}] "
            f"by {actors_text(f)}.")
    presumed = presumed_text(f)
    if presumed:
        text += f" {presumed[0].upper()}{presumed[1:]}."
    wars = war_crime_texts(f)
    if wars:
        joined = "; ".join(wars)
        text += f" {joined[0].upper()}{joined[1:]}."
    if f["status"] != "violation":
        facts = to_decide(f)
        if facts:
            text += f" To decide, record: {', '.join(facts)}."
    text += f" Details: ihltag explain {result.id} --rule {f['rule']}"
    return text


def group_message(result: FileResult, act: int, possible: list[dict[str, Any]]) -> str:
    """The grouped review flag of one act, for annotations."""
    return (f"{group_text(act, possible)}. In {result.id}, by {actors_text(possible[0])}. "
            f"Details: ihltag explain {result.id}")
