"""Withholding a sensitive place from a report's free text: the safety-critical part.

A location marked ``sensitive: true`` is published only by country and region. Its
``place`` and ``admin2`` must then vanish from everything the incident's own text says:
title, summary, act notes and details (a ransom ``demand``), and every source field shown
(publisher, title, reference, URLs). Researchers write place names in many forms, so a
name is found:

* **after decoding**: percent-encoding (``In%C3%A9kar``, also doubly encoded and in a
  URL's ``+``), HTML character references (``In&eacute;kar``) and punycode host names;
* **whatever the accents, case and Unicode form** (``INEKAR``, decomposed ``é``,
  full-width letters), by comparing folded text mapped back to the original characters;
* **as a whole and word by word**: ``Inékar IDP camp`` withholds the phrase, and
  ``Inékar`` alone wherever it appears. Generic words of a longer name (``camp``,
  ``road``, ``de``, ``between``), digits, and the region or country that the report shows
  anyway are not withheld on their own; the whole name always is;
* **regardless of length**: a name of three letters or fewer (``Bé``, ``Ber``) is matched
  only as a whole word, so ``Ber`` does not eat ``September`` (a short name with accents
  also keeps its accents: ``Bé`` is not the English word "be"); longer names are matched
  inside words too (``Inékar-based``, ``Moptiens``).

A URL that names the place anywhere (host, path or query, once decoded) is dropped
whole: a link cannot be half withheld. The module knows nothing about reports: it takes
names and text, so it can be tested on its own.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_plus, urlsplit

from ihltag.i18n import N_

if TYPE_CHECKING:
    from ihltag.models import Location

WITHHELD = N_("[place withheld]")

# Words that do not locate anything on their own. They are withheld as part of the whole
# name (``Inékar IDP camp``) but not everywhere they occur (``the camp``, ``a road``).
_GENERIC_WORDS = """
    a an the of and or at in on to by for from near between around outside inside
    de du des d la le les l et au aux en sur pres entre
    al el
    camp camps idp idps site village villages town city hamlet market well wells river
    road roads route axis bridge checkpoint junction crossing base airport international
    district quarter neighbourhood neighborhood commune cercle region area zone sector
    north south east west northern southern eastern western central centre center
    nord sud est ouest
"""
GENERIC = frozenset(_GENERIC_WORDS.split())

_SHORT = 3  # names of this many letters or fewer match as whole words only
_ENCODED = re.compile(
    r"(?:%[0-9A-Fa-f]{2})+"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SEP = re.compile(r"[\W_]+")
_WORD_BEFORE = r"(?<![^\W_])"
_WORD_AFTER = r"(?![^\W_])"


def _fold_unit(unit: str, strip_accents: bool) -> str:
    """One character (with its combining marks) in the form names are compared in;
    invisible format characters (soft hyphen, zero-width space) fold to nothing."""
    unit = "".join(ch for ch in unit if unicodedata.category(ch) != "Cf")
    if strip_accents:
        norm = unicodedata.normalize("NFKD", unit)
        return "".join(ch for ch in norm if not unicodedata.combining(ch)).casefold()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", unit).casefold())


def _decode(token: str) -> str:
    if token.startswith("%"):
        return unquote(token, errors="replace")
    return html.unescape(token)


def fold(text: str, strip_accents: bool = True) -> tuple[str, list[tuple[int, int]]]:
    """Text in comparable form, and for each of its characters the span of the original
    it came from, so a match in the folded text withholds the right original characters.

    Percent-encoded runs and character references decode first; a base character and the
    combining marks after it fold as one unit (decomposed and composed ``é`` agree)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _ENCODED.match(text, pos) if text[pos] in "%&" else None
        if m:
            end, unit = m.end(), _decode(m.group())
        else:
            end = pos + 1
            while end < n and unicodedata.combining(text[end]):
                end += 1
            unit = text[pos:end]
        folded = "".join(_fold_unit(u, strip_accents) for u in _units(unit)) if m else \
            _fold_unit(unit, strip_accents)
        if folded:
            out.append(folded)
            spans.extend([(pos, end)] * len(folded))
        elif spans:  # a lone combining mark or an ignorable: part of what precedes it
            spans[-1] = (spans[-1][0], end)
        pos = end
    return "".join(out), spans


