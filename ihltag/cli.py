"""The command line: parse options, call the core, print, choose the exit status.

Exit status: 0 all valid (and no finding at ``--fail-on``); 1 an invalid file or a
finding at ``--fail-on``; 2 the run could not be made. Heavy modules (rich, the rule
engine, report renderers) are imported inside the commands that need them, so that
``ihltag --help`` and a one-file lint start quickly.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import typing
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from ihltag.launch import started

if TYPE_CHECKING:
    from ihltag.atomicwrite import AtomicFile
    from ihltag.config import Config
    from ihltag.formats import Options
    from ihltag.i18n import Translator
    from ihltag.report.model import ReportData
    from ihltag.results import CheckRun
    from ihltag.rules import Rule, RulePack

def _no_type_labels() -> None:
    """Help shows ``PATH...``, not typer's ``PATH <list[Path]>``: the metavar already says
    what to write, and the Python type means nothing to a researcher."""
    from typer.core import TyperArgument

    TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]


_no_type_labels()
app = typer.Typer(
    name="ihltag",
    help="Validate conflict-incident YAML files and tag them against customary IHL rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(help="List, show and test the rule pack.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(rules_app, name="rules")


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class ReportFormat(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    json = "json"
    csv = "csv"


class Status(str, Enum):
    violation = "violation"
    possible = "possible"


class FailOn(str, Enum):
    violation = "violation"
    possible = "possible"
    never = "never"  # overrides a project's [tool.ihltag] fail-on


class Lang(str, Enum):
    en = "en"
    fr = "fr"


class SchemaName(str, Enum):
    incident = "incident"
    actors = "actors"
    conflicts = "conflicts"


_E = TypeVar("_E", bound=Enum)


def _choice(kind: type[_E], what: str) -> Callable[[str], _E]:
    """A parser for a choice option whose error says, in plain words, what was meant
    (``-f jsn``: "'jsn' is not an output format; did you mean 'json'?")."""

    def parse(value: str | _E) -> _E:
        if isinstance(value, kind):
            return value
        text = str(value)
        for member in kind:
            if member.value == text.strip().lower():
                return member
        from ihltag.diagnostics import did_you_mean

        names = [str(m.value) for m in kind]
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise typer.BadParameter(f"'{shown}' is not {what}{did_you_mean(text, names)} "
                                 f"(choose from {', '.join(names)})")

    parse.__name__ = kind.__name__
    return parse


RulesOpt = Annotated[Path | None, typer.Option("--rules", metavar="DIR",
                                               help="Rule pack folder (default: the "
                                               "pack shipped with ihltag).", show_default=False)]
PathsArg = Annotated[list[Path] | None, typer.Argument(help="Incident files or folders (default: "
                                                       "the configured dataset).", metavar="PATH",
                                                       show_default=False)]
PresumptionsOpt = Annotated[bool | None, typer.Option(
    "--presumptions/--no-presumptions", help="Apply the rules' declared presumptions (Rules 6 "
    "and 10: in doubt, persons are civilians and civilian objects are not in military use); "
    "--no-presumptions gives the strict reading, in which those facts stay unknown (default: "
    "[tool.ihltag] presumptions, else on).", show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write here instead of "
                                                "standard output.", show_default=False)]

LangOpt = Annotated[Lang | None, typer.Option("--lang", metavar="LANG", parser=_choice(Lang, "a language"),
                                              help="Language of the output: en or fr (default: "
                                              "[tool.ihltag] lang, else en).", show_default=False)]


def _tr(option: Lang | None, config: Config) -> Translator:
    """The translator for ``--lang``, else the project's ``[tool.ihltag] lang``."""
    from ihltag.i18n import translator

    return translator(option.value if option is not None else config.lang)


