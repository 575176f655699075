"""Finding a dataset, walking its incident files, and checking each one.

Checking a file means: read it once, validate it once, check its references against
the registries and its id against the whole dataset (file names are ids, so that needs
no parsing of other files), then evaluate every rule on it. ``check_file`` is the unit
of work that the parallel runner and the cache deal in.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ihltag.diagnostics import Diagnostic, DiagnosticsError, did_you_mean, excerpt
from ihltag.models import Incident
from ihltag.registry import UNIDENTIFIED, Registry
from ihltag.results import FileResult
from ihltag.validation import validate
from ihltag.vocab import DEPRECATED, INCIDENT_ID
from ihltag.yamlsafe import YamlError, decode, inside, locate, parse_text, read_file

REGISTRY_FILES = frozenset({"actors.yaml", "conflicts.yaml"})
SUFFIXES = (".yaml", ".yml")
if TYPE_CHECKING:
    from ihltag.engine import Engine

SKIP_DIRS = frozenset({".git", ".ihltag_cache", "__pycache__", "node_modules", ".venv"})


class DatasetError(DiagnosticsError):
    """The run cannot be made (missing path, no dataset root): exit 2."""


def _reach(path: Path) -> Path:
    """The absolute path of a given file or folder, its folders' links resolved but not
    a link it is itself (``check x.yaml`` with ``x.yaml`` a link to a secret must be
    refused as a file of the dataset, not read where it points). DatasetError when it
    does not exist or cannot be reached (a folder on the way that may not be read)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise DatasetError(f"{_shown(path)}: no such file or folder") from None
    except OSError as exc:
        raise DatasetError(f"{_shown(path)}: cannot be reached ({exc.strerror or exc}): check the "
                           "permissions of the folders on its way") from None
    return _resolved(path)


def _resolved(path: Path) -> Path:
    """``path`` made absolute, its folders' links resolved, itself too unless it is a link
    to a file (``_reach``)."""
    absolute = Path(os.path.abspath(path))
    if os.path.islink(absolute) and not os.path.isdir(absolute):
        return absolute.parent.resolve() / absolute.name
    return absolute.resolve()