def _units(text: str) -> list[str]:
    units: list[str] = []
    for ch in text:
        if units and unicodedata.combining(ch):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def _words(folded: str) -> list[str]:
    return [w for w in _SEP.split(folded) if w]


def _pattern(words: list[str]) -> str:
    """Words in sequence, any separator between them; whole-word at a short end."""
    body = r"[\W_]+".join(re.escape(w) for w in words)
    before = _WORD_BEFORE if len(words[0]) <= _SHORT else ""
    after = _WORD_AFTER if len(words[-1]) <= _SHORT else ""
    return before + body + after


class Redactor:
    """Withholds the given place names from text; an empty redactor changes nothing."""

    def __init__(self, names: Iterable[str | None], shown: Iterable[str | None] = ()) -> None:
        keep = {w for s in shown if s for w in _words(fold(s)[0])}
        loose: set[tuple[str, ...]] = set()  # compared without accents
        exact: set[tuple[str, ...]] = set()  # short names with accents: compared with them
        for name in names:
            if not name or not name.strip():
                continue
            terms = [_words(fold(name)[0])]
            terms += [[w] for w in terms[0]
                      if w not in GENERIC and w not in keep and not w.isdigit()]
            for term in (t for t in terms if t):
                loose.add(tuple(term))
            # the accent-keeping form of each short word of the name
            for w in _words(fold(name, strip_accents=False)[0]):
                if len(w) <= _SHORT and not w.isascii():
                    exact.add((w,))
                    loose.discard(tuple(_words(fold(w)[0])))
        self.active = bool(loose or exact)
        self._loose = self._compile(loose)
        self._exact = self._compile(exact)
        # For URLs: long names also match with their separators removed (``inekarraid``).
        self._glued = sorted({"".join(t) for t in loose if len("".join(t)) > _SHORT},
                             key=len, reverse=True)

    @staticmethod
    def _compile(terms: set[tuple[str, ...]]) -> re.Pattern[str] | None:
        if not terms:
            return None
        ordered = sorted(terms, key=lambda t: (-len(" ".join(t)), t))
        return re.compile("|".join(_pattern(list(t)) for t in ordered))

    def _spans(self, text: str) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for pattern, strip in ((self._loose, True), (self._exact, False)):
            if pattern is None:
                continue
            folded, spans = fold(text, strip)
            for m in pattern.finditer(folded):
                if m.end() > m.start():
                    found.append((spans[m.start()][0], spans[m.end() - 1][1]))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def text(self, text: str | None) -> str | None:
        """``text`` with every mention of the place replaced by ``[place withheld]``."""
        if text is None or not self.active:
            return text
        from ihltag.i18n import _

        out, shown = text, _(WITHHELD)  # in the report's language
        for start, end in reversed(self._spans(text)):
            out = out[:start] + shown + out[end:]
        return out

    def names_place(self, text: str) -> bool:
        return self.active and bool(self._spans(text))

    def url(self, url: str | None) -> str | None:
        """The URL, or None when it names the place anywhere once decoded."""
        if url is None or not self.active:
            return url
        decoded = url
        for _ in range(4):  # doubly encoded names too (%25C3%25A9)
            step = unquote_plus(decoded, errors="replace")
            if step == decoded:
                break
            decoded = step
        forms = [url, decoded, _idna_host(decoded)]
        if any(self.names_place(f) for f in forms):
            return None
        glued = "".join(_words(fold(" ".join(forms))[0]))
        return None if any(g in glued for g in self._glued) else url


def _idna_host(url: str) -> str:
    """The host with punycode labels decoded (``xn--inkar-…`` is ``inékar``)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--")
                          else label)
        except (UnicodeError, ValueError):
            labels.append(label)
    return ".".join(labels)


NO_REDACTION = Redactor(())


def redactor_for(loc: Location, exact_places: bool) -> Redactor:
    """The redactor for an incident's text: its ``place`` and ``admin2`` when the location
    is sensitive and ``--exact-places`` was not given; otherwise one that changes nothing."""
    if not loc.sensitive or exact_places:
        return NO_REDACTION
    return Redactor((loc.place, loc.admin2), shown=(loc.admin1, loc.country))