# What an --output file's extension says about the format wanted.
_EXTENSIONS = {".json": "json", ".sarif": "sarif", ".html": "html", ".htm": "html",
               ".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".txt": "text"}


def _format_for(output: Path | None, given: _E | None, kind: type[_E], default: _E) -> _E:
    """The format: as given, else what ``-o``'s extension says, else the default; a
    contradiction (``-f markdown -o report.html``) is refused rather than writing one
    format into a file named for another."""
    wanted = _EXTENSIONS.get(output.suffix.lower()) if output is not None else None
    if wanted == "text" and "terminal" in kind.__members__:
        wanted = "terminal"
    inferred = kind.__members__.get(wanted) if wanted else None
    if given is not None and inferred is not None and given is not inferred:
        fail(f"--format {given.value} contradicts the output file name {output}, whose "
             f"extension says {inferred.value}; change one of them")
    if given is None and wanted is not None and inferred is None:
        names = ", ".join(str(m.value) for m in kind)
        fail(f"cannot write a {wanted} file ({output}) with this command; use --format "
             f"({names}) and a matching file name")
    return given or inferred or default


def fail(message: str, code: int = 2) -> NoReturn:
    import re

    from ihltag.safetext import safe_lines

    # An absurd argument (100,000 characters) is quoted in part: its start and its end.
    message = re.sub(r"\S{200,}", lambda m: f"{m.group()[:100]}…{m.group()[-40:]}", message)
    sys.stderr.write(f"ihltag: {safe_lines(message)}\n")  # may quote a file name or value
    raise typer.Exit(code)


_F = TypeVar("_F", bound=Callable[..., None])


def _stops(consequence: str = "", starts: bool = True) -> Callable[[_F], _F]:
    """The one handler of "diagnostics that stop the run" (``DiagnosticsError``): the
    located problems, then what is wrong and, when they stopped a check, that nothing
    was checked; exit status 2. With ``starts``, the command's start is the end of
    start-up (``ihltag.launch.started``); a command that says so itself passes False."""

    def decorate(command: _F) -> _F:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> None:
            from ihltag.diagnostics import DiagnosticsError

            if starts:
                started()
            try:
                command(*args, **kwargs)
            except DiagnosticsError as exc:
                for d in exc.diagnostics:
                    sys.stderr.write(d.plain() + "\n")
                fail(f"{exc.message}; {consequence}" if exc.diagnostics and consequence
                     else exc.message)

        return typing.cast(_F, run)

    return decorate


def _path_arg(path: Path | None, what: str) -> Path | None:
    """A path from the command line that the system can look up: a name too long for
    the file system is a clear error here rather than a traceback later."""
    import errno

    if path is None:
        return None
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            fail(f"{what}: the path is too long for the file system ({len(str(path))} "
                 f"characters): {path}")
    except ValueError:  # an embedded NUL
        fail(f"{what}: the path holds a NUL character")
    return path


def _version(value: bool) -> None:
    if value:
        from ihltag import __version__

        sys.stdout.write(f"ihltag {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False,
          ) -> None:
    """Validate conflict-incident YAML files and tag them against customary IHL rules."""


def _config() -> Config:
    from ihltag.config import load

    return load()


def _presumptions(option: bool | None, config: Config) -> bool:
    """The command line's choice, else the project's ([tool.ihltag] presumptions)."""
    return config.presumptions if option is None else option


def _dataset_paths(paths: list[Path] | None, config: Config) -> list[Path]:
    if paths:
        return [p for p in paths if _path_arg(p, "path")]
    if config.dataset is not None:
        return [config.dataset]
    default = Path("incidents")
    return [default] if default.is_dir() else [Path(".")]


def _in_datasets(paths: list[Path]) -> list[Path]:
    """The paths that belong to a dataset; exit 0 when none does (nothing to check)."""
    from ihltag.dataset import root_of

    # lexists: a path that cannot be reached is kept, for find_root to say why (D10)
    kept = [p for p in paths if not os.path.lexists(p) or root_of(p) is not None]
    if not kept:
        sys.stderr.write("ihltag: no dataset file among the paths given; nothing to check\n")
        raise typer.Exit(0)
    return kept


def _emit(text: str, output: Path | None) -> None:
    """All of ``text`` to standard output, or to ``output`` in full or not at all."""
    with _Output(output) as out:
        out.write(text)


class _Output:
    """Standard output, or a file written in full or not at all (``ihltag.atomicwrite``).

    Every ``-o`` goes through here. The file is written beside its target and renamed
    into place at the end, so a run that cannot be made (exit 2), is interrupted or
    meets a full disk never truncates an existing report; a write error is exit 2 with
    a message, never a traceback."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.file: AtomicFile | None = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if self.path is None:
            return sys.stdout
        from ihltag.atomicwrite import AtomicFile, OutputError

        try:
            self.file = AtomicFile(self.path)
        except OutputError as exc:
            fail(str(exc))
        return self.file

    def __exit__(self, kind, value, tb) -> None:  # type: ignore[no-untyped-def]
        from ihltag.atomicwrite import OutputError

        if self.file is None:
            return
        if isinstance(value, OutputError):
            fail(str(value))
        if kind is None or (kind is typer.Exit and value.exit_code in (0, 1)):
            try:
                self.file.commit()
            except OutputError as exc:
                fail(str(exc))
        else:
            self.file.discard()


def _notices() -> None:
    """The core's notices (a cache it will not use, and why) go to stderr, as the bare
    message: the core logs them and never prints."""
    import logging

    logger = logging.getLogger("ihltag")
    if any(getattr(h, "ihltag_stderr", False) for h in logger.handlers):
        return

    class Stderr(logging.Handler):
        ihltag_stderr = True

        def emit(self, record: logging.LogRecord) -> None:
            sys.stderr.write(record.getMessage() + "\n")  # the stream of the moment

    logger.addHandler(Stderr(logging.WARNING))


def _run(paths: list[Path], rules: Path | None, keep: bool = False,
         presumptions: bool = True) -> CheckRun:
    """A run that keeps every result whole, with the incident (report, explain)."""
    from ihltag.runner import run_check

    return run_check(paths, rules, keep=keep, presumptions=presumptions)


def _since(since: str | None, targets: list[Path]) -> list[Path] | None:
    """The files changed since the git ref, or None to check every file (no ref, or a
    registry changed: that can break references in any file)."""
    if since is None:
        return None
    from ihltag.dataset import REGISTRY_FILES
    from ihltag.gitdiff import changed_files

    first = targets[0] if targets[0].is_dir() else targets[0].parent
    only = changed_files(since, first if first.is_dir() else Path.cwd())
    return None if any(p.name in REGISTRY_FILES for p in only) else only


def _reporter_name(format: CheckFormat | None, output: Path | None) -> str:
    """The reporter: as asked, or by the -o file's extension; GitHub's annotations in
    Actions; rich colour for a person at a terminal."""
    default = CheckFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.text
    chosen = _format_for(output, format, CheckFormat, default)
    if chosen is CheckFormat.text and output is None and sys.stdout.isatty():
        return "rich"
    return chosen.value


def _reporter_options(name: str, targets: list[Path], quiet: bool, fail_on: str | None
                      ) -> Options:
    """Code hosts place annotations by path from the repository's top: found here, so
    that no output format runs git."""
    from ihltag.formats import Options

    top = None
    if name in ("github", "sarif"):
        from ihltag.dataset import find_root
        from ihltag.gitdiff import toplevel

        top = toplevel(find_root(targets))
    return Options(quiet=quiet, fail_on=fail_on, top=top, base=Path.cwd().resolve())


SinceOpt = Annotated[str | None, typer.Option(
    metavar="REF", help="Only files added or changed since this git ref (checked against the "
    "whole dataset).")]
CheckFormatOpt = Annotated[CheckFormat | None, typer.Option(
    "--format", "-f", help="text, json, github or sarif (default: from the --output file's "
    "extension, else text).", parser=_choice(CheckFormat, "an output format"),
    metavar="FORMAT", show_default=False)]
FailOnOpt = Annotated[FailOn | None, typer.Option(
    parser=_choice(FailOn, "a status"), metavar="STATUS", help="Also exit 1 on a finding of "
    "this status or worse ('never' overrides the project's setting).")]
StrictOpt = Annotated[bool | None, typer.Option(
    "--strict/--no-strict", help="Warnings count as errors (default: [tool.ihltag] strict).",
    show_default=False)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")]
JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, metavar="N", help="Worker processes (default: the cores "
    "available).", show_default=False)]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the "
                                          "cache.")]
CacheDirOpt = Annotated[Path | None, typer.Option(
    metavar="DIR", help="Keep the cache in this folder (default: the user's cache folder, "
    "outside the dataset).", show_default=False)]
SkipOutsideOpt = Annotated[bool, typer.Option(
    "--skip-outside-dataset", help="Skip files that belong to no dataset (no actors.yaml "
    "above them) instead of failing: for hooks that are handed every YAML file.")]


@app.command()
@_stops("nothing was checked", starts=False)
def check(paths: PathsArg = None, since: SinceOpt = None, format: CheckFormatOpt = None,
          output: OutputOpt = None, fail_on: FailOnOpt = None, strict: StrictOpt = None,
          quiet: QuietOpt = False, rules: RulesOpt = None, jobs: JobsOpt = None,
          no_cache: NoCacheOpt = False, cache_dir: CacheDirOpt = None,
          skip_outside: SkipOutsideOpt = False, presumptions: PresumptionsOpt = None) -> None:
    """Validate incident files and registries, then run every rule on every valid incident."""
    from ihltag.formats import REPORTERS
    from ihltag.runner import default_jobs, run_check

    started()  # what a check imports is imported (ihltag.launch)
    config = _config()
    targets = _dataset_paths(paths, config)
    targets = _in_datasets(targets) if skip_outside else targets
    only = _since(since, targets)
    name = _reporter_name(format, output)
    failing = fail_on.value if fail_on else config.fail_on
    failing = None if failing == "never" else failing
    use_cache = config.cache and not no_cache
    if use_cache:
        _notices()
    with _Output(output) as out:
        reporter = REPORTERS[name](out, _reporter_options(name, targets, quiet, failing))
        run = run_check(targets, _path_arg(rules, "--rules") or config.rules,
                        jobs=jobs or config.jobs or default_jobs(), use_cache=use_cache,
                        only=only, reporter=reporter, with_findings=not quiet or bool(failing),
                        cache_dir=cache_dir, presumptions=_presumptions(presumptions, config))
    _exit(run, failing, config.strict if strict is None else strict)


def _exit(run: CheckRun, fail_on: str | None, strict: bool) -> NoReturn:
    """Say why the run failed beyond its invalid files, and exit with its status."""
    from ihltag.safetext import safe_line

    for line in map(safe_line, run.failure_reasons(fail_on, strict)):
        sys.stderr.write(f"ihltag: {line}\n" if not line.startswith("  ") else line + "\n")
    raise typer.Exit(run.exit_status(fail_on, strict))


class Layout(str, Enum):
    incidents = "incidents"
    rules = "rules"


# ``ihltag report``'s selection and output options (declared here so the command stays thin)
_Names = list[str] | None
ActorOpt = Annotated[_Names, typer.Option(metavar="NAME", help="Actor id or alias (repeatable).")]
RuleSelOpt = Annotated[_Names, typer.Option(metavar="RULE", help="Rule: CIHL-52, 52 or pillage "
                                            "(repeatable).")]
ConflictOpt = Annotated[_Names, typer.Option(metavar="ID", help="Conflict id (repeatable).")]
FromOpt = Annotated[str | None, typer.Option("--from", metavar="DATE", help="From this date "
                                             "(YYYY, YYYY-MM or YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", metavar="DATE", help="Up to this date.")]
RegionOpt = Annotated[_Names, typer.Option(metavar="NAME", help="Region (admin1), repeatable.")]
StatusOpt = Annotated[Status, typer.Option(help="The lowest status to include: violation or "
                                           "possible.", metavar="STATUS",
                                           parser=_choice(Status, "a status"))]
ReportFormatOpt = Annotated[ReportFormat | None, typer.Option(
    "--format", "-f", metavar="FORMAT", parser=_choice(ReportFormat, "a report format"),
    help="terminal, markdown, html, json or csv (default: from the --output file's "
    "extension, else terminal).", show_default=False)]
LayoutOpt = Annotated[Layout, typer.Option(metavar="LAYOUT", parser=_choice(Layout, "a layout"),
                                           help="incidents: each incident once, with its "
                                           "findings and a rule index; rules: findings by "
                                           "rule, incidents referenced.")]
ExcludeTagOpt = Annotated[_Names, typer.Option("--exclude-tag", metavar="TAG",
                                               help="Leave out incidents with this tag "
                                               "(repeatable).")]
IncludeConfidentialOpt = Annotated[bool, typer.Option(
    "--include-confidential", help="Print confidential sources too.")]
IncludeSupportingOpt = Annotated[bool, typer.Option(
    "--include-supporting", help="With --actor, also the forces that support it.")]
ExactPlacesOpt = Annotated[bool, typer.Option("--exact-places", help="Show places marked "
                                              "sensitive in full.")]
IncludeAggregatesOpt = Annotated[bool, typer.Option(
    "--include-aggregates", help="Count the findings of aggregate records (their casualties "
    "are never summed).")]
IncludeNotesOpt = Annotated[bool, typer.Option(
    "--include-notes", help="Print the incidents' internal notes, marked internal.")]
BomOpt = Annotated[bool, typer.Option("--bom/--no-bom", help="CSV: begin with a UTF-8 "
                                      "byte-order mark, so that spreadsheets read accents right.")]


@app.command()
@_stops("nothing was checked")
def report(
    paths: PathsArg = None, actor: ActorOpt = None, rule: RuleSelOpt = None,
    conflict: ConflictOpt = None, date_from: FromOpt = None, date_to: ToOpt = None,
    region: RegionOpt = None, status: StatusOpt = Status.possible,
    format: ReportFormatOpt = None, output: OutputOpt = None,
    layout: LayoutOpt = Layout.incidents, exclude_tag: ExcludeTagOpt = None,
    include_confidential: IncludeConfidentialOpt = False,
    include_supporting: IncludeSupportingOpt = False, exact_places: ExactPlacesOpt = False,
    include_aggregates: IncludeAggregatesOpt = False, include_notes: IncludeNotesOpt = False,
    bom: BomOpt = True, rules: RulesOpt = None, presumptions: PresumptionsOpt = None,
    lang: LangOpt = None,
) -> None:
    """The annotated violation report: each incident once with its findings (or findings
    by rule), an executive summary, casualty totals and sources as notes."""
    config = _config()
    format = _format_for(output, format, ReportFormat, ReportFormat.terminal)
    from ihltag.report import ReportOptions, build_report

    run = _run(_dataset_paths(paths, config), _path_arg(rules, "--rules") or config.rules,
               keep=True, presumptions=_presumptions(presumptions, config))
    options = ReportOptions(
        actors=actor or [], rules=rule or [], conflicts=conflict or [], date_from=date_from,
        date_to=date_to, regions=region or [], status=status.value,
        include_confidential=include_confidential, include_supporting=include_supporting,
        exact_places=exact_places, exclude_tags=exclude_tag or [],
        include_aggregates=include_aggregates, include_notes=include_notes,
        layout=layout.value)
    from ihltag.i18n import using

    with using(_tr(lang, config)):  # the report's words, dates and numbers in this language
        _report_out(build_report(run, options), format, output, bom)


def _report_out(data: ReportData, format: ReportFormat, output: Path | None, bom: bool) -> None:
    """Print or write the report: rich on a terminal, checked plain text on a pipe."""
    from ihltag.report import render

    if format is ReportFormat.terminal and output is None:
        from rich.console import Console

        from ihltag.report.terminal import render_terminal, render_text

        console = Console()
        if console.is_terminal:
            render_terminal(data, console)
        else:  # a pipe or a CI log: plain text whose every line is checked (D11)
            sys.stdout.write(render_text(data, width=console.width))
        return
    text = render(data, format.value, bom=bom)
    if format is ReportFormat.json:
        from ihltag.safetext import json_safe

        text = json_safe(text)  # the same data; no raw C1 or bidi character (D11)
    _emit(text, output)


@rules_app.command("list")
@_stops()
def rules_list(rules: RulesOpt = None, lang: LangOpt = None) -> None:
    """Every rule: id, title, the status it can reach, war-crime provision."""
    from ihltag.safetext import one_line

    pack = _pack(rules)
    tr = _tr(lang, _config())
    _ = tr.gettext
    rows = [(r.id, one_line(r.in_lang(tr.lang).title), tr.vocab("status", r.max_status),
             one_line(_provisions(r, tr))) for r in pack.rules]
    header = (_("RULE"), _("TITLE"), _("AT MOST"), _("WAR-CRIME PROVISIONS (on violations only)"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False))
                         + f"  {row[3]}\n")


def _provisions(rule: Rule, tr: Translator) -> str:
    """The provisions a rule can print, in the pack's own words (``-`` for none)."""
    return "; ".join(tr.provision(p) for _, p in rule.war_crime) or "-"


@rules_app.command("show")
@_stops()
def rules_show(rule_id: Annotated[str, typer.Argument(metavar="ID")], rules: RulesOpt = None,
               lang: LangOpt = None) -> None:
    """A rule's text, elements, exceptions, defaults and citations."""
    pack = _pack(rules)
    rule = _lookup(pack, rule_id)
    from ihltag.explain import describe_rule

    sys.stdout.write(describe_rule(rule, _tr(lang, _config())))


@rules_app.command("test")
@_stops()
def rules_test(ids: Annotated[list[str] | None, typer.Argument(metavar="ID", help="Rules to "
                                                               "test (default: all).")] = None,
               rules: RulesOpt = None) -> None:
    """Run the test cases written inside the rule files."""
    pack = _pack(rules)
    selected = pack.rules
    if ids:
        selected = [_lookup(pack, name) for name in ids]
    from ihltag.ruletests import check_tests, run_tests
    from ihltag.safetext import one_line

    problems = check_tests(pack, selected)
    if problems:
        for d in problems:
            sys.stderr.write(d.plain() + "\n")
        fail("the rule tests are invalid; no test was run")
    results = run_tests(pack, selected)
    failed = [r for r in results if not r.ok]
    for rule in selected:  # a rule shown in English to a French reader is worth knowing
        missing = rule.missing("fr")
        if missing:
            sys.stderr.write(f"warning: {rule.id} ({rule.path}) has no French for "
                             f"{one_line(', '.join(missing))}; English is shown instead\n")
    for r in results:
        if not r.ok:
            sys.stdout.write(f"FAIL {r.rule} " + one_line(f"{r.name}: {r.message}") + "\n")
    sys.stdout.write(f"{len(results) - len(failed)} passed, {len(failed)} failed\n")
    raise typer.Exit(1 if failed else 0)


@app.command()
@_stops("nothing was checked")
def explain(
    incident: Annotated[str, typer.Argument(help="Incident id or file.", metavar="INCIDENT")],
    rule: Annotated[list[str] | None, typer.Option(metavar="RULE",
                                                   help="Only this rule (repeatable).")] = None,
    paths: Annotated[list[Path] | None, typer.Option("--dataset", metavar="DIR",
                                                     help="Dataset folder.")] = None,
    rules: RulesOpt = None,
    presumptions: PresumptionsOpt = None,
    lang: LangOpt = None,
) -> None:
    """Every rule's evaluation of every act of one incident, including why rules did not fire."""
    config = _config()
    from ihltag.explain import explain_incident, find_incident

    target = Path(incident)
    dataset = _dataset_paths(paths, config)
    try:
        is_file = target.is_file()
    except ValueError:  # an embedded NUL: not a file name, perhaps an id
        is_file = False
    except OSError as exc:  # a folder on its way may not be read (issue 12, D10)
        import errno

        if exc.errno != errno.ENAMETOOLONG:  # too long to be a file: an incident id to find
            fail(f"{os.fsencode(incident).decode('utf-8', 'backslashreplace')}: cannot be "
                 f"reached ({exc.strerror or exc}): check the permissions of the folders on "
                 "its way")
        is_file = False
    if not is_file:
        from ihltag.dataset import DatasetError

        try:
            target = find_incident(incident, dataset)
        except (DatasetError, LookupError) as exc:  # no dataset root; no such incident
            fail(str(exc))
    strict = not _presumptions(presumptions, config)
    run = _run([target], _path_arg(rules, "--rules") or config.rules, keep=True,
               presumptions=not strict)
    result = run.results[0]
    if result.incident is None:
        for d in result.diagnostics:
            sys.stderr.write(d.plain() + "\n")
        fail("the incident is invalid; fix it first", 1)
    rule_ids = {_lookup(run.pack, name).id for name in rule} if rule else None
    sys.stdout.write(explain_incident(run, result, rule_ids, presumptions=not strict,
                                      tr=_tr(lang, config)))


class ActorsFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
@_stops()
def actors(paths: PathsArg = None,
           format: Annotated[ActorsFormat, typer.Option(
               "--format", "-f", metavar="FORMAT", parser=_choice(ActorsFormat, "a format"),
               help="text or json.")] = ActorsFormat.text,
           ) -> None:
    """The actor registry: ids, kinds, aliases, whom they support and their conflicts."""
    config = _config()
    from ihltag.dataset import find_root
    from ihltag.registry import load_registry

    reg = load_registry(find_root(_dataset_paths(paths, config)))
    listed: list[dict[str, Any]] = [{"id": a.id, "name": a.name, "kind": a.kind, "aliases": list(a.aliases),
               "supports": a.supports, "conflicts": [c.id for c in reg.conflicts_of(a)]}
              for a in reg.actors.values()]
    if format is ActorsFormat.json:
        import json

        sys.stdout.write(json.dumps({"version": 1, "actors": listed}, indent=2,
                                    ensure_ascii=False) + "\n")
        return
    from ihltag.safetext import safe_line

    for a in listed:
        supports = f" supports {a['supports']};" if a["supports"] else ""
        sys.stdout.write(safe_line(f"{a['id']}: {a['name']} [{a['kind']}];{supports} conflicts: "
                                   f"{', '.join(a['conflicts']) or '-'}; aliases: "
                                   f"{', '.join(a['aliases']) or '-'}") + "\n")


@app.command()
@_stops()
def schema(
    name: Annotated[SchemaName, typer.Argument(metavar="NAME", help="incident, actors or conflicts.",
                                               parser=_choice(SchemaName, "a schema"))
                    ] = SchemaName.incident,
    output: OutputOpt = None,
) -> None:
    """JSON Schema of incident files or registries, for editors and other tools."""
    import json

    from ihltag.schema import schema_for

    _emit(json.dumps(schema_for(name.value), indent=2, ensure_ascii=False) + "\n", output)


def _lookup(pack: RulePack, name: str) -> Rule:
    try:
        return pack.lookup(name)
    except LookupError as exc:
        fail(str(exc))


def _pack(rules: Path | None) -> RulePack:
    from ihltag.rules import load_pack

    config = _config()
    return load_pack(_path_arg(rules, "--rules") or config.rules)


def _named(argv: list[str]) -> tuple[list[Any], list[Any]] | None:
    """The registered commands and groups to build for ``argv``: only the one it names
    (``check``, ``rules``, ...), or None (no command named: ``--help``, ``--version``, a
    typo) to build them all.

    typer builds every command's click parameters, with their annotations' adapters, on
    every start (10–20 ms, most of it for ``report``'s twenty options); a command's
    parsing, help and errors depend only on the command and the group's own options, so
    the one named is all a run needs."""
    from typer.main import get_command_name

    if not argv or argv[0].startswith("-"):
        return None
    commands = [c for c in app.registered_commands
                if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) == argv[0]]
    groups = [g for g in app.registered_groups if g.name == argv[0]]
    return (commands, groups) if commands or groups else None


