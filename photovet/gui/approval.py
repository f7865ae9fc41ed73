"""Approval in the app: the preparer marks photos ready, a named senior leader (not the preparer)
approves or rejects each, with an optional comment. The rules (and the audit) live in
``photovet.core.approval``; this module is the buttons, the dialogs and a small controller.
"""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import style
from .workers import error_text


class ApprovalController(QObject):
    """Thin wrapper over ``core.approval.Approvals`` that reports changes as a signal.

    ``approvals`` may be None (no register could be opened): then every photo is a draft and
    approving is refused with a clear message.
    """

    changed = Signal(list)   # sha256 values whose state changed

    def __init__(self, approvals: Any, *, required: bool = True, parent=None):
        super().__init__(parent)
        self.approvals = approvals
        self.required = required

    def status(self, sha256: str) -> str:
        if not sha256 or self.approvals is None:
            return "draft"
        try:
            return self.approvals.status(sha256)
        except Exception:
            return "draft"

    def state(self, sha256: str):
        if not sha256 or self.approvals is None or not hasattr(self.approvals, "get"):
            return None
        try:
            return self.approvals.get(sha256)
        except Exception:
            return None

    def _need(self) -> None:
        if self.approvals is None:
            raise RuntimeError("approvals cannot be recorded because the register could not be opened")

    def mark_ready(self, analyses: Iterable, *, preparer: str, batch: str = "") -> list[str]:
        """Mark each photo ready; returns one line per photo that was refused."""
        self._need()
        problems, done = [], []
        for a in analyses:
            name = a.path.rsplit("/", 1)[-1]
            if a.error:
                problems.append(f"{name}: could not be checked, so it cannot be approved")
                continue
            if a.needs_review:
                problems.append(f"{name}: some faces or names still need checking (amber boxes)")
                continue
            try:
                self.approvals.mark_ready(a.sha256, a.path, preparer=preparer, batch=batch)
                done.append(a.sha256)
            except Exception as exc:
                problems.append(f"{name}: {error_text(exc)}")
        if done:
            self.changed.emit(done)
        return problems

    def decide(self, analysis, approve: bool, *, approver: str, comment: str = "") -> None:
        """Approve or reject one photo. Raises (ApprovalError...) with a message for a person."""
        self._need()
        fn = self.approvals.approve if approve else self.approvals.reject
        fn(analysis.sha256, approver=approver, comment=comment)
        self.changed.emit([analysis.sha256])

    def record_override(self, analysis, what: str, details: dict, *, user: str | None = None) -> None:
        if self.approvals is None or not analysis.sha256:
            return
        before = self.status(analysis.sha256)
        self.approvals.record_override(analysis.sha256, analysis.path, what, details, user=user)
        if self.status(analysis.sha256) != before:
            self.changed.emit([analysis.sha256])


def state_sentence(state, required: bool) -> str:
    if not required:
        return "Approval is turned off in Settings."
    if state is None:
        return "Not marked ready yet."
    st = state.status
    if st == "draft":
        return "Not marked ready yet."
    if st == "ready":
        return f"Waiting for approval (prepared by {state.preparer})."
    if st == "approved":
        c = f" — “{state.comment}”" if state.comment else ""
        return f"Approved by {state.approver}{c}"
    if st == "rejected":
        c = f" — “{state.comment}”" if state.comment else ""
        return f"Rejected by {state.approver}{c}"
    return st


