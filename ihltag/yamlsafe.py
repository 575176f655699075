"""Safe, strict reading of incident and registry YAML files.

PyYAML's C parser composes the node tree (fast); this module turns nodes into plain
Python values itself, so that:

* no tag ever builds an object (every explicit tag is an error, with its place);
* aliases are refused (and an alias bomb cannot expand: a node met twice stops the walk),
  anchors and merge keys too;
* a duplicate key is an error naming both lines;
* only ``true``/``false`` are booleans, and YAML 1.1 surprises (``no``, ``on``, ``1e3``,
  ``1:30``, ``0777``) stay text, so nothing silently changes meaning;
* dates stay text, to be validated with the precision that was written.

The node tree is kept so that a validation error can be located afterwards: line
numbers are looked up only when there is something to report.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ihltag.diagnostics import Diagnostic, excerpt

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64  # an incident nests 4 levels; deep nesting only crashes parsers
MAX_ALIAS_REPORTS = 20  # an alias bomb is reported, not listed in full

# Tags the resolver gives untagged nodes; any other tag, even ``!!str``, was written.
_PLAIN_TAG = "ihltag:plain"
_STR = "ihltag:quoted"
_SEQ = "ihltag:seq"
_MAP = "ihltag:map"
_STANDARD = frozenset({_STR, _SEQ, _MAP})

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
# Plain integers longer than this stay text: Python refuses to convert more than 4,300
# digits (a denial of service guard), and no field holds a number near this; the models
# then report the value as out of bounds, with its place.
MAX_INT_DIGITS = 100
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
# What can open a block collection at the start of a line: indentation, compact
# indicators ("- ", "? ", ": ") and node properties (anchors, tags).
_LINE_PREFIX = re.compile(r"^[ \t]*(?:(?:[-?:]|[&!]\S*)[ \t]+)*", re.MULTILINE)
# A text with at most _FEW_BRACKETS brackets and line prefixes shorter than _LONG
# characters nests at most _FEW_BRACKETS + 2 * _LONG + 1 levels (a block level needs a
# deeper or compact line start, a flow level a bracket): the two are derived from
# MAX_DEPTH so that this cheap bound stays within it.
_FEW_BRACKETS = 16
_LONG = (MAX_DEPTH - 1 - _FEW_BRACKETS) // 2
CHEAP_DEPTH_BOUND = _FEW_BRACKETS + 2 * _LONG + 1
# Lines that may start such a prefix of _LONG characters or more: when neither matches,
# every prefix is shorter, which bounds the depth cheaply. They search for "\n" rather
# than use "^", which the regex engine finds much faster.
_LONG_PREFIX = re.compile(rf"\n[ \t\-?:]{{{_LONG}}}")
_PROPERTY_PREFIX = re.compile(r"\n[ \t\-?:]*[&!]")
_FALSE = frozenset({"false", "False", "FALSE"})


def _resolve(self: Any, kind: type, value: Any, implicit: Any) -> str:
    """Resolver for the composer: we do our own typing, so only mark plain scalars."""
    if kind is ScalarNode:
        return _PLAIN_TAG if implicit[0] else _STR
    return _SEQ if kind is SequenceNode else _MAP


try:  # the C parser when libyaml is there; the pure one otherwise
    from yaml._yaml import CParser as _CParser

    class _Composer(_CParser):
        resolve = _resolve

        def descend_resolver(self, *args: Any) -> None:
            pass

        def ascend_resolver(self, *args: Any) -> None:
            pass

    def _compose(text: str) -> Node | None:
        return _Composer(text).get_single_node()
except ImportError:  # pragma: no cover - exercised only without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PyComposer(Reader, Scanner, Parser, Composer):
        resolve = _resolve

        def descend_resolver(self, *args: Any) -> None:
            pass

        def ascend_resolver(self, *args: Any) -> None:
            pass

        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    def _compose(text: str) -> Node | None:
        return _PyComposer(text).get_single_node()


class YamlError(Exception):
    """The file could not be read as plain data; carries the located diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics[0].message if diagnostics else "YAML error")
        self.diagnostics = diagnostics


