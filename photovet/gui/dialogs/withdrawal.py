"""Withdrawing consent by hand (or putting someone on the do-not-photograph list): who asked
for it and the day they asked, both required, kept with the change in the consent history. The
words of a refusal are the core's (policy.consent_request_refusal)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from photovet.core.policy import consent_request_refusal
from photovet.core.register.values import parse_date

from .common import ok_cancel


class WithdrawalDialog(QDialog):
    """``question``: what is about to change ("Change consent for Facebook for Joe Harris
    (J1) from Yes to No?"). ``today`` is for tests. ``names``: the core's refusal of who
    asked, for the person changed (``Workspace.requester_refusal``: another pupil's full
    name), asked before the dialog closes so nothing typed is lost."""

    def __init__(self, question: str, *, ok_text: str = "Withdraw consent",
                 title: str = "Withdraw consent", parent: QWidget | None = None,
                 today: _dt.date | None = None,
                 names: Callable[[str], str | None] | None = None,
                 also: str = ""):
        super().__init__(parent)
        self.names = names
        self.setWindowTitle(title)
        self.setObjectName("WithdrawalDialog")
        self.today = today or _dt.date.today()
        self._requested_on: _dt.date | None = None
        lay = QVBoxLayout(self)
        label = QLabel(question + "\n\nSay who asked for this and the day they asked. Both are "
                       "kept with the consent history, with your name and today's date.")
        label.setWordWrap(True)
        lay.addWidget(label)
        form = QFormLayout()
        self.who = QLineEdit()
        self.who.setObjectName("RequestedBy")
        self.who.setPlaceholderText("for example: Mrs Harris (mother), by email")
        self.who.setAccessibleName("Requested by")
        self.day = QLineEdit(self.today.strftime("%d/%m/%Y"))
        self.day.setObjectName("RequestedOn")
        self.day.setPlaceholderText("DD/MM/YYYY")
        self.day.setAccessibleName("The day they asked")
        form.addRow("Requested by (who, and how):", self.who)
        form.addRow("The day they asked:", self.day)
        lay.addLayout(form)
        self.also: QCheckBox | None = None
        if also:
            self.also = QCheckBox(also)
            self.also.setObjectName("AlsoWithdraw")
            self.also.setChecked(True)          # fail closed: the family's no, both kinds
            lay.addWidget(self.also)
        self.error = QLabel("")
        self.error.setObjectName("WithdrawalError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #8a1010;")
        self.error.setVisible(False)
        lay.addWidget(self.error)
        self.buttons = ok_cancel(self, ok_text, on_ok=self._ok)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 38)
        self.who.setFocus()

    def requested_by(self) -> str:
        return " ".join(self.who.text().split())

    def also_chosen(self) -> bool:
        return self.also is not None and self.also.isChecked()

    def requested_on(self) -> _dt.date | None:
        return self._requested_on

    def refusal(self) -> str | None:
        """Why OK cannot be taken yet (the core's words), or None."""
        text = self.day.text().strip()
        try:
            day = parse_date(text)
        except ValueError:
            return f"\u2018{text}\u2019 is not a date: write the day they asked as DD/MM/YYYY"
        why = consent_request_refusal(self.requested_by(), day, self.today)
        if why:
            return why[:1].upper() + why[1:] + "."
        named = self.names(self.requested_by()) if self.names is not None else None
        if named:
            return named
        self._requested_on = day
        return None

    def _ok(self) -> None:
        why = self.refusal()
        if why:
            self.error.setText(why)
            self.error.setVisible(True)
            self.adjustSize()           # room for the message: nothing above it is cut off
            (self.who if not self.requested_by() or why.startswith("Write")
             else self.day).setFocus()
            return
        self.accept()


__all__ = ["WithdrawalDialog"]
