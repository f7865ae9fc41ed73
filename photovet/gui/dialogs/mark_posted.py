"""Mark exported photos as posted: a whole batch or the chosen exports, on which channel, on
which day (DD/MM/YYYY), and the post's address if it has one. The same core call as
``photovet posted``."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import Channel

from .. import style
from ..words import plural
from .common import ok_cancel


class MarkPostedDialog(QDialog):
    def __init__(self, batches: list[str], channels: list[Channel], *, batch: str = "",
                 channel: str = "", selected: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Mark as posted")
        self.setObjectName("MarkPostedDialog")
        lay = QVBoxLayout(self)
        intro = QLabel("Tell PhotoVet where and when these photos were posted. A take-down list "
                       "and a subject access report then show the post.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.by_batch = QRadioButton("Every photo of the batch")
        self.by_selection = QRadioButton(f"The {plural(selected, 'export')} chosen in the list")
        self.batch = QComboBox()
        self.batch.setAccessibleName("Batch")
        self.batch.addItems(batches)
        if batch in batches:
            self.batch.setCurrentText(batch)
        form.addRow(self.by_batch)
        form.addRow("&Batch:", self.batch)
        if selected:
            form.addRow(self.by_selection)
            self.by_selection.setChecked(True)
        else:
            self.by_selection.hide()
            self.by_batch.setChecked(True)
        self.channel = QComboBox()
        self.channel.setAccessibleName("Channel")
        for c in channels:
            self.channel.addItem(c.label, c.id)
        i = self.channel.findData(channel)
        self.channel.setCurrentIndex(max(0, i))
        form.addRow("Posted &on:", self.channel)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.date.setMaximumDate(QDate.currentDate())
        self.date.setAccessibleName("Date posted")
        form.addRow("&Date:", self.date)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://\u2026 (optional)")
        self.url.setAccessibleName("Address of the post")
        form.addRow("&Address of the post:", self.url)
        self.caption = QLineEdit()
        self.caption.setPlaceholderText("Optional: if not the export's caption")
        self.caption.setAccessibleName("Caption the post went out with")
        form.addRow("&Caption posted:", self.caption)
        hint = style.hint("PhotoVet checks it with the channel's rules and records whom it names, "
                      "for take-down lists and subject access reports.")
        form.addRow("", hint)
        lay.addLayout(form)
        lay.addWidget(ok_cancel(self, "Mark as posted"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        self.batch.currentIndexChanged.connect(lambda *_: self.by_batch.setChecked(True))
        if not batches:
            self.by_batch.setEnabled(False)
            self.batch.setEnabled(False)

    def day(self) -> _dt.date:
        d = self.date.date()
        return _dt.date(d.year(), d.month(), d.day())

    def values(self) -> dict:
        return {"batch": self.batch.currentText() if self.by_batch.isChecked() else None,
                "selection": self.by_selection.isChecked(),
                "channel": self.channel.currentData(), "date": self.day(),
                "url": self.url.text().strip() or None,
                "caption": self.caption.text().strip() or None}


__all__ = ["MarkPostedDialog"]