def _shown(path: Path | str) -> str:
    """A path for a message: an undecodable byte in a file name is shown escaped."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def find_root(paths: Iterable[Path]) -> Path:
    """The dataset root: walking up from the given paths to the folder with actors.yaml."""
    roots: set[Path] = set()
    for path in paths:
        root = root_of(_reach(path))
        if root is not None:
            roots.add(root)
        else:
            raise DatasetError(f"no dataset root above {_shown(path)}: no folder on the way up holds "
                               "actors.yaml (see docs/incident-format.md)")
    if len(roots) > 1:
        raise DatasetError("the paths belong to different datasets: "
                           + ", ".join(sorted(map(str, roots))))
    return roots.pop()


def root_of(path: Path) -> Path | None:
    """The folder with actors.yaml at or above ``path``, if any."""
    start = _resolved(path)
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / "actors.yaml").is_file():
            return folder
    return None


def walk(folder: str, root: str) -> Iterator[str]:
    """Incident file paths (strings: a large dataset is walked without Path objects) under
    ``folder``, in a stable order, leaving out the registries at the dataset ``root``.

    A folder that cannot be read, and a link to a folder (links are not followed), are
    yielded too, in their place: checking them reports why their files were not checked
    (``check_file``), so nothing is skipped in silence.
    """
    failed: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=lambda e: failed.append(
            e.filename if isinstance(e.filename, str) else folder)):
        yield from failed
        failed.clear()
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        at_root = dirpath == root
        for name in sorted(filenames):
            if name.endswith(SUFFIXES) and not (at_root and name in REGISTRY_FILES):
                yield f"{dirpath}{os.sep}{name}"
        for name in dirnames:  # a link to a folder outside the dataset is refused
            path = f"{dirpath}{os.sep}{name}"
            if os.path.islink(path) and not inside(path, root):
                yield path
    yield from failed


def incident_files(folder: Path, root: Path | None = None) -> Iterator[Path]:
    """Every incident file under ``folder`` in a stable order (the registries of the
    dataset ``root``, ``folder`` itself by default, excluded)."""
    yield from map(Path, walk(str(folder), str(root or folder)))


def expand_str(paths: Iterable[Path], root: Path) -> list[str]:
    """The incident files the given paths name, as absolute path strings, each once."""
    out: list[str] = []
    seen: set[str] = set()
    top = str(root)
    registries = {os.path.join(top, name) for name in REGISTRY_FILES}
    for path in paths:
        resolved = _reach(path)
        items = walk(str(resolved), top) if resolved.is_dir() else iter([str(resolved)])
        for item in items:
            if item in registries or item in seen:
                continue
            seen.add(item)
            out.append(item)
    return out


def expand(paths: Iterable[Path], root: Path) -> list[Path]:
    return [Path(p) for p in expand_str(paths, root)]


def display_str(path: str, base: str) -> str:
    """``display_path`` for strings: relative to ``base`` when inside it."""
    prefix = base.rstrip(os.sep) + os.sep
    shown = path[len(prefix):] if path.startswith(prefix) else path
    if not shown.isascii() and _UNDECODABLE.search(shown):
        shown = _shown(shown)  # never a lone surrogate in what is printed or cached
    return shown.replace(os.sep, "/") if os.sep != "/" else shown


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # how Python keeps bytes that are not UTF-8


def display_path(path: Path, base: Path) -> str:
    """Paths as the user would write them: relative to the working folder when inside it."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def check_references(incident: Incident, registry: Registry, doc_root: Any, file: str
                     ) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    lists: list[tuple[tuple[int | str, ...], Any]] = [(("perpetrators",), incident.perpetrators)]
    lists += [(("acts", a, "perpetrators"), act.perpetrators)
              for a, act in enumerate(incident.acts) if act.perpetrators]
    for where, perpetrators in lists:
        for i, p in enumerate(perpetrators):
            if p.actor.casefold() == UNIDENTIFIED:
                continue
            if registry.resolve(p.actor) is None:
                line, col = locate(doc_root, (*where, i, "actor"))
                out.append(Diagnostic(file, line, col, "unknown-actor",
                                      f"actor '{excerpt(p.actor)}' is not in actors.yaml"
                                      f"{registry.hint(p.actor)} (use 'unidentified' when the "
                                      "perpetrator is not known)"))
    out.extend(_response_checks([(r.actor, r.source) for r in incident.responses or ()],
                                len(incident.sources), registry, doc_root, file))
    if incident.conflict is not None and incident.conflict not in registry.conflicts:
        line, col = locate(doc_root, ("conflict",))
        out.append(Diagnostic(file, line, col, "unknown-conflict",
                              f"conflict '{excerpt(incident.conflict)}' is not in conflicts.yaml"
                              f"{did_you_mean(incident.conflict, registry.conflicts)}"))
    return out


def _response_checks(responses: list[tuple[Any, Any]], sources: int | None,
                     registry: Registry, doc_root: Any, file: str) -> list[Diagnostic]:
    """Each response's actor is in the registry and its ``source`` numbers an entry of
    ``sources`` (``sources``: how many there are, None when unknown)."""
    out: list[Diagnostic] = []
    for i, (actor, source) in enumerate(responses):
        if isinstance(actor, str) and actor and registry.resolve(actor) is None:
            out.append(Diagnostic(file, *locate(doc_root, ("responses", i, "actor")),
                                  "unknown-actor", f"responses[{i}].actor '{excerpt(actor)}' is not in "
                                  f"actors.yaml{registry.hint(actor)} (a response is what an "
                                  "actor of the registry said)"))
        if (sources and isinstance(source, int) and not isinstance(source, bool)
                and source > sources):
            which = ("the only source is number 1" if sources == 1 else
                     f"give the number, from 1 to {sources}, of the source that reports it")
            out.append(Diagnostic(file, *locate(doc_root, ("responses", i, "source")),
                                  "unknown-source", f"responses[{i}].source is {source}, but "
                                  f"'sources' lists {sources} entr{'y' if sources == 1 else 'ies'}"
                                  f": {which}"))
    return out