class ApprovalPanel(QWidget):
    """Buttons for the current photo, and who is doing what."""

    mark_ready_requested = Signal()
    mark_all_ready_requested = Signal()
    approve_requested = Signal()
    reject_requested = Signal()
    change_approver_requested = Signal()
    change_preparer_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = QLabel("Approval")
        self.heading.setObjectName("SectionTitle")
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("Banner")
        self.error_label.setStyleSheet(style.BANNER_ERROR)
        self.error_label.hide()

        self.ready_btn = QPushButton(style.icon("ready"), "Mark ready")
        self.ready_btn.setToolTip("Say this photo has been checked and can go to a senior leader for approval")
        self.ready_all_btn = QPushButton("Mark all checked ready")
        self.ready_all_btn.setToolTip("Mark every photo that needs no more checking as ready for approval")
        self.approve_btn = QPushButton(style.icon("approve"), "Approve (A)")
        self.reject_btn = QPushButton(style.icon("reject"), "Reject… (R)")
        self.ready_btn.clicked.connect(self.mark_ready_requested)
        self.ready_all_btn.clicked.connect(self.mark_all_ready_requested)
        self.approve_btn.clicked.connect(self.approve_requested)
        self.reject_btn.clicked.connect(self.reject_requested)

        self.people_label = QLabel("")
        self.people_label.setWordWrap(True)
        self.people_label.setTextFormat(Qt.RichText)
        self.people_label.linkActivated.connect(self._link)

        row1 = QHBoxLayout()
        row1.addWidget(self.ready_btn)
        row1.addWidget(self.ready_all_btn)
        row2 = QHBoxLayout()
        row2.addWidget(self.approve_btn)
        row2.addWidget(self.reject_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.state_label)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.people_label)
        lay.addWidget(self.error_label)
        self.set_people("", "")

    def _link(self, href: str) -> None:
        if href == "approver":
            self.change_approver_requested.emit()
        elif href == "preparer":
            self.change_preparer_requested.emit()

    def set_people(self, preparer: str, approver: str) -> None:
        prep = (f"Prepared by <b>{_esc(preparer)}</b> (<a href='preparer'>change</a>)" if preparer
                else "Prepared by: <a href='preparer'>say who you are</a>")
        appr = (f"Approver: <b>{_esc(approver)}</b> (<a href='approver'>change</a>)" if approver
                else "Approver: <a href='approver'>a senior leader signs in here</a>")
        self.people_label.setText(f"{prep}<br>{appr}")

    def show_state(self, analysis, state, required: bool) -> None:
        self.error_label.hide()
        on = analysis is not None and not getattr(analysis, "error", None)
        self.state_label.setText(state_sentence(state, required) if analysis is not None else "")
        for b in (self.ready_btn, self.ready_all_btn, self.approve_btn, self.reject_btn):
            b.setVisible(required)
        self.people_label.setVisible(required)
        st = state.status if state is not None else "draft"
        self.ready_btn.setEnabled(on and st in ("draft", "rejected"))
        self.approve_btn.setEnabled(on and st in ("ready", "rejected"))
        self.reject_btn.setEnabled(on and st in ("ready", "approved"))

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class NameDialog(QDialog):
    """Ask for a person's name (the preparer, or the approving senior leader)."""

    def __init__(self, title: str, prompt: str, *, suggestions: list[str] | None = None,
                 current: str = "", with_comment: bool = False, ok_text: str = "OK", parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        lay = QVBoxLayout(self)
        info = QLabel(prompt)
        info.setWordWrap(True)
        lay.addWidget(info)
        form = QFormLayout()
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.addItems(suggestions or [])
        self.name.setCurrentText(current)
        self.name.lineEdit().setPlaceholderText("Full name, e.g. Mrs J Patel")
        form.addRow("Name:", self.name)
        self.comment: QPlainTextEdit | None = None
        if with_comment:
            self.comment = QPlainTextEdit()
            self.comment.setPlaceholderText("Optional: why, or what to change")
            self.comment.setFixedHeight(70)
            form.addRow("Comment:", self.comment)
        lay.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color:#b23b3b;")
        lay.addWidget(self.problem)

    def _accept(self) -> None:
        if not self.value().strip():
            self.problem.setText("Please type a name.")
            return
        self.accept()

    def value(self) -> str:
        return self.name.currentText().strip()

    def comment_text(self) -> str:
        return self.comment.toPlainText().strip() if self.comment is not None else ""


__all__ = ["ApprovalController", "ApprovalPanel", "NameDialog", "state_sentence", "QLineEdit"]
