"""The export dialog: where the safe copies go and under what batch name, the caption to post
with them (checked by the core as it is typed, with the caption it suggests), which photos will
be exported and which are held back (and why), the progress, and what was done."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photovet.core.media.export import slugify
from photovet.core.words import media_count, media_noun, verb

from .. import style
from ..words import esc, sentence


class ExportDialog(QDialog):
    export_requested = Signal(str, str, str)    # folder, batch name, caption
    caption_changed = Signal(str)           # the caption as typed (after a short pause)
    plan_requested = Signal()
    stop_requested = Signal()
    mark_posted_requested = Signal(str)     # batch name
    delete_originals_requested = Signal(str)

    def __init__(self, channel_label: str, label: str, folder: str, *, approval_required: bool,
                 media: tuple[int, int] = (0, 0), parent: QWidget | None = None):
        """``media``: (photos, videos) in the batch, for the words at the top (s39: one video
        was 'Your original photos ... Only photos a senior leader approved')."""
        super().__init__(parent)
        self.setWindowTitle(f"Export for {channel_label}")
        self.channel_label = channel_label
        self.setObjectName("ExportDialog")
        self.resize(720, 560)
        self.running = False
        #: (photos, videos) the plan exports (show_plan); the batch's until it is known, for
        #: the words said before it (s40: "photos" for a batch of videos)
        self._ready_media = media
        self._captions_differ = False    # said under the caption (show_captions_differ)
        self._held_names: set[str] = set()   # the files the plan holds back (show_plan)
        self.stack = QStackedWidget()

        # -- page 1: where and what ----------------------------------------------------------
        setup = QWidget()
        sl = QVBoxLayout(setup)
        one = sum(media) == 1
        what = media_noun(*media)
        intro = QLabel(
            f"PhotoVet makes safe copies for <b>{esc(channel_label)}</b>: faces and names "
            "covered as shown in the review, every hidden detail (location, camera, dates) "
            f"removed, resized for {esc(channel_label)}, under neutral file names. Your original "
            f"{what} {'is' if one else 'are'} not changed." + (
                (" It is exported only if a senior leader approved it, exactly as approved."
                 if one else f" Only {what} a senior leader approved, exactly as approved, are "
                 "exported.") if approval_required else ""))
        intro.setObjectName("ExportIntro")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        sl.addWidget(intro)
        if not approval_required:
            warn = QLabel(f"Approval is turned off in the school's settings: "
                          f"{'this' if one else 'these'} {what} {'has' if one else 'have'} not "
                          "been approved by a senior leader.")
            warn.setWordWrap(True)
            warn.setObjectName("Banner")
            warn.setStyleSheet(style.BANNER_WARNING)
            sl.addWidget(warn)
        form = QFormLayout()
        self.folder = QLineEdit(folder)
        self.folder.setAccessibleName("Folder for the safe copies")
        browse = QPushButton("Choose\u2026")
        # Enter in a box is Export's, not the folder chooser's (s41 walk: Enter in "Batch
        # name" opened the chooser, the first button that took Enter)
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        into = QLabel("Save &into:")
        into.setBuddy(self.folder)
        form.addRow(into, row)
        self.label = QLineEdit(label)
        self.label.setAccessibleName("Batch name")
        self.label.setPlaceholderText("For example: Sports day 2026")
        form.addRow("&Batch name:", self.label)
        # the names as the export will write them (walk s32: the example said
        # sports-day-2026-001.jpg under "Facebook 30-11-2026")
        self.names = style.hint("")
        self.label.textChanged.connect(lambda *_: self._names_hint())
        self._names_hint()
        form.addRow("", self.names)
        self.caption = QLineEdit()
        self.caption.setAccessibleName("Caption to post with these photos")
        self.caption.setPlaceholderText("Optional. For example: Well done to Year 4 at sports "
                                        "day!")
        caption_label = QLabel("&Caption to post\nwith these photos:")
        self.caption_label = caption_label
        caption_label.setBuddy(self.caption)
        form.addRow(caption_label, self.caption)
        self.caption_check = style.hint(self._caption_hint())
        self.caption_check.setTextFormat(Qt.TextFormat.RichText)
        self.use_suggestion = QPushButton("Use the suggested caption")
        self.use_suggestion.hide()
        self.use_suggestion.clicked.connect(self._use_suggestion)
        check_row = QHBoxLayout()
        check_row.addWidget(self.caption_check, 1)
        check_row.addWidget(self.use_suggestion, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow("", check_row)
        # the photos were approved with different captions: none goes out with them, said in
        # full where it is read (walk s33: a box's grey example text, cut off at "its own t...")
        self.captions_differ = style.hint("")
        self.captions_differ.setObjectName("CaptionsDiffer")
        self.captions_differ.setWordWrap(True)
        self.captions_differ.hide()
        form.addRow("", self.captions_differ)
        self.suggestion = ""
        #: the caption a senior leader approved with these photos ('' none, or they differ):
        #: said so when it is the one in the box
        self.approved_caption = ""
        self.caption_ok = True
        self.ready = 0
        self._caption_timer = QTimer(self)
        self._caption_timer.setSingleShot(True)
        self._caption_timer.setInterval(250)
        self._caption_timer.timeout.connect(
            lambda: self.caption_changed.emit(self.caption.text().strip()))
        self.caption.textChanged.connect(lambda *_: self._caption_timer.start())
        sl.addLayout(form)
        sl.addSpacing(8)             # the plan is the form's outcome, not one more note under it
        self.plan = QLabel(f"Working out which {self._noun()} can be exported\u2026")
        self.plan.setWordWrap(True)
        self.plan.setTextFormat(Qt.TextFormat.RichText)
        sl.addWidget(self.plan)
        # some of them were already posted on this channel (the records), said before export
        # (under the list of those held back, which follows the line that introduces it)
        self.posted_note = QLabel("")
        self.posted_note.setObjectName("AlreadyPosted")
        self.posted_note.setWordWrap(True)
        self.posted_note.setStyleSheet(style.BANNER_WARNING)
        self.posted_note.hide()
        self.held = QListWidget()
        self.held.setAccessibleName("Photos held back and why")
        self.held.setWordWrap(True)
        self.held.hide()
        sl.addWidget(self.held, 1)
        sl.addWidget(self.posted_note)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setObjectName("Problem")
        sl.addWidget(self.problem)
        sl.addStretch(0)
        self.stack.addWidget(setup)

        # -- page 2: progress ------------------------------------------------------------------
        prog = QWidget()
        pl = QVBoxLayout(prog)
        self.progress_label = QLabel("Exporting\u2026")
        self.progress_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m")
        pl.addWidget(self.progress_label)
        pl.addWidget(self.progress)
        pl.addStretch(1)
        self.stack.addWidget(prog)

        # -- page 3: done ------------------------------------------------------------------------
        # s40: how many went out, where (with a button to open it), and what to do next, each
        # step with its button (it was one line over an empty page, the folder's full path in it)
        done = QWidget()
        dl = QVBoxLayout(done)
        self.result = QLabel("")
        self.result.setObjectName("ExportResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        f = self.result.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.result.setFont(f)
        dl.addWidget(self.result)
        self.open_btn = QPushButton("Open the folder")
        self.open_btn.clicked.connect(lambda *_: QDesktopServices.openUrl(
            QUrl.fromLocalFile(self.folder.text())))
        self.where = QLabel("")
        self.where.setObjectName("ExportedTo")
        self.where.setWordWrap(True)
        self.where.setTextFormat(Qt.TextFormat.RichText)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where_box = QWidget()
        where_box.setObjectName("ExportedToBox")
        where_box.setStyleSheet("#ExportedToBox { " + style.BANNER_INFO + " }")
        wl = QHBoxLayout(where_box)
        wl.addWidget(self.where, 1)
        wl.addWidget(self.open_btn, 0, Qt.AlignmentFlag.AlignVCenter)
        self.where_box = where_box
        self.failures = QListWidget()
        self.failures.setWordWrap(True)
        self.failures.setAccessibleName("Photos not exported and why")
        self.failures.hide()
        dl.addWidget(self.failures, 1)
        dl.addWidget(where_box)        # under the list the first line ends on ("not exported:")
        # the videos whose copy has no sound (policy removed or silenced it): said here, where
        # the person posting reads what went out (the s39 brief: only the findings said it)
        self.sound_note = QLabel("")
        self.sound_note.setObjectName("WithoutSound")
        self.sound_note.setWordWrap(True)
        self.sound_note.setTextFormat(Qt.TextFormat.RichText)
        self.sound_note.hide()
        dl.addWidget(self.sound_note)
        # what to do next, a step a line, each with its button
        nxt = QWidget()
        nxt.setObjectName("NextSteps")
        nl = QVBoxLayout(nxt)
        nl.setContentsMargins(0, 8, 0, 0)
        nl.addWidget(QLabel("<b>What to do next</b>"))
        self.post_step = QLabel("")
        self.post_step.setObjectName("PostStep")
        self.post_step.setWordWrap(True)
        self.post_step.setTextFormat(Qt.TextFormat.RichText)
        nl.addWidget(self.post_step)
        self.posted_btn = QPushButton("Mark as posted\u2026")
        self.posted_btn.clicked.connect(lambda *_: self.mark_posted_requested.emit(
            self.label.text().strip()))
        self.mark_step = QLabel("")
        self.mark_step.setObjectName("MarkStep")
        self.mark_step.setWordWrap(True)
        self.mark_step.setTextFormat(Qt.TextFormat.RichText)
        row2 = QHBoxLayout()
        row2.addWidget(self.mark_step, 1)
        row2.addWidget(self.posted_btn, 0, Qt.AlignmentFlag.AlignTop)
        nl.addLayout(row2)
        self.purge_btn = QPushButton("Delete the originals\u2026")
        self.purge_btn.clicked.connect(lambda *_: self.delete_originals_requested.emit(
            self.label.text().strip()))
        self.purge_btn.hide()
        self.purge_step = QLabel("3. The school's settings delete originals once they are "
                                 "exported: Delete the originals\u2026 first lists what would "
                                 "be deleted and what is kept, and why.")
        self.purge_step.setWordWrap(True)
        row3 = QHBoxLayout()
        row3.addWidget(self.purge_step, 1)
        row3.addWidget(self.purge_btn, 0, Qt.AlignmentFlag.AlignTop)
        self.purge_row = QWidget()
        self.purge_row.setLayout(row3)
        row3.setContentsMargins(0, 0, 0, 0)
        self.purge_row.hide()
        nl.addWidget(self.purge_row)
        self.next_step = nxt
        dl.addWidget(nxt)
        dl.addStretch(1)
        self.stack.addWidget(done)

        # -- buttons -------------------------------------------------------------------------------
        self.export_btn = QPushButton("Export")
        self.export_btn.setObjectName("Primary")
        self.export_btn.setDefault(True)        # Enter exports (when it can)
        self.export_btn.setEnabled(False)
        self.export_btn.clicked.connect(self._export)
        self.stop_btn = QPushButton("Stop")
        self.stop_btn.clicked.connect(self.stop_requested)
        self.close_btn = QPushButton("Close")
        self.close_btn.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.stop_btn, self.export_btn, self.close_btn):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.stack, 1)
        lay.addLayout(buttons)
        self._page(0)

    def _page(self, i: int) -> None:
        self.stack.setCurrentIndex(i)
        self.export_btn.setVisible(i == 0)
        self.stop_btn.setVisible(i == 1)
        self.close_btn.setEnabled(i != 1)

    def _these(self) -> str:
        """'these photos', 'this video', 'these photos and videos': what the plan exports (the
        s38 walk exported one video under 'these photos' and 'school-website-...-001.jpg')."""
        return f"{'this' if sum(self._ready_media) == 1 else 'these'} " \
            f"{media_noun(*self._ready_media)}"

    def _noun(self) -> str:
        """'photos', 'video', 'photos and videos': what the plan exports."""
        return media_noun(*self._ready_media)

    def _caption_hint(self) -> str:
        """What is said under an empty caption box."""
        return ("PhotoVet checks the caption with the channel's rules and records it with the "
                f"{self._noun()}, so a take-down or a subject access request finds everyone it "
                "names.")

    def _names_hint(self) -> None:
        photos, videos = self._ready_media
        ext = ".mp4" if videos and not photos else ".jpg"
        first = f"{slugify(self.label.text().strip() or 'Sports day 2026')}-001{ext}"
        self.names.setText(f"Files are named after the batch ({first}\u2026); the batch name is "
                           f"also how you find {self._these()} later to mark "
                           f"{'it' if sum((photos, videos)) == 1 else 'them'} posted.")

    def _browse(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Choose the folder for the safe copies",
                                             self.folder.text() or str(Path.home()))
        if d:
            self.folder.setText(d)

    def _export(self) -> None:
        if not self.folder.text().strip():
            self.problem.setText("Choose a folder for the safe copies first.")
            return
        if not self.label.text().strip():
            self.problem.setText("Give the batch a name first (for example: Sports day 2026).")
            return
        self.problem.setText("")
        self.export_requested.emit(self.folder.text().strip(), self.label.text().strip(),
                                   self.caption.text().strip())

    def _use_suggestion(self) -> None:
        self.caption.setText(self.suggestion)
        self.caption_changed.emit(self.suggestion)

    def _update_export(self) -> None:
        self.export_btn.setEnabled(self.ready > 0 and self.caption_ok)

    # -- what the controller tells it -------------------------------------------------------

    def show_plan(self, ready: int | tuple[int, int], held: list[tuple[str, str]],
                  held_media: tuple[int, int] | None = None, posted: str = "",
                  same: int = 0) -> None:
        """``ready``: how many may be exported, or (photos, videos); ``held``: (file, why) for
        each held back, ``held_media`` their (photos, videos) (photos when not given);
        ``posted``: how many of them were already posted on this channel, and when (the core's
        words, '' none); ``same``: how many of ``ready`` are a second copy of another (the
        same photo under another name), saved once."""
        ready = ready if isinstance(ready, tuple) else (ready, 0)
        held_media = held_media or (len(held), 0)
        self._ready_media = ready
        self._names_hint()
        self.caption_label.setText(f"&Caption to post\nwith {self._these()}:")
        self.caption.setAccessibleName(f"Caption to post with {self._these()}")
        if not self.caption.text().strip():
            self.caption_check.setText(self._caption_hint())
        if self._captions_differ:
            self.show_captions_differ()
        n = sum(ready)
        if n:
            self.plan.setText(f"<b>{media_count(*ready)} will be exported.</b>" + (
                f" {same_photo_words(same, 'is')}" if same else "") + (
                f" {media_count(*held_media)} {verb(held_media, 'is', 'are')} held back:"
                if held else ""))
        else:
            self.plan.setText("<b>Nothing can be exported yet.</b>" + (
                " Why each one is held back:" if held else " Add photos and check them first."))
        self._held_names = {name for name, _why in held}
        self.held.clear()
        for name, why in held:
            self.held.addItem(f"{name}: {why}")
        self.held.setVisible(bool(held))
        self.posted_note.setText(posted)
        self.posted_note.setVisible(bool(posted))
        self.ready = n
        self._update_export()
        self.export_btn.setText(f"Export {media_count(*ready)}" if n else "Export")

    def show_captions_differ(self) -> None:
        """The photos and videos to export were approved with different captions: none goes
        out with them, and how to post each caption with its own photos or videos (said again
        with what the plan exports, once it is known)."""
        self._captions_differ = True
        noun = self._noun()
        self.caption.setPlaceholderText("None: they were approved with different captions")
        self.captions_differ.setText(
            f"These {noun} were approved with different captions, so they are exported "
            f"with none. To post a caption with the {noun} approved with it, export them as a "
            "batch of their own (File \u203a New batch\u2026, add them, export), or leave the "
            "caption empty.")
        self.captions_differ.show()

    def show_caption_check(self, caption: str, ok: bool, findings: list[tuple[str, str]],
                           suggestion: str) -> None:
        """What the core found in the caption (``findings``: the words and why), or that it
        names nobody who must not be named. A refused caption holds the export back."""
        if caption != self.caption.text().strip():
            return          # typed on since: the next check answers
        self.caption_ok, self.suggestion = ok, suggestion if not ok else ""
        if not caption:
            self.caption_check.setText(self._caption_hint())
            self.caption_check.setStyleSheet("")
        elif ok:
            if caption == self.approved_caption:
                self.caption_check.setText(f"\u2713 This is the caption a senior leader approved "
                                           f"with {self._these()}. It names nobody who must not "
                                           f"be named here, and is recorded with the "
                                           f"{self._noun()}.")
            else:
                self.caption_check.setText("\u2713 The caption names nobody who must not be "
                                           f"named here. It is recorded with the {self._noun()}.")
            self.caption_check.setStyleSheet("")
        else:
            lines = "".join(f"<li>\u201c{esc(found)}\u201d: {esc(why)}</li>" if found else
                            f"<li>{esc(sentence(why))}</li>" for found, why in findings)
            self.caption_check.setText(
                f"<b>This caption cannot be posted here:</b><ul style='margin:0'>{lines}</ul>"
                + (f"Suggested: \u201c{esc(suggestion)}\u201d" if suggestion else
                   "Suggested: no caption"))
            self.caption_check.setStyleSheet(style.PROBLEM_TEXT)
        self.use_suggestion.setVisible(not ok and bool(caption))
        self._update_export()

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def started(self, total: int) -> None:
        self.running = True
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self._page(1)

    def step(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(text)

    def finished_with(self, ok: int | tuple[int, int], failed: list[tuple[str, str]], folder: str,
                      stopped: bool, offer_delete: bool,
                      failed_media: tuple[int, int] | None = None, *,
                      already: tuple[int, int] = (0, 0), batch: str = "",
                      already_on: _dt.date | None = None,
                      not_started: tuple[int, int] = (0, 0),
                      without_sound: list[tuple[str, str]] | None = None,
                      same: int = 0) -> None:
        """``ok``: how many were written, or (photos, videos); ``failed_media`` likewise for
        ``failed`` (photos when not given); ``already``: (photos, videos) this batch had
        already exported into this folder (nothing written for them; the core's
        ``export_counts``), first exported ``already_on``; ``not_started``: (photos, videos)
        the batch never reached because it ended early (the register's server went away);
        ``without_sound``: (file, why) for each video written whose sound was removed or
        silenced (why: the policy's reason, '' unknown); ``same``: how many of ``ok`` were
        the same photo as another of the batch under another name (written once)."""
        self.running = False
        ok = ok if isinstance(ok, tuple) else (ok, 0)
        failed_media = failed_media or (len(failed), 0)
        if not sum(ok) and not failed and not sum(already) and not stopped and \
                self.problem.text():
            # refused before the first photo (the folder, a label naming someone): nothing
            # was written, so the form again with the core's words and what was typed (s51
            # walk: the originals' folder chosen, only Close was left, the batch name and
            # caption to type again)
            self.problem.setText(f"Nothing was exported. {self.problem.text()}")
            self._page(0)
            self.folder.setFocus()
            return
        when = f" on {already_on:%d/%m/%Y}" if already_on else ""
        in_batch = f" in batch \u201c{esc(batch)}\u201d{when}" if batch else when
        if sum(already) and not sum(ok):
            # audit s27, finding 8: this said "Exported 5 photos" when nothing was written
            these = "this" if sum(already) == 1 else f"these {media_count(*already)}"
            was = "was" if sum(already) == 1 else "were"
            head = (f"<b>Nothing new to export:</b> {these} {was} already exported{in_batch}, "
                    f"into {esc(folder)}. Nothing was written again.")
            if not stopped and not failed:
                head += (" To export them again (after a change of consent, say), close this "
                         "and export under a new batch name.")
        else:
            # where they are is said under it, with a button to open the folder (s40)
            head = (f"<b>Exported {media_count(*ok)}</b> for {esc(self.channel_label)}."
                    if sum(ok) else "<b>Nothing was exported.</b>")
            if same:
                head += f" {same_photo_words(same, 'was')}"
            if sum(already):
                was = "was" if sum(already) == 1 else "were"
                head += (f" {media_count(*already)} {was} already exported there{in_batch} "
                         "and not written again.")
        if not sum(ok) and self.problem.text():
            # refused before the first photo (a caption or label naming someone, the folder):
            # the core's words, on the page that is shown
            head += f" {esc(self.problem.text())}"
        elif sum(not_started) and not stopped:
            # it ended part way (the register's server went away after some were exported):
            # said, with the core's words, and the photos it never reached counted (it said
            # "Exported 6 photos. 4 photos not exported" and nothing of the other 40)
            head += (f" <b>The export stopped before the end:</b> "
                     f"{media_count(*not_started)} {'was' if sum(not_started) == 1 else 'were'}"
                     " not started." + (f" {esc(self.problem.text())}"
                                         if self.problem.text() else ""))
        if stopped:
            head += (" The export was stopped: the photos and videos not listed as exported "
                     "were not written.")
        if failed:
            # those the plan held back are no surprise: said as held back (s40 walk: "3 photos
            # and 1 video not exported" for the four listed before the export as held back)
            held = [name for name, _why in failed if name in self._held_names]
            if not held:
                head += f" {media_count(*failed_media)} not exported:"
            elif len(held) == len(failed):
                head += f" {media_count(held)} held back, as said before the export:"
            else:
                head += (f" {media_count(held)} held back, as said before the export, and "
                         f"{media_count([n for n, _w in failed if n not in self._held_names])} "
                         "not exported:")
        self.result.setText(head)
        self.failures.clear()
        for name, why in failed:
            self.failures.addItem(f"{name}: {why}")
        self.failures.setVisible(bool(failed))
        self.sound_note.setText(without_sound_words(without_sound or []))
        self.sound_note.setVisible(bool(without_sound))
        self._steps(ok, folder, already)
        self._page(2)
        self.posted_btn.setEnabled(sum(ok) > 0)
        self.next_step.setVisible(sum(ok) > 0)       # nothing new: nothing new to post
        # nothing new, all already there: the folder, to open, still (no steps: nothing new)
        self.where_box.setVisible(sum(ok) > 0 or sum(already) > 0)
        self.purge_btn.setVisible(offer_delete and sum(ok) > 0)
        self.purge_row.setVisible(offer_delete and sum(ok) > 0)

    def _steps(self, ok: tuple[int, int], folder: str, already: tuple[int, int]) -> None:
        """Where the copies are, and what to do next with them: post them, then mark them
        posted (s40: 'Next: post the copies...' was one line under the folder's full path)."""
        path = Path(folder)
        one = sum(ok) + (0 if sum(ok) else sum(already)) == 1
        them = "it" if one else "them"
        noun = media_noun(*ok)
        self.where.setText(
            f"{'It is' if one else 'They are'} in the folder <b>{esc(path.name or folder)}"
            f"</b><br><span style='color:#333'>{esc(folder)}</span>")
        caption = self.caption.text().strip()
        self.post_step.setText(
            f"1. Post {them} on {esc(self.channel_label)}: upload the {noun} from this folder "
            f"(the safe {'copy' if one else 'copies'}, not your original{'' if one else 's'})"
            + (f", with the caption \u201c{esc(caption)}\u201d." if caption else
               f", with no caption (none was checked for {them})."))
        self.mark_step.setText(
            f"2. Then choose <b>Mark as posted\u2026</b> and say when (with the post\u2019s web "
            "address if you have it), so "
            f"PhotoVet knows {'it' if one else 'they'} went out: a take-down or a subject "
            f"access request can then find {them}.")

    def reject(self) -> None:
        if self.running:
            self.stop_requested.emit()
            return
        super().reject()


def same_photo_words(same: int, tense: str) -> str:
    """The plan's and the done page's words for ``same`` of the photos exported being a second
    copy of another in the batch (the same photo under another name), saved once; ``tense``
    "is" (before the export) or "was" (after)."""
    be, saved = ("is", "is saved") if tense == "is" else ("was", "was saved")
    if same == 1:
        return (f"One of them {be} a second copy of a photo in the batch (the same photo under "
                f"another name): it {saved} once.")
    return (f"{same} of them {'are' if tense == 'is' else 'were'} second copies of photos in "
            "the batch (the same photo under another name): each photo "
            f"{saved} once.")


def without_sound_words(videos: list[tuple[str, str]]) -> str:
    """The done page's note on the videos exported without their sound: (file, why) each,
    ``why`` the policy's reason ('Sound removed on Facebook'). '' for none."""
    def why(text: str) -> str:
        return text[:1].lower() + text[1:] if text else ""

    if not videos:
        return ""
    if len(videos) == 1:
        name, reason = videos[0]
        return (f"<b>{esc(name)} was exported without its sound</b>"
                + (f": {esc(why(reason).rstrip('.'))}." if reason else "."))
    items = "".join(f"<li>{esc(name)}" + (f": {esc(why(reason))}" if reason else "") + "</li>"
                    for name, reason in videos)
    return (f"<b>{len(videos)} videos were exported without their sound:</b>"
            f"<ul style='margin:0'>{items}</ul>")


__all__ = ["ExportDialog", "without_sound_words"]
