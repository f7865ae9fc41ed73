"""Who is acting: the one place the app knows the name it records with each decision.

Until staff sign-in arrives (issue 16: accounts with passwords and roles in the core), the
``Session`` asks once per session for the preparer's name (filled in with the last one) and,
separately, once for the senior leader who approves. Every ``user=`` / ``preparer=`` /
``approver=`` the app passes to the core comes from here, so replacing these questions with a
sign-in screen changes this module only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

PREPARER, APPROVER = "preparer", "approver"


class NameDialog(QDialog):
    """Ask for a person's name (a preparer, or a senior leader approving)."""

    def __init__(self, title: str, prompt: str, *, suggestions: list[str] | None = None,
                 current: str = "", ok_text: str = "Continue", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("NameDialog")
        self.setModal(True)
        lay = QVBoxLayout(self)
        info = QLabel(prompt)
        info.setWordWrap(True)
        lay.addWidget(info)
        form = QFormLayout()
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.setAccessibleName("Your name")
        self.name.addItems(suggestions or [])
        self.name.setCurrentText(current)
        self.name.lineEdit().setPlaceholderText("Your full name, for example Mrs J Patel")
        self.name.setMinimumWidth(self.fontMetrics().horizontalAdvance(
            "Your full name, for example Mrs J Patel") + 60)
        form.addRow("Your &name:", self.name)
        lay.addLayout(form)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color:#b23b3b;")
        lay.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.name.lineEdit().selectAll()

    def _accept(self) -> None:
        if len(self.value()) < 2:
            self.problem.setText("Please type your name: it is recorded with what you do.")
            return
        self.accept()

    def value(self) -> str:
        return " ".join(self.name.currentText().split())


class Session(QObject):
    """The people acting in this window, and their roles."""

    changed = Signal()

    def __init__(self, qs: QSettings, staff_names: Callable[[], list[str]] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._qs = qs
        self._staff_names = staff_names or (list)
        self._names: dict[str, str] = {}
        self.active = PREPARER          # the role of the view in front of the person

    # -- who is acting -------------------------------------------------------------------------

    def name(self, role: str) -> str:
        """The name given for ``role`` this session ("" until asked)."""
        return self._names.get(role, "")

    def roles(self) -> set[str]:
        return set(self._names)

    def sign_in(self, role: str, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            return
        self._names[role] = name
        if role == PREPARER:
            self._qs.setValue("people/preparer", name)
        self.changed.emit()

    def sign_out(self, role: str) -> None:
        if self._names.pop(role, None) is not None:
            self.changed.emit()

    # -- asking (once per session) -----------------------------------------------------------

    def preparer(self, parent: QWidget | None) -> str | None:
        """The preparer's name, asked once per session; None when the person cancels."""
        if not self.name(PREPARER):
            dlg = NameDialog(
                "Who is preparing these photos?",
                "Your name is recorded with every decision you make about a photo and when you "
                "mark photos ready, so the approver and the audit log know who checked them.",
                current=str(self._qs.value("people/preparer", "") or ""), parent=parent)
            if not dlg.exec():
                return None
            self.sign_in(PREPARER, dlg.value())
        return self.name(PREPARER)

    def approver(self, parent: QWidget | None) -> str | None:
        """The approving senior leader's name, asked once per session; None when cancelled."""
        if not self.name(APPROVER):
            dlg = NameDialog(
                "Approve as a senior leader",
                "A senior leader who did not prepare the photos approves them. Your name is "
                "recorded with each approval.",
                suggestions=self._staff_names(), current="", ok_text="Approve as me",
                parent=parent)
            if not dlg.exec():
                return None
            self.sign_in(APPROVER, dlg.value())
        return self.name(APPROVER)

    def set_active(self, role: str) -> None:
        """The approver's view is in front (APPROVER), or the preparer's (PREPARER)."""
        self.active = role
        self.changed.emit()

    def anyone(self, parent: QWidget | None) -> str | None:
        """Whoever is acting now (register changes, take-downs, reviews): the senior leader
        in the approver's view, else the preparer (asked once)."""
        if self.active == APPROVER:
            return self.approver(parent)
        return self.preparer(parent)


__all__ = ["APPROVER", "PREPARER", "NameDialog", "Session"]
