"""Source notes as an editor cites them.

One note per distinct source: the same document (publisher, title, date, links) cited by
several incidents, or by one incident for different paragraphs, is one note that lists
its references. Notes are numbered in the order the report first cites them, and each
keeps back-links to the incidents citing it. The citation carries no internal tags (kind,
reliability grading); a confidential source, shown only with ``--include-confidential``,
says so. Text is shown as the incident's ``Redactor`` left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ihltag.report.model import Note

if TYPE_CHECKING:
    from ihltag.models import Source
    from ihltag.report.redact import Redactor


def citation(note: Note) -> str:
    """Publisher, “title”, date: the note without its references and links."""
    from ihltag.i18n import _, current

    parts = [note["publisher"], f"“{note['title']}”"]
    if note["date"]:
        parts.append(current().date(note["date"]))
    out = ", ".join(parts) + "."
    return out + (" " + _("[CONFIDENTIAL]") if note["confidential"] else "")


def plain_text(note: Note) -> str:
    """The citation with its references and links, for formats without links."""
    out = citation(note)
    refs = [x for r in note["cited_by"] for x in r["references"]]
    if refs:
        out += " " + "; ".join(dict.fromkeys(refs)) + "."
    if note["url"]:
        out += f" {note['url']}"
    if note["archive_url"]:
        from ihltag.i18n import _

        out += " (" + _("archived:") + f" {note['archive_url']})"
    return out


class NoteBook:
    """The report's notes, filled as incidents are assembled in report order."""

    def __init__(self) -> None:
        self.notes: list[Note] = []
        self._ids: dict[tuple[str | None, ...], int] = {}

    def cite(self, src: Source, text: Redactor, number: int, anchor: str) -> int:
        """The note number for ``src`` cited by incident ``number``; a new note when the
        document was not cited before."""
        fields = (text.text(src.publisher), text.text(src.title), src.date,
                  text.url(src.url), text.url(src.archive_url), str(src.confidential))
        if fields not in self._ids:
            note: Note = {
                "number": len(self.notes) + 1, "publisher": fields[0] or "",
                "title": fields[1] or "", "date": src.date, "url": fields[3],
                "archive_url": fields[4], "kind": src.kind, "reliability": src.reliability,
                "credibility": src.credibility, "confidential": src.confidential,
                "citation": "", "text": "", "cited_by": []}
            self.notes.append(note)
            self._ids[fields] = note["number"]
        note = self.notes[self._ids[fields] - 1]
        ref = text.text(src.reference)
        cited = next((c for c in note["cited_by"] if c["number"] == number), None)
        if cited is None:
            cited = {"number": number, "anchor": anchor, "references": []}
            note["cited_by"].append(cited)
        if ref and ref not in cited["references"]:
            cited["references"].append(ref)
        return note["number"]

    def finish(self) -> list[Note]:
        for note in self.notes:
            note["citation"] = citation(note)
            note["text"] = plain_text(note)
        return self.notes
