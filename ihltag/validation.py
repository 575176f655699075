"""Turning pydantic's errors into located messages a researcher understands.

pydantic reports a ``loc`` path into the data; ``yamlsafe.locate`` maps it back to a
YAML node. Messages name the field the way the file writes it (``acts[0].type``) and
suggest the closest valid spelling for unknown keys and vocabulary values.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ihltag.diagnostics import Diagnostic, did_you_mean, excerpt, show, suggestions
from ihltag.vocab import INCIDENT_ID_WORDS
from ihltag.yamlsafe import MAX_INT_DIGITS, Document, locate

M = TypeVar("M", bound=BaseModel)

_QUOTED = re.compile(r"'([^']*)'")
MAX_HINTS = 100
_DIGITS = re.compile(r"[-+]?[0-9]+\Z")
_LABELS = {"type": "act type", "victim_groups": "victim group", "kind": "kind",
           "demand_to": "'demand_to' value"}
_DATE_FIELDS = frozenset({"date", "start", "end", "from"})
# "mapping" is YAML's word, not a researcher's: what the file shows is indented lines.
_GROUP = "a group of indented 'key: value' lines"
# What each type error asks for, to merge the branches of a union into one message.
_WANTS = {
    "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "string_type": "text", "bool_type": "true or false", "bool_parsing": "true or false",
    "list_type": "a list", "dict_type": _GROUP, "model_type": _GROUP,
    "model_attributes_type": _GROUP,
}


def _clean_loc(data: Any, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop pydantic's internal steps (union branches, validator names) from a loc."""
    out: list[int | str] = []
    for part in loc:
        if isinstance(data, dict) and part in data:  # noqa: SIM114 - mypy narrows per branch
            data = data[part]
            out.append(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            out.append(part)
        elif isinstance(data, dict) and isinstance(part, str) and not _internal(part):
            out.append(part)  # a missing key: the last step
            data = None
    return tuple(out)


def _internal(part: str) -> bool:
    """pydantic's names for union branches: validators, types, and model classes (our
    keys are never capitalised, so a capitalised step the data lacks is a class name)."""
    return (any(ch in part for ch in "[(") or part in {"constrained-int", "int", "str", "bool"}
            or part[:1].isupper())


def dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class whose fields are allowed at ``loc`` (for unknown-key hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(tp: Any) -> Any:
    """From ``list[Act] | None`` or ``Annotated[...]`` to the model class inside, if any."""
    for _ in range(6):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (list, typing.Union, types.UnionType):
            models = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = next((a for a in models if isinstance(a, type) and issubclass(a, BaseModel)),
                      models[0] if models else tp)
        else:
            break
    return tp


def _message(err: Any, loc: tuple[int | str, ...], model: type[BaseModel], hints: bool = True
             ) -> tuple[str, str, bool]:
    """(code, message, point at the key rather than the value); ``hints``: spelling hints."""
    kind = err["type"]
    where = dotted(loc)
    name = loc[-1] if loc else ""
    value = err.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        hint = did_you_mean(str(name), parent.model_fields) if parent and hints else ""
        return "unknown-key", f"unknown key '{excerpt(str(name))}'{hint}", True
    if kind == "missing":
        return "missing-key", f"missing required key '{where}'", False
    if kind == "literal_error":
        return "unknown-value", _unknown_value(err, loc), False
    wrong = _wrong_type(kind, where, value)
    if wrong is not None:
        return (*wrong, False)
    if kind == "string_pattern_mismatch":
        return "invalid-value", f"{where}: {_pattern_help(str(name), value)}", False
    if kind in {"too_short", "string_too_short"}:
        if isinstance(value, str):
            return "invalid-value", f"{where} must not be empty", False
        return "invalid-value", f"{where} must list at least one item", False
    if kind in {"string_too_long", "too_long"}:
        limit = err.get("ctx", {}).get("max_length")
        return "invalid-value", f"{where} is too long (at most {limit} characters)", False
    if kind in _BOUNDS:
        limit = next(iter(err.get("ctx", {}).values()), "?")
        return ("invalid-value", f"{where} must be {_BOUNDS[kind]} {limit}, not "
                f"{_show(value)}", False)
    if kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
        code = "invalid-date" if name in _DATE_FIELDS or "date" in msg else "invalid-value"
        return code, f"{where}: {msg}" if loc else msg, False
    if kind == "union_type":
        return "wrong-type", f"{where} {err['msg']}", False
    return "invalid-value", f"{where}: {err['msg']}", False


def _unknown_value(err: Any, loc: tuple[int | str, ...]) -> str:
    """A value outside a vocabulary: the closest valid one, else the list of them."""
    expected = str(err.get("ctx", {}).get("expected", ""))
    value = err.get("input")
    choices = _QUOTED.findall(expected) or [c.strip() for c in expected.split(" or ")]
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    label = _LABELS.get(field, field.replace("_", " "))
    shown = ", ".join(choices) if len(choices) <= 16 else ", ".join(choices[:16]) + ", …"
    hint = did_you_mean(str(value), choices)
    if not hint:
        hint = f" (allowed: {shown})"
    return f"{dotted(loc)}: unknown {label} '{excerpt(str(value))}'{hint}"


def _wrong_type(kind: str, where: str, value: Any) -> tuple[str, str] | None:
    """(code, message) for a value of the wrong type, or None for another kind of error."""
    if kind in {"bool_type", "bool_parsing"}:
        extra = (f" ('{excerpt(value)}' is text here: YAML booleans are only true and false)"
                 if isinstance(value, str) else "")
        return "wrong-type", f"{where} must be true or false{extra}"
    if (kind == "int_type" and isinstance(value, str) and len(value) > MAX_INT_DIGITS
            and _DIGITS.match(value)):
        # a plain number too long to read as one (yamlsafe.MAX_INT_DIGITS)
        return "invalid-value", f"{where} is far too large a number ({len(value)} digits)"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return "wrong-type", f"{where} must be a whole number, not {_show(value)}"
    if kind in {"float_type", "float_parsing"}:
        return "wrong-type", f"{where} must be a number, not {_show(value)}"
    if kind in {"string_type"}:
        return "wrong-type", f"{where} must be text, not {_shape(value)}"
    if kind in {"list_type"}:
        return "wrong-type", f"{where} must be a list, not {_shape(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "wrong-type", f"{where} must be {_GROUP}, not {_shape(value)}"
    return None


_BOUNDS = {"greater_than_equal": "at least", "less_than_equal": "at most",
           "greater_than": "more than", "less_than": "less than"}


def _show(value: Any) -> str:
    """A value as the file writes it (``true``, not Python's ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return show(value)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "a group of 'key: value' lines"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return show(value)


def _pattern_help(name: str, value: Any) -> str:
    if name == "id":
        return f"'{excerpt(str(value))}' is not a valid id: use {INCIDENT_ID_WORDS}"
    if name == "country":
        return f"'{excerpt(str(value))}' is not an ISO 3166-1 alpha-3 country code (such as MLI)"
    return f"'{excerpt(str(value))}' does not have the expected form"


def diagnostics(doc: Document, exc: ValidationError, model: type[BaseModel],
                prefix: tuple[int | str, ...] = ()) -> list[Diagnostic]:
    """pydantic's errors for the data at ``prefix`` in ``doc``, located and worded."""
    return located(doc, exc.errors(include_url=False), model, prefix)


def located(doc: Document, errors: list[Any], model: type[BaseModel],
            prefix: tuple[int | str, ...] = ()) -> list[Diagnostic]:
    """``diagnostics`` for a selection of pydantic's errors (``ValidationError.errors``):
    data merged from two files (an inline test's incident over the tests' base) is
    located error by error in the file each key comes from."""
    out = []
    # spelling hints cost a fuzzy match each: for a file of thousands of unknown keys
    # (not typos) they are left out, which keeps a hostile file's check quick (D8)
    hints = sum(1 for e in errors if e["type"] == "extra_forbidden") <= MAX_HINTS
    for err, loc in _one_per_union(doc.data, prefix, errors):
        code, message, at_key = _message(err, loc[len(prefix):], model, hints)
        if _confidential(doc.data, loc) and not (loc and _flag_key(loc[-1])):
            message = _redact(message, err.get("input"))
        if err["type"] == "missing":
            line, col = locate(doc.root, loc[:-1])
        else:
            line, col = locate(doc.root, loc, key=at_key)
        out.append(Diagnostic(doc.path, line, col, code, message))
    return sorted(set(out), key=Diagnostic.sort_key)


def _confidential(data: Any, loc: tuple[int | str, ...]) -> bool:
    """Whether ``loc`` lies inside a source that may be confidential.

    Fail closed: a source is confidential unless its flag is literally ``false`` or
    absent. A mistyped flag (``confidential: yes``, ``"true"``, ``1``, a misspelt key such
    as ``confidental: true``) is itself an error, and the source's values must not be
    printed while it is being fixed: check output goes to CI logs and into the cache."""
    if len(loc) < 2 or loc[0] != "sources" or not isinstance(data, dict):
        return False
    sources = data.get("sources")
    index = loc[1]
    if not isinstance(sources, list) or not isinstance(index, int) or index >= len(sources):
        return False
    source = sources[index]
    if not isinstance(source, dict):
        return False
    return any(_flag_key(key) and value is not False for key, value in source.items())


def _flag_key(key: Any) -> bool:
    """``confidential`` or a near miss of it (``Confidential``, ``confidental``)."""
    name = str(key).strip().lower()
    return name.startswith("confid") or bool(suggestions(name, ("confidential",), cutoff=0.8))


def _redact(message: str, value: Any) -> str:
    """A message without the value it quotes: check output goes to CI logs and code
    hosts, where a confidential source's details must not appear."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value):
        withheld = "(value withheld: confidential source)"
        message = message.replace(repr(value), withheld).replace(f"'{value}'", withheld)
        # or quoted as a bounded excerpt (diagnostics.excerpt)
        message = message.replace(show(value), withheld).replace(f"'{excerpt(str(value))}'",
                                                                   withheld)
        # unquoted, only as a whole token: a value '1' must not eat 'sources[1]'
        message = re.sub(rf"(?<![\w.\[]){re.escape(str(value))}(?![\w\]])", withheld, message)
    return message


def _one_per_union(data: Any, prefix: tuple[int | str, ...], errors: list[Any]
                   ) -> list[tuple[Any, tuple[int | str, ...]]]:
    """One message per problem where a value may take several forms (``killed: 3`` or
    ``killed: {low: 1}``): a branch that rejects the value for its type says nothing
    when another branch has a real complaint, and type complaints merge into one."""
    located = [(err, _clean_loc(data, prefix + tuple(err["loc"]))) for err in errors]
    by_loc: dict[tuple[int | str, ...], list[Any]] = {}
    for err, loc in located:
        by_loc.setdefault(loc, []).append(err)
    out: list[tuple[Any, tuple[int | str, ...]]] = []
    merged: set[tuple[int | str, ...]] = set()
    for err, loc in located:
        here = by_loc[loc]
        if len(here) < 2 or err["type"] not in _WANTS:
            out.append((err, loc))
            continue
        if any(e["type"] not in _WANTS for e in here):
            continue  # another branch says what is wrong
        if loc in merged:
            continue
        merged.add(loc)
        wants = list(dict.fromkeys(_WANTS[e["type"]] for e in here))
        value = err.get("input")
        shown = _shape(value) if isinstance(value, dict | list) or value is None else _show(value)
        out.append(({"type": "union_type", "msg": f"must be {' or '.join(wants)}, not {shown}",
                     "input": value}, loc))
    # a branch whose key is nested under the value (``killed: {lo: 1}``) also makes the
    # other branches' type complaints about that value moot
    deeper = {loc[:i] for _, loc in out for i in range(1, len(loc))}
    return [(e, loc) for e, loc in out if not (e["type"] == "union_type" and loc in deeper)
            and not (e["type"] in _WANTS and loc in deeper and len(by_loc[loc]) == 1
                     and _is_branch(e))
            # a mapping given where a name or a mapping may stand (``law``): the name
            # branch's complaint about the mapping is moot when the mapping has its own
            and not (e["type"] == "literal_error" and loc in deeper
                     and isinstance(e.get("input"), dict))]


def _is_branch(err: Any) -> bool:
    return any(isinstance(p, str) and _internal(p) for p in err["loc"])


def validate(doc: Document, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    """Validate already-parsed data; never raises on bad input."""
    if not isinstance(doc.data, dict):
        return None, [Diagnostic(doc.path, 1, 1, "wrong-type",
                                 f"expected {_GROUP} at the top level (id:, title:, …), "
                                 f"found {_shape(doc.data)}")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        found = set(diagnostics(doc, exc, model))
        for loc, problem in _cross_checks(doc.data, model, ()):
            line, col = locate(doc.root, loc)
            found.add(Diagnostic(doc.path, line, col, "invalid-value", f"{dotted(loc)}: {problem}"))
        return None, sorted(found, key=Diagnostic.sort_key)


def _cross_checks(data: Any, model: type[BaseModel], loc: tuple[int | str, ...]
                  ) -> list[tuple[tuple[int | str, ...], str]]:
    """The checks across fields (``lat`` without ``lon``, ``low`` above ``high``) of every
    nested part, run on the raw values.

    pydantic runs a model's cross-field check only once all its fields are valid, so a
    location with a misspelt country would hide its missing ``lon`` until the country
    was fixed; running the same check on the raw values reports both in one run."""
    out: list[tuple[tuple[int | str, ...], str]] = []
    if not isinstance(data, dict):
        return out
    check = getattr(model, "cross_check", None)
    if check is not None:
        problem = check(data)
        if problem:
            out.append((loc, problem))
    for name, field in model.model_fields.items():
        sub = _unwrap(field.annotation)
        if not (isinstance(sub, type) and issubclass(sub, BaseModel)):
            continue
        value = data.get(field.alias or name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            out.extend(_cross_checks(item, sub, (*loc, name) if index is None
                                     else (*loc, name, index)))
    return out
