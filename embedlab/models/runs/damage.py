"""Run folders that cannot be read: what is wrong with each, in words, and how to remove it.

``runs.scan_runs`` lists these beside the complete runs instead of dropping them silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from embedlab.errors import EmbedLabError

MODEL_FILE = "model.keras"
FILES = ("config.json", "history.json", "metrics.json")


@dataclass(frozen=True)
class DamagedRun:
    """A run folder that cannot be read: where it is, what is wrong, and how to remove it."""

    path: Path | str  # a local folder, or the URL of a run in object storage
    problem: str

    @property
    def run_id(self) -> str:
        return str(self.path).rstrip("/").rsplit("/", 1)[-1]

    @property
    def message(self) -> str:
        return damaged_message(self.path, self.problem)


_DAMAGED_MARK = " is damaged: "
_REMOVE_HINT = "; remove it with `rm -r "


def damaged_message(path: Path, problem: str) -> str:
    return (f"the run folder {path}{_DAMAGED_MARK}{problem}{_REMOVE_HINT}{path}` "
            "(or Remove in the app), or put back a good copy of the file")


def problem_of(error: EmbedLabError) -> str:
    text = str(error)
    if _DAMAGED_MARK in text:
        return text.split(_DAMAGED_MARK, 1)[1].split(_REMOVE_HINT, 1)[0]
    return text


def looks_like_a_run(path: Path) -> bool:
    return any((path / name).exists() for name in (MODEL_FILE, *FILES))


def missing_files(path: Path) -> str:
    missing = [name for name in (MODEL_FILE, "config.json") if not (path / name).is_file()]
    return f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing"


def read_json_object(file: Path) -> tuple[dict, str]:
    """A run file's JSON object, or ({}, what is wrong with it)."""
    text = file.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        return {}, f"{file.name} is empty"
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        return {}, f"{file.name} is not valid JSON{where}"
    if not isinstance(payload, dict):
        return {}, f"{file.name} holds a {type(payload).__name__}, not the expected JSON object"
    return payload, ""
