"""Staff accounts (admins only): the list of accounts with their roles (from/to dates) and
state, and the small forms to add an account, give or end a role. The controller
(controllers/accounts.py) makes every change through the core, which decides (the last admin
is kept, names are never reused, roles must exist...)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.accounts import ROLE_LABELS, ROLES, AccountInfo

from .. import style
from ..words import day, when
from .common import DateField, fit_resize, ok_cancel

ROLE_HELP = {
    "preparer": "checks photos and marks them ready",
    "approver": "approves or rejects photos",
    "poster": "exports approved photos and records posts and take-downs",
    "admin": "the register, settings, staff accounts and deletions",
}


def grants_text(info: AccountInfo, today: _dt.date | None = None) -> str:
    """'Preparer (from 01/09/2026), Approver (until 31/08/2027)'; ended roles are left out."""
    today = today or _dt.date.today()
    parts = []
    for g in sorted(info.grants, key=lambda g: (ROLES.index(g.role) if g.role in ROLES
                                                 else len(ROLES), g.valid_from)):
        if g.valid_to is not None and g.valid_to < today:
            continue
        label = ROLE_LABELS.get(g.role, g.role)
        dates = []
        if g.valid_from > today:
            dates.append(f"from {day(g.valid_from)}")
        if g.valid_to is not None:
            dates.append(f"until {day(g.valid_to)}")
        parts.append(label + (f" ({', '.join(dates)})" if dates else ""))
    return ", ".join(parts) or "no role"


def _date_edit(optional: bool, name: str) -> DateField:
    """From (today unless changed) or Until (empty: no end date)."""
    if optional:
        return DateField(None, empty_text="no end date", name=name)
    return DateField(_dt.date.today(), name=name)


def _py_date(d: DateField) -> _dt.date | None:
    return d.value()


def _dates_written(*fields: DateField) -> bool:
    """Every date field holds a date (or is an empty one that may be); the first that does
    not says why and takes the focus."""
    return all(f.check() for f in fields)


class RoleBoxes(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for r in ROLES:
            b = QCheckBox(f"{ROLE_LABELS[r]}: {ROLE_HELP.get(r, '')}")
            b.setObjectName(f"role-{r}")
            b.toggled.connect(lambda *_: self.changed.emit())
            self.boxes[r] = b
            lay.addWidget(b)

    def roles(self) -> list[str]:
        return [r for r, b in self.boxes.items() if b.isChecked()]


class AddAccountDialog(QDialog):
    """A name, at least one role, and dates. "Add account" is pressed only with a name and a
    role (the audit: with no role ticked the form closed and what was typed was lost).
    ``submit(values)``: the controller's call to the core, returning None when the account was
    made, or the core's refusal in words, shown here with the form kept as it was typed."""

    def __init__(self, parent: QWidget | None = None, *,
                 submit: Callable[[dict], str | None] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add a staff account")
        self.submit = submit
        lay = QVBoxLayout(self)
        intro = QLabel("The person signs in the first time with a one-time code that PhotoVet "
                       "shows you next, and chooses their own password.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("Their full name, for example Mr T Okafor")
        self.name.setAccessibleName("Name")
        self.roles = RoleBoxes()
        self.valid_from = _date_edit(False, "From")
        self.valid_to = _date_edit(True, "Until")
        form.addRow("&Name:", self.name)
        form.addRow("Roles:", self.roles)
        form.addRow("&From:", self.valid_from)
        form.addRow("&Until:", self.valid_to)
        lay.addLayout(form)
        self.need = QLabel("")
        self.need.setObjectName("Hint")
        self.need.setWordWrap(True)
        # its place is kept when it is hidden: the form above stays where it is once the name
        # and a role are given (audit, second term, finding 13: the text jumped down)
        keep = self.need.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.need.setSizePolicy(keep)
        lay.addWidget(self.need)
        self.error = QLabel("")
        self.error.setObjectName("Problem")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        self.buttons = ok_cancel(self, "Add account")
        self.add_btn = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        lay.addWidget(self.buttons)
        self.name.textChanged.connect(self._update)
        self.roles.changed.connect(self._update)
        self._update()

    def _update(self) -> None:
        missing = []
        if not self.name.text().strip():
            missing.append("type their name")
        if not self.roles.roles():
            missing.append("tick at least one role (what they may do comes from their roles)")
        self.need.setText(("To add the account, " + " and ".join(missing) + ".")
                          if missing else "")
        self.need.setVisible(bool(missing))
        self.add_btn.setEnabled(not missing)

    def values(self) -> dict:
        return {"name": self.name.text(), "roles": self.roles.roles(),
                "valid_from": _py_date(self.valid_from), "valid_to": _py_date(self.valid_to)}

    def accept(self) -> None:
        """Add the account; a refusal is said here and the form stays as it was typed."""
        if not self.add_btn.isEnabled() or not _dates_written(self.valid_from, self.valid_to):
            return
        refusal = self.submit(self.values()) if self.submit is not None else None
        if refusal:
            self.error.setText(refusal)
            self.error.show()
            self.adjustSize()
            return
        super().accept()


class RoleDialog(QDialog):
    """Give a role (from/to dates), or choose which role ends."""

    def __init__(self, title: str, question: str, roles: list[str], *, dates: bool,
                 ok_text: str, end: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        q = QLabel(question)
        q.setWordWrap(True)
        lay.addWidget(q)
        form = QFormLayout()
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for r in roles:
            self.role.addItem(f"{ROLE_LABELS.get(r, r)}: {ROLE_HELP.get(r, '')}", r)
        form.addRow("&Role:", self.role)
        self.valid_from = _date_edit(False, "From")
        self.valid_to = _date_edit(True, "Until")
        self.dates = dates
        if dates:
            form.addRow("&From:", self.valid_from)
            form.addRow("&Until:", self.valid_to)
        # ending a role: now, or after a last day (a leaver at the end of term), as "Add an
        # account" has an Until date (audit, second term, finding 13)
        self.last_day = DateField(None, empty_text="now", earliest=_dt.date.today(),
                                  name="Until")
        self.last_day.line.setToolTip("The last day they hold the role (DD/MM/YYYY); empty "
                                      "(\u201cnow\u201d) ends it at once")
        self.end = end
        if end:
            form.addRow("&Until:", self.last_day)
        lay.addLayout(form)
        if end:
            lay.addWidget(style.hint("They hold the role until the end of the day written (the "
                                     "last day of term, for example, as DD/MM/YYYY). Left "
                                     "empty (\u201cnow\u201d), it ends at once."))
        lay.addWidget(ok_cancel(self, ok_text))

    def accept(self) -> None:
        shown = ([self.valid_from, self.valid_to] if self.dates else []) + \
            ([self.last_day] if self.end else [])
        if _dates_written(*shown):
            super().accept()

    def values(self) -> dict:
        """``last_day``: for ending a role, the last day it is held (None: it ends now)."""
        return {"role": self.role.currentData(),
                "valid_from": _py_date(self.valid_from) if self.dates else None,
                "valid_to": _py_date(self.valid_to) if self.dates else None,
                "last_day": _py_date(self.last_day) if self.end else None}


class StaffAccountsDialog(QDialog):
    """The accounts, and the buttons to change them (each handled by the controller)."""

    add_requested = Signal()
    grant_requested = Signal(str)
    end_role_requested = Signal(str)
    reset_requested = Signal(str)
    remove_requested = Signal(str)

    COLUMNS = ("Name", "Roles today and to come", "State", "Added")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Staff accounts")
        self.setObjectName("StaffAccountsDialog")
        fit_resize(self, 900, 480)
        lay = QVBoxLayout(self)
        intro = QLabel("Everyone who uses PhotoVet signs in with their own account; what they "
                       "may do comes from their roles. A member of staff who leaves is removed "
                       "(their name stays in the records of what they did).")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        lay.addWidget(self.table, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        lay.addWidget(self.message)
        row = QHBoxLayout()
        self.add_btn = QPushButton("Add an account\u2026")
        self.grant_btn = QPushButton("Give a role\u2026")
        self.grant_btn.setToolTip("Give the chosen person a role, from a day you choose")
        self.end_btn = QPushButton("End a role\u2026")
        self.end_btn.setToolTip("End one of the chosen person's roles, on a day you choose")
        self.reset_btn = QPushButton("New one-time code\u2026")
        self.reset_btn.setToolTip("Forgotten password or locked out: the old password stops "
                                  "working and the person chooses a new one with the code")
        self.remove_btn = QPushButton("Remove\u2026")
        self.remove_btn.setToolTip("The person has left: every role ends today and they can no "
                                   "longer sign in")
        for b in (self.grant_btn, self.end_btn, self.reset_btn, self.remove_btn):
            b.setProperty("photovet_row_tip", b.toolTip())
        close = QPushButton("Close")
        self.add_btn.clicked.connect(lambda *_: self.add_requested.emit())
        self.grant_btn.clicked.connect(lambda *_: self.grant_requested.emit(self.selected()))
        self.end_btn.clicked.connect(lambda *_: self.end_role_requested.emit(self.selected()))
        self.reset_btn.clicked.connect(lambda *_: self.reset_requested.emit(self.selected()))
        self.remove_btn.clicked.connect(lambda *_: self.remove_requested.emit(self.selected()))
        close.clicked.connect(self.accept)
        for b in (self.add_btn, self.grant_btn, self.end_btn, self.reset_btn, self.remove_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        self.accounts: list[AccountInfo] = []
        self._selection_changed()

    def show_accounts(self, accounts: list[AccountInfo]) -> None:
        keep = self.selected()
        self.accounts = list(accounts)
        self.table.setRowCount(len(self.accounts))
        for r, info in enumerate(self.accounts):
            cells = (info.name, grants_text(info) if not info.removed_at else "",
                     # in sentence case, as every cell ("Active", not "active": s36 walk)
                     info.status[:1].upper() + info.status[1:]
                     + (f" ({day(info.removed_at)})" if info.removed_at else ""),
                     f"{when(info.created_at)}" + (f" by {info.created_by}"
                                                   if info.created_by else ""))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info.name)
                if info.removed_at:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
            if info.name == keep:
                self.table.selectRow(r)
        self._selection_changed()

    def select(self, name: str) -> bool:
        for r, info in enumerate(self.accounts):
            if info.name == name:
                self.table.selectRow(r)
                return True
        return False

    def selected(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return ""
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def selected_info(self) -> AccountInfo | None:
        name = self.selected()
        return next((a for a in self.accounts if a.name == name), None)

    def _selection_changed(self) -> None:
        info = self.selected_info()
        live = info is not None and not info.removed_at
        # s46 walk PNG 08: greyed out until a row is chosen, and nothing said why
        why = ("" if live else "Choose a person first." if info is None else
               f"{info.name}'s account is removed: choose someone else.")
        for b in (self.grant_btn, self.end_btn, self.reset_btn, self.remove_btn):
            b.setEnabled(live)
            tip = b.property("photovet_row_tip") or ""
            b.setToolTip(f"{tip}. {why}" if tip and why else tip or why)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color:#b23b3b;" if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))


__all__ = ["AddAccountDialog", "RoleDialog", "StaffAccountsDialog", "grants_text"]
