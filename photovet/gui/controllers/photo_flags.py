"""The school's own rules on the photo in review (issue 18): its flags (group shot, camera),
the school identifiers found in it, accepting a flag with a reason, and adding the photo's
camera to the approved devices with one click. Every change goes to the core at once
(``Reviewer.accept_flag`` / ``undo_flag``, ``DeviceList.add_from_photo``), which checks the
permission and refuses what policy refuses; then the photo is decided again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from photovet.core.errors import PhotoVetError
from photovet.core.review import ReviewConflict, ReviewRefused

from ..context import AppContext
from ..dialogs.devices import DevicesDialog
from ..dialogs.reason import ReasonDialog
from ..views.photo_flags import PhotoFlagsPanel
from ..words import error_text, sentence

ACCEPT_WORDS = {
    "group-shot": ("Accept this photo as it is?",
                   ("This channel takes group shots only and this photo may single out one "
                    "pupil. Say why it may be published as it is. Your reason is recorded with "
                    "your name."),
                   "For example: the whole team is in it and no pupil is named"),
    "device": ("Accept the device for this photo?",
               ("This photo was not taken with one of the school's approved devices, or its "
                "file does not say which. Say why it may be used. Your reason is recorded with "
                "your name."),
               "For example: a school camera whose settings hide the serial number"),
}


class PhotoFlagsController:
    """Wires the flags panel to the photo in review. ``current()`` gives the PhotoItem shown;
    ``redecide(item)`` and ``redecide_all()`` decide again (the batch controller's);
    ``shown()`` shows the current photo again (the review controller's)."""

    def __init__(self, ctx: AppContext, panel: PhotoFlagsPanel, *, current: Callable[[], Any],
                 redecide: Callable[[Any], None], redecide_all: Callable[[], None],
                 reshow: Callable[[], None], window: QWidget):
        self.ctx, self.panel, self.current = ctx, panel, current
        self.redecide, self.redecide_all, self.reshow = redecide, redecide_all, reshow
        self.window = window
        panel.accept_requested.connect(lambda kind: self.accept(kind))
        panel.undo_requested.connect(lambda kind: self.undo(kind))
        panel.add_device_requested.connect(lambda: self.add_device())
        panel.devices_requested.connect(lambda: self.open_devices())

    # -- showing ----------------------------------------------------------------------------------

    def show(self, *_: Any) -> None:
        if self.ctx.register_closed:        # a late redraw of a closed window's photo
            return
        item = self.current()
        a = item.analysis if item is not None else None
        ws = self.ctx.ws
        self.panel.show_analysis(a, can_accept=ws.allowed("flag.accept"),
                                 can_add_device=ws.allowed("devices.approve"))

    # -- accepting a flag ---------------------------------------------------------------------------

    def _item(self):
        item = self.current()
        if item is None or item.analysis is None or item.analysis.error or self.ctx.engine is None:
            return None
        return item

    def _store(self, item, change) -> bool:
        reviewer = self.ctx.ws.reviewer(self.ctx.engine.people_by_id.get)
        try:
            change(reviewer, item.analysis, self.ctx.current_channel())
        except ReviewRefused as exc:
            QMessageBox.information(self.window, "Not accepted",
                                    sentence(exc.message) + "\n\nNothing was changed.")
            return False
        except ReviewConflict as exc:
            QMessageBox.warning(self.window, "Changed by someone else",
                                sentence(exc.message) + "\n\nThe photo is shown again as it is "
                                "now; look at it and try again.")
            self.redecide(item)
            self.reshow()
            return False
        except PhotoVetError as exc:
            QMessageBox.warning(self.window, "Not changed", error_text(exc))
            return False
        self.redecide(item)
        self.reshow()
        self.ctx.approvals_changed.emit([item.analysis.sha256])
        return True

    def accept(self, kind: str, reason: str | None = None) -> bool:
        """Accept the photo's ``kind`` flag with a reason (asked for when not given)."""
        item = self._item()
        if item is None:
            return False
        if reason is None:
            title, question, hint = ACCEPT_WORDS.get(kind, ("Accept?", "Say why.", ""))
            flag = next((f for f in item.analysis.flags if f.kind == kind), None)
            if flag is not None:
                question = f"{sentence(flag.message)}\n\n{question}"
            dlg = ReasonDialog(title, question, ok_text="Accept", placeholder=hint,
                               multiline=True, parent=self.window,
                               check=self.ctx.ws.free_text_refusal)
            if not dlg.exec():
                return False
            reason = dlg.value()
        return self._store(item, lambda r, a, ch: r.accept_flag(a, kind, ch, reason=reason))

    def undo(self, kind: str) -> bool:
        item = self._item()
        if item is None:
            return False
        return self._store(item, lambda r, a, ch: r.undo_flag(a, kind, ch))

    # -- approved devices ---------------------------------------------------------------------------

    def add_device(self, label: str = "") -> bool:
        """Put the camera that took the current photo on the school's approved list: one click
        (the core checks the admin's permission and records it; Register > Approved devices
        lists it and takes it off again)."""
        item = self._item()
        if item is None:
            return False
        try:
            d = self.ctx.ws.devices.add_from_photo(item.path, label=label)
        except PhotoVetError as exc:
            QMessageBox.warning(self.window, "Device not added", error_text(exc))
            return False
        self.devices_changed()
        self.panel.say(f"{d.device.label} is now on the school's approved devices (number "
                       f"{d.id}, recorded with your name); the photos are checked against the "
                       "list again. Register > Approved devices takes it off.")
        return True

    def devices_changed(self) -> None:
        """The approved list changed: every photo of the batch is decided again."""
        self.redecide_all()
        item = self.current()
        if item is not None and item.analysis is not None:
            self.redecide(item)
        self.reshow()

    def open_devices(self) -> DevicesDialog:
        dlg = DevicesDialog(self.ctx, parent=self.window)
        dlg.changed.connect(self.devices_changed)
        dlg.finished.connect(lambda *_: dlg.deleteLater())
        dlg.open()
        return dlg


__all__ = ["PhotoFlagsController"]
