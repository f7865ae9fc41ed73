"""After export: the exports history, marking photos posted, the take-down list (and its banner),
deleting originals, and subject access reports. Each uses the same core call as its command
(``photovet exports``, ``posted``, ``takedown``, ``purge``, ``sar``). Anything that reads many
records or files runs in a worker with its own workspace.

The take-down banner fails closed (issue 11): it is worked out in a worker, and when that fails
the banner says so in red ("could not check take-downs: ...") until a later check succeeds; it
never simply disappears.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget
from shiboken6 import isValid

from photovet.core.errors import PhotoVetError
from photovet.core.paths import ensure_folder
from photovet.core.records import takedown
from photovet.core.settings import Retention
from photovet.core.transfer import purge_batch
from photovet.core.words import (
    PURGE_KEEP,
    SAR_ASK_WHO,
    SAR_MAKE_FOR_ID,
    SAR_NOTHING_HELD_NEXT,
    media_count,
    person_who,
    purge_confirmation,
    sar_no_one_called,
    sar_nothing_held,
    sar_which_person,
    tally,
)

from ..context import AppContext
from ..dialogs.exports_history import ExportsDialog
from ..dialogs.mark_posted import MarkPostedDialog
from ..dialogs.purge import PurgeDialog
from ..dialogs.takedown import PICTURE_SIZE, MarkDoneDialog, TakedownDialog, done_text
from ..session import permission_refusal
from ..tasks import pil_to_qimage
from ..views.banners import Banner
from ..words import error_text, esc, media_words, plural, sentence


@dataclass
class TakedownSummary:
    open: int
    posted: int
    #: of them, videos (the rest are photos): (open, posted)
    videos: tuple[int, int] = (0, 0)


def takedown_summary(ws) -> TakedownSummary:
    """The take-down list brought up to date, counted (worker thread, its own workspace)."""
    items = ws.takedown()
    posted = [i for i in items if i.status == "posted"]
    return TakedownSummary(len(items), len(posted),
                           (tally(items)[1], tally(posted)[1]))


def banner_text(summary: TakedownSummary | None, error: str = "") -> tuple[str, str]:
    """(html, kind) for the take-down banner."""
    if error:
        return ((f"<b>Could not check take-downs: {esc(error)}</b> Photos already posted may "
                 "show someone whose consent was withdrawn. <a href='takedown-retry'>Try "
                 "again</a>"), "error")
    if summary is None or not summary.open:
        return "", "error"
    posted_videos = summary.videos[1]
    rest, rest_videos = summary.open - summary.posted, summary.videos[0] - posted_videos
    if summary.posted:
        what = (f"{media_count(summary.posted - posted_videos, posted_videos, which='posted')}"
                " must be taken down")
        if rest:
            what += (f" and {media_count(rest - rest_videos, rest_videos, which='exported')} "
                     "must not be posted")
    else:
        what = f"{media_count(rest - rest_videos, rest_videos, which='exported')} must not be posted"
    return ((f"<b>{what}</b>: consent is now missing for someone in "
             f"{'it' if summary.open == 1 else 'them'}. <a href='takedown'>Show the take-down "
             "list</a>"), "error")


#: the places a trip's photos often also go, as the delete-originals offer names them
_OFTEN_ALSO = (("School website", "the school website"), ("Newsletter", "the newsletter"),
               ("Facebook", "Facebook"))


def other_places(posted_on: str, exported_for: Iterable[str] = ()) -> str:
    """Two places the photos may also be going, never the one they were just posted on (s43
    walk: marked posted on the School website, the offer said "... somewhere you have not
    prepared yet (the school website, the newsletter...)") nor one their copies were already
    exported for (s45 walk, PNG 72: posted on Facebook, "the school website" was the example
    though they had just gone there); '' when every example is ruled out."""
    ruled_out = {x.casefold() for x in (posted_on or "", *exported_for)}
    return ", ".join([words for label, words in _OFTEN_ALSO
                      if label.casefold() not in ruled_out][:2])


class AfterPostingController(QObject):
    takedown_checked = Signal()

    def __init__(self, ctx: AppContext, banner: Banner, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.banner = ctx, banner
        self.window = parent
        self.summary: TakedownSummary | None = None
        self.error = ""
        self._checking = None
        self._again = False
        self.takedown_dialog: TakedownDialog | None = None
        self._list_asked = 0                # the take-down list's latest load (older ones dropped)
        self.mark_posted_dialog: MarkPostedDialog | None = None
        ctx.register_changed.connect(self.check_takedowns)
        ctx.records_changed.connect(self.check_takedowns)
        ctx.channels_changed.connect(self.check_takedowns)

    # -- the take-down banner --------------------------------------------------------------------

    def check_takedowns(self) -> None:
        if self._checking is not None:
            self._again = True
            return
        ctx = self.ctx

        def check():
            with ctx.thread_workspace() as wws:
                return takedown_summary(wws)

        self._checking = ctx.workers.start(check, name="takedown", on_return=self._checked,
                                           on_error=self._check_failed,
                                           on_finish=self._check_over)

    def _checked(self, summary: TakedownSummary) -> None:
        self.summary, self.error = summary, ""
        self.banner.say(*banner_text(summary))

    def _check_failed(self, text: str) -> None:
        self.error = text
        self.banner.say(*banner_text(self.summary, text))

    def _check_over(self, *_) -> None:
        self._checking = None
        self.takedown_checked.emit()
        if self._again:
            self._again = False
            self.check_takedowns()

    # -- the take-down list ----------------------------------------------------------------------

    def open_takedown(self) -> TakedownDialog:
        if self.takedown_dialog is not None:
            self.takedown_dialog.raise_()
            return self.takedown_dialog
        dlg = TakedownDialog(self.window)
        dlg.refresh_requested.connect(lambda done: self._load_items(bool(done)))
        dlg.done_requested.connect(self.mark_done)
        dlg.save_page_requested.connect(self.save_page)
        dlg.save_csv_requested.connect(self.save_csv)
        dlg.picture_wanted.connect(lambda item: self._show_picture(dlg, item))
        dlg.finished.connect(lambda *_: self._takedown_closed(dlg))
        self.takedown_dialog = dlg
        dlg.show()
        self._load_items(False)
        return dlg

    def _show_picture(self, dlg: TakedownDialog, item: Any) -> None:
        """The chosen item's picture, as the printed list draws it (``takedown_picture``:
        everyone not listed for it covered), or why there is none: drawn in a worker (a
        video's frame is decoded), shown if that item is still the one chosen."""
        if item is None:
            return

        def draw():
            image, why = takedown.takedown_picture(item, PICTURE_SIZE)
            return (pil_to_qimage(image) if image is not None else None), why

        def drawn(result) -> None:
            if isValid(dlg) and dlg.wanted is item:
                dlg.show_picture(*result)

        self.ctx.workers.start(draw, name="takedown-picture", on_return=drawn,
                               on_error=lambda text: drawn((None, text)))

    def _takedown_closed(self, dlg: TakedownDialog) -> None:
        if self.takedown_dialog is dlg:
            self.takedown_dialog = None
        dlg.deleteLater()

    def _load_items(self, include_done: bool) -> None:
        ctx = self.ctx
        # each load runs in its own worker: only the latest one asked for is shown (a reload
        # after marking items done came back after "Show items already done" had asked for
        # them, and the list showed none: CI, s37)
        self._list_asked += 1
        asked = self._list_asked

        def load():
            with ctx.thread_workspace() as wws:
                return wws.takedown(include_done=include_done)

        def loaded(items) -> None:
            if self.takedown_dialog is not None and asked == self._list_asked:
                self.takedown_dialog.show_items(items)

        def failed(text: str) -> None:
            if self.takedown_dialog is not None and asked == self._list_asked:
                self.takedown_dialog.show_error(text)

        ctx.workers.start(load, name="takedown-list", on_return=loaded, on_error=failed)

    def mark_done(self, ids: list[int]) -> None:
        if not ids:
            return
        listed = {i.id: i for i in self._items_for_file()}
        items = [listed[i] for i in ids if i in listed]
        parent = self.takedown_dialog or self.window
        dlg = MarkDoneDialog(items, parent=parent, check=self.ctx.ws.free_text_refusal)
        if not dlg.exec():
            return
        copies = []
        try:
            done = takedown.mark_done(self.ctx.ws.records, ids, dlg.value())
            if dlg.delete_copies():
                copies = takedown.delete_copies(self.ctx.ws.records, done)
        except PhotoVetError as exc:
            self.ctx.fail(parent, "Not marked", exc)
            return
        kept = [c for c in copies if not c.deleted and "no longer on this PC" not in c.message]
        if kept:
            QMessageBox.warning(parent, "Exported copies kept", "Marked as taken down, but "
                                + ("this exported copy was" if len(kept) == 1 else
                                   f"{len(kept)} exported copies were") + " not deleted:\n\n"
                                + "\n".join(f"{Path(c.path).name}: {c.message}" for c in kept))
        self.ctx.records_changed.emit()
        if self.takedown_dialog is not None:
            # said, not only seen as rows leaving the list (s36 walk: no confirmation)
            self.takedown_dialog.say_done(done_text(
                len(done), sum(1 for c in copies if c.deleted), len(kept)))
            self._load_items(self.takedown_dialog.show_done.isChecked())

    def _items_for_file(self):
        return self.takedown_dialog.items if self.takedown_dialog is not None else []

    def reports_folder(self) -> Path:
        """Where a report or a list is saved first: the folder one was saved in last (this
        PC's window settings), while it is there; else the data folder's reports folder, made
        private (0700: a subject access report names a pupil; walkthrough s33: it started in
        the home folder). Not the user's Documents (tried in the s41 walk): on many school PCs
        Documents is synced to a cloud drive, and a pupil's report must not go there unless a
        person chooses it."""
        last = str(self.ctx.qs.value("paths/reports", "") or "")
        if last and Path(last).is_dir():
            return Path(last)
        try:
            return ensure_folder(Path(self.ctx.ws.home) / "reports")
        except PhotoVetError:
            return Path.home()

    def save_page(self, path: str | None = None) -> None:
        """The printable page (A4, a picture of each photo), written in a worker."""
        parent = self.takedown_dialog or self.window
        if not path:
            start = self.reports_folder() / f"Take-down list {_dt.date.today():%d-%m-%Y}.html"
            path, _ = QFileDialog.getSaveFileName(parent, "Save the take-down list as a page",
                                                  str(start), "Web page (*.html)")
            if not path:
                return
        path = str(path)
        self.ctx.qs.setValue("paths/reports", str(Path(path).parent))
        items = list(self._items_for_file())
        self.ctx.workers.start(lambda: takedown.write_html(items, path), name="takedown-page",
                               on_return=lambda p: self.offer_open(p, "The take-down list", parent),
                               on_error=lambda t: QMessageBox.warning(parent, "Not saved", t))

    def save_csv(self, path: str | None = None) -> None:
        parent = self.takedown_dialog or self.window
        if not path:
            start = self.reports_folder() / f"Take-down list {_dt.date.today():%d-%m-%Y}.csv"
            path, _ = QFileDialog.getSaveFileName(parent, "Save the take-down list as a "
                                                  "spreadsheet", str(start), "CSV (*.csv)")
            if not path:
                return
        self.ctx.qs.setValue("paths/reports", str(Path(path).parent))
        try:
            takedown.write_csv(list(self._items_for_file()), path)
        except (PhotoVetError, OSError) as exc:
            QMessageBox.warning(parent, "Not saved", error_text(exc))
            return
        QMessageBox.information(parent, "Saved", f"The list was saved as {path}.")

    def offer_open(self, path, what: str, parent: QWidget | None = None) -> None:
        """Saved: open it (to read or print), or show where it is."""
        box = QMessageBox(QMessageBox.Icon.Information, "Saved",
                          f"{what} was saved as:\n{path}", parent=parent or self.window)
        box.setInformativeText("Open it to read or print it (File > Print in the browser; it "
                               "fits A4).")
        open_btn = box.addButton("Open it", QMessageBox.ButtonRole.AcceptRole)
        folder_btn = box.addButton("Show the folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_btn:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        elif box.clickedButton() is folder_btn:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))

    # -- exports and posts -------------------------------------------------------------------------

    def open_exports(self, *, person: str | None = None, batch: str | None = None,
                     parent: QWidget | None = None) -> ExportsDialog:
        """The list of exports; ``parent``: the window it is opened from when that is modal (a
        person's page), so that it is not blocked by it."""
        dlg = ExportsDialog(self.ctx, person=person, batch=batch, parent=parent or self.window)
        dlg.mark_posted_requested.connect(lambda b, recs: self.mark_posted(b, recs, parent=dlg))
        dlg.delete_originals_requested.connect(lambda b: self.delete_originals(b, dlg))
        self.ctx.records_changed.connect(dlg.reload)
        dlg.finished.connect(lambda *_: self.ctx.records_changed.disconnect(dlg.reload))
        dlg.show()
        return dlg

    def mark_posted(self, batch: str = "", records: list | None = None, *,
                    parent: QWidget | None = None) -> None:
        """The "Mark as posted" form. It stays open until the core has recorded the posts: a
        refusal (a caption the channel may not use; files not found or exported for another
        channel) is said in it, with what was typed kept (audit s27, finding 9). A post
        PhotoVet would not have allowed is recorded all the same and said afterwards."""
        records = records or []
        parent = parent or self.window
        batches = list(reversed(self.ctx.ws.records.batches()))
        if not batches:
            QMessageBox.information(parent, "Nothing exported yet",
                                    "Export photos first; then mark them as posted.")
            return
        chosen = {r.channel for r in records}
        channel = next(iter(chosen)) if len(chosen) == 1 else self.ctx.channel
        approved: dict[str, list] = {}
        for rec in self.ctx.ws.records.exports():
            approved.setdefault(rec.batch, []).append(rec.approved_caption)
        dlg = MarkPostedDialog(batches, self.ctx.channels(), batch=batch or batches[0],
                               channel=channel, selected=len(records), parent=parent,
                               batch_channels=self.ctx.ws.records.batch_channels(),
                               approved_captions=approved,
                               chosen_approved=[r.approved_caption for r in records])
        dlg.on_submit = lambda: self._submit(dlg, records, parent)
        self.mark_posted_dialog = dlg
        try:
            dlg.exec()
        finally:
            self.mark_posted_dialog = None
            dlg.deleteLater()

    def _submit(self, dlg: MarkPostedDialog, records: list, parent: QWidget) -> None:
        """"Mark as posted" was pressed: ask about another channel, then record in a worker;
        the form closes only once something was recorded."""
        ctx = self.ctx
        v = dlg.values()
        files = [Path(r.output_path) for r in records] if v["selection"] else None
        # a copy exported for another channel: the core refuses it unless the person says
        # it really was posted there ("Go back" returns to the form, what was typed kept)
        elsewhere = self._posted_elsewhere(v, files, dlg)
        if elsewhere is None:
            dlg.channel.setFocus()
            return
        dlg.busy(True)

        def post(already_posted: bool = False):
            from photovet.core.vision.text.captions import CaptionError  # noqa: PLC0415 (only here)

            problems: list = []
            not_allowed: list = []
            from photovet.core.vision.text.school import school_words  # noqa: PLC0415

            with ctx.thread_workspace() as wws:
                # a whole batch is marked or refused as one, in one sentence (a batch exported
                # for another channel); chosen files each say what went wrong; a post PhotoVet
                # would not have allowed (taken down, listed, or showing someone now covered)
                # is recorded all the same, on the take-down list at once, and each is said
                marked: list[int] = []
                try:
                    wws.records.mark_posted(
                        batch=v["batch"], files=files, channel=v["channel"], date=v["date"],
                        url=v["url"], problems=problems if files else None,
                        caption=v["caption"], people=wws.register.people(),
                        mode=wws.settings.mode, threshold=wws.settings.text.caption_threshold,
                        school=school_words(wws.settings),
                        elsewhere=elsewhere, marked=marked, not_allowed=not_allowed,
                        already_posted=already_posted)
                except CaptionError as exc:       # nothing recorded: was it posted so?
                    return None, error_text(exc), exc.suggestion or "", True
                except PhotoVetError as exc:       # nothing recorded: said in the form
                    return None, error_text(exc), getattr(exc, "suggestion", "") or "", False
                # counted as everywhere else: "2 photos and 1 video"
                recs = wws.records.records_by_id(marked)
                # where copies of these photos were exported (any batch): the offer to delete
                # the originals gives no such place as one "not prepared yet" (s45 walk)
                exported = sorted({r.channel for r in wws.records.exports_of(
                    [r.source_sha256 for r in recs])})
                return (recs, problems, not_allowed, exported), "", "", False

        def done(res) -> None:
            result, refusal, suggestion, caption_refused = res
            if not isValid(dlg):
                return
            if caption_refused and self._caption_went_out(refusal, dlg, bool(suggestion)):
                # it went out with this caption: on record as it went out, flagged, and on the
                # take-down list at once (the core decides; said once recorded)
                dlg.busy(True)
                self.ctx.workers.start(lambda: post(True), name="posted", on_return=done,
                                       on_error=failed)
                return
            if result is not None and not result[0] and result[1]:
                # nothing recorded: said in the form, which stays open
                refusal = "Nothing was marked as posted.\n\n" + not_marked_text(result[1])
                result = None
            if result is None:
                dlg.show_refusal(refusal, suggestion)
                return
            dlg.finish()
            self._posted(result, which, parent, self._label(v["channel"]))

        def failed(text: str) -> None:
            if isValid(dlg):
                dlg.show_refusal(f"Nothing was marked as posted. {text}")

        which = v["batch"] or (records[0].batch if records and
                               len({r.batch for r in records}) == 1 else "")
        self.ctx.workers.start(post, name="posted", on_return=done, on_error=failed)

    def _caption_went_out(self, refusal: str, parent: QWidget, suggested: bool = True) -> bool:
        """A caption the core refuses: was the post already made with it? Yes: it is recorded
        as it went out (flagged, on the take-down list at once); No: back to the form, where
        the suggested caption is offered (fix the caption before posting)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Already posted with this caption?",
                          sentence(refusal), parent=parent)
        box.setObjectName("CaptionAlreadyPosted")
        box.setInformativeText(
            "Was it already posted with this caption?\n\n"
            "If it was, record it as it went out: a post that happened is always on record. "
            "PhotoVet puts it on the take-down list at once and tells you to take it down.\n\n"
            "If it was not posted yet, go back and change the caption before posting ("
            + ("the suggested caption is offered; " if suggested else "")
            + "what you typed is kept).")
        yes = box.addButton("Yes, it went out with this caption: record it",
                            QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton("No, not posted yet: change the caption",
                           QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes

    def _label(self, channel: str) -> str:
        return next((c.label for c in self.ctx.channels() if c.id == channel), channel)

    def _posted_elsewhere(self, v: dict, files: list | None, parent: QWidget) -> bool | None:
        """False: every copy was exported for the channel chosen; True: some were not, and the
        person says they really were posted there; None: they go back to the form."""
        ctx = self.ctx
        try:
            wrong = ctx.ws.records.posted_elsewhere(batch=v["batch"], files=files,
                                                    channel=v["channel"])
        except PhotoVetError:
            wrong = []                     # the core says why when it is asked to mark them
        if not wrong:
            return False
        label = next((c.label for c in ctx.channels() if c.id == v["channel"]), v["channel"])
        box = QMessageBox(QMessageBox.Icon.Warning, "Posted on another channel?",
                          f"Not marked yet ({media_words([f for f, _ in wrong])}). "
                          f"{sentence(wrong[0][1])}", parent=parent)
        box.setObjectName("PostedElsewhere")
        box.setInformativeText(
            f"If you chose {label} by mistake, go back and choose where it was exported "
            f"for (what you typed is kept). If it really was posted on {label}, record it: "
            f"PhotoVet checks everyone in it against their consent for {label}, and a photo "
            "showing someone who may not be shown there is put on the take-down list at once: "
            "you are told to take it down.")
        record = box.addButton(f"It was posted on {label}: record it",
                               QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return True if box.clickedButton() is record else None

    def _posted(self, result, batch: str, parent: QWidget, label: str = "") -> None:
        marked, problems, *rest = result
        not_allowed = rest[0] if rest else []
        # the channels copies of these photos were exported for (labels, as the offer says them)
        exported = [self._label(c) for c in rest[1]] if len(rest) > 1 else []
        n = len(marked)
        self.ctx.records_changed.emit()
        text = f"{media_count(marked)} marked as posted."
        if not_allowed:
            text += "\n\n" + not_allowed_text(not_allowed, label)
        if problems:
            text += "\n\n" + not_marked_text(problems)
        if not_allowed:      # what must come down now is the news: a warning, every one listed
            box = QMessageBox(QMessageBox.Icon.Warning, "Posted: take down now", text,
                              parent=parent)
            box.setObjectName("PostedNotAllowed")
            if len(not_allowed) > 8:  # a long list: the first in view, every one in the details
                box.setText(f"{media_count(marked)} marked as posted.\n\n"
                            + not_allowed_text(not_allowed, label, limit=8)
                            + ("\n\n" + not_marked_text(problems) if problems else ""))
                box.setDetailedText("\n".join(f"{why.rstrip('.')}." for _f, why in not_allowed))
            box.exec()
            return
        if batch and self.ctx.ws.settings.retention.delete_originals_when == "posted" and n:
            kinds = ("photos and videos" if any(getattr(m, "media", "photo") == "video"
                                                for m in marked) else "photos")
            box = QMessageBox(QMessageBox.Icon.Question, "Posted", text, parent=parent)
            box.setObjectName("DeleteOriginalsOffer")
            box.setInformativeText(
                f"{originals_rule_text('posted')} See which originals of \u201c{batch}\u201d "
                "can be deleted now? Nothing is deleted until you confirm.\n\n"
                # audit s28: a trip for Facebook AND the website, the website not prepared yet
                # (s65 walk: "these photos" for 8 photos and a video)
                f"{kinds.capitalize()} marked ready or approved for another channel keep their "
                f"originals. If these {kinds} are also going somewhere you have not prepared yet"
                + (f" ({places}\u2026)" if (places := other_places(label, exported)) else "")
                + ", choose Not now: the originals are needed for that.")
            yes = box.addButton("Show me", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is yes:
                self.delete_originals(batch, parent)
            return
        QMessageBox.information(parent, "Posted", text)

    # -- deleting originals -------------------------------------------------------------------------

    def delete_originals(self, batch: str = "", parent: QWidget | None = None
                         ) -> PurgeDialog | None:
        parent = parent or self.window
        batches = list(reversed(self.ctx.ws.records.batches()))
        if not batches:
            QMessageBox.information(parent, "Nothing exported yet",
                                    "Originals are deleted after their safe copies are exported "
                                    "and posted. Nothing has been exported yet.")
            return None
        dlg = PurgeDialog(batches, batch or batches[0],
                          when=self.ctx.ws.settings.retention.delete_originals_when,
                          parent=parent)
        dlg.preview_requested.connect(lambda b: self._purge(dlg, b, dry_run=True))
        dlg.delete_requested.connect(lambda b, perm: self._confirm_purge(dlg, b, bool(perm)))
        dlg.finished.connect(lambda *_: dlg.deleteLater())
        dlg.open()
        self._purge(dlg, dlg.batch.currentText(), dry_run=True)
        return dlg

    def _confirm_purge(self, dlg: PurgeDialog, batch: str, permanent: bool) -> None:
        n = dlg.report.count("would-delete") if dlg.report is not None else 0
        question, more, delete = purge_confirmation(n, batch, permanent)
        box = QMessageBox(QMessageBox.Icon.Warning if permanent else QMessageBox.Icon.Question,
                          "Delete the originals?", question, parent=dlg)
        box.setInformativeText(more)
        yes = box.addButton(delete, QMessageBox.ButtonRole.DestructiveRole)
        yes.setAutoDefault(False)
        keep = box.addButton(PURGE_KEEP, QMessageBox.ButtonRole.RejectRole)
        # Enter keeps them: deleting takes a deliberate click (s41 walk: Enter, Enter deleted)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        if box.clickedButton() is not yes:
            return
        self._purge(dlg, batch, dry_run=False, permanent=permanent)

    def _purge(self, dlg: PurgeDialog, batch: str, *, dry_run: bool,
               permanent: bool = False) -> None:
        ctx = self.ctx

        def run():
            with ctx.thread_workspace() as wws:
                return purge_batch(wws.records, batch, dry_run=dry_run, permanent=permanent,
                                   settings=wws.settings, approvals=wws.approvals)

        def done(report) -> None:
            if not dry_run:
                self.ctx.records_changed.emit()
            if isValid(dlg):               # the person may have closed the list meanwhile
                dlg.show_report(report)

        def failed(text: str) -> None:
            if isValid(dlg):
                dlg.show_error(text)
            else:
                self.ctx.problem.emit(f"Deleting the originals stopped: {text}")

        ctx.workers.start(run, name="purge", on_return=done, on_error=failed)

    # -- subject access ----------------------------------------------------------------------------

    def subject_access_by_id(self, parent: QWidget | None = None) -> None:
        """A subject access request for a register id: also for someone no longer in the
        register (the report then says plainly that nothing is held, or what still is)."""
        parent = parent or self.window
        refusal = permission_refusal(self.ctx, "sar")
        if refusal is not None:
            self.ctx.fail(parent, "Subject access report", refusal)
            return
        text, ok = QInputDialog.getText(parent, "Subject access request", SAR_ASK_WHO)
        person_id = self.sar_person(text.strip(), parent) if ok and text.strip() else None
        if person_id:
            self.subject_access(person_id, parent)

    def sar_person(self, text: str, parent: QWidget) -> str | None:
        """The register id a subject access request typed as ``text`` is for: an id in the
        register; else the one person whose name fits (said, to confirm) or the one chosen of
        several; else, only when the office says it is an id (someone whose records were
        deleted), the text itself. A name is never taken as an id: the report would say
        PhotoVet holds nothing about "the register id Tori Ashby" (walk s33)."""
        register = self.ctx.ws.register
        found = register.find(text)
        if found is not None:
            return found.id
        fits = register.search(text)
        if len(fits) == 1:
            yes = QMessageBox.question(
                parent, "Subject access request",
                f"Make the subject access report for {person_who(fits[0])}?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes)
            return fits[0].id if yes == QMessageBox.StandardButton.Yes else None
        if fits:
            names = [person_who(p) for p in fits]
            chosen, ok = QInputDialog.getItem(parent, "Subject access request",
                                              sar_which_person(text, len(fits)), names, 0, False)
            return fits[names.index(chosen)].id if ok and chosen in names else None
        box = QMessageBox(QMessageBox.Icon.Warning, "Subject access request",
                          sar_no_one_called(text), parent=parent)
        make = box.addButton(SAR_MAKE_FOR_ID, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return text if box.clickedButton() is make else None

    def subject_access(self, person_id: str, parent: QWidget | None = None) -> None:
        parent = parent or self.window
        refusal = permission_refusal(self.ctx, "sar")
        if refusal is not None:
            self.ctx.fail(parent, "Subject access report", refusal)
            return
        start = self.reports_folder() / \
            f"Subject access report {person_id} {_dt.date.today():%d-%m-%Y}.html"
        path, _ = QFileDialog.getSaveFileName(parent, "Save the subject access report",
                                              str(start), "Web page (*.html)")
        if not path:
            return
        self.write_subject_access(person_id, path, parent)

    def write_subject_access(self, person_id: str, path: str,
                             parent: QWidget | None = None) -> None:
        self.ctx.qs.setValue("paths/reports", str(Path(path).parent))
        ctx = self.ctx

        def run():
            with ctx.thread_workspace() as wws:
                # the save dialog has already asked before replacing a file of that name
                out = wws.subject_access_report(person_id, path, overwrite=True)
                return out, wws.sar_nothing_held(person_id)

        def written(result) -> None:
            out, nothing = result
            if nothing:     # said plainly, the same for an id never there and one deleted
                QMessageBox.information(parent or self.window, "Subject access report",
                                        f"{sar_nothing_held(person_id)}\n\n"
                                        f"{SAR_NOTHING_HELD_NEXT}")
            self.offer_open(out, "The subject access report", parent)

        ctx.workers.start(run, name="sar", on_return=written,
                          on_error=lambda t: QMessageBox.warning(parent or self.window,
                                                                 "Report not made", t))


def not_marked_text(problems: list) -> str:
    """What was not marked as posted, every one said: files the core could not match or that
    were exported for another channel (one reason said once)."""
    reasons = {why for _f, why in problems}
    if len(problems) > 1 and len(reasons) == 1:     # one reason, said once
        return f"{plural(len(problems), 'file')} not marked: {next(iter(reasons))}."
    if problems:
        return (f"{plural(len(problems), 'file')} not marked: "
                + "; ".join(f"{Path(f).name}: {why}" for f, why in problems[:5]))
    return ""


def not_allowed_text(not_allowed: list, label: str = "", *, limit: int | None = None) -> str:
    """Posts recorded though PhotoVet would not have allowed them (taken down, on the take-down
    list, or showing someone now covered there; each with who and why, in the core's words):
    on record all the same, on the take-down list now, and what to do."""
    one = len(not_allowed) == 1
    where = f" from {label}" if label else ""
    return (f"{media_words([f for f, _ in not_allowed])} PhotoVet would not have allowed "
            f"{'is' if one else 'are'} recorded as posted all the same (a post that happened "
            "is always on record) and on the take-down list now:\n"
            # each starts with its file's name, as it is spelled (never capitalised)
            + "\n".join(f"\u2022 {why.rstrip('.')}." for _f, why in not_allowed[:limit])
            + (f"\n\u2026 and {len(not_allowed) - limit} more (Show Details)"
               if limit is not None and len(not_allowed) > limit else "")
            + f"\n\nTake {'it' if one else 'them'} down{where} now, then mark "
              f"{'it' if one else 'them'} done on the take-down list. A photo still wanted is "
              "exported again: checked and approved afresh.")


def originals_rule_text(when: str) -> str:
    """When originals are deleted, said as what it is: PhotoVet's default (nobody chose it) or
    a choice made in the school's settings."""
    what = "once their safe copies are posted" if when == "posted" else \
        "once their safe copies are exported"
    if when == Retention().delete_originals_when:
        return (f"By default PhotoVet deletes the originals {what} (change this in Settings, "
                "School rules, Keeping data).")
    return f"The school's settings say originals are deleted {what}."


__all__ = ["AfterPostingController", "TakedownSummary", "banner_text", "not_allowed_text",
           "not_marked_text",
           "originals_rule_text", "takedown_summary"]
