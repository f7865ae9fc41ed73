"""The Photos tab: the batch on the left, the photo in the middle, what was found and its
approval on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..words import plural
from .approval_panel import ApprovalPanel
from .batch_view import BatchView
from .findings import FindingsPanel, KindRole
from .photo_flags import FitScroll, PhotoFlagsPanel, YieldingScroll
from .photo_view import PhotoView
from .video_player import VideoPlayer


class PhotosTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.batch = BatchView()
        self.photo = PhotoView()
        # one page per kind of media: a video view joins the photo view here later
        self.media = QStackedWidget()
        self.media.addWidget(self.photo)
        self.video = VideoPlayer()          # issue 17: controllers/video.py feeds it
        self.media.addWidget(self.video)
        # only the page on screen sets how narrow the middle may be: the video player's
        # buttons made a photo's page (and the window) too wide for a 1024 px laptop
        self.media.currentChanged.connect(self._media_changed)
        self._media_changed()
        self.findings = FindingsPanel()
        self.approval = ApprovalPanel()
        # issue 18: the school's rules on the whole photo, at the top of what was found
        self.flags = PhotoFlagsPanel()
        found = self.findings.layout()
        assert isinstance(found, QBoxLayout)
        found.insertWidget(2, FitScroll(self.flags, 150))

        # what was found scrolls; the approval buttons below it are always in view
        side = QWidget()
        side.setMinimumWidth(300)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.setSpacing(2)           # (every pixel of the column: s37, 1366 x 768)
        # what was found asks for little and takes the room left (scrolling below that): the
        # approval panel (the approver's checklist, its message) gets its whole height first
        self.findings_scroll = YieldingScroll(self.findings, 120)
        # ...down to a few lines (s35: at 1366 x 768 its 80 px squeezed the approver's
        # checklist and message under it); it scrolls
        self.findings_scroll.setMinimumHeight(48)
        # s37 walk: in the approver's view, at 1366 x 768 under three banners, what was found
        # was squeezed to 48 px (a cut line of a camera's name) and the checklist under it cut
        # off. For an approver it is one line, what PhotoVet found in short, with its details
        # on demand; the approval panel (the photo's state, the checklist, Approve and Reject)
        # gets the column
        self.found_line = QWidget()
        self.found_line.setObjectName("FoundLine")
        fl = QVBoxLayout(self.found_line)
        fl.setContentsMargins(4, 2, 4, 0)
        fl.setSpacing(0)
        self.found_heading = QLabel("What PhotoVet found")
        self.found_heading.setObjectName("SectionTitle")
        self.found_summary = QLabel("")
        self.found_summary.setObjectName("FoundSummary")
        self.found_summary.setWordWrap(True)
        self.found_toggle = QPushButton("")
        self.found_toggle.setObjectName("FoundDetails")
        self.found_toggle.setFlat(True)
        self.found_toggle.setStyleSheet("text-align: left; color: #0b57a4; padding: 0;")
        self.found_toggle.hide()            # until a photo is shown (``showing``)
        self.found_toggle.clicked.connect(lambda *_: self.show_found_details(
            not self.found_details))
        top = QHBoxLayout()           # the heading and its details on one line
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.found_heading)
        top.addStretch(1)
        top.addWidget(self.found_toggle)
        fl.addLayout(top)
        fl.addWidget(self.found_summary)
        self.findings.summary_said.connect(self._say_found)
        self._say_found(self.findings.summary.text())
        self.approver = False
        self.found_details = False
        self._found_for: object = None      # the photo (its path) the choice was made on
        sl.addWidget(self.found_line, 0)
        sl.addWidget(self.findings_scroll, 1)
        # the list of faces and text does not scroll by itself (the panel does, as one): the
        # row chosen (a click on the photo, the arrow keys) is scrolled into view here
        self.findings.tree.currentItemChanged.connect(self._show_row)
        self.findings.why_chosen.connect(self._show_why)
        sl.addWidget(self.approval, 0)
        sl.addStretch(0)            # the room left, below the approval, for an approver
        self._side = sl
        self._lay_out_side()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("PhotosSplitter")
        self.splitter.addWidget(self.batch)
        self.splitter.addWidget(self.media)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([340, 640, 380])
        self.splitter.setChildrenCollapsible(False)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

    def set_approver(self, on: bool) -> None:
        """The approver's view (on) or the preparer's: for an approver what PhotoVet found
        is one line with its details on demand (``show_found_details``)."""
        self.approver = bool(on)
        self._lay_out_side()

    def show_found_details(self, on: bool) -> None:
        """The approver's "Show all…" (every face, name and detail PhotoVet found), or "Show
        it in one line" again."""
        self.found_details = bool(on)
        self._lay_out_side()

    def showing(self, key: object) -> None:
        """A photo (``key``: its path; None for none) is shown: another photo than the one
        "Show all…" was chosen on opens in one line again. The one line is the approver's
        view so that the checklist and Approve fit a school laptop's screen; details opened
        for one photo and left open squeezed the next photo's checklist out of sight (s38).
        The same photo shown again (a check or a review arriving) keeps what was chosen; with
        no photo there is nothing to show all of, and no "Show all…"."""
        # no photo: nothing to show all of (s38 walk: "Show all…" opened an empty list)
        self.found_toggle.setVisible(key is not None)
        if key == self._found_for:
            return
        self._found_for = key
        # another photo's findings start at their top (s43 walk: scrolled down on one photo,
        # the next opened scrolled as far, its first line, the summary, half cut off)
        self.findings_scroll.verticalScrollBar().setValue(0)
        if self.found_details:
            self.show_found_details(False)

    def _say_found(self, summary: str) -> None:
        """The approver's line: the panel's summary, and how many of the photo's warnings are
        still open (their words are in the details: a blocking one refuses the approval)."""
        a = self.findings.analysis
        n = sum(1 for f in getattr(a, "flags", ()) if f.open) if a is not None else 0
        self.found_summary.setText(summary + (
            f" {plural(n, 'warning')} about the photo still open (Show all\u2026)." if n else ""))

    def _lay_out_side(self) -> None:
        short = self.approver and not self.found_details
        self.found_line.setVisible(self.approver)
        # the heading and the summary are the panel's own when it is shown whole
        self.found_heading.setVisible(short)
        self.found_summary.setVisible(short)
        self.found_toggle.setText("Show all\u2026" if short else "Show it in one line")
        self.findings_scroll.setVisible(not short)
        # what was found takes the room left; shown in short, the space under the approval
        self._side.setStretch(self._side.indexOf(self.findings_scroll), 0 if short else 1)
        self._side.setStretch(self._side.count() - 1, 1 if short else 0)

    def _show_why(self, what) -> None:
        """A face or a text chosen on the photo: its question card (``what`` a widget) or its
        row in the list is brought into view, now and once more when the layouts waiting to
        run have run (as ``_show_row``). s56 walk: a face clicked on the photo, its row, the
        why, stayed out of sight below."""
        if not isinstance(what, QWidget):
            self._show_row(what)
            return
        self.findings_scroll.ensureWidgetVisible(what, 0, 8)
        def again() -> None:
            if isValid(what) and what.isVisible():
                self.findings_scroll.ensureWidgetVisible(what, 0, 8)

        QTimer.singleShot(0, again)

    def _show_row(self, item, _previous=None, again: bool = True) -> None:
        """The row chosen in the list of faces and text is scrolled into view in the panel;
        once more when the layouts waiting to run have run (a card or a row above it may
        still change height: a full test run saw the row left 80 px below the panel's edge)."""
        tree = self.findings.tree
        if item is None or not tree.isVisible() or tree.currentItem() is not item:
            return
        if again and _previous is None and not item.data(0, KindRole):
            # Qt's own choice of the first row (a heading) as the list takes the keyboard,
            # the window coming to the front or a Tab: not scrolled to. The panel jumped to
            # its top under a click lower down (s56 walk: on the arrow of "Other text")
            return
        rect = tree.visualItemRect(item)
        at = tree.viewport().mapTo(self.findings, rect.center())
        self.findings_scroll.ensureVisible(at.x(), at.y(), 0, rect.height() // 2 + 8)
        if again:
            QTimer.singleShot(0, lambda: self._show_row(item, again=False))

    def _media_changed(self, *_args) -> None:
        current = self.media.currentWidget()
        for i in range(self.media.count()):
            page = self.media.widget(i)
            how = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            if page is not None:
                page.setSizePolicy(how, how)
        self.media.updateGeometry()


__all__ = ["PhotosTab"]
