"""Settings: recognition strictness, cover style, channel presets, data folder, retention and
approval. Saved with ``Settings.save()`` (atomic) into the data folder's settings.json.

Recognition can never be set looser than ``SAFE_MAX_DISTANCE`` / ``SAFE_MIN_MARGIN``: a
looser threshold would show children who only look like someone with consent.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import channel_label
from photovet.core.paths import data_dir
from photovet.core.settings import Settings

# (label, max_distance, min_margin, explanation). Lower distance / larger margin = stricter.
STRICTNESS = (
    ("Strict", 0.40, 0.10,
     "Shows a face only on a very close match. More faces of pupils with consent are covered "
     "and need a look; the safest choice."),
    ("Standard", 0.45, 0.08,
     "Recommended. A good balance: a pupil with consent is usually shown; anyone PhotoVet is "
     "not sure about is covered and flagged for review."),
    ("Relaxed", 0.50, 0.06,
     "Shows more pupils with consent automatically, for clear, well-lit photos. Still covers "
     "anyone not clearly recognised."),
)
SAFE_MAX_DISTANCE = 0.50   # never looser than this
SAFE_MIN_MARGIN = 0.06     # never a smaller margin than this

REDACTION_STYLES = (
    ("solid", "Solid cover (recommended)", "Faces and names are covered with a plain filled shape."),
    ("pixelate", "Coarse pixelation", "Large blocks (too coarse to recognise anyone); looks softer in a photo."),
)

DELETE_ORIGINALS = (
    ("posted", "Once the photo has been posted (recommended)"),
    ("exported", "Once a safe copy has been exported"),
)


def strictness_index(max_distance: float, min_margin: float) -> int | None:
    for i, (_, d, m, _) in enumerate(STRICTNESS):
        if abs(d - max_distance) < 1e-6 and abs(m - min_margin) < 1e-6:
            return i
    return None


def safe_recognition(max_distance: float, min_margin: float) -> tuple[float, float]:
    """Clamp recognition values to the safe bound."""
    return min(float(max_distance), SAFE_MAX_DISTANCE), max(float(min_margin), SAFE_MIN_MARGIN)


class SettingsDialog(QDialog):
    """The school's settings. ``saved`` is emitted after a successful save."""

    saved = Signal()

    def __init__(self, settings: Settings | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings if settings is not None else Settings.load()
        s = self.settings
        self.tabs = QTabWidget()
        self.tabs.addTab(self._recognition_tab(s), "&Recognition")
        self.tabs.addTab(self._channels_tab(s), "&Channels")
        self.tabs.addTab(self._data_tab(s), "&Data and retention")
        self.tabs.addTab(self._approval_tab(s), "&Approval")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(buttons)
        self.resize(640, 520)

    # -- tabs -------------------------------------------------------------------------------
    def _recognition_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        box = QGroupBox("How sure must PhotoVet be before it shows a face?")
        bl = QVBoxLayout(box)
        self.strictness = QSlider(Qt.Orientation.Horizontal)
        self.strictness.setRange(0, len(STRICTNESS) - 1)
        self.strictness.setPageStep(1)
        self.strictness.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.strictness.setTickInterval(1)
        self.strictness.setAccessibleName("Recognition strictness")
        ticks = QHBoxLayout()
        for i, (label, *_rest) in enumerate(STRICTNESS):
            t = QLabel(label)
            align = (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignRight)[i]
            t.setAlignment(align)
            ticks.addWidget(t, 1)
        self.strictness_text = QLabel("")
        self.strictness_text.setWordWrap(True)
        self.strictness_text.setMinimumHeight(self.strictness_text.fontMetrics().lineSpacing() * 3)
        bl.addWidget(self.strictness)
        bl.addLayout(ticks)
        bl.addWidget(self.strictness_text)
        note = QLabel("Whatever you choose, faces PhotoVet does not recognise, pupils without "
                      "consent and anyone on the do-not-photograph list are always covered. "
                      "Changing this re-checks your photos.")
        note.setWordWrap(True)
        bl.addWidget(note)

        d = float(s.get("recognition.max_distance", 0.45))
        m = float(s.get("recognition.min_margin", 0.08))
        idx = strictness_index(d, m)
        self._custom = idx is None
        self._custom_values = safe_recognition(d, m)
        self.strictness.setValue(1 if idx is None else idx)
        self.strictness.valueChanged.connect(self._strictness_moved)
        if idx is None:
            sd, sm = self._custom_values
            self.strictness_text.setText(
                f"Custom values from settings.json (distance {sd:.2f}, margin {sm:.2f}"
                + (", tightened to the safe limit" if (sd, sm) != (d, m) else "")
                + "). Move the slider to use a preset instead.")
        else:
            self._strictness_moved(idx)

        red = QGroupBox("How to cover faces and names")
        rl = QFormLayout(red)
        self.cover = QComboBox()
        current = s.get("cover.style", "solid")
        for key, label, tip in REDACTION_STYLES:
            self.cover.addItem(label, key)
            self.cover.setItemData(self.cover.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        i = self.cover.findData(current)
        self.cover.setCurrentIndex(max(i, 0))
        rl.addRow("&Style:", self.cover)
        lay.addWidget(box)
        lay.addWidget(red)
        lay.addStretch(1)
        return w

    def _strictness_moved(self, i: int) -> None:
        self._custom = False
        label, d, m, text = STRICTNESS[i]
        self.strictness_text.setText(f"<b>{label}.</b> {text}")

    def _channels_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        intro = QLabel("The size and JPEG quality of the safe copies made for each channel.")
        intro.setWordWrap(True)
        self.channels = s.channels
        self.channel_table = QTableWidget(len(self.channels), 3)
        self.channel_table.setHorizontalHeaderLabels(["Channel", "Longest side (pixels)", "Quality (1-100)"])
        self.channel_table.verticalHeader().setVisible(False)
        self.channel_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.long_edge: dict[str, QSpinBox] = {}
        self.quality: dict[str, QSpinBox] = {}
        for row, ch in enumerate(self.channels):
            conf = s.channel(ch)
            item = QTableWidgetItem(conf.get("label") or channel_label(ch))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.channel_table.setItem(row, 0, item)
            le = QSpinBox()
            le.setRange(320, 8000)
            le.setSingleStep(100)
            le.setValue(int(conf.get("long_edge", 2048)))
            le.setAccessibleName(f"{channel_label(ch)} longest side in pixels")
            q = QSpinBox()
            q.setRange(50, 100)
            q.setValue(int(conf.get("quality", s.get("jpeg_quality", 88))))
            q.setAccessibleName(f"{channel_label(ch)} JPEG quality")
            self.channel_table.setCellWidget(row, 1, le)
            self.channel_table.setCellWidget(row, 2, q)
            self.long_edge[ch], self.quality[ch] = le, q
        self.channel_table.resizeColumnsToContents()
        self.channel_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(intro)
        lay.addWidget(self.channel_table, 1)
        return w

    def _data_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        folder = QGroupBox("Data folder")
        fl = QVBoxLayout(folder)
        self.data_folder = QLabel(str(data_dir(create=False)))
        self.data_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_folder.setWordWrap(True)
        env = os.environ.get("PHOTOVET_HOME")
        note = QLabel(
            ("This folder is set by PHOTOVET_HOME. " if env else "")
            + "The register, face data, settings and audit log live here, readable by your computer "
            "account only. To keep them somewhere else (for example on an encrypted drive), set the "
            "PHOTOVET_HOME environment variable to that folder; it overrides this one."
        )
        note.setWordWrap(True)
        fl.addWidget(self.data_folder)
        fl.addWidget(note)

        ret = QGroupBox("Keeping and deleting data")
        rl = QFormLayout(ret)
        self.purge_days = QSpinBox()
        self.purge_days.setRange(0, 3650)
        self.purge_days.setSuffix(" days after leaving")
        self.purge_days.setSpecialValueText("At the next import after they leave")
        self.purge_days.setValue(int(s.get("retention.purge_encodings_days_after_leaving", 0) or 0))
        self.purge_days.setAccessibleName("Delete face data of leavers, days after leaving")
        rl.addRow("Delete a leaver's face data:", self.purge_days)
        self.delete_originals = QComboBox()
        for key, label in DELETE_ORIGINALS:
            self.delete_originals.addItem(label, key)
        i = self.delete_originals.findData(s.get("retention.delete_originals_when", "posted"))
        self.delete_originals.setCurrentIndex(max(i, 0))
        rl.addRow("Offer to delete originals:", self.delete_originals)
        rnote = QLabel("Originals are only ever deleted after a verified safe copy exists, and every "
                       "deletion is recorded in the audit log.")
        rnote.setWordWrap(True)
        rl.addRow(rnote)
        lay.addWidget(folder)
        lay.addWidget(ret)
        lay.addStretch(1)
        return w

    def _approval_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.approval = QCheckBox("A senior leader must &approve each photo before it is exported")
        self.approval.setChecked(bool(s.get("approval.required", True)))
        self.approval_warning = QLabel(
            "<b>Warning:</b> with approval turned off, photos can be exported without a second "
            "person checking them. Only do this in a one-person office. The app shows a warning "
            "on every export while this is off."
        )
        self.approval_warning.setWordWrap(True)
        self.approval_warning.setStyleSheet("background: #fff1cc; color: #5c4300; padding: 8px; border-radius: 4px;")
        self.approval_warning.setVisible(not self.approval.isChecked())
        self.approval.toggled.connect(lambda on: self.approval_warning.setVisible(not on))
        explain = QLabel("The person who prepares a photo cannot approve it; approvals are recorded "
                         "in the audit log with the approver's name.")
        explain.setWordWrap(True)
        lay.addWidget(self.approval)
        lay.addWidget(explain)
        lay.addWidget(self.approval_warning)
        lay.addStretch(1)
        return w

    # -- saving ------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The dotted settings this dialog would write."""
        if self._custom:
            d, m = self._custom_values
        else:
            _, d, m, _ = STRICTNESS[self.strictness.value()]
        d, m = safe_recognition(d, m)
        out: dict[str, Any] = {
            "recognition.max_distance": d,
            "recognition.min_margin": m,
            "cover.style": self.cover.currentData(),
            "retention.purge_encodings_days_after_leaving": self.purge_days.value(),
            "retention.delete_originals_when": self.delete_originals.currentData(),
            "approval.required": self.approval.isChecked(),
        }
        for ch in self.channels:
            out[f"channels.{ch}.long_edge"] = self.long_edge[ch].value()
            out[f"channels.{ch}.quality"] = self.quality[ch].value()
        return out

    def save(self) -> bool:
        for k, v in self.values().items():
            self.settings.set(k, v)
        try:
            self.settings.save()
        except Exception as exc:
            msg = exc.full() if hasattr(exc, "full") else str(exc)
            QMessageBox.critical(self, "Settings not saved", f"The settings could not be saved.\n{msg}")
            return False
        self.saved.emit()
        return True

    def accept(self) -> None:
        if not self.approval.isChecked() and bool(self.settings.get("approval.required", True)):
            answer = QMessageBox.warning(
                self, "Turn off approval?",
                "Photos will be exported without a senior leader approving them.\n\n"
                "Only do this if you work alone in the office. Turn approval off?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        if self.save():
            super().accept()