def warnings(incident: Incident, doc_root: Any, file: str) -> list[Diagnostic]:
    """Data-quality advice: not errors, but ``--strict`` makes them count."""
    out: list[Diagnostic] = []
    for i, act in enumerate(incident.acts):
        if act.type == "attack" and act.targeting is None:
            line, col = locate(doc_root, ("acts", i, "type"))
            out.append(Diagnostic(file, line, col, "advice-targeting",
                                  f"acts[{i}] is an attack with no 'targeting': write "
                                  "'targeting: unknown' if the sources do not say", "warning"))
        if act.targeting == "incidental" and act.military_objective_present is False:
            line, col = locate(doc_root, ("acts", i, "targeting"))
            out.append(Diagnostic(file, line, col, "contradiction",
                                  f"acts[{i}]: 'targeting: incidental' means harm incidental to "
                                  "an attack on a military objective, but "
                                  "'military_objective_present: false' says none was there: the "
                                  "record contradicts itself; correct one of the two (or write "
                                  "'targeting: unknown')", "warning"))
        for (name, value), instead in DEPRECATED.items():
            if getattr(act, name, None) == value:
                line, col = locate(doc_root, ("acts", i, name))
                out.append(Diagnostic(file, line, col, "deprecated-value",
                                      f"acts[{i}].{name}: '{value}' is deprecated: {instead}",
                                      "warning"))
    return out


def _raw_checks(data: Any, path: Path, registry: Registry, doc_root: Any, file: str
                ) -> list[Diagnostic]:
    """The id and reference checks, on the parts of an invalid file that can be read."""
    if not isinstance(data, dict):
        return []
    out: list[Diagnostic] = []
    raw_id, stem = data.get("id"), path.name.rsplit(".", 1)[0]
    if isinstance(raw_id, str) and raw_id != stem and _ID.match(raw_id):
        out.append(Diagnostic(file, *locate(doc_root, ("id",)), "id-mismatch",
                              f"id '{raw_id}' differs from the file name '{path.name}': "
                              f"rename the file to '{raw_id}.yaml' or change the id"))
    lists: list[tuple[tuple[int | str, ...], Any]] = [(("perpetrators",),
                                                       data.get("perpetrators"))]
    acts = data.get("acts")
    lists += [(("acts", a, "perpetrators"), act.get("perpetrators"))
              for a, act in enumerate(acts if isinstance(acts, list) else [])
              if isinstance(act, dict)]
    for where, perpetrators in lists:
        for i, p in enumerate(perpetrators if isinstance(perpetrators, list) else []):
            actor = p.get("actor") if isinstance(p, dict) else None
            if (isinstance(actor, str) and actor and actor.casefold() != UNIDENTIFIED
                    and registry.resolve(actor) is None):
                out.append(Diagnostic(file, *locate(doc_root, (*where, i, "actor")),
                                      "unknown-actor", f"actor '{excerpt(actor)}' is not in "
                                      "actors.yaml"
                                      f"{registry.hint(actor)} (use 'unidentified' when the "
                                      "perpetrator is not known)"))
    responses, sources = data.get("responses"), data.get("sources")
    out.extend(_response_checks(
        [(r.get("actor"), r.get("source")) for r in
         (responses if isinstance(responses, list) else []) if isinstance(r, dict)],
        len(sources) if isinstance(sources, list) else None, registry, doc_root, file))
    conflict = data.get("conflict")
    if isinstance(conflict, str) and conflict and conflict not in registry.conflicts:
        out.append(Diagnostic(file, *locate(doc_root, ("conflict",)), "unknown-conflict",
                              f"conflict '{excerpt(conflict)}' is not in conflicts.yaml"
                              f"{did_you_mean(conflict, registry.conflicts)}"))
    return out


_ID = re.compile(INCIDENT_ID + r"\Z")


