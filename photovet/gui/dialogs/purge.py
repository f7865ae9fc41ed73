"""Delete a batch's original photos once their exports are safely posted: first the list of
what would be deleted and what is kept (and why), then one button. The same core call as
``photovet purge`` (``--dry-run`` first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photovet.core.transfer import FLASH_NOTE, PurgeReport
from photovet.core.words import PURGE_FOR_GOOD_NOTE, PURGE_TRASH_NOTE, live_clips_left

from .. import style
from ..words import plural
from .common import fit_resize


class PurgeDialog(QDialog):
    preview_requested = Signal(str)            # batch
    delete_requested = Signal(str, int)        # batch, 1 = for good

    def __init__(self, batches: list[str], batch: str = "", *, when: str = "posted",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Delete original photos")
        self.setObjectName("PurgeDialog")
        fit_resize(self, 820, 520)
        self.report: PurgeReport | None = None
        rule = ("posted" if when == "posted" else "exported")
        intro = QLabel(
            "PhotoVet deletes an original only when its safe copy still exists unchanged and is "
            f"marked {rule}, and the original has not changed since. Everything else is kept, "
            "and the list says why. Nothing is deleted until you press the button below.")
        intro.setWordWrap(True)
        self.batch = QComboBox()
        self.batch.setAccessibleName("Batch")
        self.batch.addItems(batches)
        if batch in batches:
            self.batch.setCurrentText(batch)
        self.batch.currentTextChanged.connect(self.preview_requested)
        row = QHBoxLayout()
        lab = QLabel("&Batch:")
        lab.setBuddy(self.batch)
        row.addWidget(lab)
        row.addWidget(self.batch, 1)
        self.summary = QLabel("Looking at the originals\u2026")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        # the Live Photo clips beside the photos: they stay, and the office is told why
        self.clips = style.hint("")
        self.clips.setAccessibleName("Live Photo clips left in the folder")
        self.clips.setTextFormat(Qt.TextFormat.PlainText)    # file names, never markup
        self.clips.setVisible(False)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Originals and what happens to each")
        self.permanent = QCheckBox("Delete for good instead of moving to the Recycle Bin / Trash")
        self.permanent.setToolTip(FLASH_NOTE)
        self.permanent.toggled.connect(self._update)
        self.note = style.hint("")
        self.delete_btn = QPushButton("Delete")
        self.delete_btn.setObjectName("Primary")
        # deleting is never what Enter does: it takes a click on the button (or Tab to it and
        # Space); Enter closes the list (s41 walk: Enter, Enter deleted 12 originals)
        self.delete_btn.setAutoDefault(False)
        self.delete_btn.setDefault(False)
        self.delete_btn.clicked.connect(lambda *_: self.delete_requested.emit(
            self.batch.currentText(), 1 if self.permanent.isChecked() else 0))
        self.close_btn = close = QPushButton("Close")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete_btn)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(row)
        lay.addWidget(self.summary)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.clips)
        lay.addWidget(self.permanent)
        lay.addWidget(self.note)
        lay.addLayout(buttons)
        self._update()

    def show_report(self, report: PurgeReport) -> None:
        self.report = report
        self.list.clear()
        for it in report.items:
            word = {"would-delete": "Will be deleted", "deleted": "Deleted",
                    "already-deleted": "Already deleted", "refused": "Kept",
                    "error": "Kept (problem)"}.get(it.status, it.status)
            item = QListWidgetItem(f"{word}: {Path(it.source).name} \u2014 {it.reason}")
            item.setToolTip(it.source)
            if it.status in ("refused", "error") and not it.as_planned:
                item.setForeground(style.COVER)     # a problem to look into, not a rule kept
            self.list.addItem(item)
        c = report.to_dict()["counts"]
        kept = c["refused"] + c["error"]
        if report.dry_run:
            self.summary.setText(f"<b>{plural(c['would-delete'], 'original')} can be deleted</b>"
                                 f"; {kept} will be kept; {c['already-deleted']} already deleted.")
        else:
            self.summary.setText(f"<b>{plural(c['deleted'], 'original')} deleted</b>; {kept} "
                                 f"kept; {c['already-deleted']} already deleted. {report.note}")
        clips = live_clips_left(report.live_clips_left, report.dry_run)
        self.clips.setText(clips)
        self.clips.setToolTip("\n".join(report.live_clips_left))
        self.clips.setVisible(bool(clips))
        self._update()

    def show_error(self, text: str) -> None:
        self.report = None
        self.list.clear()
        self.clips.setVisible(False)
        self.summary.setText(text)
        self._update()

    def _update(self) -> None:
        n = self.report.count("would-delete") if self.report is not None and \
            self.report.dry_run else 0
        self.delete_btn.setEnabled(n > 0)
        how = "for good" if self.permanent.isChecked() else "to the Recycle Bin"
        self.delete_btn.setText(f"Delete {plural(n, 'original')} {how}" if n else "Delete")
        # before deleting, what will happen (FLASH_NOTE says what happened, after)
        self.note.setText(PURGE_FOR_GOOD_NOTE if self.permanent.isChecked() else PURGE_TRASH_NOTE)


__all__ = ["PurgeDialog"]