@dataclass(slots=True)
class Document:
    """A parsed file: its plain data and the node tree, kept for locating errors."""

    path: str
    data: Any
    root: Node | None
    text: str


def _scalar(node: ScalarNode) -> Any:
    if node.tag != _PLAIN_TAG:
        return node.value
    return _plain_value(node.value)


def _plain_value(value: str) -> Any:
    """The value of a plain (unquoted) scalar: YAML 1.2 core types, nothing surprising."""
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    first = value[:1]
    if first.isdigit() or first in "+-.":
        # a number only when it reads back as written: `reference: 12.10` (a paragraph)
        # must not become 12.1; number fields accept the text form anyway
        if _INT.match(value):
            if len(value) > MAX_INT_DIGITS:
                return value
            number: int | float = int(value)
        elif _FLOAT.match(value):
            number = float(value)
        else:
            return value
        return number if repr(number) == value else value
    return value


class _Builder:
    """Turns a node tree into plain values, collecting every problem it meets."""

    __slots__ = ("depth", "diagnostics", "path", "seen")

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[int] = set()
        self.depth = 0

    def error(self, node: Node, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, *_where(node), code, message))

    def build(self, node: Node) -> Any:
        tag = node.tag
        if tag != _PLAIN_TAG and tag not in _STANDARD:
            shown = "!!" + tag[18:] if tag.startswith("tag:yaml.org,2002:") else tag
            self.error(node, "yaml-tag", f"tag '{excerpt(shown)}' is not allowed: incident files are plain "
                       "data (remove the tag)")
            return None
        if isinstance(node, ScalarNode):
            return _scalar(node)
        key = id(node)
        if key in self.seen:
            self.error(node, "yaml-alias", "aliases ('*name') are not allowed: write the value "
                       "out in full")
            return None
        self.seen.add(key)
        if self.depth >= MAX_DEPTH:
            self.error(node, "yaml-too-deep", f"the data nests more than {MAX_DEPTH} levels deep; "
                       "an incident needs only a few")
            return None
        self.depth += 1
        try:
            if isinstance(node, SequenceNode):
                return [self.value(item) for item in node.value]
            return self.mapping(node)  # type: ignore[arg-type]
        finally:
            self.depth -= 1

    def value(self, node: Node) -> Any:
        """``build``, with the common case (an untagged scalar) taken first, inline."""
        if type(node) is ScalarNode:
            tag = node.tag
            if tag == _PLAIN_TAG:
                return _plain_value(node.value)
            if tag == _STR:
                return node.value
        return self.build(node)

    def mapping(self, node: MappingNode) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        firsts: dict[str, Node] | None = None
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                self.error(key_node, "yaml-key", "a key must be a plain word, not a list or "
                           "mapping")
                continue
            key = key_node.value  # a key is its text as written: `1:` is the key "1"
            if key_node.tag == _PLAIN_TAG:
                if key == "<<":
                    self.error(key_node, "yaml-merge-key", "merge keys ('<<') are not allowed: "
                               "write the keys out in full")
                    continue
            elif key_node.tag != _STR:
                self.build(key_node)  # reports the tag
                continue
            if key in out:
                if firsts is None:  # built once per mapping: many duplicates stay linear
                    firsts = {}
                    for k, _ in node.value:
                        if type(k) is ScalarNode:
                            firsts.setdefault(k.value, k)
                self.error(key_node, "yaml-duplicate-key", f"key '{excerpt(key)}' appears twice "
                           f"in this mapping (first on line {_where(firsts[key])[0]}); keep one")
                continue
            out[key] = self.value(value_node)
        return out


# YAML 1.1 counts these as line breaks; editors, git and code hosts do not.
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")


def _odd_breaks(text: str) -> str | None:
    """The text when its lines must be counted by ``\\n`` alone, else None (the usual case)."""
    return text if any(b in text for b in _ODD_BREAKS) else None


