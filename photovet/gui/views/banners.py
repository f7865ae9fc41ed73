"""Banners across the top of the window and the status bar's progress."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QSizePolicy, QStatusBar

from .. import style
from ..words import esc

STYLES = {"info": style.BANNER_INFO, "warning": style.BANNER_WARNING, "error": style.BANNER_ERROR}


class ElidedLabel(QLabel):
    """One line of plain text that never makes the window wider than the screen: cut with "…"
    when there is no room (the whole of it in the tooltip). ``min_width``: the least it asks
    for; ``mode``: where it is cut (a file name in the middle, so its start and its extension
    stay: s50)."""

    def __init__(self, text: str = "", parent=None, *, min_width: int = 80,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight):
        super().__init__(parent)
        self._full = ""
        self._min_width = min_width
        self._mode = mode
        # its whole width when there is room, down to ``min_width`` when there is not
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text or ""
        self.setToolTip(self._full if self._full else "")
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        return self._full

    def displayed(self) -> str:
        """What it shows now (cut or whole)."""
        return QLabel.text(self)

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self._min_width, super().sizeHint().width()),
                     super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        m = self.contentsMargins()
        return QSize(fm.horizontalAdvance(self._full) + m.left() + m.right() + 4,
                     super().sizeHint().height())

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, self._mode,
                                              max(room, 0)) if room > 0 else self._full
        QLabel.setText(self, shown)


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


class KeyBanner(Banner):
    """Face recognition is off on this PC because it cannot read the register's face
    signatures (it does not hold the register's key): every face is covered. Says so, with the
    fix (an admin types the admin secret). What it says comes from the core's state
    (``ws.key_status()``, the engine's ``recognition_off``)."""

    allow_requested = Signal()

    def __init__(self, ctx, parent=None):
        super().__init__("warning", parent)
        self.setObjectName("KeyBanner")
        self.ctx = ctx
        self.linkActivated.connect(lambda href: href == "allow" and self.allow_requested.emit())

    def problem(self) -> str:
        """The core's reason recognition is off here, or ""."""
        ws = self.ctx.ws
        try:
            if ws.key_status() == "not-allowed":
                return "this PC does not hold the register's key"
        except Exception:
            return "this PC's key store cannot be read"
        return getattr(self.ctx.engine, "recognition_off", "") or ""

    def refresh(self) -> None:
        why = self.problem()
        self.say("" if not why else
                 "<b>Faces are not recognised on this PC, so every face is covered.</b> "
                 f"PhotoVet cannot read the register's face signatures here ({why}). "
                 "Nothing unsafe is published, but pupils with consent are covered too. "
                 "To fix it, an admin types the register's admin secret: "
                 "<a href='allow'>Allow this PC\u2026</a>")


class LogBanner(Banner):
    """PhotoVet could not write its support log (``logs.write_problem()``, kept by the core:
    permission denied, a full or read-only disk). Said once, in plain words, with what to do;
    hidden for good once dismissed. Work is unaffected: the log is only for IT."""

    POLL_MS = 2000

    def __init__(self, parent=None):
        super().__init__("warning", parent)
        self._said = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(self.POLL_MS)
        QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        from photovet.core import logs  # noqa: PLC0415

        problem = logs.write_problem()
        if problem is None or self._said:
            return
        self._said = True
        self._timer.stop()
        path, why = problem
        fix = {"the disk is full": "Free some space on that disk (or ask IT to).",
               "the disk is read-only": "Ask IT to make that folder writable again."}.get(
            why, "Ask IT to let your account write to that folder.")
        self.say(f"PhotoVet cannot write its log file ({esc(str(path))}: {esc(why)}). Your work "
                 f"is still saved; only the notes for IT support are missing. {esc(fix)} "
                 "<a href='hide-log'>Hide</a>")

    def dismiss(self) -> None:
        self._said = True
        self._timer.stop()
        self.say("")


class Status:
    """The status bar: one sentence, a progress bar and a Stop button."""

    def __init__(self, bar: QStatusBar):
        # elided, never wider than the room left: a long sentence ("Checking 11 photos and 1
        # video...") made the window wider than a 1366 px screen
        self.label = ElidedLabel("")
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


__all__ = ["Banner", "ElidedLabel", "KeyBanner", "Status"]
