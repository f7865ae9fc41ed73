"""Export: the same core call as ``photovet export`` (``pipeline.export_batch`` with the
records, and the approvals when the school requires them), run in a worker that opens its own
workspace. Photos that may not be exported are listed with the core's reason before anything is
written."""

from __future__ import annotations

import copy
import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from photovet.core.errors import PhotoVetError
from photovet.core.pipeline import export_batch, export_counts, plan_exports, same_photos
from photovet.core.words import already_posted, caption_get_approved_app, tally

from ..context import AppContext
from ..dialogs.export import ExportDialog
from .batch import BatchController


def _copies(analyses: list) -> list:
    """Export decides photos again in place: the worker gets copies, never the window's."""
    return [copy.deepcopy(a) for a in analyses]


def _why(result: Any) -> str:
    """Why a photo was not exported, without its file name (the list shows it first) nor
    'not exported' (the list says so)."""
    name = Path(result.source).name
    why = (result.error or "").replace("not exported: ", "")
    return why[len(name) + 2:] if why.startswith(f"{name}: ") else why


EARLIER_TITLE = "Earlier copies in the folder"


def export_folder_for(qs: Any, channel_id: str) -> str:
    """The folder the export box offers for a channel: where this channel's last export from
    this PC went, else none (the person chooses). Never another channel's (s44 walk: the
    Facebook export offered the school website's folder, so the two channels' copies, which
    may show different people, mixed in one folder, and a website copy could be posted on
    Facebook)."""
    return str(qs.value(f"paths/export/{channel_id}", "") or "")


