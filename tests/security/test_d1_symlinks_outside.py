"""Issue 12, D1: links leading out of the dataset (or the rule pack) are refused unread,
and no message quotes more than a bounded excerpt of any value.

A pull request can add ``x.yaml -> ~/.git-credentials``; before the fix its content was
echoed in the error (``found 'ghp_…'``) in every format, straight into the CI log.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _paths import DATASET, RULES, incident

from ihltag.registry import RegistryError, load_registry
from ihltag.rules import RulePackError, load_pack

SECRET = "ghp_FAKE_TOKEN_d1_0123456789"
FORMATS = ("text", "json", "github", "sarif")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_d1_linked_incident_outside_is_refused_unread(cli, mini_dataset, secret, fmt,
                                                      monkeypatch) -> None:
    monkeypatch.chdir(mini_dataset)
    incident(mini_dataset / "2025", "mli-2025-03-10-good")
    (mini_dataset / "2025" / "mli-2025-03-10-x.yaml").symlink_to(secret)
    for args in (["."], ["2025/mli-2025-03-10-x.yaml"], [".", "--no-cache"]):
        code, out, err = cli("check", *args, "-f", fmt)
        assert code == 1
        assert SECRET not in out + err
        assert "secret.txt" not in out + err and str(secret.parent) not in out + err
        assert "outside-dataset" in out
        assert "mli-2025-03-10-x.yaml" in out


def test_d1_linked_folder_outside_is_refused(cli, mini_dataset, secret, monkeypatch) -> None:
    monkeypatch.chdir(mini_dataset)
    (secret.parent / "mli-2025-03-10-leak.yaml").write_text(SECRET + "\n", encoding="utf-8")
    incident(mini_dataset / "2025", "mli-2025-03-10-good")
    (mini_dataset / "2025" / "more").symlink_to(secret.parent, target_is_directory=True)
    code, out, err = cli("check", ".", "-f", "text")
    assert code == 1
    assert "2025/more:1:1: error[outside-dataset]" in out
    assert SECRET not in out + err
    # named on the command line, its files are refused one by one
    code, out, err = cli("check", "2025/more/mli-2025-03-10-leak.yaml", "-f", "text")
    assert SECRET not in out + err


def test_d1_linked_registry_outside_is_refused(mini_dataset, tmp_path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(SECRET + "\n", encoding="utf-8")
    (mini_dataset / "actors.yaml").unlink()
    (mini_dataset / "actors.yaml").symlink_to(outside)
    with pytest.raises(RegistryError) as exc:
        load_registry(mini_dataset)
    text = "\n".join(d.plain() for d in exc.value.diagnostics)
    assert "outside-dataset" in text and SECRET not in text


def test_d1_linked_rule_outside_is_refused(tmp_path, secret) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "zz-leak.yaml").symlink_to(secret)
    with pytest.raises(RulePackError) as exc:
        load_pack(rules)
    text = "\n".join(d.plain() for d in exc.value.diagnostics)
    assert "zz-leak.yaml:1:1: error[outside-dataset]" in text
    assert "outside the rules folder" in text
    assert SECRET not in text


def test_d1_link_inside_the_dataset_is_still_read(cli, mini_dataset, monkeypatch) -> None:
    """Containment, not a ban on links: one that stays inside is checked as before."""
    monkeypatch.chdir(mini_dataset)
    real = incident(mini_dataset / "store", "mli-2025-03-10-real",
                    **{"id: mli-2025-03-10-real": "id: mli-2025-03-10-link"})
    (mini_dataset / "2025").mkdir()
    (mini_dataset / "2025" / "mli-2025-03-10-link.yaml").symlink_to(real)
    code, out, _ = cli("check", "2025", "-f", "text", "--no-cache")
    assert code == 0
    assert "outside-dataset" not in out
    assert "0 invalid" in out and "error[" not in out


LONG = "Z" * 5000


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("body", [
    f"{LONG}\n",                                      # the whole file is one scalar
    f"id: x\n? {LONG}\n: 1\n",                         # a huge unknown key
    "id: x\ndate: " + "2" * 5000 + "\n",              # a huge bad date
    "id: x\nsources:\n  - url: https://" + LONG + " x\n",  # a huge bad URL
    "id: x\nlocation: {country: " + LONG + "}\n",     # a huge bad pattern
    f"id: x\nperpetrators:\n  - actor: {LONG}\n    attribution: alleged\n",
    f"a: 1\n? {LONG}\n: 1\n? {LONG}\n: 2\n",            # a huge duplicate key
])
def test_d1_messages_quote_a_bounded_excerpt(cli, mini_dataset, monkeypatch, fmt,
                                             body) -> None:
    monkeypatch.chdir(mini_dataset)
    (mini_dataset / "2025").mkdir()
    (mini_dataset / "2025" / "mli-2025-03-10-long.yaml").write_text(body, encoding="utf-8")
    code, out, err = cli("check", ".", "-f", fmt, "--no-cache")
    assert code == 1
    assert "Z" * 200 not in out + err and "2" * 200 not in out + err


def test_d1_every_message_is_bounded() -> None:
    from ihltag.diagnostics import MAX_MESSAGE, Diagnostic

    d = Diagnostic("f.yaml", 1, 1, "x", "m" * 100_000)
    assert len(d.message) < MAX_MESSAGE + 40


def test_d1_real_dataset_still_checks(cli) -> None:
    code, out, _ = cli("check", str(DATASET), "-f", "text", "--no-cache", "-q")
    assert "outside-dataset" not in out and code == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_d1_since_refuses_a_new_link_outside(cli, mini_dataset, secret, monkeypatch) -> None:
    """With ``--since`` a link added by the change is refused, not skipped or followed."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                        "-c", "commit.gpgsign=false", *args], cwd=mini_dataset, check=True,
                       capture_output=True)

    incident(mini_dataset / "2025", "mli-2025-03-10-good")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "base")
    (mini_dataset / "2025" / "mli-2025-03-10-x.yaml").symlink_to(secret)
    git("add", "-A")
    git("commit", "-qm", "a link")
    monkeypatch.chdir(mini_dataset)
    code, out, err = cli("check", ".", "--since", "HEAD~1", "-f", "text")
    assert code == 1
    assert "2025/mli-2025-03-10-x.yaml:1:1: error[outside-dataset]" in out
    assert SECRET not in out + err
