"""One reporter protocol, registered by name; the exit status owned by the run; one base
class for the errors that stop a command (issue 13 point 2)."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from _paths import ROOT, incident

from ihltag.cli import CheckFormat
from ihltag.config import ConfigError
from ihltag.dataset import DatasetError
from ihltag.diagnostics import DiagnosticsError
from ihltag.formats import REPORTERS, Options
from ihltag.gitdiff import GitError
from ihltag.registry import RegistryError
from ihltag.report import ReportError
from ihltag.rules import RulePackError
from ihltag.runner import run_check


def test_every_format_has_a_reporter_by_name() -> None:
    assert set(REPORTERS) == {f.value for f in CheckFormat} | {"rich"}
    for name, make in REPORTERS.items():
        reporter = make(io.StringIO(), Options())
        for method in ("start", "file", "finish"):
            assert callable(getattr(reporter, method)), (name, method)


def test_formats_run_no_git_and_reach_into_no_runner() -> None:
    """The layer crossings the review named: formats read the typed results only."""
    banned = {"ihltag.runner", "ihltag.gitdiff", "subprocess", "importlib"}
    found = []
    for path in sorted((ROOT / "ihltag" / "formats").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.name}: {n}" for n in names if n in banned]
    assert found == []


@pytest.mark.parametrize("error", [RegistryError, RulePackError, DatasetError, ConfigError,
                                   GitError, ReportError])
def test_errors_that_stop_a_command_share_one_base(error: type[Exception]) -> None:
    assert issubclass(error, DiagnosticsError)


def test_the_run_owns_its_exit_status_and_says_why(mini_dataset: Path) -> None:
    incident(mini_dataset, "mli-a")
    out = io.StringIO()
    run = run_check([mini_dataset], base=mini_dataset,
                    reporter=REPORTERS["text"](out, Options()))
    found = run.summary()["findings"]
    assert found["possible"] > 0
    assert run.exit_status() == 0 and run.failure_reasons() == []
    assert run.exit_status("possible") == 1
    reasons = run.failure_reasons("possible")
    total = found["violation"] + found["possible"]
    assert reasons[0] == (f"failed by --fail-on possible: {total} finding"
                          f"{'' if total == 1 else 's'} at or above 'possible':")
    assert all(line.startswith("  mli-a.yaml:") for line in reasons[1:1 + min(total, 10)])
    assert run.exit_status("violation") == (1 if found["violation"] else 0)
    assert "summary" not in out.getvalue() and out.getvalue().endswith("possible\n")


def test_one_handler_prints_the_diagnostics_then_why(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "actors.yaml").write_text("- id: X\n  kind: nonsense\n", encoding="utf-8")
    (tmp_path / "conflicts.yaml").write_text("[]\n", encoding="utf-8")
    for args, last in ((["check", str(tmp_path)], "the registry is invalid; nothing was checked"),
                       (["actors", str(tmp_path)], "the registry is invalid")):
        code, out, err = cli(*args)
        lines = err.splitlines()
        assert code == 2 and out == ""
        assert lines[-1] == f"ihltag: {last}"
        assert lines[0].startswith("actors.yaml:") or "actors.yaml:" in lines[0]


def test_json_is_the_same_document_whatever_the_stream(mini_dataset: Path, tmp_path: Path
                                                       ) -> None:
    """The JSON reporter writes UTF-8 bytes (stored texts go out as they are): to an
    ``-o`` file's own bytes, to the buffer under a text stream (after what the text
    layer already holds), or, with no bytes below, as text. The document is the same."""
    import json

    from ihltag.atomicwrite import AtomicFile

    incident(mini_dataset, "mli-a")

    def check(out: object) -> None:
        run_check([mini_dataset], base=mini_dataset,
                  reporter=REPORTERS["json"](out, Options()))  # type: ignore[arg-type]

    as_text = io.StringIO()
    check(as_text)
    raw = io.BytesIO()
    wrapper = io.TextIOWrapper(raw, encoding="utf-8")
    wrapper.write("before|")  # held by the text layer: must come out first
    check(wrapper)
    wrapper.flush()
    target = tmp_path / "out.json"
    file = AtomicFile(target)
    check(file)
    file.commit()
    assert raw.getvalue().decode("utf-8") == "before|" + as_text.getvalue()
    assert target.read_text(encoding="utf-8") == as_text.getvalue()
    document = json.loads(as_text.getvalue())
    assert [i["id"] for i in document["incidents"]] == ["mli-a"]
    assert document["incidents"][0]["findings"]