@contextlib.contextmanager
def _only_named(argv: list[str]) -> Iterator[None]:
    """The app holds only the command ``argv`` names, when it names one, while in the
    block (``main``); all of them otherwise and afterwards."""
    named = _named(argv)
    if named is None:
        yield
        return
    kept = app.registered_commands, app.registered_groups
    app.registered_commands, app.registered_groups = named
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = kept


_LOADER = "pydantic.plugin._loader"


def _no_plugin_loader() -> None:
    """With every pydantic plugin disabled, pydantic's plugin loader would still be
    imported when the first validator is built, and with it ``importlib.metadata``
    (email, zipfile, csv...: ~20 ms of a one-file lint) for an entry-point scan it then
    skips. In its place: a module whose ``get_plugins`` returns no plugin, which is what
    the real one returns under this setting. Anything else asked of it loads the real
    loader (a later pydantic may use more of it); a user who names plugins to disable,
    or enables them, gets the real loader."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true") \
            or _LOADER in sys.modules:
        return
    import types

    stand_in = types.ModuleType(_LOADER, "pydantic's plugin loader while every plugin is disabled")

    def get_plugins() -> tuple[()]:
        return ()

    def real(name: str) -> Any:
        import importlib

        if name.startswith("__"):  # the import system's questions (``__path__``...)
            raise AttributeError(name)
        if sys.modules.get(_LOADER) is stand_in:
            del sys.modules[_LOADER]
        return getattr(importlib.import_module(_LOADER), name)

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = real  # type: ignore[method-assign]
    sys.modules[_LOADER] = stand_in


def main() -> None:
    import errno

    # pydantic scans every installed package's metadata for plugins when it builds the
    # first model: about 25 ms of a one-file lint, for plugins ihltag's models never use.
    # A user who wants them can still set the variable.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _no_plugin_loader()
    try:
        try:
            with _only_named(sys.argv[1:]):
                app()
        finally:
            sys.stdout.flush()  # a full disk behind '>' shows here, not at exit
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("ihltag: interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:  # pragma: no cover - `ihltag check | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
            raise
        sys.stderr.write(f"ihltag: cannot write the output: {exc.strerror}\n")
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(2) from None
