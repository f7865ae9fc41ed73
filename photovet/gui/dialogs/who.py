"""Who is this face? A searchable list of the register, placed beside the face so it never
hides it. Typing filters the list; Down moves into it; Enter chooses the highlighted person (or
the only one left)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core import policy
from photovet.core.models import Channel, Person

from .common import ok_cancel


def place_beside(dialog: QWidget, target: QRect) -> None:
    """Move ``dialog`` beside ``target`` (global coordinates) so it does not cover it (a
    question about a face leaves the face in view)."""
    screen = QGuiApplication.screenAt(target.center()) or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    w, h = dialog.width(), dialog.height()
    y = max(area.top(), min(target.top(), area.bottom() - h))
    if target.right() + 16 + w <= area.right():
        x = target.right() + 16
    elif target.left() - 16 - w >= area.left():
        x = target.left() - 16 - w
    else:  # no room at the sides: above or below
        x = max(area.left(), min(target.left(), area.right() - w))
        y = target.bottom() + 16 if target.bottom() + 16 + h <= area.bottom() else \
            max(area.top(), target.top() - 16 - h)
    dialog.move(x, y)


class PersonPicker(QDialog):
    def __init__(self, people: list[Person], channel: Channel, media: str = "photo",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Who is this?")
        self.setObjectName("PersonPicker")
        self.resize(440, 460)
        lay = QVBoxLayout(self)
        info = QLabel(f"Choose the person in the highlighted box. PhotoVet then applies their "
                      f"consent for {channel.label}. Your choice is recorded with your name.")
        info.setWordWrap(True)
        lay.addWidget(info)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a name, class or year")
        self.search.setAccessibleName("Search the register")
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        lay.addWidget(self.search)
        self.list = QListWidget()
        self.list.setAccessibleName("People in the register")
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        # a long name wraps: its consent, the point of the line, was behind a sideways scroll
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay.addWidget(self.list, 1)
        today = _dt.date.today()
        for p in sorted(people, key=lambda p: (p.surname.lower(), p.first_name.lower())):
            # the core's words: "do not photograph", "left 20/07/2026", "Facebook: Yes"
            note = policy.consent_note(p, channel, media, today)
            dot = " \u00b7 "
            extra = dot.join(x for x in ("Staff" if p.is_staff else "", p.year_group,
                                         p.reg_group) if x)
            it = QListWidgetItem(f"{p.display_name}   ({extra + dot if extra else ''}{note})")
            it.setData(Qt.ItemDataRole.UserRole, p.id)
            it.setData(Qt.ItemDataRole.UserRole + 1,
                       f"{p.display_name} {p.legal_forename} {p.year_group} {p.reg_group} {p.id}".lower())
            self.list.addItem(it)
        self.empty = QLabel("The register is empty: import it first (Register menu).")
        self.empty.setVisible(not people)
        lay.addWidget(self.empty)
        self.buttons = ok_cancel(self, "This is them")
        lay.addWidget(self.buttons)
        self.list.currentItemChanged.connect(lambda *_: self._update_ok())
        self._update_ok()
        self.search.setFocus()

    def place_beside(self, target: QRect) -> None:
        """Move the dialog beside ``target`` (global coordinates) so it does not cover it."""
        place_beside(self, target)

    def _visible(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())
                if not self.list.item(i).isHidden()]

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.list.count()):
            it = self.list.item(i)
            hay = it.data(Qt.ItemDataRole.UserRole + 1)
            it.setHidden(bool(words) and not all(w in hay for w in words))
        shown = self._visible()
        cur = self.list.currentItem()
        if shown and (cur is None or cur.isHidden()):
            self.list.setCurrentItem(shown[0])
        self._update_ok()

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.search and ev.type() == QEvent.Type.KeyPress:
            if ev.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                shown = self._visible()
                if shown:
                    cur = self.list.currentItem()
                    i = shown.index(cur) if cur in shown else -1
                    i = min(len(shown) - 1, i + 1) if ev.key() == Qt.Key.Key_Down else max(0, i - 1)
                    self.list.setCurrentItem(shown[i])
                return True
            if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.chosen():
                    self.accept()
                return True
        return super().eventFilter(obj, ev)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.chosen()))

    def chosen(self) -> str | None:
        it = self.list.currentItem()
        if it is not None and not it.isHidden():
            return it.data(Qt.ItemDataRole.UserRole)
        return None


__all__ = ["PersonPicker", "place_beside"]
