"""Languages of the outputs people read: English (the default) and French (issue 15).

French is the working language of Mali's courts, its human-rights commission and most of
its NGOs, so ``explain``, ``rules`` and the report can speak it. The words live in gettext
catalogs in the package (``ihltag/locale/<lang>/LC_MESSAGES/ihltag.po``, from the template
``ihltag/locale/ihltag.pot``), read at run time with Babel: no compiled ``.mo`` file is
kept in git, and a catalog edit shows at the next run. docs/i18n.md says how to extract,
update and check them.

English needs neither the catalog nor Babel: its ``Translator`` returns each message as
written and formats dates and numbers as the English outputs always have, so an English
run imports nothing more than before (tests/test_startup.py).

Vocabulary values (act types, targets, statuses…) are catalog entries with a context,
``msgctxt "act.type"`` / ``msgid "looting"``: the English word is the value itself (or
the label in ``EN_VOCAB``); ``extract_vocab`` lets ``pybabel extract`` list them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

LANGS = ("en", "fr")
DOMAIN = "ihltag"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where shown."""
    return message


# The vocabularies whose values are shown to readers, by the context they take in the
# catalog. The value set comes from ``ihltag.vocab`` (kept in step by a test).
VOCAB_CONTEXTS = ("act.type", "act.target", "act.means", "act.reason", "act.targeting",
                  "act.victim_groups", "attribution", "involvement", "status",
                  "classification", "source.kind", "casualty", "confidence", "actor.kind",
                  "law", "tri", "default", "act.field", "act.demand_to", "csv.column")

# English labels where the value itself is not a word a reader should see.
EN_VOCAB: Mapping[tuple[str, str], str] = {
    ("classification", "IAC"): "IAC",
    ("classification", "NIAC"): "NIAC",
    ("tri", "true"): "true",
    ("tri", "false"): "false",
    ("tri", "unknown"): "unknown",
    ("status", "none"): "no finding",
}


def vocab_values() -> dict[str, tuple[str, ...]]:
    """Every vocabulary value a reader may see, by catalog context."""
    from ihltag import vocab

    return {
        "act.type": tuple(vocab.ACT_TYPES), "act.target": tuple(vocab.TARGETS),
        "act.means": tuple(vocab.MEANS), "act.reason": tuple(vocab.REASONS),
        "act.targeting": tuple(vocab.TARGETING), "act.victim_groups": tuple(vocab.VICTIM_GROUPS),
        "attribution": tuple(vocab.ATTRIBUTION), "involvement": tuple(vocab.INVOLVEMENT),
        "status": ("violation", "possible", "none"),
        "classification": tuple(vocab.CLASSIFICATIONS), "source.kind": tuple(vocab.SOURCE_KINDS),
        "casualty": tuple(vocab.CASUALTY_KINDS), "confidence": ("high", "medium", "low"),
        "actor.kind": tuple(vocab.ACTOR_KINDS), "law": tuple(vocab.LAWS),
        "tri": ("true", "false", "unknown"), "default": ("presumption", "required_record"),
        "act.field": (*(f for f in _act_fields() if f not in ("type", "target", "note")),
                      "conflict", "date"),
        "act.demand_to": tuple(vocab.DEMAND_TO),
        "csv.column": tuple(_csv_columns()),
    }


def _act_fields() -> list[str]:
    from ihltag.models import Act

    return list(Act.model_fields)


def _csv_columns() -> list[str]:
    from ihltag.report.csvout import COLUMNS

    return list(COLUMNS)


def en_vocab(context: str, value: str) -> str:
    """The English word for a vocabulary value: ``sexual_violence`` → ``sexual violence``."""
    return EN_VOCAB.get((context, value), value.replace("_", " "))


# Provisions the rule pack cites in words rather than by article (translated whole).
PROVISION_WORDS = (N_("customary IHL (ICRC Rule 156)"),)

