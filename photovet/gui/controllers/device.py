"""Photos from a camera card or a phone: copied into a folder on this PC (every copy read back
and compared), opened as the batch, and then, when the person agrees, cleared from the device
(each photo only after its copy was verified again; to the system's Trash, which says where that
is, or for good when the person asks). The same core call as ``photovet import-device``."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from photovet.core.transfer import (
    FLASH_NOTE,
    TRASH_DEVICE,
    TRASH_WORDS,
    import_from_device,
    trash_place,
)
from photovet.core.words import app_hint, others_left_on_device

from ..context import AppContext
from ..session import permission_tip
from ..views.banners import Banner, Status
from ..words import esc, media_count, plural, sentence
from .batch import BatchController


class DeviceController(QObject):
    copying = Signal()          # a copy from a device started (the window shows the photos)

    def __init__(self, ctx: AppContext, batch: BatchController, status: Status, banner: Banner,
                 parent: QWidget):
        super().__init__(parent)
        self.ctx, self.batch, self.status, self.banner = ctx, batch, status, banner
        self.window = parent
        self.source: Path | None = None
        self.dest: Path | None = None
        self.results: list = []
        self._nothing = ""              # the core found no photo on the device: its words
        self._others: tuple[str, ...] = ()   # the files on it not photos or videos (core)
        self.worker = None

    def choose_device(self) -> None:
        start = str(self.ctx.qs.value("paths/last_device", str(Path.home())))
        src = QFileDialog.getExistingDirectory(self.window, "Choose the camera card or phone "
                                               "folder", start)
        if src:
            self.ctx.qs.setValue("paths/last_device", src)
            self.start(Path(src))

    def default_destination(self) -> Path:
        return self.ctx.ws.home / "batches" / _dt.datetime.now().strftime(
            "From the device %d-%m-%Y %H.%M.%S")

    def start(self, source: Path, dest: Path | None = None) -> None:
        """Copy (never clear yet) the device's photos into ``dest``."""
        if self.worker is not None:
            return
        self.source, self.dest = Path(source), Path(dest or self.default_destination())
        self.copying.emit()
        self._run(clear=False, permanent=False)

    def _run(self, *, clear: bool, permanent: bool) -> None:
        src, dest, ctx = self.source, self.dest, self.ctx
        self.results = []

        def work(stop):
            with ctx.thread_workspace() as wws:
                yield from import_from_device(src, dest, clear=clear, permanent=permanent,
                                              audit=wws.audit, stop=stop)

        verb = "Clearing" if clear else "Copying from"
        self.status.progress_to(0, 0, f"{verb} the device\u2026", stop=lambda: self.worker.stop())
        self.worker = ctx.workers.start(
            work, name="device", on_yield=lambda items: self._progress(items, verb),
            on_error=lambda t: self.banner.say(
                f"{'Clearing' if clear else 'Copying from'} the device stopped: "
                f"{esc(sentence(t))} Nothing that was not copied and checked was deleted.",
                "error"),
            on_finish=lambda stopped: self._done(clear, permanent, stopped))

    def _progress(self, items: list, verb: str) -> None:
        for step in items:
            if step.result is not None:
                self.results.append(step.result)
            elif not step.total and step.message:
                self._nothing = step.message       # the core found nothing to copy
            elif step.done == 0:
                self._others = step.others         # not photos or videos: left on it
            self.status.progress_to(step.done, step.total,
                                    f"{verb} the device: {step.done} of {step.total}")

    def _done(self, clear: bool, permanent: bool, stopped: int) -> None:
        self.worker = None
        failed = [r for r in self.results if not r.ok]
        ok = [r for r in self.results if r.ok]
        nothing, self._nothing = self._nothing, ""
        if nothing and not self.results:
            self.status.done("")
            self.banner.say(esc(sentence(nothing)), "info")
            return
        if not clear:
            # "copied", not "copied and checked": the photos' own check (faces, names) has only
            # begun, "Checking..." on every tile (s43 walk for the question, s45 for these)
            self.status.done(f"Copied {media_count(ok)} into {self.dest}; each copy was read "
                             "back.")
            if self.dest is not None and self.dest.exists():
                # quiet: this flow says what happened itself ("Copied 3 photos...", the
                # device cleared); the batch's "Added 3 photos", arriving after the device was
                # cleared on a busy PC, wrote over "The device was cleared" (seen on CI)
                self.batch.add_paths([str(self.dest)], quiet=True)
            if failed:
                self.banner.say(f"{plural(len(failed), 'file')} could not be copied from the "
                                f"device and {'was' if len(failed) == 1 else 'were'} left on it. "
                                f"First: {esc(failed[0].error)}", "error")
            if ok and not failed and not stopped:
                if not self.ctx.session.allowed("device.clear"):
                    one = len(ok) == 1
                    self.banner.say(
                        f"{'The' if one else 'All'} {media_count(ok)} "
                        f"{'was' if one else 'were'} copied to this PC, and each copy was read "
                        "back: it is the same as the one on the device. "
                        f"{'It stays' if one else 'They stay'} on the device too. "
                        f"{esc(permission_tip('device.clear'))}", "info")
                else:
                    how = self.ask_clear(ok)
                    if how is not None:
                        self._run(clear=True, permanent=how)
            return
        gone = [r for r in ok if r.deleted]
        cleared = media_count(gone)
        # what happened to the device's photos stays said: the batch's summary, which follows
        # the review, wrote over it at the next re-read (seen in a test, 1 run in 8)
        self.batch.stop_summary()
        self.status.done(f"{cleared} {'deleted for good' if permanent else 'cleared'}.")
        if permanent:
            where = f"{cleared} deleted for good."
        else:
            # where the system's Trash keeps them, said (never "the device's trash" when it
            # is this PC's): the core says which (transfer.trash_place)
            places = {}
            for r in gone:
                places.setdefault(r.trashed_to or TRASH_DEVICE, []).append(r)
            where = " ".join(
                f"{media_count(some)} moved to {TRASH_WORDS[place][0]}: "
                f"{TRASH_WORDS[place][1]}." for place, some in places.items())
        if failed:
            no_trash = [r for r in failed if "trash" in (r.error or "")]
            self.banner.say(f"{media_count(failed)} {'was' if len(failed) == 1 else 'were'}"
                            f" left on the device. First: "
                            f"{esc(app_hint(failed[0].error))}", "error")
            if no_trash and not permanent and self.ask_permanent(no_trash):
                self._run(clear=True, permanent=True)
        else:
            # what is not a photo or video stays, said (s62: "The device was cleared." with
            # a sidecar .XMP still on it)
            left = others_left_on_device(self._others)
            self.banner.say(f"The device was cleared{' of its photos and videos' if left else ''}"
                            f". {esc(where)} The copies are in {esc(self.dest)}."
                            + (f" {esc(left)}" if left else ""), "info")

    def ask_clear(self, copied: list) -> bool | None:
        """Clear the device? None (no), False (to the system's Trash, which says where that
        is), True (for good, as the purge of originals offers)."""
        n = len(copied)
        place = trash_place(self.source) if self.source is not None else TRASH_DEVICE
        box = QMessageBox(
            QMessageBox.Icon.Question, "Clear the device?",
            f"{'The' if n == 1 else 'All'} {media_count(copied)} {'was' if n == 1 else 'were'} "
            # s43 walk: "each copy was checked" read as the photos' check (faces, names),
            # which had only begun: "Checking..." on every tile beside the question
            f"copied into {self.dest}, and each copy was read back: it is the same as the "
            "photo on the device.\n\nSchool policy: cameras and phones are cleared once the copies are safe. "
            "Remove them from the device now? Each one is compared with its copy again first."
            "\n\n"
            f"\u2022 Move to the Trash: they go to {TRASH_WORDS[place][0]} ("
            f"{TRASH_WORDS[place][1]}).\n"
            "\u2022 Delete for good: they are deleted now and cannot be got back (their "
            "copies stay on this PC).",
            parent=self.window)
        trash = box.addButton("Yes, move to the Trash", QMessageBox.ButtonRole.YesRole)
        good = box.addButton("Yes, delete for good", QMessageBox.ButtonRole.DestructiveRole)
        good.setToolTip(FLASH_NOTE)
        no = box.addButton(QMessageBox.StandardButton.No)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.exec()
        clicked = box.clickedButton()
        return False if clicked is trash else True if clicked is good else None

    def ask_permanent(self, kept: list) -> bool:
        return QMessageBox.question(
            self.window, "Delete for good?",
            f"The device has no trash PhotoVet can use, so {media_count(kept)} stayed on it. "
            "Delete them from the device for good? (Their copies stay on this PC.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes


__all__ = ["DeviceController"]
