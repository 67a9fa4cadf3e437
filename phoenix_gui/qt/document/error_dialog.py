"""The dialog a scenario file that cannot be opened shows: every problem, where it is.

One row per problem — ``file:line:column``, the field path, the message — so a teacher can
go straight to the line in an editor. "Copy" puts the compiler-style text of the whole error
(one ``FILE:LINE:COL: path: message`` line per problem) on the clipboard for a bug report.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

COLUMNS = ("Location", "Field", "Problem")


class ScenarioErrorDialog(QtWidgets.QDialog):
    """Lists the problems of a ``ScenarioError`` (anything with a ``problems`` sequence)."""

    def __init__(
        self,
        error: Any,
        file_name: str | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioErrorDialog")
        self.error = error
        problems = list(getattr(error, "problems", ()))
        shown = os.path.basename(file_name) if file_name else _first_file(problems)
        self.setWindowTitle("Cannot open scenario")

        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        self.summary = QtWidgets.QLabel(
            f"<b>{_escape(shown)}</b> has {count} {noun} and was not opened. "
            "The current scenario has not changed."
        )
        self.summary.setWordWrap(True)

        self.table = QtWidgets.QTableWidget(count, len(COLUMNS))
        self.table.setObjectName("problemTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for row, problem in enumerate(problems):
            # The cell shows the file name (the summary names it); the tooltip the full path.
            where = f"{os.path.basename(problem.file)}:{problem.line}:{problem.column}"
            full = f"{problem.file}:{problem.line}:{problem.column}"
            for col, (text, tip) in enumerate(
                ((where, full), (problem.path, problem.path), (problem.message, problem.message))
            ):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(tip)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()

        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(
            "Copy", QtWidgets.QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.setToolTip("Copy every problem as text (file:line:column: field: ...)")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(820, min(520, 180 + 34 * count))

    def problem_lines(self) -> list[str]:
        """One ``FILE:LINE:COL: field: message`` line per problem (what Copy copies)."""
        return [str(p) for p in getattr(self.error, "problems", ())]

    def row_texts(self) -> list[list[str]]:
        """The table as displayed: location (file name:line:column), field, problem."""
        return [
            [_text(self.table.item(row, col)) for col in range(len(COLUMNS))]
            for row in range(self.table.rowCount())
        ]

    def copy_to_clipboard(self) -> None:
        QtGui.QGuiApplication.clipboard().setText("\n".join(self.problem_lines()))

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(820, 360)


def _text(item: QtWidgets.QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""


def _first_file(problems: list[Any]) -> str:
    return os.path.basename(problems[0].file) if problems else "The file"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
