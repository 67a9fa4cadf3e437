"""The README works as pasted: every `phoenix-flight` line of its `sh` blocks runs, and it links
nowhere outside the repository.

Each such line is run with `.venv/bin/` in front (the README tells users to activate the venv
or use that prefix) from a temporary working directory whose `scratch/` folder takes the place
of the repository's, so the examples write nothing into the checkout.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README) if lang == kind]


def _command_lines() -> list[str]:
    lines = []
    for body in _blocks("sh"):
        for line in body.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command.startswith("phoenix-flight"):
                lines.append(command)
    return lines


COMMANDS = _command_lines()


def test_the_readme_has_runnable_examples_and_no_synopsis_in_sh_blocks() -> None:
    assert len(COMMANDS) >= 10
    for body in _blocks("sh"):
        assert "[--" not in body and " | --" not in body, body  # synopses go in text blocks


def _executable() -> list[str]:
    """`.venv/bin/phoenix-flight` beside the interpreter running the tests."""
    script = Path(sys.executable).with_name("phoenix-flight")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "phoenix_gui"]  # pragma: no cover - not installed with make


@pytest.mark.parametrize("line", COMMANDS)
def test_every_readme_command_runs(line: str, tmp_path: Path) -> None:
    (tmp_path / "scratch").mkdir()
    argv = shlex.split(line)
    stdout = None
    if ">" in argv:  # `phoenix-flight schema > scratch/…`: the shell's redirection
        at = argv.index(">")
        argv, stdout = argv[:at], tmp_path / argv[at + 1]
    if argv[1:2] == ["audit"]:  # verifies the log an earlier example wrote
        subprocess.run(
            [*_executable(), "run", "--hosts", "4", "--steps", "20", "--audit",
             "scratch/audit.jsonl"],
            cwd=tmp_path, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    if "--self-test" in argv and "--max-stall-ms" not in argv:
        # The example must run; its stall bound is wall-clock time, which a busy test machine
        # cannot promise (the bound itself is tested in tests/qt/shell/test_selftest.py, and
        # the figure is measured by benchmarks/, never timed in a unit test).
        argv += ["--max-stall-ms", "60000"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [*_executable(), *argv[1:]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, f"{line}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    if stdout is not None:
        stdout.write_text(proc.stdout, encoding="utf-8")
        assert stdout.stat().st_size > 0
    written = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.parts[0] == "scratch" for p in written), written


def test_readme_and_docs_link_only_inside_the_repository() -> None:
    link = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text and "DESIGN.md" not in text, page
        for target in link.findall(text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(REPO), (page, target)
            assert resolved.exists(), (page, target)
