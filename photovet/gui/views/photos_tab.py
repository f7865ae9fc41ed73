"""The Photos tab: the batch on the left, the photo in the middle, what was found and its
approval on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .approval_panel import ApprovalPanel
from .batch_view import BatchView
from .findings import FindingsPanel
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
        # what was found asks for little and takes the room left (scrolling below that): the
        # approval panel (the approver's checklist, its message) gets its whole height first
        self.findings_scroll = YieldingScroll(self.findings, 120)
        # ...down to a few lines (s35: at 1366 x 768 its 80 px squeezed the approver's
        # checklist and message under it); it scrolls
        self.findings_scroll.setMinimumHeight(48)
        sl.addWidget(self.findings_scroll, 1)
        # the list of faces and text does not scroll by itself (the panel does, as one): the
        # row chosen (a click on the photo, the arrow keys) is scrolled into view here
        self.findings.tree.currentItemChanged.connect(self._show_row)
        sl.addWidget(self.approval, 0)

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

    def _show_row(self, item, _previous=None) -> None:
        tree = self.findings.tree
        if item is None or not tree.isVisible():
            return
        rect = tree.visualItemRect(item)
        at = tree.viewport().mapTo(self.findings, rect.center())
        self.findings_scroll.ensureVisible(at.x(), at.y(), 0, rect.height() // 2 + 8)

    def _media_changed(self, *_args) -> None:
        current = self.media.currentWidget()
        for i in range(self.media.count()):
            page = self.media.widget(i)
            how = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            if page is not None:
                page.setSizePolicy(how, how)
        self.media.updateGeometry()


__all__ = ["PhotosTab"]
