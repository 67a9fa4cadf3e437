"""Qt's harmless offscreen notice is silenced in the entry points; every other message passes."""

from __future__ import annotations

import subprocess

import pytest
from PySide6 import QtCore

from phoenix_gui.qt.shell.app import (
    HARMLESS_QT_MESSAGES,
    QtMessageFilter,
    quiet_harmless_qt_messages,
)
from tests.qt.child_process import offscreen_env, run_python

NOTICE = "This plugin does not support propagateSizeHints()"
OTHER = "phoenix test: a different warning"


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_python("-c", code, env=offscreen_env(**env), timeout=60)


def test_the_self_test_no_longer_prints_the_offscreen_notice() -> None:
    proc = run_python(
        "-m", "phoenix_gui", "gui", "--self-test", "--steps", "5", "--max-stall-ms", "60000"
    )
    assert proc.returncode == 0, proc.stderr
    assert "propagateSizeHints" not in proc.stderr
    assert proc.stderr.strip() == ""  # nothing else was said either


def test_the_self_test_does_say_it_with_the_filter_emptied() -> None:
    # Guards the test above: the notice really is what the offscreen window prints.
    proc = _python(
        "import sys\n"
        "import phoenix_gui.qt.shell.app as app\n"
        "app.HARMLESS_QT_MESSAGES = frozenset()\n"
        "from phoenix_gui.cli import main\n"
        "sys.exit(main(['gui', '--self-test', '--steps', '5', '--max-stall-ms', '60000']))\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert NOTICE in proc.stderr


@pytest.mark.parametrize("pattern", ["", "[%{type}] %{message}"])
def test_other_messages_reach_stderr_in_qt_format(pattern: str) -> None:
    code = (
        "from PySide6 import QtCore\n"
        "from phoenix_gui.qt.shell.app import quiet_harmless_qt_messages\n"
        "with quiet_harmless_qt_messages():\n"
        f"    QtCore.qWarning({NOTICE!r})\n"
        f"    QtCore.qWarning({OTHER!r})\n"
        f"    QtCore.qCritical({OTHER + ' (critical)'!r})\n"
        f"QtCore.qWarning({'after: ' + NOTICE!r})\n"
    )
    env = {"QT_MESSAGE_PATTERN": pattern} if pattern else {}
    filtered = _python(code, **env)
    # The same messages through Qt's own handler, minus the notice: what the filter must print.
    unfiltered = _python(code.replace("with quiet_harmless_qt_messages():", "if True:"), **env)
    assert filtered.returncode == 0 and unfiltered.returncode == 0, filtered.stderr
    want = [line for line in unfiltered.stderr.splitlines() if line.strip() != NOTICE]
    want = [line for line in want if not line.endswith("] " + NOTICE)]
    assert filtered.stderr.splitlines() == want
    assert len(want) == 3 and NOTICE in want[-1]  # the handler is restored afterwards
    if pattern:
        assert want[0] == f"[warning] {OTHER}" and want[1].startswith("[critical] ")


@pytest.mark.qt_log_ignore(OTHER)
def test_the_filter_chains_to_the_handler_a_test_harness_installed(qtlog) -> None:
    # pytest-qt installs its own handler for each test: it still gets every other message.
    with quiet_harmless_qt_messages() as dropper:
        assert dropper.previous is not None  # pytest-qt's, not Qt's default
        QtCore.qWarning(NOTICE)
        QtCore.qWarning(OTHER)
    QtCore.qWarning(OTHER)  # after: pytest-qt's handler directly again
    assert [r.message for r in qtlog.records] == [OTHER, OTHER]


def test_the_filter_drops_exactly_the_listed_messages() -> None:
    seen: list[str] = []
    dropper = QtMessageFilter(lambda _kind, _context, message: seen.append(message))
    for message in (NOTICE, NOTICE + " ", "propagateSizeHints", OTHER, *HARMLESS_QT_MESSAGES):
        dropper(QtCore.QtMsgType.QtWarningMsg, None, message)
    assert seen == [NOTICE + " ", "propagateSizeHints", OTHER]
