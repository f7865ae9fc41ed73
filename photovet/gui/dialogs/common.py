"""Pieces every dialog shares."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from photovet.core.register.values import parse_date
from photovet.core.words import uk_day as day_words


def ok_cancel(dialog: QDialog, ok_text: str | None = None, *, cancel_text: str | None = None,
              on_ok: Callable[[], None] | None = None) -> QDialogButtonBox:
    """The dialog's OK and Cancel buttons, OK named for what it does ("Add account"); OK calls
    ``on_ok`` (default: accept), Cancel rejects. The caller places the box in its layout."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    if cancel_text:
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def fit_resize(dialog: QWidget, width: int, height: int, parent: QWidget | None = None) -> None:
    """``dialog.resize(width, height)``, never larger than the screen it opens on (less a
    margin for the window's frame): a 1100 px take-down list on a 1024 px school laptop put its
    Close button and the end of every line off the screen."""
    owner = parent if parent is not None else dialog.parentWidget()
    screen = (owner.screen() if owner is not None else None) or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - 24)
        height = min(height, room.height() - 48)
    dialog.resize(width, height)


def _qdate(d: _dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DateField(QWidget):
    """A date as an office writes it (22/07/2026, 2026-07-22, 22 Jul 2026: the register's
    ``parse_date``), or picked from a calendar. Replaces Qt's QDateEdit, whose typing by
    sections turned "22/07/2026" typed over "30/11/2026" into 30/07/2026 without a word
    (audit s28, finding 11: six leaving dates recorded a week late).

    ``empty_text``: when given, an empty field is allowed and means that ("now", "no end
    date"); otherwise a date is needed. ``earliest`` / ``latest`` bound it. A dialog calls
    ``check()`` before it accepts: False (and the reason shown under the field) when the text
    is not such a date; nothing is ever read from a text that is not a date."""

    changed = Signal()

    def __init__(self, value: _dt.date | None = None, *, empty_text: str = "",
                 earliest: _dt.date | None = None, latest: _dt.date | None = None,
                 name: str = "Date", parent: QWidget | None = None):
        super().__init__(parent)
        self.empty_text, self.earliest, self.latest = empty_text, earliest, latest
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setPlaceholderText(empty_text or "DD/MM/YYYY")
        self.line.setAccessibleName(name)
        self.line.setToolTip("Write the date as DD/MM/YYYY (22/07/2026), or pick it from the "
                             "calendar" + (f"; leave it empty for \u201c{empty_text}\u201d"
                                           if empty_text else ""))
        self.line.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 12)
        self.line.textChanged.connect(self._edited)
        row.addWidget(self.line)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        if earliest is not None:
            self.calendar.setMinimumDate(_qdate(earliest))
        if latest is not None:
            self.calendar.setMaximumDate(_qdate(latest))
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._calendar_at_value)
        self.pick = QToolButton()
        self.pick.setText("Calendar\u2026")
        self.pick.setAccessibleName(f"{name}: pick from a calendar")
        self.pick.setMenu(menu)
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        row.addWidget(self.pick)
        row.addStretch(1)
        lay.addLayout(row)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a40000;")
        self.error.setVisible(False)
        lay.addWidget(self.error)
        self.setFocusProxy(self.line)
        self.set_value(value)

    # --- reading and writing ---------------------------------------------------------------

    def set_value(self, value: _dt.date | None) -> None:
        self.line.setText(value.strftime("%d/%m/%Y") if value is not None else "")

    def setDate(self, value: QDate | _dt.date) -> None:          # QDateEdit's name
        """As QDateEdit's (tests and older callers): a QDate or a date."""
        if isinstance(value, QDate):
            value = _dt.date(value.year(), value.month(), value.day())
        self.set_value(value)

    def text(self) -> str:
        """What the field shows: the date as written, or the empty field's meaning."""
        return self.line.text().strip() or self.empty_text

    def problem(self) -> str | None:
        """Why the text is not a date this field takes, in words; None when it is."""
        text = self.line.text().strip()
        if not text:
            return None if self.empty_text else "Write a date as DD/MM/YYYY (for example 22/07/2026)."
        try:
            value = parse_date(text)
        except ValueError:
            return (f"\u2018{text}\u2019 is not a date: write it as DD/MM/YYYY (for example "
                    "22/07/2026).")
        assert value is not None
        if self.earliest is not None and value < self.earliest:
            return f"The date cannot be before {day_words(self.earliest)}."
        if self.latest is not None and value > self.latest:
            return f"The date cannot be after {day_words(self.latest)}."
        return None

    def value(self) -> _dt.date | None:
        """The date written, or None for an empty field that may be empty. ValueError when
        the text is not such a date (``check()`` first)."""
        why = self.problem()
        if why:
            raise ValueError(why)
        return parse_date(self.line.text().strip())

    def date(self) -> QDate:
        """As QDateEdit's: the date as a QDate (an invalid QDate when there is none)."""
        try:
            value = self.value()
        except ValueError:
            return QDate()
        return _qdate(value) if value is not None else QDate()

    def check(self) -> bool:
        """True when the field holds a date it takes; otherwise says why under it and takes
        the focus (a dialog then stays open)."""
        why = self.problem()
        self.error.setText(why or "")
        self.error.setVisible(bool(why))
        if why:
            self.line.setFocus()
            self.line.selectAll()
        return why is None

    # --- the calendar ----------------------------------------------------------------------

    def _calendar_at_value(self) -> None:
        q = self.date()
        self.calendar.setSelectedDate(q if q.isValid() else QDate.currentDate())

    def _picked(self, q: QDate) -> None:
        self.setDate(q)
        menu = self.pick.menu()
        if menu is not None:
            menu.hide()

    def _edited(self, _text: str) -> None:
        if self.error.isVisible() and self.problem() is None:
            self.error.setVisible(False)
        self.changed.emit()


__all__ = ["DateField", "ok_cancel"]
