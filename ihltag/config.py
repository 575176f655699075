"""``[tool.ihltag]`` in the nearest ``pyproject.toml``: project defaults for every command.

Keys: ``dataset`` (path), ``rules`` (path), ``fail-on`` (violation|possible), ``strict``
(bool), ``jobs`` (int), ``cache`` (bool), ``presumptions`` (bool: false gives the strict
reading, in which the rules' declared presumptions are off), ``lang`` (en|fr: the language
of explain, rules list/show and the report). Paths are relative to the
pyproject.toml. Command-line options override them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ihltag.diagnostics import DiagnosticsError

KEYS = {"dataset", "rules", "fail-on", "strict", "jobs", "cache", "presumptions", "lang"}
LANGS = ("en", "fr")  # ihltag.i18n.LANGS, without importing it here


class ConfigError(DiagnosticsError):
    """The project's [tool.ihltag] settings are wrong: no command runs with them (exit 2)."""


@dataclass(frozen=True)
class Config:
    dataset: Path | None = None
    rules: Path | None = None
    fail_on: str | None = None
    strict: bool = False
    jobs: int | None = None
    cache: bool = True
    presumptions: bool = True
    lang: str | None = None


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(start: Path | None = None) -> Config:
    path = find_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return Config()
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read [tool.ihltag]: {exc}") from None
    section: Any = data.get("tool", {}).get("ihltag")
    if section is None:
        return Config()
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.ihltag] must be a table")
    unknown = set(section) - KEYS
    if unknown:
        from ihltag.diagnostics import did_you_mean

        key = sorted(unknown)[0]
        raise ConfigError(f"{path}: unknown key '{key}' in [tool.ihltag]{did_you_mean(key, KEYS)}")
    here = path.parent

    def as_path(key: str) -> Path | None:
        value = section.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ConfigError(f"{path}: [tool.ihltag] {key} must be a path string")
        return (here / value).resolve()

    fail_on = section.get("fail-on")
    if fail_on is not None and fail_on not in ("violation", "possible"):
        raise ConfigError(f"{path}: [tool.ihltag] fail-on must be 'violation' or 'possible'")
    for key in ("strict", "cache", "presumptions"):
        if key in section and not isinstance(section[key], bool):
            raise ConfigError(f"{path}: [tool.ihltag] {key} must be true or false")
    jobs = section.get("jobs")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ConfigError(f"{path}: [tool.ihltag] jobs must be a whole number ≥ 1")
    lang = section.get("lang")
    if lang is not None and lang not in LANGS:
        raise ConfigError(f"{path}: [tool.ihltag] lang must be one of {', '.join(LANGS)}")
    return Config(as_path("dataset"), as_path("rules"), fail_on, bool(section.get("strict", False)),
                  jobs, bool(section.get("cache", True)),
                  bool(section.get("presumptions", True)), lang)