def _where(item: Any, text: str | None = None) -> tuple[int, int]:
    """1-based line and column of a node or event (libyaml counts from 0).

    With ``text`` the place is recounted from the character offset, as an editor counts.
    """
    mark = item.start_mark
    if mark is None:
        return 1, 1
    if text is not None:
        return _position(text, mark.index)
    return mark.line + 1, mark.column + 1


def _relocate(root: Node, text: str) -> None:
    """Recount every node's place by ``\\n`` only (see ``_ODD_BREAKS``)."""
    from yaml.error import Mark

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        mark = node.start_mark
        if mark is not None:
            line, col = _position(text, mark.index)
            node.start_mark = Mark(mark.name, mark.index, line - 1, col - 1, "", 0)
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                stack += [k, v]


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(path: str, raw: bytes) -> str:
    """UTF-8 text of a file (a BOM is tolerated); binary or other encodings are errors."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError([Diagnostic(path, 1, 1, "encoding", "this file is UTF-16 text: save "
                                    "it as UTF-8")])
    nul = raw.find(b"\x00")
    if nul != -1:
        line = raw.count(b"\n", 0, nul) + 1
        raise YamlError([Diagnostic(path, line, 1, "encoding", "this looks like a binary file "
                                    "(it contains a NUL byte), not a YAML text file")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError([Diagnostic(path, line, col, "encoding", f"byte 0x{raw[exc.start]:02x} is "
                                    "not valid UTF-8: save the file as UTF-8")]) from None


def _anchors(path: str, text: str) -> list[Diagnostic]:
    """Anchors that no alias uses are invisible in the node tree: find them in the events."""
    found: list[Diagnostic] = []
    odd = _odd_breaks(text)
    loader = _CParserEvents(text)
    more = 0
    first_unlisted = (1, 1)
    try:
        while True:
            event = loader.get_event()
            if event is None:
                break
            if len(found) >= MAX_ALIAS_REPORTS:
                if getattr(event, "anchor", None) is not None:
                    if not more:
                        first_unlisted = _where(event, odd)
                    more += 1
                continue
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, yaml.AliasEvent):
                found.append(Diagnostic(path, *_where(event, odd), "yaml-anchor",
                                        f"anchor '&{excerpt(anchor)}' is not allowed: incident "
                                        "files use no anchors or aliases"))
            elif isinstance(event, yaml.AliasEvent):
                found.append(Diagnostic(path, *_where(event, odd), "yaml-alias",
                                        f"alias '*{excerpt(str(anchor))}' is not allowed: write "
                                        "the value out in full"))
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    if more:
        found.append(Diagnostic(path, *first_unlisted, "yaml-alias",
                                f"this and {more - 1} more anchors and aliases are not listed"))
    return found


def _too_deep(path: str, text: str) -> Diagnostic | None:
    """A nesting deeper than ``MAX_DEPTH``, found before composing.

    libyaml's composer recurses (a few thousand levels crash the process) and its scanner
    slows down with the flow depth, so a file of ``[[[[...`` must never reach it. The text
    gives a cheap upper bound on the depth (a block level needs a deeper or compact line
    start, a flow level a bracket); only when that bound is high are the events walked,
    stopping at the first level too deep, which keeps the walk linear.
    """
    if 2 * len(text) + 2 > MAX_DEPTH:
        flow = text.count("[") + text.count("{")
        lines = "\n" + text
        if flow <= _FEW_BRACKETS and not _LONG_PREFIX.search(lines) and (
                ("&" not in text and "!" not in text) or not _PROPERTY_PREFIX.search(lines)):
            return None  # depth <= CHEAP_DEPTH_BOUND <= MAX_DEPTH
        if flow > MAX_DEPTH:
            bound = flow
        else:
            prefix = max(map(len, _LINE_PREFIX.findall(text)), default=0)
            bound = flow + 2 * (prefix + 1) + 1
        if bound <= MAX_DEPTH:
            return None
    else:
        return None
    loader = _CParserEvents(text)
    depth = 0
    try:
        while True:
            event = loader.get_event()
            if event is None:
                return None
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return Diagnostic(path, *_where(event, _odd_breaks(text)), "yaml-too-deep",
                                      f"the data nests more than {MAX_DEPTH} levels deep; an "
                                      "incident needs only a few")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):
            # newer libyaml (PyYAML ≥ 6.0.4) stops deep nesting itself, while scanning
            mark = exc.problem_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            return Diagnostic(path, line, col, "yaml-too-deep",
                              f"the data nests more than {MAX_DEPTH} levels deep; an incident "
                              "needs only a few")
        return None  # the composer reports the syntax error with its place
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


try:
    from yaml import CSafeLoader as _CParserEvents
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _CParserEvents  # type: ignore[assignment]


def parse_text(path: str, text: str) -> Document:
    """Parse one document of YAML text into plain data, or raise ``YamlError``."""
    deep = _too_deep(path, text)
    if deep is not None:
        raise YamlError([deep])
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        odd = _odd_breaks(text)
        line, col = (1, 1)
        if mark is not None:
            line, col = _position(text, mark.index) if odd else (mark.line + 1, mark.column + 1)
        problem = exc.problem or "invalid YAML"
        if ("expected a single document" in (exc.context or "")
                or "but found another document" in problem):
            raise YamlError([Diagnostic(path, line, col, "yaml-multiple-documents",
                                        "a file holds one YAML document; this one starts "
                                        "another ('---'): split it into two files")]) from None
        if "found undefined alias" in (exc.problem or ""):
            raise YamlError([Diagnostic(path, line, col, "yaml-alias", "aliases ('*name') are "
                                        "not allowed: write the value out in full")]) from None
        context = ""
        if exc.context:
            start = exc.context_mark
            at = (_position(text, start.index) if odd else (start.line + 1, start.column + 1)
                  ) if start is not None else (line, col)
            opened = f" that starts on line {at[0]}, column {at[1]}" if at[0] != line else ""
            context = f" ({exc.context}{opened})"
        if problem.startswith("mapping values are not allowed"):
            # `title: Mali: army kills` - the second ': ' reads as a new key
            raise YamlError([Diagnostic(
                path, line, col, "yaml-syntax", "YAML syntax error: a ': ' where no new key can "
                "start; if a value contains ': ', put the whole value in quotes "
                "(title: \"Mali: army …\"), else check the indentation")]) from None
        raise YamlError([Diagnostic(path, line, col, "yaml-syntax",
                                    f"YAML syntax error: {problem}{context}")]) from None
    except yaml.YAMLError as exc:
        raise YamlError([Diagnostic(path, 1, 1, "yaml-syntax", f"YAML error: {exc}")]) from None
    except UnicodeEncodeError as exc:  # text that no file decoded: a lone surrogate
        raise YamlError([Diagnostic(path, *_position(text, exc.start), "encoding",
                                    "this text holds a character that is not valid Unicode "
                                    f"({text[exc.start]!r})")]) from None
    if root is None or (isinstance(root, ScalarNode) and root.tag == _PLAIN_TAG and not root.value):
        raise YamlError([Diagnostic(path, 1, 1, "yaml-empty", "the file is empty")])
    if _odd_breaks(text):
        _relocate(root, text)
    builder = _Builder(path)
    data = builder.build(root)
    if "&" in text:  # no anchor, no alias: only then can the events be skipped
        # every anchor and every alias where it is written (the node tree shows an alias
        # to a scalar as a plain copy, and an alias to a collection where its anchor is)
        precise = _anchors(path, text)
        if precise:
            others = [d for d in builder.diagnostics if d.code not in {"yaml-alias", "yaml-anchor"}]
            builder.diagnostics = others + precise
    if builder.diagnostics:
        raise YamlError(sorted(set(builder.diagnostics), key=Diagnostic.sort_key))
    return Document(path, data, root, text)


def inside(path: str | Path, root: str | Path) -> bool:
    """Whether ``path``, links followed, lies inside the folder ``root`` (links followed).

    A pull request can add a link to ``~/.ssh/id_rsa`` named ``x.yaml``: reading it would
    put the secret into error messages and CI logs. Only what lies in the dataset (or the
    rule pack) is data.
    """
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse(name: str, code: str, message: str) -> YamlError:
    return YamlError([Diagnostic(name, 1, 1, code, message)])


def _too_large(name: str, size: int) -> YamlError:
    return _refuse(name, "too-large", f"file is {size / 1048576:.1f} MiB; the limit is 1 MiB "
                   "per file (split it)")


def read_bytes(path: str | Path, display: str | None = None, root: str | Path | None = None,
               limit: int = MAX_BYTES, scope: str = "the dataset") -> tuple[os.stat_result, bytes]:
    """The status and bytes of a regular file of at most ``limit`` bytes, or ``YamlError``.

    With ``root``, a file that lies outside that folder (``scope``, through a link) is refused, and
    the message says nothing of what the link points to. A FIFO, a device or a socket is
    refused, checked on the opened descriptor (opened non-blocking, so a FIFO with no
    writer cannot hang the open); and no more than ``limit`` + 1 bytes are ever read,
    whatever the size the file claims (``/dev/zero`` and ``/proc`` files claim 0).
    """
    name = display or str(path)
    try:
        # only the last step can lead out: the callers' folders are real (``dataset.walk``
        # follows no link) or resolved (the root, the folders of a given path)
        if root is not None and os.path.islink(path) and not inside(path, root):
            raise _refuse(name, "outside-dataset", f"this is a link that leads outside {scope}; "
                          f"it is not followed (put the file itself in {scope})")
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # refused before it is even opened
            raise _refuse(name, "not-a-file", f"this is {_kind(st.st_mode)}, not a regular "
                          "file: it is not read")
        if st.st_size > limit:
            raise _too_large(name, st.st_size)
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _NOCTTY | _CLOEXEC)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):  # replaced between the two looks
                raise _refuse(name, "not-a-file", f"this is {_kind(st.st_mode)}, not a "
                              "regular file: it is not read")
            if st.st_size > limit:
                raise _too_large(name, st.st_size)
            raw = fh.read(limit + 1)
        if len(raw) > limit:  # it grew since
            raise _too_large(name, len(raw))
        return st, raw
    except OSError as exc:
        what = "folder" if os.path.isdir(path) else "file"
        raise _refuse(name, "unreadable", f"cannot read the {what}: {exc.strerror or exc}"
                      + (" (the files in it were not checked)" if what == "folder" else "")
                      ) from None


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def read_file(path: Path, display: str | None = None, root: str | Path | None = None,
              scope: str = "the dataset") -> Document:
    """Read, decode and parse one file, enforcing the size limit before reading it
    (see ``read_bytes``)."""
    name = display or str(path)
    return parse_text(name, decode(name, read_bytes(path, name, root, scope=scope)[1]))


def locate(root: Node | None, loc: tuple[int | str, ...], key: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the node at ``loc``; the deepest existing node wins.

    With ``key`` the mapping key itself is located (for unknown keys) rather than its value.
    A large mapping is indexed on its first look-up, so that locating one error per key
    (80,000 unknown keys) stays linear in the file rather than quadratic.
    """
    node = root
    if node is None:
        return 1, 1
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        nxt: Node | None = None
        if isinstance(node, MappingNode):
            pair = _keys(node).get(str(part))
            if pair is not None:
                nxt = pair[0] if (last and key) else pair[1]
        elif (isinstance(node, SequenceNode) and isinstance(part, int)
              and 0 <= part < len(node.value)):
            nxt = node.value[part]
        if nxt is None:
            break
        node = nxt
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def _keys(node: MappingNode) -> dict[str, tuple[Node, Node]]:
    """The mapping's first (key, value) node pair of each key text, kept on the node."""
    index: dict[str, tuple[Node, Node]] | None = getattr(node, "_ihltag_keys", None)
    if index is None:
        index = {}
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                index.setdefault(k.value, (k, v))
        node._ihltag_keys = index  # type: ignore[attr-defined]
    return index