_ROME = re.compile(r"^Rome Statute art\. ?(\d+)((?:\([0-9a-z]+\))*)$")


class Translator:
    """gettext for one language: ``gettext``/``ngettext``/``pgettext`` (the names
    ``jinja2.ext.i18n`` installs), vocabulary labels, dates, numbers and provisions.

    ``messages`` maps ``(context, msgid)`` to the translation (a tuple of plural forms for
    a plural entry); an empty mapping is English."""

    def __init__(self, lang: str, messages: Mapping[tuple[str | None, str], Any] | None = None,
                 plural: Any = None) -> None:
        self.lang = lang
        self._messages = messages or {}
        self._plural = plural  # Babel's plural rule: n -> index of the form

    def gettext(self, message: str) -> str:
        found = self._messages.get((None, message))
        return found if isinstance(found, str) and found else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._messages.get((None, singular))
        if isinstance(found, tuple) and self._plural is not None:
            form = found[min(self._plural(n), len(found) - 1)]
            if form:
                return str(form)
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        found = self._messages.get((context, message))
        return found if isinstance(found, str) and found else message

    def vocab(self, context: str, value: Any) -> str:
        """A vocabulary value in words (``act.type``, ``looting`` → ``pillage``)."""
        text = str(value)
        found = self._messages.get((context, text))
        return found if isinstance(found, str) and found else en_vocab(context, text)

    def tri(self, value: bool | str | None) -> str:
        """true / false / unknown in this language."""
        word = "unknown" if value is None else str(value).lower()
        return self.vocab("tri", word)

    def date(self, value: date | str) -> str:
        """A day in words in French (``3 février 2026``, a month ``mai 2025``); English keeps
        ISO dates, as its outputs always have. A year, a span or anything else is kept."""
        if self.lang == "en":
            return str(value)
        from babel.dates import format_date

        if isinstance(value, str):
            if re.fullmatch(r"\d{4}-\d{2}", value):  # a month: "mai 2025"
                try:
                    month = date.fromisoformat(value + "-01")
                except ValueError:
                    return value
                return str(format_date(month, format="MMMM y", locale=self.lang))
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value
        else:
            day = value
        return str(format_date(day, format="long", locale=self.lang))

    def number(self, value: int | float) -> str:
        """A count: ``1 663`` in French (Babel's narrow no-break space), ``1663`` in English."""
        if self.lang == "en":
            return str(value)
        from babel.numbers import format_decimal

        return str(format_decimal(value, locale=self.lang))

    def provision(self, provision: str) -> str:
        """A war-crime provision in this language's legal wording:
        ``Rome Statute art. 8(2)(e)(v)`` → ``l'article 8-2-e-v du Statut de Rome``."""
        if self.lang == "en":
            return provision
        m = _ROME.match(provision.strip())
        if m:
            parts = [m.group(1), *re.findall(r"\(([0-9a-z]+)\)", m.group(2))]
            return self.gettext("article {ref} of the Rome Statute").format(ref="-".join(parts))
        return self.gettext(provision)

    def war_crime(self, provision: str, note: str = "") -> str:
        """``may amount to a war crime under <provision>[ <note>]`` in this language."""
        if self.lang == "en":
            return f"may amount to a war crime under {provision}" + (f" {note}" if note else "")
        text = self.gettext("may amount to a war crime under {provision}").format(
            provision=self.provision(provision))
        return text + (f" {note}" if note else "")


ENGLISH = Translator("en")
_CURRENT: ContextVar[Translator] = ContextVar("ihltag_translator", default=ENGLISH)


def current() -> Translator:
    """The translator of the output being made (English unless ``using`` says otherwise):
    the report's wording functions read it rather than take it through every call."""
    return _CURRENT.get()


@contextmanager
def using(tr: Translator) -> Iterator[Translator]:
    """Make ``tr`` the current translator for the ``with`` block."""
    token = _CURRENT.set(tr)
    try:
        yield tr
    finally:
        _CURRENT.reset(token)


