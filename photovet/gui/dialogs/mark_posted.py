"""Mark exported photos as posted: a whole batch or the chosen exports, on which channel, on
which day (DD/MM/YYYY), and the post's address if it has one. The same core call as
``photovet posted``.

"Posted on" starts at the channel the batch was exported for (and follows the batch chosen),
not the toolbar's. With ``on_submit``, pressing "Mark as posted" asks the controller and the
form stays open until it says the posts were recorded: a refusal (a caption the channel may
not use, files not found or exported for another channel) is shown in the form, with what was
typed kept and, for a caption, the suggested one offered (audit s27, finding 9), once the
office said it was not already posted with that caption (if it was, it is recorded as it went
out). A post PhotoVet would not have allowed is recorded all the same (s29) and said once
recorded."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import Channel
from photovet.core.words import (
    POSTED_CAPTION_EMPTY,
    POSTED_CAPTION_HINT,
    posted_caption_approved,
)

from .. import style
from ..words import plural
from .common import DateField, ok_cancel


class MarkPostedDialog(QDialog):
    def __init__(self, batches: list[str], channels: list[Channel], *, batch: str = "",
                 channel: str = "", selected: int = 0, parent: QWidget | None = None,
                 batch_channels: Mapping[str, str] | None = None,
                 on_submit: Callable[[], None] | None = None,
                 approved_captions: Mapping[str, Sequence[str | None]] | None = None,
                 chosen_approved: Sequence[str | None] = ()):
        super().__init__(parent)
        self.batch_channels = dict(batch_channels or {})
        #: each batch's approvals' captions, and the chosen exports': what the caption box
        #: says is allowed ("" none; None: no caption signed with the approval)
        self.approved_captions = {k: list(v) for k, v in (approved_captions or {}).items()}
        self.chosen_approved = list(chosen_approved)
        self.on_submit = on_submit
        self.suggestion = ""
        self.setWindowTitle("Mark as posted")
        self.setObjectName("MarkPostedDialog")
        lay = QVBoxLayout(self)
        # (s65 walk: "these photos" for a batch of 8 photos and a video)
        intro = QLabel("Tell PhotoVet where and when these photos and videos were posted. A "
                       "take-down list and a subject access report then show the post.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.by_batch = QRadioButton("Every photo and video of the batch")
        self.by_selection = QRadioButton(f"The {plural(selected, 'export')} chosen in the list")
        self.batch = QComboBox()
        self.batch.setAccessibleName("Batch")
        self.batch.addItems(batches)
        if batch in batches:
            self.batch.setCurrentText(batch)
        form.addRow(self.by_batch)
        form.addRow("&Batch:", self.batch)
        if selected:
            form.addRow(self.by_selection)
            self.by_selection.setChecked(True)
        else:
            self.by_selection.hide()
            self.by_batch.setChecked(True)
            # nothing else to choose: a lone radio button read as a question (walk s32)
            self.by_batch.hide()
        self.channel = QComboBox()
        self.channel.setAccessibleName("Channel")
        for c in channels:
            self.channel.addItem(c.label, c.id)
        # the channel the batch (or the chosen exports) was exported for, else the one given
        if not selected and self.batch_channels.get(self.batch.currentText()):
            channel = self.batch_channels[self.batch.currentText()]
        i = self.channel.findData(channel)
        self.channel.setCurrentIndex(max(0, i))
        form.addRow("Posted &on:", self.channel)
        self.date = DateField(_dt.date.today(), latest=_dt.date.today(), name="Date posted")
        form.addRow("&Date:", self.date)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://\u2026 (optional)")
        self.url.setAccessibleName("Address of the post")
        form.addRow("&Address of the post:", self.url)
        self.caption = QLineEdit()
        self.caption.setAccessibleName("Caption the post went out with")
        form.addRow("&Caption posted:", self.caption)
        # one story (s37 walk: "Optional: if not the export's caption" in the box, "A post
        # with another caption is not allowed" under it): photos approved with a caption say
        # only that (``_say_approved``); the rest say when to type one
        self.caption_hint = style.hint(POSTED_CAPTION_HINT)
        self.caption_hint.setObjectName("PostedCaptionHint")
        self.caption_hint.setWordWrap(True)
        form.addRow("", self.caption_hint)
        self.form = form
        # the caption a senior leader approved with them, said before one is typed (walk s33)
        self.approved_note = style.hint("")
        self.approved_note.setObjectName("ApprovedCaptionNote")
        self.approved_note.setWordWrap(True)
        # under the box it is about (taller than its words, it was drawn with a gap above)
        self.approved_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.approved_note.hide()
        form.addRow("", self.approved_note)
        lay.addLayout(form)
        # why the last press was refused, in the core's words (hidden until then)
        self.refusal = QLabel()
        self.refusal.setObjectName("PostRefusal")
        self.refusal.setWordWrap(True)
        self.refusal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.refusal.setStyleSheet(style.PROBLEM_TEXT)
        self.refusal.hide()
        self.use_suggestion = QPushButton("Use the suggested caption")
        self.use_suggestion.hide()
        self.use_suggestion.clicked.connect(self._use_suggestion)
        # a whole batch refused lists every photo: it scrolls rather than outgrow the screen
        self.refusal_area = QScrollArea()
        self.refusal_area.setWidget(self.refusal)
        self.refusal_area.setWidgetResizable(True)
        self.refusal_area.setFrameShape(QFrame.Shape.NoFrame)
        self.refusal_area.setMaximumHeight(self.fontMetrics().lineSpacing() * 16)
        self.refusal_area.hide()
        # the refusal the form's whole width, the suggestion under it (walk5: beside it, the
        # words wrapped to a narrow column that outgrew the export window at 1366 x 768)
        lay.addWidget(self.refusal_area)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.use_suggestion)
        lay.addLayout(row)
        self.buttons = ok_cancel(self, "Mark as posted")
        lay.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 52)
        self.batch.currentIndexChanged.connect(lambda *_: self.by_batch.setChecked(True))
        self.batch.currentTextChanged.connect(self._batch_chosen)
        self.batch.currentTextChanged.connect(lambda *_: self._say_approved())
        self.by_batch.toggled.connect(lambda *_: self._say_approved())
        self._say_approved()
        if not batches:
            self.by_batch.setEnabled(False)
            self.batch.setEnabled(False)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _say_approved(self) -> None:
        """Under the caption box: the caption the photos chosen were approved with (the
        core's words), so the one typed is known to be allowed or not before it is sent."""
        approved = self.chosen_approved if self.by_selection.isChecked() else \
            self.approved_captions.get(self.batch.currentText(), [])
        text = posted_caption_approved(approved)
        self.approved_note.setText(text)
        self.form.setRowVisible(self.approved_note, bool(text))
        self.form.setRowVisible(self.caption_hint, not text)     # no gap where it was
        self.caption.setPlaceholderText("" if text else POSTED_CAPTION_EMPTY)

    def _batch_chosen(self, batch: str) -> None:
        """Another batch: "Posted on" follows the channel it was exported for."""
        i = self.channel.findData(self.batch_channels.get(batch, ""))
        if i >= 0:
            self.channel.setCurrentIndex(i)

    def accept(self) -> None:
        """"Mark as posted": with ``on_submit``, the controller records it and closes the form
        (``finish``) or shows why not (``show_refusal``); the form stays open meanwhile. A
        date that is not a date keeps the form open, saying why."""
        if not self.date.check():
            return
        if self.on_submit is None:
            super().accept()
            return
        self.on_submit()

    def finish(self) -> None:
        """The posts were recorded (or the person chose to stop): close the form."""
        super().accept()

    def busy(self, on: bool) -> None:
        """While the core records the posts: the buttons wait, and the form says so."""
        self.buttons.setEnabled(not on)
        self.ok_button.setText("Recording…" if on else "Mark as posted")

    def show_refusal(self, text: str, suggestion: str = "") -> None:
        """Why nothing was marked, in the form, with what was typed kept; for a caption, the
        caption the channel allows is offered."""
        self.busy(False)
        self.refusal.setText(text)
        self.refusal.show()
        self.refusal_area.show()
        self.refusal_area.verticalScrollBar().setValue(0)
        self.suggestion = suggestion
        self.use_suggestion.setVisible(bool(suggestion))
        self._fit()
        (self.caption if suggestion else self.ok_button).setFocus()

    def _fit(self) -> None:
        """Grow to show the refusal whole (up to its 16 lines, then it scrolls) and the form
        above it unsqueezed: a dialog already shown does not grow by itself, and the refusal
        sat in a four-line box with a scroll bar, the hint above it drawn over."""
        lay = self.layout()
        lay.activate()
        width = self.refusal_area.viewport().width()
        cap = self.fontMetrics().lineSpacing() * 16
        self.refusal_area.setMinimumHeight(min(self.refusal.heightForWidth(width), cap))
        lay.activate()
        need = max(lay.totalMinimumSize().height(), self.sizeHint().height())
        bounds = self._bounds()
        if bounds is not None:
            need = min(need, bounds.height() - 20)
        if need > self.height():
            self.resize(self.width(), need)
        if bounds is not None and self.isVisible():
            # kept inside the window it was opened from (walk5: it ran off the bottom of
            # the export window, over its buttons)
            g = self.frameGeometry()
            x = min(max(g.left(), bounds.left()), max(bounds.left(), bounds.right() - g.width()))
            y = min(max(g.top(), bounds.top()), max(bounds.top(), bounds.bottom() - g.height()))
            if (x, y) != (g.left(), g.top()):
                self.move(x, y)

    def _bounds(self):
        """Where the form may be: the window it was opened from, within the screen (the
        screen alone without one)."""
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else None
        parent = self.parentWidget()
        if parent is not None:
            top = parent.window().frameGeometry()
            area = top if area is None else area.intersected(top)
        return area if area is not None and not area.isEmpty() else None

    def _use_suggestion(self) -> None:
        if self.suggestion:
            self.caption.setText(self.suggestion)
            self.refusal.hide()
            self.refusal_area.hide()
            self.refusal_area.setMinimumHeight(0)
            self.use_suggestion.hide()
            self.caption.setFocus()

    def day(self) -> _dt.date:
        value = self.date.value()
        assert value is not None        # a posting date is needed (accept checked it)
        return value

    def values(self) -> dict:
        return {"batch": self.batch.currentText() if self.by_batch.isChecked() else None,
                "selection": self.by_selection.isChecked(),
                "channel": self.channel.currentData(), "date": self.day(),
                "url": self.url.text().strip() or None,
                "caption": self.caption.text().strip() or None}


__all__ = ["MarkPostedDialog"]
