"""Ask for a short sentence: why a face may be shown, why a text may stay readable, a note for
the record. The question wraps (no text is cut off at any scale)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from .common import ok_cancel


class ReasonDialog(QDialog):
    def __init__(self, title: str, question: str, *, ok_text: str = "OK", placeholder: str = "",
                 required: bool = True, multiline: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("ReasonDialog")
        self.required = required
        lay = QVBoxLayout(self)
        label = QLabel(question)
        label.setWordWrap(True)
        lay.addWidget(label)
        if multiline:
            self.edit: QLineEdit | QPlainTextEdit = QPlainTextEdit()
            self.edit.setPlaceholderText(placeholder)
            self.edit.setFixedHeight(self.fontMetrics().height() * 4 + 12)
            self.edit.textChanged.connect(self._update)
        else:
            self.edit = QLineEdit()
            self.edit.setPlaceholderText(placeholder)
            self.edit.textChanged.connect(self._update)
        self.edit.setAccessibleName(title)
        lay.addWidget(self.edit)
        self.buttons = ok_cancel(self, ok_text)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        self._update()
        self.edit.setFocus()

    def value(self) -> str:
        if isinstance(self.edit, QPlainTextEdit):
            return self.edit.toPlainText().strip()
        return self.edit.text().strip()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.value()) or not self.required)


__all__ = ["ReasonDialog"]