class ExportController(QObject):
    exported = Signal(str)          # batch name

    def __init__(self, ctx: AppContext, batch: BatchController, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.batch = ctx, batch
        self.window = parent
        self.dialog: ExportDialog | None = None
        self.worker = None
        self.results: list = []
        self._media: dict[str, Any] = {}      # what the running export was given, by path
        self.earlier_worker: Any = None       # the earlier copies looked for, or removed

    def open(self) -> ExportDialog | None:
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        ch = self.ctx.current_channel()
        label = self.batch.label or f"{ch.label} {_dt.date.today():%d-%m-%Y}"
        # a batch already marked as posted: a new name (the same one would export nothing new)
        label = self.ctx.ws.records.label_for_new_export(label)
        folder = export_folder_for(self.ctx.qs, ch.id)
        dlg = ExportDialog(ch.label, label, folder,
                           approval_required=self.ctx.ws.settings.approval.required,
                           media=tally(a for a in self.batch.analyses() if a is not None),
                           parent=self.window)
        dlg.export_requested.connect(self.start)
        dlg.caption_changed.connect(self.check_caption)
        dlg.stop_requested.connect(self.stop)
        dlg.finished.connect(lambda *_: self._closed(dlg))
        self.dialog = dlg
        if self.ctx.ws.settings.approval.required:
            # the caption a senior leader approved with these photos (none when they were
            # approved with different ones): another is refused, none is allowed
            caption, signed = self.ctx.ws.approvals.export_caption(self._shas(), ch.id)
            dlg.approved_caption = caption
            dlg.caption.setText(caption)
            if not caption and len(signed) > 1:
                dlg.show_captions_differ()
        self._plan()
        dlg.setModal(True)
        dlg.show()
        return dlg

    def _closed(self, dlg: ExportDialog) -> None:
        if self.dialog is dlg:
            self.dialog = None
        dlg.deleteLater()

    def _plan(self) -> None:
        """Which photos may be exported now, and why the others are held back (a worker)."""
        analyses = _copies(self.batch.analyses())
        ctx, channel = self.ctx, self.ctx.channel

        def plan():
            with ctx.thread_workspace() as wws:
                engine = wws.engine()
                # whether approval is required as the register says now (read by the worker's
                # own workspace), not as this window last heard
                approvals_on = wws.settings.approval.required
                ch = engine.channel(channel)
                ready, held = plan_exports(analyses, engine, ch,
                                           approvals=wws.approvals if approvals_on else None,
                                           rejections=wws.approvals)
                # those already posted on this channel, and when (the records): said before
                # the export runs (a school posting them again would post them twice)
                shas = {r[0].sha256 for r in ready}
                posts = [(rec.source_sha256, p.posted_on)
                         for rec in wws.records.exports_of(shas, ch.id)
                         for p in rec.posts if p.channel == ch.id]
                up = {sha for sha, _day in posts}
                posted = already_posted(tally(r[0] for r in ready if r[0].sha256 in up),
                                        tally(r[0] for r in ready), ch.label,
                                        [day for _sha, day in posts],
                                        [Path(r[0].path).name for r in ready
                                         if r[0].sha256 in up])
                # the same photo under another name: written once (export_batch), said so
                same = same_photos(ready)
                return (tally(r[0] for r in ready),
                        [(Path(h.analysis.path).name, h.why.replace("not exported: ", ""))
                         for h in held],
                        tally(h.analysis for h in held), posted, same)

        def planned(res: Any) -> None:
            if self.dialog is not None:
                self.dialog.show_plan(*res)

        self.ctx.workers.start(plan, name="export-plan", on_return=planned,
                               on_error=lambda t: self.dialog and self.dialog.show_problem(t))

    def _batch_media(self) -> tuple[int, int]:
        """(photos, videos) of the batch to export."""
        return tally(a for a in self.batch.analyses() if a is not None and a.sha256)

    def _shas(self) -> list[str]:
        return [a.sha256 for a in self.batch.analyses() if a is not None and a.sha256]

    def check_caption(self, caption: str) -> None:
        """The core's check of the caption for this channel and batch (check_caption, as the
        export will check it), shown as it is typed (its timer may fire after the window
        closed with its register: then nothing is read)."""
        if self.dialog is None or self.ctx.register_closed:
            return
        from photovet.core.pipeline import batch_media  # noqa: PLC0415
        from photovet.core.vision.text.captions import caption_refusal  # noqa: PLC0415
        from photovet.core.vision.text.school import school_words  # noqa: PLC0415

        if not caption:
            self.dialog.show_caption_check(caption, True, [], "")
            return
        ws = self.ctx.ws
        try:
            refused = caption_refusal(
                caption, ws.register.people(), self.ctx.current_channel(), _dt.date.today(),
                ws.settings.mode, threshold=ws.settings.text.caption_threshold,
                media=batch_media(self.batch.analyses()), school=school_words(ws.settings))
        except PhotoVetError as exc:
            self.dialog.show_caption_check(caption, False, [("", exc.message)], "")
            return
        if refused is None and ws.settings.approval.required:
            # the approval signed the caption: another is held back (the core's words)
            ch = self.ctx.current_channel()
            why = ws.approvals.caption_refusal(self._shas(), ch.id, caption)
            if why is not None:
                approved, _signed = ws.approvals.export_caption(self._shas(), ch.id)
                self.dialog.show_caption_check(
                    caption, False,
                    [("", f"{why}. {caption_get_approved_app(*self._batch_media())}")],
                    approved)
                return
        if refused is None:
            self.dialog.show_caption_check(caption, True, [], "")
        else:
            self.dialog.show_caption_check(caption, False,
                                           [(f.found, f.reason) for f in refused.findings],
                                           refused.suggestion)

    def start(self, folder: str, label: str, caption: str = "") -> None:
        if self.worker is not None or self.dialog is None:
            return
        self.ctx.qs.setValue(f"paths/export/{self.ctx.current_channel().id}", folder)
        # a name the person gave is kept for the batch's next export; the one PhotoVet made
        # from the channel and the day is not (s42 walk: "Facebook 02-12-2026" came back for
        # the School website export, its files named facebook-...)
        ch = self.ctx.current_channel()
        made = f"{ch.label} {_dt.date.today():%d-%m-%Y}"
        self.batch.set_label("" if label.strip() in (
            made, self.ctx.ws.records.label_for_new_export(made)) else label)
        analyses = _copies(self.batch.analyses())
        ctx, channel = self.ctx, self.ctx.channel
        self.results = []
        self._channel = channel         # the channel exported for (the window may change it)
        self._media = {str(Path(a.path)): a for a in analyses}

        def work(stop):
            with ctx.thread_workspace() as wws:
                engine = wws.engine()
                approvals_on = wws.settings.approval.required    # as the register says now
                yield from export_batch(
                    analyses, Path(folder), label=label, engine=engine, channel=channel,
                    records=wws.records, approvals=wws.approvals if approvals_on else None,
                    stop=stop, caption=caption, rejections=wws.approvals)

        self.dialog.started(len(analyses))
        self.worker = self.ctx.workers.start(
            work, name="export", on_yield=self._progress,
            on_error=lambda t: self.dialog and self.dialog.show_problem(t),
            on_finish=lambda stopped: self._done(folder, label, stopped))

    def _progress(self, items: list) -> None:
        """The export's steps, counted as a person counts them (s40): the files that go out,
        with those held back and those already in this folder said apart ("Exporting: 30 of
        38 (4 held back)", not "30 of 42")."""
        for step in items:
            if step.result is not None:
                self.results.append(step.result)
            if self.dialog is None:
                continue
            if step.result is None:
                self.dialog.step(0, step.total, step.message)
                continue
            done, total, text = export_progress(self.results, step.total)
            self.dialog.step(done, total, text)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def _done(self, folder: str, label: str, stopped: int) -> None:
        self.worker = None
        ok = [r for r in self.results if r.ok]
        bad = [r for r in self.results if not r.ok]
        failed = [(Path(r.source).name, _why(r)) for r in bad]
        # the server went away (or another error ended the batch): the photos after it were
        # never started; said with the core's words, not left out of the count (walk s34)
        reached = {str(Path(r.source)) for r in self.results}
        not_started = tally([a for p, a in self._media.items() if p not in reached])
        offer = self.ctx.ws.settings.retention.delete_originals_when == "exported"
        # written now, or already exported into this folder in this batch (the core counts)
        counts = export_counts(self.results, label=label, records=self.ctx.ws.records)
        if self.dialog is not None:
            self.dialog.finished_with(
                (counts.written[0] + counts.same, counts.written[1]), failed, folder,
                bool(stopped), offer, failed_media=tally(bad), already=counts.already,
                batch=label, already_on=counts.already_on, not_started=not_started,
                without_sound=self._without_sound(ok), same=counts.same)
        if ok:
            self.ctx.records_changed.emit()
            self.exported.emit(label)
        if not stopped:
            self._earlier_copies(folder)

    def _without_sound(self, ok: list) -> list[tuple[str, str]]:
        """(file, why) for each video written now whose original has sound and whose copy
        has none (the export's ``sound``: removed or silenced, as policy decided for the
        channel; why: the decided analysis's reason, the export decides its copy again)."""
        out = []
        for r in ok:
            a = self._media.get(str(Path(r.source)))
            if r.media == "video" and not r.same_as and r.sound in ("mute", "remove") and \
                    getattr(a, "has_audio", False):
                out.append((Path(r.source).name, getattr(a, "sound_reason", "")))
        return out

    def _earlier_copies(self, folder: str) -> None:
        """The copies earlier exports of these photos left in the folder that should not stay
        there (s35: the core's list and words): looked for in a worker (each is read and
        hashed: a folder of 300 large copies is seconds of work), then said, and removed (in
        a worker too: each is hashed again) when the person says so."""
        from photovet.core.records.earlier import earlier_copies  # noqa: PLC0415

        ctx, results, channel = self.ctx, list(self.results), self._channel

        def find():
            with ctx.thread_workspace() as wws:
                return earlier_copies(wws.records, results, folder, channel)

        self.earlier_worker = ctx.workers.start(
            find, name="earlier-copies", on_return=self._ask_earlier,
            on_raise=self._earlier_problem)

    def _earlier_problem(self, exc: BaseException) -> None:
        """A problem looking for or removing the earlier copies: said in its words; a sign-in
        refusal (the session locked, or signed out, while the worker ran) brings up the
        sign-in or lock screen, as the window's own actions' refusals do (``AppContext.fail``)."""
        if not self.ctx.register_closed:
            self.ctx.fail(self.window, EARLIER_TITLE, exc)

    def _ask_earlier(self, copies: list) -> None:
        """The earlier copies found (``_earlier_copies``): said, and removed if the person
        says so."""
        from PySide6.QtWidgets import QMessageBox  # noqa: PLC0415

        from photovet.core.records.earlier import remove_earlier_copies  # noqa: PLC0415
        from photovet.core.words import (  # noqa: PLC0415
            EARLIER_COPIES_REMOVE,
            earlier_copies_said,
        )

        from ..words import EARLIER_COPIES_KEPT  # noqa: PLC0415

        if not copies or self.ctx.register_closed:
            return
        listed = "\n".join(f"\u2022 {Path(c.path).name}: {c.why}" for c in copies[:12])
        more = f"\n\u2026 and {len(copies) - 12} more" if len(copies) > 12 else ""
        box = QMessageBox(QMessageBox.Icon.Warning, EARLIER_TITLE,
                          f"{earlier_copies_said(len(copies))}\n\n{listed}{more}\n\n"
                          f"{EARLIER_COPIES_REMOVE}", parent=self.window)
        remove = box.addButton("Remove them", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep them", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not remove:
            QMessageBox.information(self.window, EARLIER_TITLE, EARLIER_COPIES_KEPT)
            return
        ctx = self.ctx

        def remove_them():
            with ctx.thread_workspace() as wws:
                return remove_earlier_copies(wws.records, copies)

        self.earlier_worker = ctx.workers.start(
            remove_them, name="earlier-copies-remove", on_return=self._removed_earlier,
            on_raise=self._earlier_problem)

    def _removed_earlier(self, done: list) -> None:
        from PySide6.QtWidgets import QMessageBox  # noqa: PLC0415

        if self.ctx.register_closed:
            return
        kept = [c for c in done if not c.removed]
        said = f"{len(done) - len(kept)} earlier cop{'y' if len(done) - len(kept) == 1 else 'ies'} removed."
        if kept:
            said += "\n\nKept:\n" + "\n".join(f"\u2022 {Path(c.path).name}: {c.message}"
                                              for c in kept)
        QMessageBox.information(self.window, EARLIER_TITLE, said)
        self.ctx.records_changed.emit()


def export_progress(results: list, total: int) -> tuple[int, int, str]:
    """(done, of, words) for the export's progress after ``results`` of ``total`` files:
    only the files that go out are counted; a file held back (not approved, unreadable,
    refused at the last check) or already exported into this folder by this batch is said
    apart, as it is not written."""
    held = sum(1 for r in results if r.held)
    already = sum(1 for r in results if not r.held and r.ok and r.same_as)
    going = max(total - held - already, 0)
    done = min(len(results) - held - already, going)
    apart = [f"{held} held back"] if held else []
    if already:
        apart.append(f"{already} already in this folder")
    return done, going, f"Exporting: {done} of {going}" + (
        f" ({', '.join(apart)})" if apart else "")


__all__ = ["ExportController", "export_progress"]
