"""Ask for a short sentence: why a face may be shown, why a text may stay readable, a note for
the record. The question wraps (no text is cut off at any scale). ``check``: the core's
refusal of what was typed (``Workspace.free_text_refusal``: it names a pupil and is kept in the
audit log), said under the box when OK is pressed; the dialog stays open with the text, so the
person rewrites it instead of typing it again."""

from __future__ import annotations

from collections.abc import Callable

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
                 required: bool = True, multiline: bool = False, parent: QWidget | None = None,
                 check: Callable[[str], str | None] | None = None):
        super().__init__(parent)
        self.check = check
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
        self.refusal = QLabel()
        self.refusal.setObjectName("ReasonRefusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #a4262c;")
        self.refusal.setAccessibleName("Why this cannot be kept")
        self.refusal.hide()
        lay.addWidget(self.refusal)
        self.buttons = ok_cancel(self, ok_text)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)
        self._update()
        self.edit.setFocus()

    def value(self) -> str:
        if isinstance(self.edit, QPlainTextEdit):
            return self.edit.toPlainText().strip()
        return self.edit.text().strip()

    def accept(self) -> None:
        why = self.check(self.value()) if self.check is not None and self.value() else None
        if why:
            self.refusal.setText(why)
            self.refusal.show()
            self._fit()
            self.edit.setFocus()
            return
        super().accept()

    def _fit(self) -> None:
        """Grow to hold the question and the refusal at the dialog's width: a dialog already
        shown does not grow by itself, and its wrapped question was squeezed (cut at the top,
        its second paragraph hidden) when the refusal appeared under the box."""
        lay = self.layout()
        lay.activate()
        need = lay.totalHeightForWidth(self.width()) if lay.hasHeightForWidth() else 0
        need = max(need, lay.totalMinimumSize().height(), self.sizeHint().height())
        if need > self.height():
            self.resize(self.width(), need)

    def _update(self) -> None:
        if self.refusal.isVisible():
            self.refusal.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.value()) or not self.required)


__all__ = ["ReasonDialog"]
