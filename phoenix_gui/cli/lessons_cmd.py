"""`phoenix-flight lessons`: the bundled lessons, by the name every command accepts.

One row per lesson: its name (what ``run``, ``gui``, ``validate`` take in place of a path),
its title, its paradigm and the first sentence of its description. ``--json`` prints the same
as one object per line plus the file each one comes from.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from phoenix_gui.cli.common import emit, emit_json
from phoenix_gui.cli.errors import CliError
from phoenix_gui.resources import bundled_scenarios


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lessons",
        help="list the bundled lessons (their names work wherever a scenario file does)",
        description="List the lessons shipped with PhoenixFlight: name, title, paradigm and "
        "one line of description. Give a lesson's name to run, gui or validate instead of a "
        "file path, from any folder: phoenix-flight run ring-join --json.",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per lesson (default: a table)"
    )
    parser.set_defaults(handler=_run)


def lesson_rows() -> list[dict[str, str]]:
    """Name, title, paradigm, one-line summary and file of every bundled lesson."""
    from phoenix_gui.scenario import ScenarioError, load_scenario

    rows = []
    for path in bundled_scenarios():
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:  # a broken bundle: say which lesson, never a traceback
            raise CliError(str(exc).splitlines()[0]) from None
        rows.append(
            {
                "name": path.stem,
                "title": scenario.name,
                "paradigm": scenario.paradigm,
                "summary": first_sentence(scenario.description),
                "file": str(path),
            }
        )
    return rows


def first_sentence(text: str, width: int = 100) -> str:
    """One line of the description: its first sentences up to about ``width`` characters
    (one more sentence while the line is very short), cut at a word with "…" when longer."""
    flat = " ".join(text.split())
    line = ""
    for sentence in re.split(r"(?<=[.!?]) ", flat):
        if line and len(line) >= width // 2:
            break
        line = f"{line} {sentence}".strip()
    if len(line) > width:
        line = line[: width - 1].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"
    return line


def _run(args: argparse.Namespace) -> int:
    rows = lesson_rows()
    if not rows:
        raise CliError("lessons: none installed (the scenarios folder is missing)")
    if args.json:
        for row in rows:
            emit_json(row)
        return 0
    name_w = max(len("name"), *(len(r["name"]) for r in rows))
    title_w = max(len("title"), *(len(r["title"]) for r in rows))
    para_w = max(len("paradigm"), *(len(r["paradigm"]) for r in rows))
    emit(f"{'name':<{name_w}}  {'title':<{title_w}}  {'paradigm':<{para_w}}  description")
    for r in rows:
        emit(
            f"{r['name']:<{name_w}}  {r['title']:<{title_w}}  {r['paradigm']:<{para_w}}  "
            f"{r['summary']}"
        )
    return 0
