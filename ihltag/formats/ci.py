"""What the CI formats (``github``, ``sarif``) share: locations a code host can place on
a diff, one-line finding messages, and plain words for each diagnostic code.

Code hosts place annotations by path from the repository's top folder, while ihltag
shows paths relative to the folder it ran in; ``Locator`` converts between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ihltag.formats import Options
from ihltag.results import FileResult, Finding

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
    def for_options(cls, options: Options) -> Locator:
        """From the repository's top folder the caller found (formats never run git)."""
        return cls(options.base or Path.cwd().resolve(), options.top)

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


def to_decide(f: Finding) -> list[str]:
    """The facts that would decide a ``possible`` finding."""
    return list(f.decide)


def group_text(act: int, possible: list[Finding]) -> str:
    """One review flag for all of an act's ``possible`` findings (ihl-rules.md, "Review
    flags, grouped"): ``possible: CIHL-1, CIHL-11 on acts[0] — to decide, record: …``."""
    rules = ", ".join(f.rule for f in possible)
    facts: list[str] = []
    for f in possible:
        facts.extend(x for x in f.decide if x not in facts)
    parts = [f"to decide, record: {', '.join(facts)}"] if facts else []
    flags = [f.rule for f in possible if not f.decide]
    if flags:
        parts.append(f"{', '.join(flags)}: a flag for review (the decisive judgement is not "
                     "a recorded fact)")
    return f"possible: {rules} on acts[{act}] — {'; '.join(parts)}"


def finding_message(result: FileResult, f: Finding) -> str:
    """One paragraph a reviewer can act on without opening another tool."""
    text = (f"{f.status}: {f.rule} {f.title} — {result.id} acts[{f.act}] "
            f"by {f.actors_text()}.")
    presumed = f.presumed_text()
    if presumed:
        text += f" {presumed[0].upper()}{presumed[1:]}."
    wars = f.war_crime_texts()
    if wars:
        joined = "; ".join(wars)
        text += f" {joined[0].upper()}{joined[1:]}."
    if f.status != "violation" and f.decide:
        text += f" To decide, record: {', '.join(f.decide)}."
    text += f" Details: ihltag explain {result.id} --rule {f.rule}"
    return text


def group_message(result: FileResult, act: int, possible: list[Finding]) -> str:
    """The grouped review flag of one act, for annotations."""
    return (f"{group_text(act, possible)}. In {result.id}, by {possible[0].actors_text()}. "
            f"Details: ihltag explain {result.id}")
