"""Settings > School rules (issue 18): what the school's policies ask beyond consent.

- **Keeping data**: every setting for keeping data, in one place: the retention schedule per
  kind (``retention.*``, in days), when deleting the originals is offered, and when face data of
  leavers and of people no longer in the MIS is deleted;
- **Group shots**: when a photo counts as one pupil's portrait (``group.*``) and, per channel,
  "group shots only" and "cover school identifiers" (the channel registry);
- **The school**: its names, initials and address words (``school.*``) and its crest and logo
  pictures (kept in the register);
- **Approver's checklist**: the school's own checks (``checklist.checks``).

The settings are saved with the rest of the Settings dialog (``apply_to``; the core checks the
values and the admin's permission, and audits the change). The channel rules and the crest
pictures, like the channels themselves, are stored at once by the core.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from photovet.core.channels import AUDIO_RULE_LABELS
from photovet.core.errors import PhotoVetError
from photovet.core.settings import DEFAULT_CHECKS, Settings
from photovet.core.words import PICTURE_LOOKED_FOR

from .. import style
from ..tasks import pil_to_qimage
from ..words import day, error_text

#: when the app offers to delete the originals of a batch (``retention.delete_originals_when``)
DELETE_WHEN = (("posted", "Once the photo is marked posted (recommended)"),
               ("exported", "Once a safe copy is exported"))
#: (setting, label, explanation) for each retention period this page sets
RETENTION_FIELDS = (
    ("originals_days", "Original photos not exported, or with no exported copy left",
     "after they were copied from a device or marked ready, or after their last export"),
    ("export_copies_days", "Export copies (the files PhotoVet wrote)",
     "after export; the export record stays"),
    ("export_records_days_after_leaving", "Leavers in the export records",
     "after their leaving date (never while a take-down of a photo of them is open)"),
    ("cache_days", "Saved check results", "after they were written (what PhotoVet found in a "
                   "photo, kept so it is not checked again: it saves time only)"),
    ("leavers_rows_days_after_leaving", "Leavers' register rows",
     "after their leaving date, once the export records no longer list them"),
    ("purge_encodings_days_after_leaving", "Leavers' face data",
     "after their leaving date"),
    ("purge_encodings_days_after_missing", "Face data of people no longer in the MIS",
     "after an import first found them missing"),
)
PICTURE_FILTER = "Pictures (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff *.gif);;All files (*)"


def confirm_voids(parent: QWidget, change, action: str = "Save") -> bool:
    """'Changing the school's name and details means that 4 approvals (3 photos and 1 video)
    no longer count: they must be approved again. Save?' (the core's count and words; Go back
    is the default; ``action``: what the person is about to do). True: go on."""
    n = len(change.voids)
    title = f"Approval{'s' if n != 1 else ''} to be given again"
    if getattr(change, "may", False):
        title = f"Approval{'s' if n != 1 else ''} that may be needed again"
    box = QMessageBox(QMessageBox.Icon.Warning, title,
                      f"{change.question()}\n\n{action}?", parent=parent)
    save = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is save


def channel_voids_news(ctx, change) -> None:
    """After a channel's change that voided approvals: the banner says so, in the core's words."""
    if change.voids:
        what = change.what()
        ctx.settings_news.emit(f"{what[:1].upper()}{what[1:]} changed. {change.voids_sentence()}")


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [" ".join(x.split()) for x in edit.toPlainText().splitlines() if x.strip()]


class SchoolRulesPage(QWidget):
    """``channels_changed`` after a channel's rule changed; ``pictures_changed`` after a crest
    or logo picture was added or removed (both stored at once by the core)."""

    channels_changed = Signal()
    pictures_changed = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.picture_change = None     # the last crest or logo change (core SettingsChange)
        self.setObjectName("SchoolRulesPage")
        s = ctx.ws.settings
        self.tabs = QTabWidget()
        self.tabs.addTab(self._retention_tab(s), "Keeping data")
        self.tabs.addTab(self._group_tab(s), "Group shots")
        self.tabs.addTab(self._school_tab(s), "The school")
        self.tabs.addTab(self._checklist_tab(s), "Approver's checklist")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.fill_channels()
        self.fill_pictures()

    # -- keeping data --------------------------------------------------------------------------

    def _retention_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(style.hint("How long PhotoVet keeps what it made or read (UK GDPR: no longer "
                            "than needed). Register > Due for deletion lists what is due and "
                            "deletes it. 0 days: as soon as the condition holds."))
        form = QFormLayout()
        self.delete_when = QComboBox()
        for key, text in DELETE_WHEN:
            self.delete_when.addItem(text, key)
        self.delete_when.setCurrentIndex(max(0, self.delete_when.findData(
            s.retention.delete_originals_when)))
        self.delete_when.setAccessibleName("Offer to delete a batch's originals")
        form.addRow("Offer to delete a batch's originals:", self.delete_when)
        self.retention: dict[str, QSpinBox] = {}
        for name, label, after in RETENTION_FIELDS:
            spin = QSpinBox()
            spin.setRange(0, 3650 if name.startswith("purge_encodings") else 36500)
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("36500 days") + 48)
            spin.setSuffix(" days")
            spin.setValue(int(getattr(s.retention, name)))
            spin.setAccessibleName(label)
            spin.setObjectName(f"retention-{name}")
            self.retention[name] = spin
            row = QHBoxLayout()
            row.addWidget(spin)
            row.addWidget(style.hint(after), 1)
            form.addRow(f"{label}:", row)
        lay.addLayout(form)
        lay.addStretch(1)
        return w

    # -- group shots and the channels' rules ----------------------------------------------------

    def _group_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        box = QGroupBox("When is a photo a group shot?")
        form = QFormLayout(box)
        self.min_faces = QSpinBox()
        self.min_faces.setRange(2, 50)
        self.min_faces.setValue(s.group.min_faces)
        self.min_faces.setSuffix(" faces")
        form.addRow("At least:", self.min_faces)
        self.max_share = QSpinBox()
        self.max_share.setRange(10, 100)
        self.max_share.setSuffix(" %")
        self.max_share.setValue(round(s.group.max_share * 100))
        form.addRow("No pupil's face more than:", self.max_share)
        form.addRow("", style.hint("of all the faces' area. On a \u201cgroup shots only\u201d channel, "
                              "a photo with fewer faces, or where one pupil's face is this large "
                              "a share, is held until a person accepts it with a reason. The "
                              "defaults (3 faces, 40 %) held every portrait and pair and no "
                              "group in PhotoVet's calibration (docs/POLICIES.md)."))
        lay.addWidget(box)
        chans = QGroupBox("Per channel")
        cl = QVBoxLayout(chans)
        cl.addWidget(style.hint("Changed at once for every PC (recorded with your name). The sound "
                           "of a video: PhotoVet cannot check spoken names, so social channels "
                           "keep it only after the approver has listened."))
        self.channel_table = QTableWidget(0, 4)
        self.channel_table.setHorizontalHeaderLabels(["Channel", "Group shots only",
                                                      "Cover school identifiers",
                                                      "Sound of videos"])
        self.channel_table.verticalHeader().setVisible(False)
        self.channel_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.channel_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        hh = self.channel_table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.channel_table.itemChanged.connect(self._channel_item_changed)
        cl.addWidget(self.channel_table)
        lay.addWidget(chans, 1)
        return w

    def fill_channels(self) -> None:
        if self.ctx.register_closed:        # a late refill (a timer) after the window closed
            return
        t = self.channel_table
        t.blockSignals(True)
        chans = self.ctx.ws.channels.all()
        allowed = self.ctx.ws.allowed("channels")
        t.setRowCount(len(chans))
        for r, c in enumerate(chans):
            name = QTableWidgetItem(c.label)
            name.setData(Qt.ItemDataRole.UserRole, c.id)
            t.setItem(r, 0, name)
            for col, (rule, on) in enumerate((("group_only", c.group_only),
                                              ("cover_school", c.cover_school)), 1):
                item = QTableWidgetItem("")
                flags = Qt.ItemFlag.ItemIsUserCheckable | (Qt.ItemFlag.ItemIsEnabled if allowed
                                                           else Qt.ItemFlag.NoItemFlags)
                item.setFlags(flags)
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                item.setData(Qt.ItemDataRole.UserRole, (c.id, rule))
                t.setItem(r, col, item)
            sound = QComboBox()
            for key, label in AUDIO_RULE_LABELS.items():
                sound.addItem(label, key)
            sound.setCurrentIndex(max(0, sound.findData(c.audio)))
            sound.setEnabled(allowed)
            sound.setAccessibleName(f"Sound of videos on {c.label}")
            sound.currentIndexChanged.connect(
                lambda _i, cid=c.id, box=sound: self.set_channel_rule(
                    cid, "audio", box.currentData(), later=True))
            t.setCellWidget(r, 3, sound)
        t.blockSignals(False)

    def channel_rule_cell(self, channel_id: str, rule: str) -> QTableWidgetItem | None:
        col = 1 if rule == "group_only" else 2
        for r in range(self.channel_table.rowCount()):
            if self.channel_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == channel_id:
                return self.channel_table.item(r, col)
        return None

    def sound_box(self, channel_id: str) -> QComboBox | None:
        for r in range(self.channel_table.rowCount()):
            if self.channel_table.item(r, 0).data(Qt.ItemDataRole.UserRole) == channel_id:
                return self.channel_table.cellWidget(r, 3)
        return None

    def set_channel_rule(self, channel_id: str, rule: str, on: bool | str, *,
                         later: bool = False) -> bool:
        """Store a channel's rule at once (the core checks the permission and audits it).
        ``later``: the table is filled again after the signal in hand (a combo box's own)."""
        refill = (lambda: QTimer.singleShot(0, self.fill_channels)) if later else \
            self.fill_channels
        try:   # the core says first which approvals the new rule would void
            change = self.ctx.ws.channel_change(channel_id, self.ctx.engine, **{rule: on})
        except PhotoVetError as exc:
            self.say(f"Not changed: {error_text(exc)}", error=True)
            refill()
            return False
        if change.voids and not self.confirm_voids(change, "Change the rule"):
            refill()                   # Go back: the table shows the rule as it is
            return False
        try:
            self.ctx.ws.channels.update(channel_id, **{rule: on})
        except PhotoVetError as exc:
            self.say(error_text(exc, after="Not changed"), error=True)
            refill()
            return False
        self.say("")
        refill()
        self.channels_changed.emit()
        channel_voids_news(self.ctx, change)
        return True

    def _channel_item_changed(self, item: QTableWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(data, (tuple, list)):
            return
        cid, rule = data
        self.set_channel_rule(cid, rule, item.checkState() == Qt.CheckState.Checked)

    # -- the school's identifiers -----------------------------------------------------------------

    def _school_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(style.hint("What says which school a photo was taken at. On each channel whose "
                            "rule says so (Group shots tab), they are covered wherever PhotoVet "
                            "reads them (signs, lanyards, uniforms); an uncertain match is "
                            "covered and sent for review. One per line."))
        words = QHBoxLayout()
        self.names = QPlainTextEdit("\n".join(s.school.names))
        # examples that cannot be taken for values already filled in (a real-looking name and
        # address in grey read as set: audit s26 item 13)
        self.names.setPlaceholderText("e.g. St Mary's C of E Primary\n(empty: none set yet)")
        self.abbreviations = QPlainTextEdit("\n".join(s.school.abbreviations))
        self.abbreviations.setPlaceholderText("e.g. SMP\n(empty: none set yet)")
        self.address = QPlainTextEdit("\n".join(s.school.address_words))
        self.address.setPlaceholderText("e.g. Church Lane\n(town, postcode: one a line)\n"
                                        "(empty: none set yet)")
        for title, edit in (("The school's names", self.names),
                            ("Initials", self.abbreviations),
                            ("Address words and postcode", self.address)):
            col = QVBoxLayout()
            col.addWidget(QLabel(f"<b>{title}</b>"))
            edit.setAccessibleName(title)
            edit.setTabChangesFocus(True)
            col.addWidget(edit)
            words.addLayout(col)
        lay.addLayout(words, 1)
        pics = QGroupBox("Crest and logo pictures")
        pl = QVBoxLayout(pics)
        pl.addWidget(style.hint("Found in photos at any size and angle. Kept in the register, so "
                           "every PC looks for the same ones; added and removed at once."))
        self.pictures = QListWidget()
        self.pictures.setViewMode(QListWidget.ViewMode.IconMode)
        self.pictures.setIconSize(QSize(96, 96))
        self.pictures.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.pictures.setMinimumHeight(140)
        self.pictures.setAccessibleName("Crest and logo pictures")
        self.pictures.itemSelectionChanged.connect(self._enable_pictures)
        pl.addWidget(self.pictures)
        row = QHBoxLayout()
        self.add_picture_btn = QPushButton("Add a picture\u2026")
        self.add_picture_btn.clicked.connect(lambda *_: self.add_picture())
        self.remove_picture_btn = QPushButton("Remove")
        self.remove_picture_btn.clicked.connect(lambda *_: self.remove_picture())
        row.addWidget(self.add_picture_btn)
        row.addWidget(self.remove_picture_btn)
        row.addStretch(1)
        pl.addLayout(row)
        lay.addWidget(pics)
        return w

    def fill_pictures(self) -> None:
        self.pictures.clear()
        sp = self.ctx.ws.school_pictures
        for p in sp.all():
            item = QListWidgetItem(f"{'Crest' if p.kind == 'crest' else 'Logo'}: {p.name}\n"
                                   f"added {day(p.added_at)}")
            try:
                im = sp.image(p.sha256)
                im.thumbnail((96, 96))
                item.setIcon(QIcon(QPixmap.fromImage(pil_to_qimage(im))))
            except PhotoVetError:
                pass
            item.setData(Qt.ItemDataRole.UserRole, p.sha256)
            item.setToolTip(f"{p.name}, {p.width} x {p.height} pixels, added by "
                            f"{p.added_by or '-'}")
            self.pictures.addItem(item)
        self._enable_pictures()

    def _enable_pictures(self) -> None:
        allowed = self.ctx.ws.allowed("school.pictures")
        self.add_picture_btn.setEnabled(allowed)
        self.remove_picture_btn.setEnabled(allowed and bool(self.pictures.selectedItems()))
        tip = "" if allowed else "Only an admin may change the school's pictures"
        self.add_picture_btn.setToolTip(tip)

    def add_picture(self, path: str | None = None, kind: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Choose the crest or logo picture",
                                                  str(Path.home()), PICTURE_FILTER)
            if not path:
                return False
        if kind is None:
            choice, ok = QInputDialog.getItem(self, "Crest or logo?", "This picture is the "
                                              "school's:", ["Crest", "Logo"], 0, False)
            if not ok:
                return False
            kind = choice.lower()
        change = self._pictures_change()
        if change is None or (change.voids and
                              not self.confirm_voids(change, "Add the picture")):
            return False
        try:
            self.ctx.ws.school_pictures.add(path, kind=kind)
        except PhotoVetError as exc:
            self.say(error_text(exc, after="Not added"), error=True)
            return False
        self.fill_pictures()
        self.say(f"Added {Path(path).name}: {PICTURE_LOOKED_FOR}.")
        self.picture_change = change
        self.pictures_changed.emit()
        return True

    def _pictures_change(self):
        try:   # the core says first which approvals a new or removed picture voids
            return self.ctx.ws.pictures_change(self.ctx.engine)
        except PhotoVetError as exc:
            self.say(error_text(exc, after="Not changed"), error=True)
            return None

    def confirm_voids(self, change, action: str = "Save") -> bool:
        return confirm_voids(self, change, action)

    def remove_picture(self, confirm: bool = True) -> bool:
        items = self.pictures.selectedItems()
        if not items:
            return False
        sha = items[0].data(Qt.ItemDataRole.UserRole)
        change = self._pictures_change()
        if change is None:
            return False
        if confirm and QMessageBox.question(
                self, "Remove this picture?", "Stop looking for this picture in photos and "
                "videos? This is recorded with your name.") != QMessageBox.StandardButton.Yes:
            return False
        if change.voids and not self.confirm_voids(change, "Remove the picture"):
            return False
        try:
            gone = self.ctx.ws.school_pictures.remove(sha)
        except PhotoVetError as exc:
            self.say(error_text(exc, after="Not removed"), error=True)
            return False
        self.fill_pictures()
        self.say(f"Removed {gone.name}.")
        self.picture_change = change
        self.pictures_changed.emit()
        return True

    # -- the approver's checklist ------------------------------------------------------------------

    def _checklist_tab(self, s: Settings) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(style.hint("The school's own checks. The approver ticks every one before a photo "
                            "is approved; the ticks are kept with the approval and printed in a "
                            "subject access report. A check added later means approvals made "
                            "without it must be made again. Double-click a check to change its "
                            "words."))
        self.checks = QListWidget()
        self.checks.setAccessibleName("The approver's checks")
        self.checks.setWordWrap(True)
        self.checks.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        for c in s.checklist.checks:
            self._add_check_item(c)
        lay.addWidget(self.checks, 1)
        row = QHBoxLayout()
        for text, slot in (("Add a check\u2026", lambda *_: self.add_check()),
                           ("Remove", lambda *_: self.remove_check()),
                           ("Up", lambda *_: self.move_check(-1)),
                           ("Down", lambda *_: self.move_check(1)),
                           ("The policies' checks", lambda *_: self.set_checks(DEFAULT_CHECKS))):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        return w

    def _add_check_item(self, text: str, row: int | None = None) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        if row is None:
            self.checks.addItem(item)
        else:
            self.checks.insertItem(row, item)
        return item

    def check_texts(self) -> list[str]:
        return [" ".join(self.checks.item(i).text().split()) for i in range(self.checks.count())
                if self.checks.item(i).text().strip()]

    def set_checks(self, checks: list[str]) -> None:
        self.checks.clear()
        for c in checks:
            self._add_check_item(c)

    def add_check(self, text: str | None = None) -> bool:
        if text is None:
            text, ok = QInputDialog.getText(self, "Add a check", "The check, as the approver "
                                            "should read it:")
            if not ok:
                return False
        if not text.strip():
            return False
        self.checks.setCurrentItem(self._add_check_item(text.strip()))
        return True

    def remove_check(self) -> None:
        row = self.checks.currentRow()
        if row >= 0:
            self.checks.takeItem(row)

    def move_check(self, step: int) -> None:
        row = self.checks.currentRow()
        new = row + step
        if row < 0 or not 0 <= new < self.checks.count():
            return
        item = self.checks.takeItem(row)
        self.checks.insertItem(new, item)
        self.checks.setCurrentRow(new)

    # -- saving with the Settings dialog ---------------------------------------------------------

    def values(self) -> dict:
        """This page's settings, as ``Settings.update`` takes them."""
        return {
            "retention": {**{name: spin.value() for name, spin in self.retention.items()},
                          "delete_originals_when": self.delete_when.currentData()},
            "group": {"min_faces": self.min_faces.value(),
                      "max_share": round(self.max_share.value() / 100, 2)},
            "school": {"names": _lines(self.names), "abbreviations": _lines(self.abbreviations),
                       "address_words": _lines(self.address)},
            "checklist": {"checks": self.check_texts()},
        }

    def load(self, s: Settings) -> None:
        """Show ``s``'s values on this page (the school's settings read again)."""
        self.delete_when.setCurrentIndex(max(0, self.delete_when.findData(
            s.retention.delete_originals_when)))
        for name, spin in self.retention.items():
            spin.setValue(int(getattr(s.retention, name)))
        self.min_faces.setValue(s.group.min_faces)
        self.max_share.setValue(round(s.group.max_share * 100))
        self.names.setPlainText("\n".join(s.school.names))
        self.abbreviations.setPlainText("\n".join(s.school.abbreviations))
        self.address.setPlainText("\n".join(s.school.address_words))
        self.set_checks(list(s.checklist.checks))

    def apply_to(self, settings: Settings) -> Settings:
        """Put this page's values into ``settings`` (SettingsError, in plain words, when one
        cannot be used: e.g. the same check twice)."""
        settings.update(self.values())
        return settings

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color:#8a1c1c;" if error else "")
        self.message.setText(text)


__all__ = ["RETENTION_FIELDS", "SchoolRulesPage", "channel_voids_news", "confirm_voids"]
