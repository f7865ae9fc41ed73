"""The school's approved cameras and phones (issue 18): the list, adding one from a photo it
took, removing one. The same core calls as ``photovet devices [add|remove]``
(``photovet.core.devices.DeviceList``); the core checks the admin's permission
(``devices.approve``) and records each change in the audit log with their name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.devices import ApprovedDevice
from photovet.core.errors import PhotoVetError

from .. import style
from ..words import day, error_text, plural

IMAGE_FILTER = ("Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff *.avif *.dng);;"
                "All files (*)")


def device_note(d: ApprovedDevice) -> str:
    return "" if d.device.serial else ("Its photos carry no serial number: any camera of this "
                                       "model that writes none counts as this one")


def ask_label(parent: QWidget | None, device_text: str,
              refusal: Callable[[str], str | None] | None = None) -> str | None:
    """A name for the device (optional); None when the person cancelled. ``refusal``: the
    core's words for a name it would refuse (``Workspace.free_text_refusal``: a pupil's name,
    kept in the audit log), asked before the question closes: it is asked again with the
    words and what was typed, so nothing typed is lost."""
    typed, why = "", ""
    while True:
        label, ok = QInputDialog.getText(
            parent, "Add an approved device",
            f"Add {device_text} to the school's approved devices?\n\nPhotos it takes then "
            "count as taken with a school device. This is recorded with your name.\n\nA name "
            "for it (optional), for example \u201cOffice camera\u201d:"
            + (f"\n\n{why}" if why else ""), QLineEdit.EchoMode.Normal, typed)
        if not ok:
            return None
        label = label.strip()
        why = (refusal(label) or "") if refusal is not None and label else ""
        if not why:
            return label
        typed = label


class DevicesDialog(QDialog):
    """``changed`` after a device was added or removed (photos are decided again)."""

    changed = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Approved devices")
        self.setObjectName("DevicesDialog")
        self.resize(780, 420)
        lay = QVBoxLayout(self)
        self.intro = QLabel("The school's own cameras and phones, approved in advance by the "
                            "online safety officer. A photo from any other device is flagged for "
                            "a look in review and its device is written in the export record; it "
                            "is not blocked: the school decides.")
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["No.", "Device", "Name", "Added", "By"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Approved devices")
        self.table.itemSelectionChanged.connect(self._enable)
        lay.addWidget(self.table, 1)
        self.empty = style.hint("No approved devices are listed: photos are not checked for the device "
                            "that took them. Add one from a photo it took.")
        lay.addWidget(self.empty)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        row = QHBoxLayout()
        self.add_btn = QPushButton("&Add from a photo\u2026")
        self.add_btn.setToolTip("Choose a photo the camera or phone took: its make, model and "
                                "serial number are read (the photo itself is not kept)")
        self.add_btn.clicked.connect(lambda *_: self.add_from_photo())
        self.remove_btn = QPushButton("&Remove\u2026")
        self.remove_btn.clicked.connect(lambda *_: self.remove_selected())
        row.addWidget(self.add_btn)
        row.addWidget(self.remove_btn)
        row.addStretch(1)
        lay.addLayout(row)
        self.permission = style.hint("")
        lay.addWidget(self.permission)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)
        self.refresh()

    # -- showing ------------------------------------------------------------------------------

    def devices(self) -> list[ApprovedDevice]:
        return self.ctx.ws.devices.all()

    def refresh(self) -> None:
        devices = self.devices()
        self.table.setRowCount(len(devices))
        for r, d in enumerate(devices):
            vals = (str(d.id), d.device.label, d.label, day(d.added_at), d.added_by or "")
            for col, v in enumerate(vals):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, d.id)
                note = device_note(d)
                if note:
                    item.setToolTip(note)
                self.table.setItem(r, col, item)
        self.table.setVisible(bool(devices))
        self.empty.setVisible(not devices)
        allowed = self.ctx.ws.allowed("devices.approve")
        self.permission.setText("" if allowed else "Only an admin (the online safety officer or "
                                "office manager) may add or remove devices.")
        self.permission.setVisible(not allowed)
        self._enable()

    def _enable(self) -> None:
        allowed = self.ctx.ws.allowed("devices.approve")
        self.add_btn.setEnabled(allowed)
        self.remove_btn.setEnabled(allowed and self.selected_id() is not None)

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        if row < 0 or self.table.item(row, 0) is None or not self.table.selectedItems():
            return None
        return int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))

    def select_id(self, device_id: int) -> None:
        for r in range(self.table.rowCount()):
            if int(self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)) == device_id:
                self.table.selectRow(r)
                return

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color:#8a1c1c;" if error else "")
        self.message.setText(text)

    # -- changing -------------------------------------------------------------------------------

    def add_from_photo(self, path: str | None = None, label: str | None = None) -> bool:
        if path is None:
            start = str(self.ctx.qs.value("paths/last_folder", str(Path.home())))
            path, _ = QFileDialog.getOpenFileName(self, "Choose a photo the device took", start,
                                                  IMAGE_FILTER)
            if not path:
                return False
        if label is None:
            try:                # said before a name is asked for it (s51 walk)
                device = self.ctx.ws.devices.device_in_photo(path)
            except PhotoVetError as exc:
                self.say(error_text(exc, after="Not added"), error=True)
                return False
            label = ask_label(self, f"the {device.label} that took {Path(path).name}",
                              self.ctx.ws.free_text_refusal)
            if label is None:
                return False
        try:
            d = self.ctx.ws.devices.add_from_photo(path, label=label)
        except PhotoVetError as exc:
            self.say(error_text(exc, after="Not added"), error=True)
            return False
        self.refresh()
        self.select_id(d.id)
        self.say(f"Added {d.device.label}. Photos are checked again against the list.")
        self.changed.emit()
        return True

    def remove_selected(self, confirm: bool = True) -> bool:
        did = self.selected_id()
        if did is None:
            return False
        d = next((x for x in self.devices() if x.id == did), None)
        if d is None:
            return False
        if confirm and QMessageBox.question(
                self, "Remove this device?",
                f"Take {d.device.label}{' (' + d.label + ')' if d.label else ''} off the school's "
                "approved devices? Photos it takes are then flagged for a look in review. This is "
                "recorded with your name.") != QMessageBox.StandardButton.Yes:
            return False
        try:
            gone = self.ctx.ws.devices.remove(did)
        except PhotoVetError as exc:
            self.say(error_text(exc, after="Not removed"), error=True)
            return False
        self.refresh()
        left = len(self.devices())
        self.say(f"Removed {gone.device.label}; {plural(left, 'device')} on the list.")
        self.changed.emit()
        return True


__all__ = ["DevicesDialog", "ask_label", "device_note"]
