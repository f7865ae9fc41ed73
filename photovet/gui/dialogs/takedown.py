"""The take-down list: posted (or exported) photos that show someone whose consent is now
missing. The office works through it and marks each item done; every step is audited by core."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from .workers import error_text


def open_takedown_items(register: Any) -> list[Any]:
    """Re-evaluate every export against the register now; the open items. Empty on any problem
    reading records (the banner then simply stays hidden)."""
    if register is None or getattr(register, "db", None) is None:
        return []
    from photovet.core.records.exports import Records  # noqa: PLC0415

    return Records(register.db, getattr(register, "audit", None)).takedown(register=register)


class TakedownDialog(QDialog):
    changed = Signal()

    COLUMNS = ("What to do", "Who", "Why", "File", "Posted")

    def __init__(self, register: Any, *, user: str = "", parent=None):
        super().__init__(parent)
        self.register = register
        self.user = user or getpass.getuser()
        self.setWindowTitle("Photos to take down")
        self.resize(980, 460)
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Consent has been withdrawn (or a pupil has left, or is on the do-not-photograph list) "
            "for someone who is shown in these photos. Take each post down where you can, then "
            "mark it done. Everything you mark is recorded in the audit log.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        lay.addWidget(self.table, 1)
        self.empty = QLabel("Nothing to take down: every exported photo still matches the consent "
                            "register.")
        self.empty.setAlignment(Qt.AlignCenter)
        lay.addWidget(self.empty)
        row = QHBoxLayout()
        self.done_btn = QPushButton("Mark as taken down…")
        self.done_btn.clicked.connect(self.mark_done)
        self.save_btn = QPushButton("Save as a printable page…")
        self.save_btn.clicked.connect(self.save_html)
        row.addWidget(self.done_btn)
        row.addWidget(self.save_btn)
        row.addStretch(1)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.items: list[Any] = []
        self.refresh()

    def refresh(self) -> None:
        try:
            self.items = open_takedown_items(self.register)
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self, "Take-down list", f"The list could not be made.\n{error_text(exc)}")
            self.items = []
        self.table.setRowCount(len(self.items))
        for r, it in enumerate(self.items):
            who = ", ".join(f"{it.names.get(p, p)}" for p in it.people)
            why = "; ".join(it.reasons.get(p, "") for p in it.people)
            posted = ", ".join(f"{p.posted_on}" + (f" {p.url}" if p.url else "") for p in it.posts) or "not posted"
            for c, text in enumerate((it.action, who, why, Path(it.output_path).name, posted)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text if c != 3 else it.output_path)
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        has = bool(self.items)
        self.table.setVisible(has)
        self.empty.setVisible(not has)
        self.done_btn.setEnabled(has)
        self.save_btn.setEnabled(has)

    def selected_item(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return self.items[0] if len(self.items) == 1 else None
        return self.items[rows[0].row()]

    def mark_done(self, *, note: str | None = None) -> bool:
        item = self.selected_item()
        if item is None:
            QMessageBox.information(self, "Take-down list", "Choose a photo in the list first.")
            return False
        if note is None:
            note, ok = QInputDialog.getText(
                self, "Mark as taken down",
                f"{item.action}.\nA note for the record (optional, e.g. 'removed from Facebook'):")
            if not ok:
                return False
        from photovet.core.records.exports import Records  # noqa: PLC0415

        try:
            Records(self.register.db, getattr(self.register, "audit", None)).mark_taken_down(
                item.id, self.user, note or "")
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self, "Take-down list", error_text(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True

    def save_html(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save the take-down list", "take-down-list.html",
                                                  "Web page (*.html)")
            if not path:
                return None
        from photovet.core.records.exports import Records  # noqa: PLC0415

        try:
            return Records(self.register.db, getattr(self.register, "audit", None)).takedown_html(
                self.items, path)
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self, "Take-down list", error_text(exc))
            return None
