"""Due for deletion (issue 18, retention): what the school's retention schedule says is due
today, per kind, with the date each became due, what is kept although due and why; and
deleting it, after a confirmation that lists exactly what will be deleted.

The same core calls as ``photovet retention [--apply]`` (``RetentionSchedule.due`` and
``apply_steps``): the core decides what is due and what is held, checks the admin's permission
(``retention.apply``), deletes with purge's safety (trash by default, an audit row before each
file is touched) and audits the run. The deleting runs in a worker with its own connection to
the register, signed in as the same person; the window shows each item as it is done.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import os
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photovet.core.errors import PhotoVetError
from photovet.core.retention import (
    FILE_KINDS,
    KIND_LABELS,
    KINDS,
    DueItem,
    every_clip,
    live_clips_of,
)
from photovet.core.words import LEAVER_ROW_GONE, live_clips_left
from photovet.core.workspace import Workspace

from .. import style
from ..dialogs.common import fit_resize
from ..dialogs.import_wizard import WrappingDelegate
from ..words import day, error_text, plural

Clock = Callable[[], _dt.datetime]
SHOW_ALL = 12                  # the confirmation lists up to this many items in full
STATE_WORDS = {"deleted": "Deleted", "kept": "Kept", "error": "Not deleted", "due": "Due"}


def period_words(settings: Any, kind: str) -> str:
    """'90 days after they were copied or marked ready' (from the school's settings)."""
    r = settings.retention
    days = {"originals": r.originals_days, "export-copies": r.export_copies_days,
            "export-records": r.export_records_days_after_leaving, "cache": r.cache_days,
            "leavers-rows": r.leavers_rows_days_after_leaving,
            "signatures": r.purge_encodings_days_after_leaving}[kind]
    after = {"originals": "after they were copied or marked ready, or after their last export "
                          "once no exported copy is left",
             "export-copies": "after export", "export-records": "after the leaving date",
             "cache": "after it was written", "leavers-rows": "after the leaving date",
             "signatures": "after the leaving date"}[kind]
    text = f"{plural(days, 'day')} {after}" if days else f"on the day ({after.split(',')[0]})"
    if kind == "signatures":    # like a leaver: someone the MIS file no longer lists
        gone = r.purge_encodings_days_after_missing
        text += (f"; {plural(gone, 'day')} after the MIS file stopped listing them" if gone
                 else "; on the day the MIS file stopped listing them")
    return text


def confirmation_text(items: list[DueItem], permanent: bool,
                      describe: Callable[[DueItem], str] | None = None,
                      clips: list[str] | None = None) -> tuple[str, str, str]:
    """(question, what will be deleted in short, every item in full) for the confirmation.
    ``describe``: an item in words (default its ``what``; the window adds the person's name).
    ``clips``: the Live Photo clips that will stay beside the originals deleted
    (``RetentionSchedule.live_clips_beside_due``)."""
    words = describe or (lambda i: i.what)
    todo = [i for i in items if not i.held]
    kept = [i for i in items if i.held]
    lines, full = [], []
    for kind in KINDS:
        group = [i for i in todo if i.kind == kind]
        if not group:
            continue
        lines.append(f"{KIND_LABELS[kind]}: {len(group)}")
        full.append(f"{KIND_LABELS[kind]}:")
        full += [f"  {words(i)} (due {day(i.due_on)})" for i in group]
    files = sum(1 for i in todo if i.path)
    how = ("Files are overwritten and deleted for good: they cannot be got back."
           if permanent else "Files go to the Recycle Bin / Trash (empty it to delete them for "
                             "good).")
    question = (f"Delete {plural(len(todo), 'item')} the retention schedule says is due?")
    # a short list is shown whole; a long one by kind (every item under "Show Details")
    short = "\n".join(x for x in full if not x.startswith("Kept")) if len(todo) <= SHOW_ALL \
        else "\n".join(lines)
    short += (f"\n\n{how}" if files else "") + \
        "\nRecords and register rows are deleted for good. Each deletion is recorded in the " \
        "audit log with your name."
    if any(i.kind == "leavers-rows" for i in todo):
        short += f"\n\n{LEAVER_ROW_GONE}"
    if clips:
        short += f"\n\n{live_clips_left(clips, dry_run=True)}"
    if kept:
        short += f"\n\n{plural(len(kept), 'item')} due but kept (see why in the list)."
        full.append("Kept:")
        full += [f"  {words(i)}: {i.held}" for i in kept]
    return question, short, "\n".join(full)


@contextlib.contextmanager
def signed_in_workspace(ws: Workspace) -> Iterator[Workspace]:
    """A workspace of its own for a worker thread, acting as the person signed in here."""
    w = Workspace.open(ws.home, access=ws.access)
    try:
        yield w
    finally:
        w.close()


class DueForDeletionDialog(QDialog):
    """``applied(list)`` after a run (the items, with what happened to each)."""

    applied = Signal(list)

    def __init__(self, ctx, *, clock: Clock | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.clock = clock
        self.items: list[DueItem] = []
        self.coming: list[DueItem] = []       # face signatures due on a later day (audit s28)
        # Live Photo clips that will stay beside the originals due, by the original's ref
        self.clips_of: dict[str, list[str]] = {}
        self.worker = None
        self.results: list[DueItem] = []
        self.setWindowTitle("Due for deletion")
        self.setObjectName("DueForDeletionDialog")
        fit_resize(self, 900, 560)
        lay = QVBoxLayout(self)
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.intro)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["What", "Due on", "State"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tree.setWordWrap(True)
        self.tree.setAccessibleName("What is due for deletion")
        # each kind's keeping period (its heading's last column) and a state wrap onto more
        # lines: they were cut ("... or marked rea...", "30 days ...")
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        hh = self.tree.header()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setStretchLastSection(False)
        self.tree.setColumnWidth(0, 420)
        hh.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        lay.addWidget(self.tree, 1)
        self.permanent = QCheckBox("Delete files for good (overwrite them) instead of moving them "
                                   "to the Recycle Bin / Trash")
        lay.addWidget(self.permanent)
        self.progress = QProgressBar()
        self.progress.hide()
        lay.addWidget(self.progress)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        row = QHBoxLayout()
        self.refresh_btn = QPushButton("Check again")
        # the last run's "Deleted 14." goes with the list it was about (s41 walk: it stayed
        # under the new list of 13)
        self.refresh_btn.clicked.connect(lambda *_: (self.say(""), self.refresh()))
        self.apply_btn = QPushButton(self.style().standardIcon(
            self.style().StandardPixmap.SP_TrashIcon), "Delete what is due\u2026")
        self.apply_btn.setObjectName("Primary")
        self.apply_btn.clicked.connect(lambda *_: self.apply())
        self.stop_btn = QPushButton("Stop")
        self.stop_btn.setToolTip("Stop after the item in hand (what is done stays done)")
        self.stop_btn.clicked.connect(lambda *_: self.stop())
        self.stop_btn.hide()
        self.close_btn = QPushButton("Close")
        self.close_btn.clicked.connect(self.reject)
        row.addWidget(self.refresh_btn)
        row.addStretch(1)
        row.addWidget(self.stop_btn)
        row.addWidget(self.apply_btn)
        row.addWidget(self.close_btn)
        lay.addLayout(row)
        self.refresh()

    # -- what is due ----------------------------------------------------------------------------

    def schedule(self, ws: Workspace | None = None):
        return (ws or self.ctx.ws).retention(self.clock)

    def refresh(self) -> None:
        sched = self.schedule()
        try:
            self.items = sched.due()
            self.coming = sched.signatures_coming()
            self.clips_of = sched.live_clips_beside_each(self.items)
        except PhotoVetError as exc:
            self.items, self.coming, self.clips_of = [], [], {}
            self.say(error_text(exc, after="What is due could not be worked out"), error=True)
        self.today = sched.today()
        self._fill(self.items)
        self._update()

    @property
    def clips(self) -> list[str]:
        """Every Live Photo clip that will stay beside the originals due, each once."""
        return every_clip(self.clips_of)

    def what(self, i: DueItem) -> str:
        """An item in words, with the person's name where it is about a person (the core's
        words carry ids only: they go into the audit log; the office reads names)."""
        pid = i.data.get("person") if i.data else None
        p = self.ctx.ws.register.find(pid) if pid else None
        if p is None or not i.what.startswith(f"{pid}:"):
            return i.what
        return f"{p.display_name} ({pid}):{i.what[len(pid) + 1:]}"

    @staticmethod
    def coming_words(i: DueItem) -> str:
        if i.data.get("left"):
            return "Not due yet"
        return ("Not due yet: they are no longer in the MIS file. If they have left, record "
                "their leaving date (their page in the register); their face signatures are "
                "then deleted as a leaver's")

    def due_items(self) -> list[DueItem]:
        return [i for i in self.items if not i.held]

    def _fill(self, items: list[DueItem]) -> None:
        self.tree.clear()
        s = self.ctx.ws.settings
        for kind in KINDS:
            group = [i for i in items if i.kind == kind]
            later = [i for i in self.coming if i.kind == kind]
            head = QTreeWidgetItem([f"{KIND_LABELS[kind]} ({len(group)})"
                                    + (f", {len(later)} on a later day" if later else ""), "",
                                    period_words(s, kind)])
            f = head.font(0)
            f.setBold(True)
            head.setFont(0, f)
            head.setData(0, Qt.ItemDataRole.UserRole, kind)
            head.setToolTip(2, period_words(s, kind))
            self.tree.addTopLevelItem(head)
            if not group:
                QTreeWidgetItem(head, ["Nothing due.", "", ""])
            for i in group:
                row = QTreeWidgetItem(head, [self.what(i), day(i.due_on), self._state(i)])
                row.setToolTip(0, i.path or self.what(i))
                row.setToolTip(2, self._state(i))
                row.setData(0, Qt.ItemDataRole.UserRole, i.ref)
                if i.held or i.status == "kept":
                    row.setForeground(2, QBrush(QColor("#6b5800")))
                elif i.status == "error":
                    row.setForeground(2, QBrush(style.COVER))
                elif i.status == "deleted":
                    row.setForeground(2, QBrush(style.SHOW))
                self._clip_rows(row, i)
            for i in later:
                row = QTreeWidgetItem(head, [self.what(i), day(i.due_on), self.coming_words(i)])
                row.setToolTip(0, self.what(i))
                row.setToolTip(2, self.coming_words(i))
                row.setData(0, Qt.ItemDataRole.UserRole, i.ref)
                row.setForeground(2, QBrush(QColor("#6b5800")))
            head.setExpanded(bool(group or later))

    def _clip_rows(self, row: QTreeWidgetItem, i: DueItem) -> None:
        """Under an original, the Live Photo clips it leaves in its folder: they stay (the
        dialog's message says why), before and after it is deleted."""
        if i.status == "deleted":
            clips, state = list(i.data.get("live_clips", ())), "Stays in the folder"
        elif i.status == "due" and not i.held:
            clips, state = self.clips_of.get(i.ref, []), "Will stay in the folder"
        else:
            return
        for clip in clips:
            child = QTreeWidgetItem(row, [f"{os.path.basename(clip)}: its Live Photo clip", "",
                                          f"{state}: PhotoVet never checked it, so it does "
                                          "not delete it"])
            child.setToolTip(0, clip)
            child.setToolTip(2, child.text(2))
            child.setForeground(2, QBrush(QColor("#6b5800")))
        row.setExpanded(bool(clips))

    @staticmethod
    def _state(i: DueItem) -> str:
        if i.status != "due":
            return f"{STATE_WORDS.get(i.status, i.status)}: {i.reason}" if i.reason else \
                STATE_WORDS.get(i.status, i.status)
        return f"Kept: {i.held}" if i.held else "Due: will be deleted"

    def _update(self) -> None:
        running = self.worker is not None
        due, held = len(self.due_items()), len(self.items) - len(self.due_items())
        allowed = self.ctx.ws.allowed("retention.apply")
        text = (f"What the school's retention schedule says is due on <b>{day(self.today)}</b>: "
                f"<b>{plural(due, 'item')}</b> to delete")
        text += f", {held} due but kept (the list says why)." if held else "."
        if not self.items:
            text = f"Nothing is due for deletion on <b>{day(self.today)}</b>."
        text += " The periods are the school's (Settings, School rules, Keeping data)."
        if not allowed:
            text += " Only an admin may delete what is due."
        self.intro.setText(text)
        self.apply_btn.setEnabled(allowed and due > 0 and not running)
        self.refresh_btn.setEnabled(not running)
        # how to delete is the deleter's choice: greyed out with the button for whoever may
        # not delete (s46 walk: the approver could tick "Delete files for good")
        self.permanent.setEnabled(allowed and not running)
        self.close_btn.setEnabled(not running)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(style.PROBLEM_TEXT if error else "")
        self.message.setText(text)

    # -- deleting ---------------------------------------------------------------------------------

    def apply(self, confirm: bool = True) -> bool:
        items = self.due_items()
        if not items or self.worker is not None:
            return False
        permanent = self.permanent.isChecked()
        if confirm:
            question, short, full = confirmation_text(self.items, permanent, self.what,
                                                      self.clips)
            box = QMessageBox(QMessageBox.Icon.Warning, "Delete what is due?", question,
                              parent=self)
            box.setInformativeText(short)
            box.setDetailedText(full)
            ok = box.addButton(f"Delete {plural(len(items), 'item')}",
                               QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is not ok:
                return False
        # the worker gets its own copies: the list on screen is never touched from its thread
        self._run(copy.deepcopy(self.items), permanent)
        return True

    def _run(self, items: list[DueItem], permanent: bool) -> None:
        ws, clock = self.ctx.ws, self.clock
        self.results = []
        self.progress.setRange(0, len(items))
        self.progress.setValue(0)
        self.progress.show()
        self.stop_btn.show()
        self.say("Deleting\u2026 (each item is recorded in the audit log)")

        def run(stop):
            with signed_in_workspace(ws) as w:
                steps = w.retention(clock).apply_steps(items, permanent=permanent)
                try:
                    for item in steps:
                        yield item
                        if stop.is_set():
                            break
                finally:
                    steps.close()

        self.worker = self.ctx.workers.start(run, name="retention", on_yield=self._step,
                                             on_error=self._failed, on_finish=self._finished)
        self._update()

    def _step(self, items: list) -> None:
        self.results.extend(items)
        self.progress.setValue(len(self.results))

    def _failed(self, text: str) -> None:
        self.say(f"Deleting stopped: {text}", error=True)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def _finished(self, stopped: int) -> None:
        self.worker = None
        self.stop_btn.hide()
        self.progress.hide()
        done = {(i.kind, i.ref): i for i in self.results}
        shown = [done.get((i.kind, i.ref), i) for i in self.items]
        self._fill(shown)
        n = {s: sum(1 for i in self.results if i.status == s) for s in ("deleted", "kept", "error")}
        files = any(i.status == "deleted" and i.kind in FILE_KINDS for i in self.results)
        # walk s34: "Deleted 1, kept 0, not deleted 0." read to a DPO as "nothing is kept"
        # ("kept" meant held back): say only what happened, and what "kept" means
        said = [f"Deleted {n['deleted']}"]
        if n["kept"]:
            said.append(f"{n['kept']} kept for now (each row says why)")
        if n["error"]:
            said.append(f"{n['error']} could not be deleted")
        text = (", ".join(said) + "."
                + ("" if self.permanent.isChecked() or not files else
                   " Deleted files are in the Recycle Bin / Trash."))
        if any(i.status == "deleted" and i.kind == "leavers-rows" for i in self.results):
            text += f" {LEAVER_ROW_GONE}"
        clips = live_clips_of(self.results)
        if clips:
            text += f"\n\n{live_clips_left(clips, dry_run=False)}"    # its own paragraph
        if stopped:
            text = "Stopped. " + text
        if not self.message.text().startswith("Deleting stopped"):
            self.say(text, error=bool(n["error"]))
        self.items = shown
        self._update()
        self.apply_btn.setEnabled(False)      # "Check again" first: the list is what was done
        self.applied.emit(list(self.results))

    def reject(self) -> None:
        if self.worker is not None:
            return                            # not while deleting: Stop first
        super().reject()


__all__ = ["DueForDeletionDialog", "confirmation_text", "period_words", "signed_in_workspace"]
