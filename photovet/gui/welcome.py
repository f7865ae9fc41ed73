"""The first-run panel, shown while the consent register is empty."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


class _Choice(QFrame):
    """One step: a numbered title, a sentence, and a button."""

    def __init__(self, number: str, title: str, text: str, button: QPushButton, parent=None):
        super().__init__(parent)
        self.setObjectName("welcomeChoice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        num = QLabel(number)
        f = num.font()
        f.setPointSizeF(f.pointSizeF() * 1.6)
        f.setBold(True)
        num.setFont(f)
        num.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        num.setMinimumWidth(num.fontMetrics().horizontalAdvance("00"))
        words = QVBoxLayout()
        head = QLabel(f"<b>{title}</b>")
        body = QLabel(text)
        body.setWordWrap(True)
        words.addWidget(head)
        words.addWidget(body)
        lay.addWidget(num)
        lay.addLayout(words, 1)
        button.setMinimumWidth(button.fontMetrics().horizontalAdvance("Carry on without a register") + 32)
        lay.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)


class WelcomePanel(QWidget):
    """Import the register, enrol photos, or carry on with no register (everyone covered)."""

    import_register_requested = Signal()
    enrol_requested = Signal()
    continue_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("WelcomePanel")
        title = QLabel("Welcome to PhotoVet")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.8)
        f.setBold(True)
        title.setFont(f)
        intro = QLabel(
            "PhotoVet checks photos before they are posted: it covers the faces of pupils who do "
            "not have consent for the channel, covers names it can read, and removes hidden "
            "information such as the location. Nothing leaves this computer.\n\n"
            "Your consent register is empty. To show pupils who have consent, set it up first:"
        )
        intro.setWordWrap(True)

        self.import_button = QPushButton("Import register…")
        self.import_button.setDefault(True)
        self.import_button.setAccessibleDescription("Import pupils, staff and their photo consent from a CSV file")
        self.enrol_button = QPushButton("Enrol photos…")
        self.enrol_button.setAccessibleDescription("Add a face photo for each person so PhotoVet can recognise them")
        self.continue_button = QPushButton("Carry on without a register")
        self.continue_button.setAccessibleDescription("Every face in every photo will be covered")

        self.import_button.clicked.connect(self.import_register_requested)
        self.enrol_button.clicked.connect(self.enrol_requested)
        self.continue_button.clicked.connect(self.continue_requested)

        step1 = _Choice(
            "1",
            "Import the register",
            "Export your pupils and staff with their photo consent from your MIS (SIMS, Arbor, "
            "Bromcom or another) as a CSV file. PhotoVet shows you every change before it saves anything.",
            self.import_button,
        )
        step2 = _Choice(
            "2",
            "Enrol photos",
            "Then add one clear portrait per person (for example your MIS photo export, named by "
            "UPN), so PhotoVet can recognise who has consent.",
            self.enrol_button,
        )
        step3 = _Choice(
            "",
            "Or carry on without a register",
            "You can still check photos now, but with no register PhotoVet cannot recognise "
            "anyone, so EVERY face in every photo will be covered. Names and hidden "
            "information are still removed.",
            self.continue_button,
        )
        self.no_register_note = step3

        col = QVBoxLayout()
        col.setSpacing(12)
        col.addWidget(title)
        col.addWidget(intro)
        col.addSpacing(4)
        col.addWidget(step1)
        col.addWidget(step2)
        col.addSpacing(8)
        col.addWidget(step3)

        box = QWidget()
        box.setLayout(col)
        box.setMaximumWidth(760)
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self.setTabOrder(self.import_button, self.enrol_button)
        self.setTabOrder(self.enrol_button, self.continue_button)

    def showEvent(self, event):  # keyboard users land on the main action
        super().showEvent(event)
        self.import_button.setFocus()
