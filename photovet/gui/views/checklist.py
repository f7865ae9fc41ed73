"""Getting started: the steps that set PhotoVet up for a school (the register, enrolment, the
channels, the school's name, who approves). Each step says whether it is done; the list stays
reachable (toolbar and Help menu) until every step is, and it never disappears on its own in
the middle."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .. import style


@dataclass
class Step:
    key: str
    title: str
    text: str
    done: bool
    button: str
    enabled: bool = True
    permission: str = ""        # what the step's button needs (the core's table), '' nothing


class _StepRow(QFrame):
    clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ChecklistStep")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        self.mark = QLabel()
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.mark.setMinimumWidth(self.fontMetrics().horizontalAdvance("Done") + 12)
        words = QVBoxLayout()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.body = QLabel()
        self.body.setWordWrap(True)
        words.addWidget(self.title)
        words.addWidget(self.body)
        self.button = QPushButton()
        self.button.clicked.connect(lambda *_: self.clicked.emit(self.key))
        lay.addWidget(self.mark)
        lay.addLayout(words, 1)
        lay.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.key = ""

    def show_step(self, n: int, step: Step) -> None:
        self.key = step.key
        self.button.setObjectName(f"step-{step.key}")
        self.mark.setText("\u2713 Done" if step.done else f"<b>{n}</b>")
        self.mark.setStyleSheet(f"color: {style.SHOW.name()}; font-weight: 600;" if step.done
                                else "font-size: 16pt;")
        self.title.setText(f"<b>{step.title}</b>")
        self.body.setText(step.text)
        self.button.setText(step.button)
        self.button.setEnabled(step.enabled)
        self.button.setMinimumWidth(self.button.sizeHint().width())


class ChecklistPanel(QWidget):
    step_clicked = Signal(str)
    start_requested = Signal()
    START = "Start checking photos"
    BACK = "Back to the photos"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ChecklistPanel")
        title = QLabel("Getting started with PhotoVet")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.6)
        f.setBold(True)
        title.setFont(f)
        intro = QLabel("PhotoVet checks photos and videos before they are posted: it covers the faces of "
                       "pupils who do not have consent for the channel, covers names it can read, "
                       "and removes hidden details such as the location. Nothing leaves this "
                       "computer. These steps set it up for your school:")
        intro.setWordWrap(True)
        self.progress = QLabel()
        self.rows: list[_StepRow] = []           # one per step (show_steps adds them)
        self.start = QPushButton(self.START)
        self.start.setObjectName("Primary")
        self.start.clicked.connect(lambda *_: self.start_requested.emit())
        self.note = style.hint("")
        col = QVBoxLayout()
        col.setSpacing(10)
        col.addWidget(title)
        col.addWidget(intro)
        col.addWidget(self.progress)
        self._col = col
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.start, 0, Qt.AlignmentFlag.AlignTop)
        col.addLayout(row)
        box = QWidget()
        box.setLayout(col)
        box.setMaximumWidth(860)
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        # in a scroll area: on a short window the steps scroll instead of being squeezed (their
        # wrapped sentences were cut to one line)
        inner = QWidget()
        outer = QVBoxLayout(inner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        mine = QVBoxLayout(self)
        mine.setContentsMargins(0, 0, 0, 0)
        mine.addWidget(scroll)
        outer.addStretch(1)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(box, 6)
        h.addStretch(1)
        outer.addLayout(h)
        outer.addStretch(2)

    def set_has_photos(self, has: bool) -> None:
        """The button under the steps says where it goes: back to the photos of the batch open
        (s51 walk: "Start checking photos" with ten photos already checked)."""
        self.start.setText(self.BACK if has else self.START)

    def show_steps(self, steps: list[Step]) -> None:
        while len(self.rows) < len(steps):
            r = _StepRow()
            r.clicked.connect(self.step_clicked)
            # after the title, the introduction, the progress line and the rows before it
            self._col.insertWidget(3 + len(self.rows), r)
            self.rows.append(r)
        done = sum(1 for s in steps if s.done)
        self.progress.setText(f"{done} of {len(steps)} done." + (
            " PhotoVet is ready for your school." if done == len(steps) else ""))
        for i, (row, step) in enumerate(zip(self.rows, steps), 1):
            row.show_step(i, step)
        register_done = steps[0].done
        self.note.setText("" if register_done else
                          "You can check photos before the register is imported, but then "
                          "PhotoVet cannot recognise anyone, so EVERY face is covered.")


__all__ = ["ChecklistPanel", "Step"]
