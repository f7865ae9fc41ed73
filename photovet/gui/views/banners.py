"""Banners across the top of the window and the status bar's progress."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from .. import style

STYLES = {"info": style.BANNER_INFO, "warning": style.BANNER_WARNING, "error": style.BANNER_ERROR}


class Banner(QLabel):
    """A line of rich text with links; hidden when empty."""

    def __init__(self, kind: str = "info", parent=None):
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.kind = kind
        self.setStyleSheet(STYLES[kind])
        self.hide()

    def say(self, html: str, kind: str | None = None) -> None:
        if kind and kind != self.kind:
            self.kind = kind
            self.setStyleSheet(STYLES[kind])
        self.setText(html)
        self.setVisible(bool(html))


class Status:
    """The status bar: one sentence, a progress bar and a Stop button."""

    def __init__(self, bar: QStatusBar):
        self.label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.stop_button = QPushButton(style.icon("cancel"), "Stop")
        self.stop_button.hide()
        bar.addWidget(self.label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.stop_button)
        self._stop = None

    def say(self, text: str) -> None:
        self.label.setText(text)

    def progress_to(self, done: int, total: int, text: str = "", stop=None) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        self.progress.setFormat("%v of %m" if total else "")
        self.progress.show()
        if text:
            self.label.setText(text)
        if stop is not None and stop is not self._stop:
            if self._stop is not None:
                self.stop_button.clicked.disconnect()
            self._stop = stop
            self.stop_button.clicked.connect(stop)
        self.stop_button.setVisible(self._stop is not None)

    def done(self, text: str = "") -> None:
        self.progress.hide()
        self.stop_button.hide()
        if self._stop is not None:
            self.stop_button.clicked.disconnect()
            self._stop = None
        self.label.setText(text)


__all__ = ["Banner", "Status"]