def _(message: str) -> str:
    """``gettext`` of the current translator (the name ``pybabel extract`` looks for)."""
    return _CURRENT.get().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``ngettext`` of the current translator."""
    return _CURRENT.get().ngettext(singular, plural, n)


def vocab(context: str, value: Any) -> str:
    """A vocabulary value in the current language."""
    return _CURRENT.get().vocab(context, value)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=4)
def translator(lang: str | None) -> Translator:
    """The translator for ``lang`` (``None`` or ``en``: English, no catalog read)."""
    if lang in (None, "", "en"):
        return ENGLISH
    if lang not in LANGS:
        raise ValueError(f"unknown language '{lang}' (choose from {', '.join(LANGS)})")
    catalog = read_catalog(po_path(lang), lang)
    messages: dict[tuple[str | None, str], Any] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple | list) else message.id
        string = message.string
        messages[(message.context, key)] = tuple(string) if isinstance(string, tuple | list) \
            else string
    return Translator(lang, messages, catalog.plural_expr and _plural_rule(catalog.plural_expr))


def read_catalog(path: Path, lang: str) -> Any:
    """A ``.po`` file as a Babel catalog."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def _plural_rule(expr: str) -> Any:
    """The catalog's C plural expression (``(n > 1)`` in French) as a function of n."""
    from gettext import c2py

    return c2py(expr)


def extract_vocab(fileobj: Any, keywords: Any, comment_tags: Any,
                  options: Any) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    """A Babel extractor for ``ihltag/vocab.py`` that lists every vocabulary value as
    ``pgettext(context, value)`` (the values are dictionary keys, not gettext calls)."""
    for context, values in vocab_values().items():
        for value in values:
            yield 1, "pgettext", (context, value), [f"vocabulary: {en_vocab(context, value)}"]


def label_messages() -> list[str]:
    """The words of the report's map and timeline: the defaults of ``MapLabels`` and
    ``TimelineLabels``, which their ``translated`` puts through gettext."""
    from dataclasses import fields

    from ihltag.report.maps import MapLabels
    from ihltag.report.timeline import TimelineLabels

    return [f.default for cls in (MapLabels, TimelineLabels) for f in fields(cls)
            if isinstance(f.default, str)]


def extract_labels(fileobj: Any, keywords: Any, comment_tags: Any,
                   options: Any) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    """A Babel extractor for ``report/maps.py`` and ``report/timeline.py``: their label
    dataclasses' defaults (one file gives both classes' words; the other gives none)."""
    if fileobj.name.endswith("maps.py"):
        for text in label_messages():
            yield 1, "gettext", text, []


KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}


def extract(root: Path) -> Any:
    """Every message of the package under ``root``: Python code and templates as
    ``babel.cfg`` maps them, plus the vocabulary. The catalog ``ihltag.pot`` holds."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    method_map = [("ihltag/vocab.py", "ihltag.i18n:extract_vocab"),
                  ("ihltag/report/maps.py", "ihltag.i18n:extract_labels"),
                  ("ihltag/report/timeline.py", "ihltag.i18n:extract_labels"), *method_map]
    catalog = Catalog(project="ihltag", copyright_holder="ihltag developers", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def write_pot(root: Path) -> Path:
    """``python -m ihltag.i18n``: write ``ihltag/locale/ihltag.pot`` from the sources, in a
    stable order without line numbers (a diff shows only changed words)."""
    from babel.messages.pofile import write_po

    path = root / "ihltag" / "locale" / f"{DOMAIN}.pot"
    with path.open("wb") as handle:
        write_po(handle, extract(root), sort_output=True, omit_header=False, no_location=True,
                 width=100, include_lineno=False)
    return path


if __name__ == "__main__":  # pragma: no cover - a maintainer's command (docs/i18n.md)
    print(f"wrote {write_pot(Path.cwd())}")