def refusal(path: str, display: str, root: str | None) -> Diagnostic | None:
    """Why ``path`` is no incident file to read, or None: a name that is not UTF-8 (it can
    be neither shown faithfully nor match an id), a link leading out of the dataset
    ``root``, or a folder that ``walk`` could not read or would not follow."""
    if not path.isascii() and _UNDECODABLE.search(path):
        return Diagnostic(display, 1, 1, "file-name", "this file name is not valid UTF-8 "
                          "(undecodable bytes are shown as \\x..): rename the file to its id")
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None  # reading it says why
    # only the last step can be a link: ``walk`` follows none, the root and the folders
    # of a given path are resolved (``_reach``)
    if root is not None and stat.S_ISLNK(mode) and not inside(path, root):
        return Diagnostic(display, 1, 1, "outside-dataset", "this is a link that leads outside "
                          "the dataset; it is not followed (put the file itself in the dataset)")
    if stat.S_ISDIR(mode):
        try:
            os.scandir(path).close()
            why = "it could not be read"
        except OSError as exc:
            why = exc.strerror or str(exc)
        return Diagnostic(display, 1, 1, "unreadable", f"cannot read this folder ({why}): the "
                          "files in it were not checked")
    return None


def check_file(path: Path, display: str, registry: Registry, engine: Engine | None,
               raw: bytes | None = None, keep: bool = False, root: str | None = None
               ) -> FileResult:
    """Read, validate and evaluate one incident file. Never raises on bad input.

    Cross-file checks (duplicate ids) are the runner's: this result depends only on the
    file's bytes, the registries and the rule pack, which is what makes it cacheable.
    With the dataset ``root``, a file that leads out of it is refused unread.
    """
    result = FileResult(display)
    refused = refusal(str(path), display, root)
    if refused is not None:
        result.diagnostics = [refused]
        return result
    try:
        doc = (read_file(path, display) if raw is None
               else parse_text(display, decode(display, raw)))
    except YamlError as exc:
        result.diagnostics = exc.diagnostics
        return result
    incident, diags = validate(doc, Incident)
    if incident is None:
        # the rest of the file is still checked: every mistake is reported in one run
        diags.extend(_raw_checks(doc.data, path, registry, doc.root, display))
        result.diagnostics = sorted(set(diags), key=Diagnostic.sort_key)
        return result
    result.id = incident.id
    result.id_pos = locate(doc.root, ("id",))
    stem = path.name.rsplit(".", 1)[0]
    if incident.id != stem:
        diags.append(Diagnostic(display, *result.id_pos, "id-mismatch",
                                f"id '{incident.id}' differs from the file name '{path.name}': "
                                f"rename the file to '{incident.id}.yaml' or change the id"))
    diags.extend(check_references(incident, registry, doc.root, display))
    diags.extend(warnings(incident, doc.root, display))
    result.diagnostics = sorted(diags, key=Diagnostic.sort_key)
    acts_pos = [locate(doc.root, ("acts", i)) for i in range(len(incident.acts))]
    result.acts_lines = [line for line, _ in acts_pos]
    result.acts_cols = [col for _, col in acts_pos]
    if result.valid and engine is not None:
        result.findings = engine.evaluate(incident)
    if keep:
        result.incident = incident
    return result


def duplicate_ids(results: Iterable[FileResult], index: dict[str, list[str]]) -> None:
    """Add a duplicate-id error to each file whose id another file of the dataset uses."""
    for r in results:
        if r.id not in index:
            continue
        others = [f for f in index[r.id] if f != r.file]
        if others:
            r.findings = []  # rules run on valid incidents only
            r.diagnostics.append(Diagnostic(r.file, *r.id_pos, "duplicate-id",
                                            f"id '{r.id}' is also used by {', '.join(others)}"))
            r.diagnostics.sort(key=Diagnostic.sort_key)


def id_index(root: Path, base: Path, files: Iterable[str] | None = None) -> dict[str, list[str]]:
    """File-name ids of the whole dataset; several files per id is a duplicate.

    ``files``, when given, is the whole dataset already walked, as shown paths (no
    second walk)."""
    if files is None:
        top = str(base)
        files = [display_str(p, top) for p in walk(str(root), str(root))]
    from collections import Counter

    shown = [f for f in files if f.endswith(SUFFIXES)]  # not a folder that could not be read
    ids = [f[f.rfind("/") + 1:f.rfind(".")] for f in shown]  # (see ``walk``)
    counts = Counter(ids)  # counted in C: a warm run over 100k files has ~no duplicate
    index: dict[str, list[str]] = {}
    for rid, f in zip(ids, shown, strict=True):
        if counts[rid] > 1:
            index.setdefault(rid, []).append(f)
    return index
