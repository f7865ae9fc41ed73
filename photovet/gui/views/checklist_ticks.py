"""The approver's checklist (issue 18): the school's own checks, ticked by the senior leader for
the photo in front of them, or once for a selection of photos (on the contact sheet,
dialogs/contact_sheet.py).

The checks are the school's settings (``Settings.checklist.checks``); the ticks go to the core
with the approval (``Approvals.approve(..., checks=...)``), which refuses an approval while a
check is unticked and signs the ticks with it. This widget decides nothing: it shows the checks
and hands over what was ticked, in the checklist's own words.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .. import style
from . import take_down


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


class CheckRow(QWidget):
    """A tick box and the check's words, wrapped (a check is a sentence); clicking the words
    ticks the box."""

    def __init__(self, box: QCheckBox, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.box = box
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setBuddy(box)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        # the sentence's first line level with the box's number (the box is a little taller
        # than a line of text; a label in a taller row drew its words in the middle)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        lift = max(0, (box.sizeHint().height() - self.label.fontMetrics().height()) // 2)
        self.label.setContentsMargins(0, lift, 0, 0)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.label, 1)

    def mousePressEvent(self, ev) -> None:
        if self.box.isEnabled():
            self.box.toggle()
        super().mousePressEvent(ev)

    def height_for(self, width: int) -> int:
        """The row's height at ``width``: the check's sentence wrapped beside the box. Asked
        of the label itself, which answers whether or not it is on screen (the layout answered
        -1 for a row not shown yet or hidden with its checklist, and Qt warned "Negative
        sizes" on every resize of the approval panel)."""
        lay = self.layout()
        m = lay.contentsMargins()
        box = self.box.sizeHint()
        room = max(1, width - m.left() - m.right() - box.width() - max(0, lay.spacing()))
        return max(box.height(), self.label.heightForWidth(room)) + m.top() + m.bottom()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.setMinimumHeight(self.height_for(self.width()))


class ChecklistTicks(QWidget):
    """One tick box per check. ``changed`` whenever a tick changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ChecklistTicks")
        self.heading = QLabel("The school's checklist")
        self.heading.setObjectName("SectionTitle")
        self.hint = style.hint("")
        self.box = QWidget()
        self.box_lay = QVBoxLayout(self.box)
        self.box_lay.setContentsMargins(0, 0, 0, 0)
        self.box_lay.setSpacing(2)
        self.boxes: list[QCheckBox] = []
        self.rows: list[CheckRow] = []
        self._checks: list[str] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.hint)
        lay.addWidget(self.box)
        self.set_checks([])

    # -- filling -----------------------------------------------------------------------------

    def set_checks(self, checks: Sequence[str], ticked: Sequence[str] = (), *,
                   editable: bool = True, note: str = "") -> None:
        """Show ``checks`` (the school's words), ``ticked`` ones ticked. Not ``editable``: the
        ticks signed with an approval already made (shown, not changed here)."""
        take_down(self.box_lay, self.rows)
        self.rows: list[CheckRow] = []
        self.boxes = []
        self._checks = list(checks)
        done = {_key(t) for t in ticked}
        for i, text in enumerate(self._checks, 1):
            b = QCheckBox(f"{i}.")
            b.setObjectName(f"check-{i}")
            b.setChecked(_key(text) in done)
            b.setEnabled(editable)
            b.setAccessibleName(text)
            b.toggled.connect(lambda *_: self.changed.emit())
            row = CheckRow(b, text)
            self.box_lay.addWidget(row)
            self.rows.append(row)
            self.boxes.append(b)
        if note:
            self.hint.setText(note)
        elif editable:
            self.hint.setText("Tick each check once you have looked; your ticks are kept with "
                              "the approval.")
        else:
            self.hint.setText("Ticked when it was approved.")
        self.hint.setVisible(bool(self.hint.text()))

    # -- reading -----------------------------------------------------------------------------

    def checks(self) -> list[str]:
        return list(self._checks)

    def ticked(self) -> list[str]:
        """The ticked checks, in the checklist's own words (what the core is given)."""
        return [c for c, b in zip(self._checks, self.boxes) if b.isChecked()]

    def set_ticked(self, ticked: Sequence[str]) -> None:
        done = {_key(t) for t in ticked}
        for c, b in zip(self._checks, self.boxes):
            b.setChecked(_key(c) in done)

    def tick(self, number: int, on: bool = True) -> None:
        """Tick check ``number`` (from 1), as a person would."""
        self.boxes[number - 1].setChecked(on)

    def clear(self) -> None:
        for b in self.boxes:
            b.setChecked(False)


__all__ = ["ChecklistTicks"]
